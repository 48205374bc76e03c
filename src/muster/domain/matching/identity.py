"""Name blocking keys for duplicate detection: the same person applying twice under another spelling.

A key is the consonant outline (`blocking.outline`) of a family-name skeleton plus the birth year,
``krnlv:1991``. Skeletons fold Cyrillic and Latin spellings of a name to one Latin form (normalise.py),
and the outline forgives the vowel noise transliteration schemes leave behind, so "Корнилов" and
"Kornilov" share a key. The outline's first letter is folded too: u/v/w (Уилсон, Wilson) and g/h
(Гайдамака, Haydamaka), which English and Ukrainian names written by ear in the other script swap. An application has one key per family-name word and reading scheme, from the
family-name answer and from the family-name words of the Latin name (words that are not known given
names or patronymics). Keys only select candidates: the services store them as blind indexes and
confirm candidates by scoring the unsealed names with the engine. Measured recall of the keys on
synthetic re-applications: docs/crypto.md, "Blind indexes" (bench/crypto/name_blocking.py).
"""

from __future__ import annotations

from muster.domain.matching.blocking import outline
from muster.domain.matching.normalise import name_forms, role


_FIRST = str.maketrans({"u": "v", "w": "v", "h": "g"})


def _outlines(text: str, *, family_only: bool) -> set[str]:
    found: set[str] = set()
    for form in name_forms(text):
        for token in form.tokens:
            if family_only and role(token) != "family":
                continue
            key = outline(token, None)
            found.add(key[:1].translate(_FIRST) + key[1:])
    return found


def name_blocking_keys(family_name: str | None, name_latin: str | None, birth_date: str | None) -> tuple[str, ...]:
    """Sorted blocking keys ``<outline>:<birth year>``; none without a birth year or a family name."""
    year = (birth_date or "")[:4]
    if len(year) != 4 or not year.isdigit():
        return ()
    outlines: set[str] = set()
    if family_name and family_name.strip():
        outlines |= _outlines(family_name, family_only=False)
    if name_latin and name_latin.strip():
        outlines |= _outlines(name_latin, family_only=True)
    return tuple(sorted(f"{o}:{year}" for o in outlines if o))
