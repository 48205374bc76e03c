"""Synthetic people for the demo data set and for tests: nobody here exists.

`synthetic_people(count, seed)` mixes Russian (45 %), Ukrainian (35 %) and English-speaking (20 %) people drawn
with Faker, each with a native-script name (patronymic for the first two), the Latin spellings such a name really
meets in forms and documents, a birth date, country, languages, skills, and contact details that cannot reach
anyone (e-mail under the RFC 2606 example domains).

Latin spellings of a Cyrillic name (the `Scheme` values):
    bgn        BGN/PCGN for the person's language, by ICU ("Russian-Latin/BGN", "Ukrainian-Latin/BGN"):
               Yuliya Shcherbakova, Oleksiy Hryhorovych; keeps the primes: Ilʹich
    plain      bgn without primes, apostrophes and diacritics, as people type it: Ilich, Khrushchev
    scholarly  ICU "Cyrillic-Latin", ISO 9 style with diacritics: Ûliâ Ŝerbakova
    icao       ICAO Doc 9303 part 3, as printed in Russian travel passports: Iuliia Shcherbakova; for Ukrainian
               the table writes И as Y (Ukrainian passports use the national 2010 table, close to bgn).
               Travel passports carry no patronymic, so this spelling has none.
An English name instead gets one Cyrillic spelling (`cyrillic`), the way a Russian-speaking clerk would write it.

`applying_twice(person, rng)` is the same person applying again under another spelling, to demonstrate duplicate
detection. Everything is deterministic for a given seed (and Faker version); the clock is never read.
"""

from __future__ import annotations

import dataclasses
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import icu
from faker import Faker

REFERENCE_DATE = date(2026, 1, 1)
"""Ages are counted on this day unless the caller passes `today`: a fixed day keeps a seed's output fixed."""

SKILLS = (
    "driver", "medic", "signals", "it", "cook", "mechanic", "logistics", "translator", "electrician", "builder",
)


class Scheme(StrEnum):
    """How a name was spelt: its native script, or one of the transliterations in the module docstring."""

    NATIVE = "native"
    BGN = "bgn"
    PLAIN = "plain"
    SCHOLARLY = "scholarly"
    ICAO = "icao"
    CYRILLIC = "cyrillic"


@dataclass(frozen=True)
class PersonName:
    """A name in parts; `patronymic` is None where the culture or the document has none."""

    given: str
    family: str
    patronymic: str | None = None

    @property
    def full(self) -> str:
        """Given name, patronymic, family name, as on a Russian or Ukrainian form."""
        return " ".join(part for part in (self.given, self.patronymic, self.family) if part)

    def without_patronymic(self) -> PersonName:
        return dataclasses.replace(self, patronymic=None)


@dataclass(frozen=True)
class Spelling:
    scheme: Scheme
    name: PersonName


@dataclass(frozen=True)
class SyntheticPerson:
    """One made-up person; `name` is how this application spells the name, `native_name` the original."""

    key: str
    locale: str
    sex: str
    native_name: PersonName
    spellings: tuple[Spelling, ...]
    birth_date: date
    country: str
    languages: tuple[str, ...]
    skills: tuple[str, ...]
    email: str
    phone: str
    name: PersonName
    spelling: Scheme = Scheme.NATIVE

    def spelt(self, scheme: Scheme) -> PersonName:
        """The name in `scheme`; KeyError when this person has no such spelling."""
        if scheme is Scheme.NATIVE:
            return self.native_name
        for spelling in self.spellings:
            if spelling.scheme is scheme:
                return spelling.name
        raise KeyError(scheme)


# locale: (share of people, language, countries with weights, extra languages with probabilities)
_LOCALES: dict[str, tuple[float, str, dict[str, int], dict[str, float]]] = {
    "ru_RU": (0.45, "ru", {"RU": 80, "BY": 10, "KZ": 5, "GE": 3, "LV": 2}, {"en": 0.3, "uk": 0.1, "de": 0.05}),
    "uk_UA": (0.35, "uk", {"UA": 85, "PL": 6, "MD": 4, "DE": 5}, {"ru": 0.7, "en": 0.35, "pl": 0.1}),
    "en_US": (0.20, "en", {"US": 45, "GB": 25, "CA": 15, "IE": 5, "AU": 10}, {"de": 0.1, "fr": 0.1, "ru": 0.08}),
}
# country: dialling code, then templates of the national number (# is a random digit). The US and GB ones are in the
# ranges set aside for fiction (555-01xx, Ofcom's 07700 900xxx); the rest are mobile-shaped numbers with made-up digits.
_PHONES = {
    "RU": ("+7", ("9## ###-##-##",)), "KZ": ("+7", ("70# ###-##-##", "77# ###-##-##")),
    "BY": ("+375", ("29 ###-##-##", "33 ###-##-##")), "GE": ("+995", ("5## ## ## ##",)),
    "LV": ("+371", ("2### ####",)), "UA": ("+380", ("50 ### ## ##", "67 ### ## ##", "93 ### ## ##")),
    "PL": ("+48", ("5## ### ###", "6## ### ###")), "MD": ("+373", ("6# ### ###",)),
    "DE": ("+49", ("15# ########", "17# #######")), "US": ("+1", ("### 555 01##",)), "CA": ("+1", ("### 555 01##",)),
    "GB": ("+44", ("7700 900###",)), "IE": ("+353", ("8# ### ####",)), "AU": ("+61", ("4## ### ###",)),
}
_EMAIL_DOMAINS = ("example.org", "example.net", "example.com")

