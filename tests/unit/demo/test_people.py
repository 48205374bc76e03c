from __future__ import annotations

import random
import re
from datetime import date

import icu
import pytest
from rapidfuzz import fuzz

from muster.demo.people import (
    REFERENCE_DATE,
    SKILLS,
    PersonName,
    Scheme,
    SyntheticPerson,
    applying_twice,
    icao,
    synthetic_people,
    to_cyrillic,
    transliterate,
)

CYRILLIC = re.compile(r"^[\u0400-\u04FFʼ' -]+$")
LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F\u0300-\u036Fʹʺʼ' -]+$")  # with combining marks: ї -> í̈
_ASCII = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


@pytest.fixture(scope="module")
def people() -> list[SyntheticPerson]:
    return synthetic_people(300, seed=20)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _folded(name: PersonName) -> str:
    """ASCII lower case, with the letters the schemes write differently collapsed (shch/ŝ, ts/c, h/g, y/j/i...)."""
    text = re.sub(r"[^a-z ]", "", _ASCII.transliterate(name.full).lower())
    for long, short in (("shch", "s"), ("sh", "s"), ("ch", "c"), ("zh", "z"), ("kh", "h"), ("ts", "c"), ("h", "g")):
        text = text.replace(long, short)
    return re.sub(r"[iyj]+", "i", text)


class TestSyntheticPeople:
    def test_same_seed_gives_the_same_people(self) -> None:
        assert synthetic_people(40, seed=5) == synthetic_people(40, seed=5)

    def test_other_seed_gives_other_people(self) -> None:
        assert synthetic_people(40, seed=5) != synthetic_people(40, seed=6)

    def test_a_larger_count_extends_the_list(self) -> None:
        assert synthetic_people(50, seed=9)[:20] == synthetic_people(20, seed=9)

    def test_keys_are_unique(self, people: list[SyntheticPerson]) -> None:
        assert len({person.key for person in people}) == len(people)

    def test_mixes_russian_ukrainian_and_english_names(self, people: list[SyntheticPerson]) -> None:
        shares = {locale: sum(p.locale == locale for p in people) / len(people) for locale in ("ru_RU", "uk_UA", "en_US")}
        assert 0.35 < shares["ru_RU"] < 0.55
        assert 0.25 < shares["uk_UA"] < 0.45
        assert 0.12 < shares["en_US"] < 0.30

    def test_russian_and_ukrainian_names_are_cyrillic_with_a_patronymic(self, people: list[SyntheticPerson]) -> None:
        for person in (p for p in people if p.locale != "en_US"):
            name = person.native_name
            assert name.patronymic is not None
            assert all(CYRILLIC.match(part) for part in (name.given, name.patronymic, name.family))
            # Patronymics end like patronymics of the person's sex.
            endings = ("вна", "чна", "ична") if person.sex == "F" else ("вич", "ич")
            assert name.patronymic.endswith(endings), name.patronymic

    def test_english_names_are_latin_without_patronymic_and_have_a_cyrillic_spelling(
        self, people: list[SyntheticPerson]
    ) -> None:
        english = [p for p in people if p.locale == "en_US"]
        assert english
        for person in english:
            assert person.native_name.patronymic is None
            assert LATIN.match(person.native_name.full)
            assert CYRILLIC.match(person.spelt(Scheme.CYRILLIC).full)

    def test_every_cyrillic_name_has_each_latin_spelling(self, people: list[SyntheticPerson]) -> None:
        for person in (p for p in people if p.locale != "en_US"):
            assert [s.scheme for s in person.spellings] == [Scheme.BGN, Scheme.PLAIN, Scheme.SCHOLARLY, Scheme.ICAO]
            for spelling in person.spellings:
                assert LATIN.match(spelling.name.full), (spelling.scheme, spelling.name.full)
            assert person.spelt(Scheme.PLAIN).full.isascii()
            assert person.spelt(Scheme.ICAO).full.isascii()
            assert person.spelt(Scheme.ICAO).patronymic is None

    def test_an_application_starts_in_the_native_spelling(self, people: list[SyntheticPerson]) -> None:
        assert all(p.name == p.native_name and p.spelling is Scheme.NATIVE for p in people)

    def test_ages_are_18_to_55_on_the_reference_day_and_on_a_given_day(self, people: list[SyntheticPerson]) -> None:
        assert all(18 <= _age(p.birth_date, REFERENCE_DATE) <= 55 for p in people)
        leap_day = date(2028, 2, 29)
        assert all(18 <= _age(p.birth_date, leap_day) <= 55 for p in synthetic_people(100, seed=1, today=leap_day))

    def test_countries_languages_and_skills_fit_the_person(self, people: list[SyntheticPerson]) -> None:
        native_language = {"ru_RU": "ru", "uk_UA": "uk", "en_US": "en"}
        for person in people:
            assert re.fullmatch(r"[A-Z]{2}", person.country)
            assert person.languages[0] == native_language[person.locale]
            assert len(set(person.languages)) == len(person.languages)
            assert 1 <= len(person.skills) <= 3 and set(person.skills) <= set(SKILLS)
            if "translator" in person.skills:
                assert len(person.languages) > 1
        assert {"RU", "UA", "BY"} <= {p.country for p in people}

    def test_contacts_cannot_reach_anyone(self, people: list[SyntheticPerson]) -> None:
        for person in people:
            assert re.fullmatch(r"[a-z0-9.]+@example\.(org|net|com)", person.email)
            assert re.fullmatch(r"\+\d{1,3}( [\d-]+)+", person.phone)
            if person.country in {"US", "CA"}:
                assert " 555 01" in person.phone


