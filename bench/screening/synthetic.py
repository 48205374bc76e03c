"""A synthetic watchlist of any size, grown from the name parts of the development watchlist.

Real Cyrillic names are split into given name, patronymic and family name (by the engine's own
role guess); synthetic Slavic persons recombine them at random and get, half of the time, a Latin
alias under a random transliteration scheme (ICAO, BGN/PCGN, ISO 9, Ukrainian national, Belarusian
passport). Recombination makes namesakes (same three names, different person), as real lists have. Latin (mostly OFAC) names are recombined word by word. Birth dates and countries are drawn
at random. Queries are synthetic entries read another way (other script or scheme, patronymic
dropped, order swapped) plus fresh recombinations, which are almost always nobody on the list.
Everything comes from one seeded ``random.Random``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from muster.domain.matching import ScreeningQuery, WatchlistEntry
from muster.domain.matching.normalise import fold_text, is_cyrillic, role, skeleton, tokenise
from muster.domain.matching.transliteration import to_latin

COUNTRIES = ("RU", "BY", "UA", "KZ", "")


@dataclass
class Pools:
    given: list[str]
    patronymic: list[str]
    family: list[str]
    latin_words: list[str]


def pools(entries: list[WatchlistEntry]) -> Pools:
    """Name parts of the development list, with their real frequencies (repeats kept)."""
    given, patronymic, family, latin = [], [], [], []
    for entry in entries:
        for name in entry.names:
            words = tokenise(fold_text(name))
            if words and all(is_cyrillic(w) for w in words) and len(words) == 3:
                for w in words:
                    r = role(skeleton(to_latin(w, "icao")))
                    (given if r == "given" else patronymic if r == "patronymic" else family).append(w.capitalize())
            elif words and not any(is_cyrillic(w) for w in words):
                latin.extend(w.upper() for w in words if len(w) > 1)
    return Pools(given, patronymic, family, latin)


def _birth(rng: random.Random) -> tuple[str, ...]:
    if rng.random() < 0.3:
        return ()
    year = rng.randint(1940, 2002)
    return (f"{year}",) if rng.random() < 0.1 else (f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",)


def _slavic(rng: random.Random, p: Pools) -> list[str]:
    return [rng.choice(p.family), rng.choice(p.given), rng.choice(p.patronymic)]


def _latin(rng: random.Random, p: Pools) -> list[str]:
    return [rng.choice(p.latin_words) for _ in range(rng.choice((2, 3, 3, 4)))]


# Schemes a Russian name is romanised under in practice (the BGN tables for Ukrainian and Belarusian
# leave Russian-only letters such as и untouched, so they are not used on Russian names).
ROMANISATIONS = ("icao", "bgn_ru", "iso9", "ua_national", "by_passport")


def _romanise(words: list[str], rng: random.Random) -> str:
    scheme = rng.choice(ROMANISATIONS)
    return " ".join(to_latin(w, scheme).capitalize() for w in words)


def watchlist(size: int, p: Pools, seed: int = 7) -> list[WatchlistEntry]:
    """``size`` synthetic entries, ids S0000001..."""
    rng = random.Random(seed)
    out = []
    for i in range(size):
        country = rng.choice(COUNTRIES)
        if rng.random() < 0.65:
            words = _slavic(rng, p)
            names = [" ".join(words)] + ([_romanise(words, rng)] if rng.random() < 0.5 else [])
        else:
            names = [" ".join(_latin(rng, p))]
        out.append(WatchlistEntry(f"S{i:07d}", tuple(names), _birth(rng), (country,) if country else ()))
    return out


def queries(entries: list[WatchlistEntry], count: int, p: Pools, seed: int = 11) -> tuple[list[ScreeningQuery], dict[str, str]]:
    """``count`` queries, half variants of listed entries (truth returned), half fresh recombinations."""
    rng = random.Random(seed)
    out, truth = [], {}
    for i in range(count):
        qid = f"SQ{i:06d}"
        if i % 2 == 0:
            entry = rng.choice(entries)
            words = entry.names[0].split()
            if is_cyrillic(words[0]):
                if rng.random() < 0.2:
                    words = words[:2]
                if rng.random() < 0.2:
                    words = words[1:] + words[:1]
                name = _romanise(words, rng) if rng.random() < 0.7 else " ".join(words)
            else:
                name = " ".join(rng.sample(words, len(words)))
            birth = entry.birth_dates[0] if entry.birth_dates and rng.random() < 0.7 else None
            truth[qid] = entry.id
        else:
            name = " ".join(_slavic(rng, p) if rng.random() < 0.65 else _latin(rng, p))
            birth = _birth(rng)
            birth = birth[0] if birth else None
        out.append(ScreeningQuery(qid, name, birth, None))
    return out, truth
