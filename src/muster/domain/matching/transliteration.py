"""Cyrillic <-> Latin transliteration schemes, all run by ICU.

Three schemes come with ICU (BGN/PCGN for Russian, Ukrainian and Belarusian; ISO 9:1995, which is
GOST 7.79 System A); three are written here as ICU rule sets because ICU lacks them:

- ``icao``: ICAO Doc 9303 (machine-readable passports), used by Russian passports since 2013; the
  Ukrainian and Belarusian letters are read the Russian way (г -> g), as Russian documents do.
- ``ua_national``: the Ukrainian national romanisation (Cabinet of Ministers resolution 55 of 2010),
  used in Ukrainian passports: Олександр -> Oleksandr, Сергій -> Serhii.
- ``by_passport``: the Belarusian passport practice (Аляксандр -> Aliaksandr, Сяргей -> Siarhei).

GOST 7.79 System B (х -> x, ц -> cz) is not offered: its ``x`` cannot be told apart from a Latin x.
Transliterators are built lazily and cached; building one costs milliseconds, using one microseconds.
"""

from __future__ import annotations

from functools import cache

import icu

# ICAO 9303, Russian letters plus the Ukrainian and Belarusian ones read the Russian way.
_ICAO_RULES = """
::Lower;
а > a; б > b; в > v; г > g; ґ > g; д > d; е > e; ё > e; є > ie; ж > zh; з > z; и > i; і > i; ї > i;
й > i; к > k; л > l; м > m; н > n; о > o; п > p; р > r; с > s; т > t; у > u; ў > u; ф > f; х > kh;
ц > ts; ч > ch; ш > sh; щ > shch; ъ > ie; ы > y; ь > ; э > e; ю > iu; я > ia; ʼ > ; \\' > ;
"""

# Ukrainian national romanisation, 2010: initial є ї й ю я differ from the inner ones; зг -> zgh.
_UA_NATIONAL_RULES = """
::Lower;
^ є > ye; ^ ї > yi; ^ й > y; ^ ю > yu; ^ я > ya;
є > ie; ї > i; й > i; ю > iu; я > ia; зг > zgh;
а > a; б > b; в > v; г > h; ґ > g; д > d; е > e; ж > zh; з > z; и > y; і > i; к > k; л > l; м > m;
н > n; о > o; п > p; р > r; с > s; т > t; у > u; ф > f; х > kh; ц > ts; ч > ch; ш > sh; щ > shch;
ь > ; ʼ > ; \\' > ; ё > io; ы > y; э > e; ъ > ; ў > u;
"""

# Belarusian passports: ё ю я are io iu ia; е is ie after a vowel, else e; й -> i.
_BY_PASSPORT_RULES = """
::Lower;
[аеёіоуыэюяў] { е > ie;
а > a; б > b; в > v; г > h; ґ > g; д > d; е > e; ё > io; ж > zh; з > z; і > i; и > i; й > i; к > k;
л > l; м > m; н > n; о > o; п > p; р > r; с > s; т > t; у > u; ў > u; ф > f; х > kh; ц > ts; ч > ch;
ш > sh; щ > shch; ы > y; ь > ; ъ > ; э > e; ю > iu; я > ia; є > ie; ї > i; ʼ > ; \\' > ;
"""

# Scheme name -> (ICU system id, or None with rules), human label for explanations.
SCHEMES: dict[str, tuple[str | None, str, str]] = {
    "icao": (None, _ICAO_RULES, "ICAO 9303 passport"),
    "bgn_ru": ("Russian-Latin/BGN", "", "BGN/PCGN (Russian)"),
    "bgn_uk": ("Ukrainian-Latin/BGN", "", "BGN/PCGN (Ukrainian)"),
    "bgn_be": ("Belarusian-Latin/BGN", "", "BGN/PCGN (Belarusian)"),
    "iso9": ("Cyrillic-Latin", "", "ISO 9 / GOST 7.79 A"),
    "ua_national": (None, _UA_NATIONAL_RULES, "Ukrainian national 2010"),
    "by_passport": (None, _BY_PASSPORT_RULES, "Belarusian passport"),
}

# Which schemes a Cyrillic name is read under, by its language.
SCHEMES_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "ru": ("icao", "bgn_ru", "iso9"),
    "uk": ("ua_national", "icao", "bgn_uk", "iso9"),
    "be": ("by_passport", "icao", "bgn_be", "iso9"),
}

# Ukrainian national romanisation read backwards (lossy: і/ї/й after i are guessed from position).
_UA_REVERSE_RULES = r"""
::Lower;
shch > щ; zgh > зг; zh > ж; kh > х; ts > ц; ch > ч; sh > ш;
^ ye > є; ^ yi > ї; ^ yu > ю; ^ ya > я;
iia > ія; iiu > ію; iie > іє; ii $ > ій; ii > ії; yi $ > ий; yi > иї; iu > ю; ia > я; ie > є; i } [aeiou] > й;
a > а; b > б; v > в; h > г; g > ґ; d > д; e > е; z > з; y > и; i > і; k > к; l > л; m > м; n > н; o > о;
p > п; r > р; s > с; t > т; u > у; f > ф; \' > ь;
"""

LATIN_SCHEME = "latin"
SCHEME_LABELS = {name: label for name, (_, _, label) in SCHEMES.items()} | {LATIN_SCHEME: "as written (Latin)"}


@cache
def _transliterator(scheme: str) -> icu.Transliterator:
    system_id, rules, _ = SCHEMES[scheme]
    if system_id is not None:
        return icu.Transliterator.createInstance(f"Lower; {system_id}")
    return icu.Transliterator.createFromRules(f"muster-{scheme}", rules, icu.UTransDirection.FORWARD)


@cache
def _to_cyrillic(language: str) -> icu.Transliterator:
    if language == "uk":
        return icu.Transliterator.createFromRules("muster-uk-reverse", _UA_REVERSE_RULES, icu.UTransDirection.FORWARD)
    return icu.Transliterator.createInstance("Latin-Russian/BGN; Lower")


def to_latin(text: str, scheme: str) -> str:
    """Transliterate Cyrillic ``text`` to lower-case Latin under ``scheme`` (a key of SCHEMES)."""
    return str(_transliterator(scheme).transliterate(text))


def to_cyrillic(text: str, language: str = "ru") -> str:
    """Read Latin ``text`` back into Cyrillic, lower case: Russian (BGN/PCGN reversed) or Ukrainian ("uk",
    the national romanisation reversed). Word by word, so word-final rules apply to every word."""
    transliterator = _to_cyrillic(language)
    return " ".join(str(transliterator.transliterate(word)) for word in text.split())


def detect_language(text: str) -> str:
    """Guess whether Cyrillic ``text`` is Ukrainian, Belarusian or Russian from its letters."""
    letters = set(text.lower())
    if "ў" in letters or ("і" in letters and letters & {"ы", "э", "ё"}):
        return "be"
    if letters & {"ґ", "є", "ї", "і"}:
        return "uk"
    return "ru"
