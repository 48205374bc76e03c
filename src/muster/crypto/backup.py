"""Encrypted backup files: a database snapshot sealed with a key derived from the KEK.

File format v1:

    "MUSTERBK" | 0x01 | KEK id (8) | kind length (1) | kind (ASCII) | secretstream header (24)
    then chunks, each: length (4, big-endian) | XChaCha20-Poly1305 secretstream ciphertext
    (1 MiB of plaintext + 17 bytes); the last chunk carries TAG_FINAL

    backup key = HMAC-SHA256(KEK, "muster/backup/v1" 0x00 kind)
    associated data of every chunk = the file header above, so the kind and KEK id cannot be changed

`kind` says what the snapshot is ("database", "keystore") so a restore cannot put a key-store backup in
place of the database. libsodium's secretstream numbers the chunks internally: a chunk dropped,
repeated, reordered or altered fails to open, and a file cut short lacks the final tag.

Protects against: reading a backup (or the personal data in it, sealed already, and the metadata
around it: ids, stages, dates, the audit log, reviewer accounts) without the KEK; undetected edits
or truncation of a backup file.
Does not protect against: anyone holding the KEK (keep the key file out of the backups it opens);
a key-store backup kept beyond its short retention: with the KEK it still opens the data keys of
applicants erased since (docs/crypto.md, section 5); the size of the database, which shows.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from nacl import bindings as b
from nacl.exceptions import CryptoError as NaclCryptoError

from muster.crypto.errors import CryptoError, KekUnknown
from muster.crypto.keyfile import KEK_ID_BYTES, Kek

MAGIC = b"MUSTERBK"
VERSION = 1
CHUNK_BYTES = 1 << 20
_KIND_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz-")


class BackupBroken(CryptoError):
    """A backup file is not one of ours, was altered or cut short, or is of another kind."""


def _backup_key(kek: Kek, kind: str) -> bytes:
    return hmac.new(kek.key, b"muster/backup/v1\x00" + kind.encode("ascii"), hashlib.sha256).digest()


def _check_kind(kind: str) -> bytes:
    if not kind or len(kind) > 32 or not set(kind) <= _KIND_CHARS:
        raise ValueError("a backup kind is a short lower-case word")
    return kind.encode("ascii")


def encrypt_file(kek: Kek, kind: str, source: Path, target: Path) -> int:
    """Encrypt the file `source` into `target` (written anew); returns the plaintext size."""
    raw_kind = _check_kind(kind)
    state = b.crypto_secretstream_xchacha20poly1305_state()
    stream_header = b.crypto_secretstream_xchacha20poly1305_init_push(state, _backup_key(kek, kind))
    header = MAGIC + bytes([VERSION]) + kek.id_bytes + bytes([len(raw_kind)]) + raw_kind + stream_header
    size = 0
    with source.open("rb") as src, target.open("wb") as out:
        out.write(header)
        chunk = src.read(CHUNK_BYTES)
        while True:
            following = src.read(CHUNK_BYTES)
            tag = b.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE if following else b.crypto_secretstream_xchacha20poly1305_TAG_FINAL
            sealed = b.crypto_secretstream_xchacha20poly1305_push(state, chunk, header, tag)
            out.write(len(sealed).to_bytes(4, "big") + sealed)
            size += len(chunk)
            if not following:
                return size
            chunk = following


def _read_exact(stream: BinaryIO, n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise BackupBroken("the backup file is cut short")
    return data


def read_kind(source: Path) -> str:
    """The kind recorded in a backup file's header, without decrypting anything."""
    with source.open("rb") as src:
        return _read_header(src)[2]


def _read_header(src: BinaryIO) -> tuple[bytes, str, str, bytes]:
    start = src.read(len(MAGIC) + 1 + KEK_ID_BYTES + 1)
    if len(start) < len(MAGIC) + 2 + KEK_ID_BYTES or not start.startswith(MAGIC) or start[len(MAGIC)] != VERSION:
        raise BackupBroken("not a Muster backup file (version 1)")
    kek_id = start[len(MAGIC) + 1 : len(MAGIC) + 1 + KEK_ID_BYTES].hex()
    raw_kind = _read_exact(src, start[-1])
    stream_header = _read_exact(src, b.crypto_secretstream_xchacha20poly1305_HEADERBYTES)
    try:
        kind = raw_kind.decode("ascii")
    except UnicodeDecodeError as error:
        raise BackupBroken("bad kind in the backup header") from error
    return start + raw_kind + stream_header, kek_id, kind, stream_header


def decrypt_file(keks: Iterable[Kek], source: Path, target: Path, *, kind: str) -> int:
    """Decrypt a backup of `kind` into `target`; BackupBroken if altered, cut short or of another kind,
    KekUnknown if none of `keks` made it. Returns the plaintext size."""
    with source.open("rb") as src:
        header, kek_id, found_kind, stream_header = _read_header(src)
        if found_kind != kind:
            raise BackupBroken(f"this is a {found_kind} backup, not a {kind} backup")
        kek = next((k for k in keks if k.id == kek_id), None)
        if kek is None:
            raise KekUnknown(kek_id)
        state = b.crypto_secretstream_xchacha20poly1305_state()
        try:
            b.crypto_secretstream_xchacha20poly1305_init_pull(state, stream_header, _backup_key(kek, kind))
        except NaclCryptoError as error:  # pragma: no cover - libsodium accepts any header bytes
            raise BackupBroken("bad stream header") from error
        size = 0
        with target.open("wb") as out:
            while True:
                length = src.read(4)
                if len(length) != 4:
                    raise BackupBroken("the backup file is cut short")
                sealed = _read_exact(src, int.from_bytes(length, "big"))
                try:
                    chunk, tag = b.crypto_secretstream_xchacha20poly1305_pull(state, sealed, header)
                except NaclCryptoError as error:
                    raise BackupBroken("the backup file was altered, or made with another key") from error
                out.write(chunk)
                size += len(chunk)
                if tag == b.crypto_secretstream_xchacha20poly1305_TAG_FINAL:
                    if src.read(1):
                        raise BackupBroken("data after the end of the backup")
                    return size
