import math
import secrets

import pytest

from muster.crypto.blind_index import BlindIndex
from muster.crypto.errors import ReceiptMalformed
from muster.crypto.receipts import ReceiptCodes, ReceiptLookup, default_receipt_codes, eff_large_wordlist


@pytest.fixture(scope="module")
def codes():
    return default_receipt_codes()


@pytest.fixture
def lookup(codes):
    return ReceiptLookup(codes, BlindIndex(bytes(range(32))))


class TestWordList:
    def test_the_vendored_list_is_the_eff_large_list_without_hyphenated_words(self):
        words = eff_large_wordlist()
        assert len(words) == 7776 - 4 == len(set(words))
        assert words[0] == "abacus" and words[-1] == "zoom"


class TestGeneratorInvariants:
    def test_six_words_carry_at_least_64_bits(self, codes):
        assert codes.entropy_bits == pytest.approx(6 * math.log2(7772))
        assert codes.entropy_bits >= 77

    def test_a_generator_below_64_bits_refuses_to_exist(self):
        with pytest.raises(ValueError, match="fewer than 64"):
            ReceiptCodes(eff_large_wordlist(), length=4)

    @pytest.mark.parametrize(
        "words",
        [["same", "same"] + [f"w{n}" for n in range(10)], ["Capital", "word"], ["drop-down", "word"], ["single"]],
        ids=["duplicates", "upper case", "hyphen", "one word"],
    )
    def test_a_bad_word_list_is_refused(self, words):
        with pytest.raises(ValueError):
            ReceiptCodes(words, length=64)


class TestGeneration:
    def test_codes_are_six_known_words_in_canonical_form(self, codes):
        known = set(eff_large_wordlist())
        for _ in range(200):
            code = codes.generate()
            parts = code.split("-")
            assert len(parts) == 6 and set(parts) <= known
            assert codes.normalise(code) == code

    def test_codes_do_not_repeat(self, codes):
        assert len({codes.generate() for _ in range(10_000)}) == 10_000


class TestNormalisation:
    @pytest.mark.parametrize(
        "typed",
        [
            "abacus abdomen abide zoom zone zero",
            "  ABACUS-Abdomen--abide   zoom_zone.zero ",
            "abacus\tabdomen\nabide zoom zone zero",
            "ａｂａｃｕｓ abdomen abide zoom zone zero",
        ],
    )
    def test_case_spaces_and_hyphens_do_not_matter(self, codes, typed):
        assert codes.normalise(typed) == "abacus-abdomen-abide-zoom-zone-zero"

    @pytest.mark.parametrize(
        "typed",
        [
            "",
            "abacus abdomen abide zoom zone",
            "abacus abdomen abide zoom zone zeroo",
            "abacusabdomen abide zoom zone zero x",
        ],
    )
    def test_malformed_codes_are_refused_without_echoing_them(self, codes, typed):
        with pytest.raises(ReceiptMalformed) as raised:
            codes.normalise(typed)
        assert "abacus" not in str(raised.value) and "zone" not in str(raised.value)


class TestLookup:
    def test_the_lookup_id_is_the_same_for_every_way_of_typing_the_code(self, codes, lookup):
        code = codes.generate()
        assert lookup.lookup_id(code.upper().replace("-", "  ")) == lookup.lookup_id(code)
        assert len(lookup.lookup_id(code)) == 16

    def test_the_lookup_id_does_not_contain_the_code(self, codes, lookup):
        code = codes.generate()
        stored = lookup.lookup_id(code)
        assert code.encode() not in stored and code.split("-")[0].encode() not in stored

    def test_matches_accepts_the_code_and_rejects_others(self, codes, lookup):
        code = codes.generate()
        stored = lookup.lookup_id(code)
        assert lookup.matches(code.replace("-", " "), stored)
        assert not lookup.matches(codes.generate(), stored)
        assert not lookup.matches("not a code", stored)


class TestConstantTimeComparison:
    def test_comparisons_go_through_compare_digest(self, codes, lookup, monkeypatch):
        calls = []
        real = secrets.compare_digest

        def spy(a, b):
            calls.append((len(a), len(b)))
            return real(a, b)

        monkeypatch.setattr(secrets, "compare_digest", spy)
        code = codes.generate()
        assert codes.equal(code.upper(), code)
        assert lookup.matches(code, lookup.lookup_id(code))
        assert calls == [(len(code), len(code)), (16, 16)]

    def test_equal_rejects_a_different_or_malformed_code(self, codes):
        code = codes.generate()
        assert not codes.equal(codes.generate(), code)
        assert not codes.equal("", code)
