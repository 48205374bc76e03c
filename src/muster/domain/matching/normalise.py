"""From a written name to the forms the matcher compares.

A name goes through four steps:

1. ``fold_text``: NFKC, homoglyph folding (a Latin ``o`` inside a Cyrillic word becomes ``о`` and back,
   by the script most of the word is in), case folding.
2. ``split_name``: "FAMILY, Given" and "Name (Other Name)" become separate readings; tokens are words.
3. ``name_forms``: a Latin name is one form; a Cyrillic name becomes one form per transliteration
   scheme its language is written in (see ``transliteration``), forms that fold alike merged.
4. ``skeleton``: each Latin token is folded to a spelling skeleton that erases what transliteration
   schemes and informal spellings disagree on (kh/h, ye/e, -iy/-y/-ii, yo/e, ks/x, w/v, doubled
   letters, diacritics, apostrophes), so Yuriy, Iurii and Jurij all become ``iuri``.

Each token also gets a role (given, patronymic, family, initial) and, when the given-name table knows
it, a canonical name (``g:aleksandr`` for Sasha, Oleksandr and Aliaksandr; ``p:aleksandr`` for
Aleksandrovich, Oleksandrovych), which is how diminutives and language forms meet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from muster.domain.matching.given_names import PATRONYMIC_SUFFIXES, build_equivalences
from muster.domain.matching.transliteration import LATIN_SCHEME, SCHEMES_BY_LANGUAGE, detect_language, to_latin

# Letters that look alike in the two scripts, both cases.
_LATIN_TO_CYRILLIC = dict(zip("AaBCcEeHKkMOoPpTXxYyIi", "АаВСсЕеНКкМОоРрТХхУуІі", strict=True))
_CYRILLIC_TO_LATIN = {c: lat for lat, c in _LATIN_TO_CYRILLIC.items()} | {"ј": "j", "ѕ": "s", "Ј": "J", "Ѕ": "S"}
MAX_TOKENS = 6  # words beyond the sixth are dropped; longer names are titles and clan chains
_APOSTROPHES = "'’‘`´ʹʺʼ\"·"
_SPLIT = re.compile(r"[^\w]+|_|\d+")

# Letters with diacritics that carry a transliteration digraph (ISO 9, Łacinka, Czech-like spellings).
_DIGRAPHS = {"ž": "zh", "š": "sh", "č": "ch", "ŝ": "shch", "ë": "io", "û": "iu", "â": "ia", "ŭ": "u", "ł": "l",
             "ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ı": "i", "ə": "e"}
# Skeleton rewrites, in order. Each erases one way spellings of the same sound differ.
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[^a-z]", ""),
        (r"x", "ks"), (r"w", "v"), (r"q", "k"), (r"ph", "f"), (r"gh", "g"),
        (r"tch", "ch"), (r"kh", "h"), (r"shch|sch", "sc"), (r"t[sz]", "c"),
        (r"[yj]", "i"), (r"i+", "i"), (r"ie", "e"), (r"io", "e"),
        (r"(.)\1+", r"\1"),
    )
)


@dataclass(frozen=True, slots=True)
class NameForm:
    """One reading of a name: the scheme it came from, its words as written, as transliterated, and skeletons."""

    scheme: str
    originals: tuple[str, ...]
    words: tuple[str, ...]
    tokens: tuple[str, ...]
    joined: int = -1  # in query forms, the position of the word made of two joined words
    reading: int = 0  # which reading of the written name (see split_name) this form is

    @property
    def text(self) -> str:
        """The transliterated reading, words joined by spaces."""
        return " ".join(self.words)


def _script(token: str) -> str:
    cyr = sum(1 for ch in token if "\u0400" <= ch <= "\u04ff")
    lat = sum(1 for ch in token if ch.isalpha() and ch < "\u0250")
    # A letter with no look-alike in the other script settles it; otherwise the majority does.
    if any("\u0400" <= ch <= "\u04ff" and ch not in _CYRILLIC_TO_LATIN for ch in token):
        if not any(ch.isascii() and ch.isalpha() and ch not in _LATIN_TO_CYRILLIC for ch in token):
            return "cyrillic"
    if any(ch.isascii() and ch.isalpha() and ch not in _LATIN_TO_CYRILLIC for ch in token) and cyr == 0:
        return "latin"
    return "cyrillic" if cyr > lat else "latin"


@lru_cache(maxsize=1 << 18)
def fold_homoglyphs(token: str) -> str:
    """Rewrite look-alike letters of the minority script into the token's main script."""
    table = _LATIN_TO_CYRILLIC if _script(token) == "cyrillic" else _CYRILLIC_TO_LATIN
    return "".join(table.get(ch, ch) for ch in token)