# ICAO Doc 9303 part 3, table of Cyrillic characters; the soft sign and apostrophes are left out.
_ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "'": "", "ʼ": "", "’": "",
}
_ICAO_UK = {"и": "y"}  # the table's own note for Ukrainian

# English -> Cyrillic as a Russian-speaking clerk writes it by ear; longest match first.
_TO_CYRILLIC = {
    "sch": "ш", "tch": "ч", "augh": "о", "ough": "о", "igh": "ай", "joh": "джо", "ah": "а", "oh": "о",
    "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "th": "т", "ph": "ф", "ck": "к", "gh": "г", "wh": "у",
    "ee": "и", "ea": "и", "oo": "у", "ou": "ау", "oy": "ой", "ay": "ей", "ey": "и", "ie": "и", "qu": "кв",
    "ja": "джа", "je": "дже", "ji": "джи", "jo": "джо", "ju": "джу", "ya": "я", "yo": "йо", "yu": "ю",
    "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "дж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р", "s": "с", "t": "т",
    "u": "у", "v": "в", "w": "у", "x": "кс", "y": "и", "z": "з",
}
_PRIMES = dict.fromkeys(map(ord, "ʹʺʼ'’"), None)


@cache
def _transliterator(transform_id: str) -> icu.Transliterator:
    return icu.Transliterator.createInstance(transform_id)


def _by_table(text: str, table: dict[str, str], *, longest: int = 1) -> str:
    """Replace by `table` (lower-case keys), longest key first, keeping the capital of a capitalised source."""
    out: list[str] = []
    i = 0
    while i < len(text):
        for size in range(longest, 0, -1):
            chunk = text[i : i + size]
            target = table.get(chunk.lower())
            if len(chunk) == size and target is not None:
                out.append(target.capitalize() if chunk[0].isupper() else target)
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def icao(text: str, language: str) -> str:
    """Transliterate Cyrillic `text` by the ICAO Doc 9303 table (Ukrainian И as Y)."""
    table = {**_ICAO, **_ICAO_UK} if language == "uk" else _ICAO
    return _by_table(text, table)


def to_cyrillic(text: str) -> str:
    """Write a Latin (English) name in Cyrillic by ear: Jennifer Wright -> Дженнифер Урайт."""
    return _by_table(text, _TO_CYRILLIC, longest=max(map(len, _TO_CYRILLIC)))


def transliterate(text: str, scheme: Scheme, language: str) -> str:
    """Spell Cyrillic `text` of `language` ("ru" or "uk") in the Latin `scheme`."""
    if scheme is Scheme.ICAO:
        return icao(text, language)
    if scheme is Scheme.SCHOLARLY:
        return _transliterator("Cyrillic-Latin").transliterate(text)
    bgn = _transliterator("Ukrainian-Latin/BGN" if language == "uk" else "Russian-Latin/BGN").transliterate(text)
    if scheme is Scheme.BGN:
        return bgn
    if scheme is Scheme.PLAIN:
        return _ascii(bgn.translate(_PRIMES))
    raise ValueError(f"{scheme} is not a Latin transliteration of Cyrillic")


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _map_name(name: PersonName, spell: Callable[[str], str]) -> PersonName:
    return PersonName(
        given=spell(name.given),
        family=spell(name.family),
        patronymic=spell(name.patronymic) if name.patronymic else None,
    )


def spellings_of(name: PersonName, language: str) -> tuple[Spelling, ...]:
    """Every other-script spelling of a native name: Latin ones for ru/uk, a Cyrillic one for English."""
    if language == "en":
        return (Spelling(Scheme.CYRILLIC, _map_name(name, to_cyrillic)),)
    found = []
    for scheme in (Scheme.BGN, Scheme.PLAIN, Scheme.SCHOLARLY, Scheme.ICAO):
        spelt = _map_name(name, lambda part, scheme=scheme: transliterate(part, scheme, language))
        found.append(Spelling(scheme, spelt.without_patronymic() if scheme is Scheme.ICAO else spelt))
    return tuple(found)


