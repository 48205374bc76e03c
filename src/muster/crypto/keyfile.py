"""Key-encryption keys (KEKs): generate them, and load them from a key file, a secret or a passphrase.

The KEK is the root of the key hierarchy (docs/crypto.md): it wraps every data key, the blind-index
root key and the audit signing seed in the KeyStore, and is itself never stored in the database.
Three sources, chosen in Settings and read by bootstrap (this module reads no environment itself):

- key file: JSON holding one or more KEKs, the first current, the rest retired but still able to
  unwrap during a rotation. Written atomically with mode 0600; a file readable by group or others
  is refused. `init_key_file` creates it on first start, so `make run` needs no extra step.
- secret: base64 of 32 random bytes, e.g. from an environment variable or a secrets manager.
- passphrase: stretched with Argon2id (RFC 9106 second recommended parameters by default) and
  a random salt; the salt and cost parameters are not secret and live in `PassphraseParams.encode()`.

Each KEK has a 64-bit id, HMAC-SHA256(KEK, "muster/kek-id/v1") truncated: wrapped keys carry it so a
ring with several KEKs knows which one to use, and a wrong passphrase shows as `KekUnknown` rather
than as tampering. The id reveals nothing about the key; it lets an attacker test a guessed
passphrase, which trying to unwrap any wrapped key lets them do as well (one Argon2id per guess).

Protects against: a copy of the database or of the key store alone revealing any data key.
Does not protect against: theft of the key file, the secret or the passphrase together with the
key store; an attacker on the running server (the KEK is in its memory); a weak passphrase.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw

from muster.crypto.aead import KEY_BYTES
from muster.crypto.errors import KeyFileInvalid

KEY_FILE_FORMAT = "muster-kek-file"
KEY_FILE_VERSION = 1
KEK_ID_BYTES = 8


@dataclass(frozen=True)
class Kek:
    """One key-encryption key; `repr` never shows the key."""

    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES:
            raise KeyFileInvalid("a key-encryption key must be 32 bytes")

    @property
    def id(self) -> str:
        """64-bit fingerprint as 16 hex digits; safe to log."""
        return self.id_bytes.hex()

    @property
    def id_bytes(self) -> bytes:
        return hmac.new(self.key, b"muster/kek-id/v1", hashlib.sha256).digest()[:KEK_ID_BYTES]

    def export_secret(self) -> str:
        """The KEK as a base64 secret, for an environment variable or a secrets manager."""
        return base64.b64encode(self.key).decode("ascii")


def generate_kek() -> Kek:
    """A new random KEK from the OS CSPRNG."""
    return Kek(secrets.token_bytes(KEY_BYTES))


def kek_from_secret(secret: str) -> Kek:
    """Parse a base64 (standard or URL-safe) secret of exactly 32 bytes."""
    text = secret.strip()
    try:
        key = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyFileInvalid("the KEK secret is not valid base64") from exc
    if len(key) != KEY_BYTES:
        raise KeyFileInvalid("the KEK secret must decode to 32 bytes")
    return Kek(key)


# --- passphrase -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PassphraseParams:
    """Argon2id salt and costs. Not secret: store `encode()` beside the key store.

    Defaults are RFC 9106's second recommended option (t=3, 64 MiB, p=4): about 0.1-0.3 s on a
    small server, paid once per process start. Tests pass tiny costs to stay fast.
    """

    salt: bytes
    time_cost: int = 3
    memory_cost_kib: int = 64 * 1024
    parallelism: int = 4

    def __post_init__(self) -> None:
        if len(self.salt) < 16:
            raise KeyFileInvalid("the Argon2id salt must be at least 16 bytes")
        if self.time_cost < 1 or self.parallelism < 1 or self.memory_cost_kib < 8 * self.parallelism:
            raise KeyFileInvalid("Argon2id costs out of range")

    def encode(self) -> str:
        """PHC-like string: argon2id$v=19$m=65536,t=3,p=4$<base64 salt>."""
        salt = base64.b64encode(self.salt).decode("ascii")
        return f"argon2id$v=19$m={self.memory_cost_kib},t={self.time_cost},p={self.parallelism}${salt}"

    @classmethod
    def decode(cls, text: str) -> PassphraseParams:
        try:
            name, version, costs, salt = text.strip().split("$")
            values = dict(part.split("=", 1) for part in costs.split(","))
            if name != "argon2id" or version != "v=19" or set(values) != {"m", "t", "p"}:
                raise ValueError(text)
            return cls(
                salt=base64.b64decode(salt, validate=True),
                time_cost=int(values["t"]),
                memory_cost_kib=int(values["m"]),
                parallelism=int(values["p"]),
            )
        except (ValueError, binascii.Error) as exc:
            raise KeyFileInvalid("malformed Argon2id parameters") from exc


def new_passphrase_params() -> PassphraseParams:
    """Fresh parameters with a random 16-byte salt and the default costs."""
    return PassphraseParams(salt=secrets.token_bytes(16))


def kek_from_passphrase(passphrase: str, params: PassphraseParams) -> Kek:
    """Stretch a passphrase into a KEK with Argon2id. The same passphrase and params give the same KEK."""
    if not passphrase:
        raise KeyFileInvalid("the passphrase is empty")
    key = hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=params.salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )
    return Kek(key)


# --- key file ---------------------------------------------------------------------------------------


def read_key_file(path: Path) -> tuple[Kek, ...]:
    """Load the KEKs from a key file: current first, then retired ones still needed to unwrap.

    Refuses a file that group or others may read or write, a malformed file, and an id that does
    not match its key (a damaged copy).
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as exc:
        raise KeyFileInvalid(f"key file {path} does not exist") from exc
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileInvalid(f"key file {path} is accessible to group or others; chmod 600 it")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != KEY_FILE_FORMAT or document.get("version") != KEY_FILE_VERSION:
            raise ValueError("format")
        keks = []
        for item in document["keks"]:
            kek = kek_from_secret(item["key"])
            if not hmac.compare_digest(kek.id, item["id"]):
                raise ValueError("id")
            keks.append(kek)
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyFileInvalid(f"key file {path} is malformed") from exc
    if not keks:
        raise KeyFileInvalid(f"key file {path} holds no key")
    return tuple(keks)


def write_key_file(path: Path, keks: tuple[Kek, ...] | list[Kek]) -> None:
    """Write KEKs (current first) atomically with mode 0600: a crash leaves the old file or the new one."""
    if not keks:
        raise ValueError("a key file needs at least one KEK")
    document = {
        "format": KEY_FILE_FORMAT,
        "version": KEY_FILE_VERSION,
        "note": "Muster key-encryption keys. The first is current. Keep a copy offline; losing it loses all data.",
        "keks": [{"id": kek.id, "key": kek.export_secret()} for kek in keks],
    }
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp_name = tempfile.mkstemp(prefix=".muster-kek-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def init_key_file(path: Path) -> tuple[Kek, bool]:
    """Return the current KEK from `path`, creating the file with a new KEK if it does not exist.

    The boolean says whether the file was created. Idempotent: the `muster keys init` step that
    bootstrap runs on every start.
    """
    if path.exists():
        return read_key_file(path)[0], False
    kek = generate_kek()
    write_key_file(path, [kek])
    return kek, True