def fold_text(text: str) -> str:
    """NFKC, homoglyph folding word by word, then case folding; whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    words = [fold_homoglyphs(word) for word in text.split()]
    return " ".join(words).casefold()


@lru_cache(maxsize=1 << 18)
def is_cyrillic(token: str) -> bool:
    """True when the token has any Cyrillic letter (after homoglyph folding it is then all Cyrillic)."""
    return any("\u0400" <= ch <= "\u04ff" for ch in token)


def tokenise(text: str) -> list[str]:
    """Words of a folded name: apostrophes and hyphens join, other punctuation and digits split."""
    text = re.sub(f"[{_APOSTROPHES}]", "", text).replace("-", "").replace("\u2010", "")
    return [t for t in _SPLIT.split(text) if t]


def split_name(name: str) -> list[str]:
    """The readings in one written name: the text outside parentheses and each bracketed alternative."""
    readings = []
    inner = re.findall(r"\(([^)]*)\)", name)
    outer = re.sub(r"\([^)]*\)", " ", name).replace("(", " ").replace(")", " ")
    for text in [outer, *inner]:
        text = text.replace(",", " ").strip()
        if text and (text is outer or len(text.split()) > 1):
            readings.append(" ".join(text.split()))
    return readings or [name.strip()]


@lru_cache(maxsize=1 << 18)
def skeleton(token: str) -> str:
    """Fold a Latin token to its spelling skeleton (see the module docstring)."""
    token = "".join(_DIGRAPHS.get(ch, ch) for ch in token.lower())
    token = unicodedata.normalize("NFKD", token)
    for pattern, replacement in _REWRITES:
        token = pattern.sub(replacement, token)
    return token


@cache
def _equivalences() -> dict[str, str]:
    return build_equivalences(skeleton)


def canonical(token_skeleton: str) -> str | None:
    """``g:<name>``, ``p:<name>`` or ``pf:<name>`` for a known given name, son's or daughter's patronymic."""
    return _equivalences().get(token_skeleton)


def role(token_skeleton: str) -> str:
    """given, patronymic, family or initial; a guess from the token alone."""
    if len(token_skeleton) <= 1:
        return "initial"
    known = canonical(token_skeleton)
    if known is not None:
        return "given" if known.startswith("g:") else "patronymic"
    if len(token_skeleton) > 6 and token_skeleton.endswith(PATRONYMIC_SUFFIXES):
        return "patronymic"
    return "family"


@lru_cache(maxsize=1 << 18)
def _latin_token(token: str, scheme: str) -> str:
    return to_latin(token, scheme) if scheme != LATIN_SCHEME else token


@lru_cache(maxsize=1 << 18)
def _word_tokens(word: str) -> tuple[str, ...]:
    return tuple(tokenise(fold_text(word)))


def _reading_tokens(reading: str) -> list[str]:
    # Word by word, cached: a large list repeats its words far more than its names.
    return [t for word in reading.split() for t in _word_tokens(word)]


def _reading_form(tokens: list[str], scheme: str, reading: int) -> NameForm | None:
    kept = [(t, w, skeleton(w)) for t in tokens for w in [_latin_token(t, scheme) if is_cyrillic(t) else t]]
    kept = [k for k in kept if k[2]][:MAX_TOKENS]
    if not kept:
        return None
    return NameForm(scheme, tuple(k[0] for k in kept), tuple(k[1] for k in kept), tuple(k[2] for k in kept),
                    reading=reading)


@lru_cache(maxsize=1 << 16)
def name_forms(name: str) -> tuple[NameForm, ...]:
    """All forms of a written name, one per reading and scheme, duplicates (same skeletons) dropped."""
    forms: dict[tuple[str, ...], NameForm] = {}
    for index, reading in enumerate(split_name(name)):
        tokens = _reading_tokens(reading)
        cyrillic = [t for t in tokens if is_cyrillic(t)]
        schemes = SCHEMES_BY_LANGUAGE[detect_language("".join(cyrillic))] if cyrillic else (LATIN_SCHEME,)
        for scheme in schemes:
            form = _reading_form(tokens, scheme, index)
            if form is not None and form.tokens not in forms:
                forms[form.tokens] = form
    return tuple(forms.values())


@lru_cache(maxsize=1 << 16)
def name_form(name: str, reading: int, scheme: str) -> NameForm | None:
    """The one form of ``name_forms(name)`` with this reading and scheme, computed alone (for explanations)."""
    readings = split_name(name)
    if reading >= len(readings):
        return None
    return _reading_form(_reading_tokens(readings[reading]), scheme, reading)


JOINED = "+joined"


def query_forms(name: str) -> tuple[NameForm, ...]:
    """The forms of a query name plus, for Latin names of three words or more, each pair of neighbours joined.

    Lists and applicants split compound names differently (Abdul Patta / Abdulpatta, Koumta Madji /
    Koumtamadji); joining on the query side lets such a name meet its listed spelling word for word.
    The scorer only counts a joined form where the joined word itself meets a list word strongly.
    """
    forms = name_forms(name)
    seen = {f.tokens for f in forms}
    joined: list[NameForm] = []
    for form in forms:
        # Only names written in Latin: Cyrillic writing hyphenates compounds, which tokenise joins already.
        if len(form.tokens) < 3 or form.scheme != LATIN_SCHEME:
            continue
        for i in range(len(form.tokens) - 1):
            word = form.words[i] + form.words[i + 1]
            tokens = form.tokens[:i] + (skeleton(word),) + form.tokens[i + 2 :]
            if tokens in seen:
                continue
            seen.add(tokens)
            joined.append(NameForm(form.scheme + JOINED, form.originals[:i] + (form.originals[i] + form.originals[i + 1],)
                                   + form.originals[i + 2 :], form.words[:i] + (word,) + form.words[i + 2 :], tokens, i,
                                   form.reading))
    return forms + tuple(joined)
