"""Muster's cryptography: the only package that imports PyNaCl, `cryptography` or argon2-cffi.

What lives here, and the key hierarchy it implements (see docs/crypto.md for the full picture):

    key-encryption key (KEK)        key file, environment secret, or Argon2id(passphrase)
    └── wraps, in the KeyStore:
        ├── data key per applicant  seals that applicant's fields          (sealing.py)
        ├── blind-index root key    keyed look-ups and blocking keys       (blind_index.py, receipts.py)
        └── audit signing seed      Ed25519 signatures on audit checkpoints (signing.py)

Modules:
    aead.py         XChaCha20-Poly1305 with random nonces: the one place a nonce is drawn
    keyfile.py      load, generate and write KEKs; Argon2id passphrase stretching
    keyring.py      KeyStore protocol, MemoryKeyStore, KeyRing (wrap/unwrap, system keys, re-wrap)
    sealing.py      seal/unseal one field value, bound to table.column.row id
    blind_index.py  truncated HMAC-SHA256 of normalised values for equality look-ups
    receipts.py     receipt codes (six EFF words, 77 bits) and their lookup ids
    shredding.py    destroy an applicant's data key (crypto-shredding)
    signing.py      Ed25519 signing and verification of audit checkpoints
    errors.py       CryptoError and its subclasses

Nothing here reads the environment, the clock or the disk at import time; key material is passed in.
"""