class TestTransliteration:
    def test_icao_follows_doc_9303(self) -> None:
        assert icao("Юлия Щербакова", "ru") == "Iuliia Shcherbakova"
        assert icao("Пётр Хрущёв", "ru") == "Petr Khrushchev"
        assert icao("Наталья Ильинична", "ru") == "Natalia Ilinichna"

    def test_icao_writes_ukrainian_y_for_i(self) -> None:
        assert icao("Григорій Дем'яненко", "uk") == "Grygorii Demianenko"
        assert icao("Євгенія Їжакевич", "uk") == "Ievgeniia Izhakevych"
        assert icao("Григорий", "ru") == "Grigorii"

    def test_bgn_plain_and_scholarly_use_icu(self) -> None:
        assert transliterate("Хрущёв", Scheme.BGN, "ru") == "Khrushchëv"
        assert transliterate("Ильич", Scheme.BGN, "ru") == "Ilʹich"
        assert transliterate("Ильич", Scheme.PLAIN, "ru") == "Ilich"
        assert transliterate("Хрущёв", Scheme.PLAIN, "ru") == "Khrushchev"
        assert transliterate("Олексій", Scheme.BGN, "uk") == "Oleksiy"
        assert transliterate("Юлия", Scheme.SCHOLARLY, "ru") == "Ûliâ"

    def test_native_is_not_a_transliteration(self) -> None:
        with pytest.raises(ValueError):
            transliterate("Юлия", Scheme.NATIVE, "ru")

    def test_english_names_are_written_in_cyrillic_by_ear(self) -> None:
        assert to_cyrillic("Jennifer Wright") == "Дженнифер Урайт"
        assert to_cyrillic("Michael Thompson") == "Мичаел Томпсон"
        assert to_cyrillic("Sarah Johnson") == "Сара Джонсон"

    def test_latin_spellings_are_close_to_each_other(self, people: list[SyntheticPerson]) -> None:
        # All the schemes are readings of the same letters: once folded to ASCII they stay near each other.
        for person in (p for p in people if p.locale != "en_US"):
            baseline = _folded(person.spelt(Scheme.PLAIN).without_patronymic())
            for spelling in person.spellings:
                assert spelling.name.full != person.native_name.full
                folded = _folded(spelling.name.without_patronymic())
                assert fuzz.ratio(baseline, folded) >= 80, (baseline, folded)


class TestApplyingTwice:
    def test_same_person_under_another_spelling(self, people: list[SyntheticPerson]) -> None:
        rng = random.Random(3)
        for person in people[:100]:
            again = applying_twice(person, rng)
            assert again.name != person.name
            if again.spelling is Scheme.NATIVE:  # same script, only the patronymic left out
                assert again.name == person.native_name.without_patronymic() != person.native_name
            assert (again.key, again.birth_date, again.country, again.skills, again.native_name) == (
                person.key, person.birth_date, person.country, person.skills, person.native_name
            )
            expected = person.spelt(again.spelling)
            assert again.name in {expected, expected.without_patronymic()}
            assert again.email.split("@")[1] == person.email.split("@")[1]
            assert re.sub(r"\D", "", again.phone) == re.sub(r"\D", "", person.phone)

    def test_swaps_script_and_sometimes_drops_the_patronymic(self, people: list[SyntheticPerson]) -> None:
        rng = random.Random(4)
        twice = [applying_twice(p, rng) for p in people if p.locale != "en_US"]
        latin = [again for again in twice if LATIN.match(again.name.full)]
        assert len(latin) > 0.8 * len(twice)
        assert all(again.name == again.native_name.without_patronymic() for again in twice if again not in latin)
        assert any(again.name.patronymic is None for again in twice)
        assert {again.spelling for again in latin} == {Scheme.BGN, Scheme.PLAIN, Scheme.SCHOLARLY, Scheme.ICAO}
        english = [applying_twice(p, rng) for p in people if p.locale == "en_US"]
        assert all(CYRILLIC.match(again.name.full) for again in english)

    def test_a_third_application_differs_from_the_second(self, people: list[SyntheticPerson]) -> None:
        rng = random.Random(5)
        for person in people[:50]:
            second = applying_twice(person, rng)
            third = applying_twice(second, rng)
            assert third.name != second.name

    def test_is_deterministic_for_a_seeded_rng(self, people: list[SyntheticPerson]) -> None:
        first = [applying_twice(p, random.Random(8)) for p in people[:30]]
        assert first == [applying_twice(p, random.Random(8)) for p in people[:30]]
