"""Recall of the name blocking keys (duplicate detection by name, docs/crypto.md "Blind indexes").

For N synthetic people (demo.people) and one `applying_twice` re-application each (another script or
transliteration, perhaps without patronymic), compute the name blind indexes as intake stores them
(`duplicates.contact_digests` through `bootstrap.BlindContactIndexer`, a random key) and count:

- blocking recall: the pairs whose two applications share a name digest (so the look-up finds them);
- reported: those the service would report (engine score >= DEFAULT_THRESHOLD, equal birth dates);
- other-person pairs sharing a digest (candidates unsealed for nothing) and reported by mistake.

Twice: with the Latin passport name as the demo loader fills it (the same on both applications, the
easy case), and with `name_latin` left empty (family and given name only, the hard case).

    .venv/bin/python bench/crypto/name_blocking.py [N] [seed]
"""

from __future__ import annotations

import itertools
import os
import random
import sys

from muster.bootstrap import BlindContactIndexer
from muster.crypto.blind_index import BlindIndex
from muster.demo.load import answers_for
from muster.demo.people import applying_twice, synthetic_people
from muster.domain.matching import DEFAULT_THRESHOLD
from muster.services.duplicates import NAME, contact_digests, name_score

CHOICES = {"languages": ["ru", "uk", "en"], "skills": []}


def measure(count: int, seed: int, *, with_latin: bool) -> dict[str, int]:
    indexer = BlindContactIndexer(BlindIndex(os.urandom(32)))
    people = synthetic_people(count, seed)
    rng = random.Random(seed)
    firsts = [answers_for(p, CHOICES) for p in people]
    seconds = [answers_for(applying_twice(p, rng), CHOICES) for p in people]
    if not with_latin:
        for answers in firsts + seconds:
            answers["name_latin"] = ""

    def digests(answers):
        return {d for kind, d in contact_digests({}, indexer, answers) if kind == NAME}

    def reported(a, b):
        score = name_score(a, b)
        return score is not None and score >= DEFAULT_THRESHOLD

    d1, d2 = [digests(a) for a in firsts], [digests(a) for a in seconds]
    blocked = [i for i in range(count) if d1[i] & d2[i]]
    out = {"pairs": count, "blocked": len(blocked), "reported": sum(reported(seconds[i], firsts[i]) for i in blocked),
           "other_candidates": 0, "other_reported": 0}
    apps = list(zip(firsts + seconds, d1 + d2, list(range(count)) * 2, strict=True))
    for (a, da, pa), (b, db, pb) in itertools.combinations(apps, 2):
        if pa != pb and da & db:
            out["other_candidates"] += 1
            out["other_reported"] += reported(a, b)
    return out


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    for with_latin in (True, False):
        r = measure(count, seed, with_latin=with_latin)
        print(f"{'with name_latin' if with_latin else 'family/given only'}: blocking recall {r['blocked']}/{r['pairs']}"
              f" ({r['blocked'] / r['pairs']:.0%}), reported {r['reported']}/{r['pairs']} ({r['reported'] / r['pairs']:.0%});"
              f" other-person pairs sharing a key {r['other_candidates']}, reported {r['other_reported']}")


if __name__ == "__main__":
    main()
