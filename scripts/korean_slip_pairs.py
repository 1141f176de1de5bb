#!/usr/bin/env python3
"""Synthetic one-letter slips in the dev set's names, for measuring typo recall by class.

    python3 scripts/korean_slip_pairs.py pos > POS.csv   # slips of the Korean groups' Latin names
    python3 scripts/korean_slip_pairs.py neg > NEG.csv   # slips of every label-0 pair's query

`pos`: each Latin name of 2-3 words in the Korean groups of the dev set, one slip of each kind
(group = kind: double, drop, swap, vowel, sub), paired with the name as written, label 1. Many
of these slips make another real name (`Mun` -> `Min`), so recall well below 1 is expected: the
set compares builds, it is no target. `neg`: two slips of each kind in the query of every
label-0 pair, paired with the same candidate, label 0: a rule that reads slips too loosely
turns these into matches. Output in the format of crates/cordon-match/tests/data/pairs.csv.
"""
import csv
import random
import sys

PAIRS = "crates/cordon-match/tests/data/pairs.csv"
KINDS = ("double", "drop", "swap", "vowel", "sub")
VOWELS = "aeiou"


def slip(n, kind, rng):
    idx = [i for i, c in enumerate(n) if c.isalpha()]
    if not idx:
        return None
    i = rng.choice(idx)
    if kind == "double":
        return n[:i] + n[i] + n[i:]
    if kind == "drop":
        return n[:i] + n[i + 1:]
    if kind == "swap":
        if i + 1 >= len(n) or not n[i + 1].isalpha():
            return None
        return n[:i] + n[i + 1] + n[i] + n[i + 2:]
    if kind == "vowel":
        vi = [j for j in idx if n[j].lower() in VOWELS]
        if not vi:
            return None
        i = rng.choice(vi)
        return n[:i] + rng.choice([v for v in VOWELS if v != n[i].lower()]) + n[i + 1:]
    return n[:i] + rng.choice([x for x in "abcdeghijklmnoprstuwy" if x != n[i].lower()]) + n[i + 1:]


def main():
    mode = sys.argv[1]
    rows = list(csv.DictReader(open(PAIRS)))
    out = csv.writer(sys.stdout)
    out.writerow(["group", "schema", "query", "candidate", "label", "source"])
    if mode == "pos":
        rng = random.Random(11)
        names = sorted(
            {
                n
                for r in rows
                if r["group"].startswith("korean")
                for n in (r["query"], r["candidate"])
                if n.isascii() and 2 <= len(n.split()) <= 3
            }
        )
        for n in names:
            for kind in KINDS:
                for _ in range(3):
                    s = slip(n, kind, rng)
                    if s and s.lower() != n.lower():
                        out.writerow([kind, "Person", s, n, 1, "synthetic"])
                        break
    else:
        rng = random.Random(7)
        for r in rows:
            if r["label"] != "0" or not r["query"].isascii():
                continue
            for kind in KINDS:
                for _ in range(2):
                    s = slip(r["query"], kind, rng)
                    if s:
                        out.writerow([f"{r['group']}-{kind}", r["schema"], s, r["candidate"], 0, "synthetic"])


if __name__ == "__main__":
    main()
