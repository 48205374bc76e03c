"""The storage adapter's SqlKeyStore against the KeyStore contract (tests/unit/crypto/keystore_contract.py)."""

from __future__ import annotations

import pytest

from muster.storage.db import make_engine
from muster.storage.keystore import SqlKeyStore
from tests.unit.crypto.keystore_contract import KeyStoreContract

@pytest.fixture(scope="module")
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine):
    return SqlKeyStore(engine)


class TestSqlKeyStore(KeyStoreContract):
    pass
