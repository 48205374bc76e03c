import pytest

from muster.crypto.blind_index import (
    CONTACT_EMAIL,
    CONTACT_PHONE,
    RECEIPT,
    BlindIndex,
    IndexSpec,
    blocking,
    normalise_text,
)

ROOT = bytes(range(32))


@pytest.fixture
def index():
    return BlindIndex(ROOT)


class TestNormalisation:
    def test_text_ignores_case_width_and_extra_spaces(self):
        assert normalise_text("  Olha\u3000 KOVALENKO ") == normalise_text("olha kovalenko") == "olha kovalenko"

    def test_emails_and_phones_compare_as_typed_variants(self, index):
        assert index.compute(CONTACT_EMAIL, " O.Kovalenko@Example.ORG ") == index.compute(
            CONTACT_EMAIL, "o.kovalenko@example.org"
        )
        assert index.compute(CONTACT_PHONE, "+380 (44) 123-45-67") == index.compute(CONTACT_PHONE, "+380441234567")
        assert index.compute(CONTACT_PHONE, "+380441234567") != index.compute(CONTACT_PHONE, "380441234567")


class TestBlindIndex:
    def test_lengths_follow_the_leakage_analysis(self, index):
        assert len(index.compute(CONTACT_EMAIL, "a@b.c")) == 3
        assert len(index.compute(blocking("surname_phonetic"), "KVLNK")) == 3
        assert len(index.compute(RECEIPT, "abacus")) == 16

    def test_the_same_value_indexed_for_two_purposes_is_unlinkable(self, index):
        assert index.compute(blocking("a"), "kvlnk") != index.compute(blocking("b"), "kvlnk")

    def test_another_key_gives_another_index(self, index):
        other = BlindIndex(bytes(32))
        assert index.compute(RECEIPT, "x") != other.compute(RECEIPT, "x")

    def test_the_index_is_stable_for_storage(self, index):
        # Changing the derivation would orphan every stored index: this pins it.
        assert index.compute(CONTACT_EMAIL, "o@example.org").hex() == KNOWN_EMAIL_INDEX

    def test_matches_compares_a_value_with_a_stored_index(self, index):
        stored = index.compute(CONTACT_EMAIL, "o@example.org")
        assert index.matches(CONTACT_EMAIL, "O@example.org", stored)
        assert not index.matches(CONTACT_EMAIL, "p@example.org", stored)

    def test_a_short_root_key_or_length_is_refused(self):
        with pytest.raises(ValueError):
            BlindIndex(b"short")
        with pytest.raises(ValueError):
            IndexSpec("x", 1)


KNOWN_EMAIL_INDEX = "acb04e"  # HMAC(HMAC(root, "muster/blind-index/v1/contact.email"), value)[:3]
