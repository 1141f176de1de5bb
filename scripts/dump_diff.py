#!/usr/bin/env python3
"""Whole-list screening before and after a change: which matches it lost and gained.

Usage:
    scripts/dump_diff.py OLD_DUMP NEW_DUMP [THRESHOLD]

Each dump is the `dump.txt` that `scripts/same_answers.sh record DIR ...` writes (20,000
queries, one line each: the query, a tab, then `ENTITY SCORE [CAPTION]` results joined by `; `).
Prints how many (query, entity) scores moved, the matches lost (at THRESHOLD, default 0.70,
before and below it after, 0.000 meaning no longer among the results) and gained, one per line,
and for each dump the matches of queries without kana on list names written in katakana (the
Latin-to-katakana matches the precision rules of docs/benchmarks/screen.md count).
"""
import re
import sys

RESULT = re.compile(r"(\S+) ([0-9.]+) \[(.*)\]$")
KANA = re.compile(r"[\u3040-\u30ff]")


def load(path):
    """Per query line, in order (a query may appear more than once): {entity: (score, caption)}."""
    dump = {}
    for line in open(path, encoding="utf-8"):
        query, _, rest = line.rstrip("\n").partition("\t")
        results = {}
        for r in rest.split("; ") if rest else []:
            m = RESULT.match(r)
            if m:
                results[m.group(1)] = (float(m.group(2)), m.group(3))
        dump.setdefault(query, []).append(results)
    return dump


def katakana_matches(dump, threshold):
    """(matches, queries) of queries without kana on list names with kana, at the threshold."""
    matches, queries = 0, set()
    for query, lines in dump.items():
        if KANA.search(query):
            continue
        for results in lines:
            for score, caption in results.values():
                if score >= threshold and KANA.search(caption):
                    matches += 1
                    queries.add(query)
    return matches, len(queries)


def main():
    old, new = load(sys.argv[1]), load(sys.argv[2])
    threshold = float(sys.argv[3]) if len(sys.argv) > 3 else 0.70
    moved, lost, gained = 0, [], []
    for query, old_lines in old.items():
        for before, after in zip(old_lines, new.get(query, [])):
            for entity in before.keys() | after.keys():
                a = before.get(entity, (0.0, ""))[0]
                b = after.get(entity, (0.0, ""))[0]
                if a == b:
                    continue
                moved += 1
                caption = (before.get(entity) or after.get(entity))[1]
                line = f"{a:.3f}->{b:.3f}\t{query}\t{caption}"
                if a >= threshold > b:
                    lost.append(line)
                elif b >= threshold > a:
                    gained.append(line)
    print(f"moved {moved} lost {len(lost)} gained {len(gained)}")
    for line in lost:
        print("LOST", line)
    for line in gained:
        print("GAINED", line)
    for name, dump in (("old", old), ("new", new)):
        matches, queries = katakana_matches(dump, threshold)
        print(f"{name}: {matches} Latin-to-katakana matches in {queries} queries")


if __name__ == "__main__":
    main()