def synthetic_people(count: int, seed: int, *, today: date = REFERENCE_DATE) -> list[SyntheticPerson]:
    """`count` made-up people, the same for the same seed; a larger count extends the list, never reshuffles it."""
    rng = random.Random(seed)
    fakers = {}
    for locale in _LOCALES:
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(rng.randrange(2**32))
    locales = list(_LOCALES)
    shares = [_LOCALES[locale][0] for locale in locales]
    people = []
    for index in range(count):
        locale = rng.choices(locales, shares)[0]
        people.append(_person(f"person-{seed}-{index:05d}", locale, fakers[locale], rng, today))
    return people


def _person(key: str, locale: str, fake: Faker, rng: random.Random, today: date) -> SyntheticPerson:
    _, language, countries, extra_languages = _LOCALES[locale]
    sex = rng.choice("FM")
    female = sex == "F"
    native = PersonName(
        given=fake.first_name_female() if female else fake.first_name_male(),
        family=fake.last_name_female() if female else fake.last_name_male(),
        patronymic=(
            (fake.middle_name_female() if female else fake.middle_name_male()) if language != "en" else None
        ),
    )
    spellings = spellings_of(native, language)
    country = rng.choices(list(countries), list(countries.values()))[0]
    languages = (language, *(extra for extra, p in extra_languages.items() if rng.random() < p))
    if country == "BY" and "be" not in languages:
        languages = (*languages, "be")
    skill_pool = [skill for skill in SKILLS if skill != "translator" or len(languages) > 1]
    skills = tuple(sorted(rng.sample(skill_pool, rng.randint(1, 3))))
    return SyntheticPerson(
        key=key,
        locale=locale,
        sex=sex,
        native_name=native,
        spellings=spellings,
        birth_date=_birth_date(rng, today),
        country=country,
        languages=languages,
        skills=skills,
        email=_email(native if language == "en" else _spelling(spellings, Scheme.PLAIN), rng),
        phone=_phone(country, rng),
        name=native,
    )


def _spelling(spellings: tuple[Spelling, ...], scheme: Scheme) -> PersonName:
    return next(spelling.name for spelling in spellings if spelling.scheme is scheme)


def _birth_date(rng: random.Random, today: date) -> date:
    """A birth date giving an age of 18 to 55 years on `today`."""
    latest = _years_before(today, 18)
    earliest = _years_before(today, 56) + timedelta(days=1)
    return date.fromordinal(rng.randint(earliest.toordinal(), latest.toordinal()))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def _email(latin: PersonName, rng: random.Random) -> str:
    given, family = (_ascii(part).lower().replace(" ", "").replace("-", "") for part in (latin.given, latin.family))
    local = rng.choice([f"{given}.{family}", f"{given[0]}.{family}", f"{family}.{given}", f"{given}{family[0]}"])
    if rng.random() < 0.6:
        local += str(rng.randint(1, 99))
    return f"{local}@{rng.choice(_EMAIL_DOMAINS)}"


def _phone(country: str, rng: random.Random) -> str:
    code, templates = _PHONES[country]
    number = "".join(str(rng.randint(0, 9)) if c == "#" else c for c in rng.choice(templates))
    return f"{code} {number}"


def applying_twice(person: SyntheticPerson, rng: random.Random) -> SyntheticPerson:
    """The same person applying again under another spelling: another script or transliteration, perhaps without
    patronymic, perhaps from another e-mail address. Birth date, country and skills stay, as they would."""
    options = [Spelling(Scheme.NATIVE, person.native_name), *person.spellings]
    # Each spelling as written, and less often without its patronymic; never the spelling used last time.
    candidates: list[tuple[Spelling, float]] = []
    for option in options:
        candidates.append((option, 0.7))
        if option.name.patronymic:
            candidates.append((Spelling(option.scheme, option.name.without_patronymic()), 0.3))
    candidates = [(option, weight) for option, weight in candidates if option.name != person.name]
    choice = rng.choices([option for option, _ in candidates], [weight for _, weight in candidates])[0]
    email = person.email
    if rng.random() < 0.5:
        local, domain = email.split("@")
        email = f"{local.rstrip('0123456789')}{rng.randint(100, 999)}@{domain}"
    phone = "".join(c for c in person.phone if c.isdigit() or c == "+") if rng.random() < 0.5 else person.phone
    return dataclasses.replace(person, name=choice.name, spelling=choice.scheme, email=email, phone=phone)
