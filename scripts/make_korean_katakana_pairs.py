#!/usr/bin/env python3
"""Every katakana name on Japan's North Korea list against every Latin name of a DPRK
designee on the other lists: the whole-list false matches of Korean names in katakana.

Input: an FtM JSON-lines export of the store (`cordon export > all.jsonl`) and the cross-list
groups (`screen_latency --db STORE --groups groups.tsv`). Output (stdout): the `score_pairs`
CSV (group,schema,query,candidate,label,source), label 1 when the two records share a group.
The groups join fewer katakana records than exist, so a match labelled 0 is a false match
only when the names differ: read the ones scored above the threshold.

    python3 scripts/make_korean_katakana_pairs.py all.jsonl groups.tsv > kata_pairs.csv
    target/release/examples/score_pairs < kata_pairs.csv > out.csv
"""
import csv
import json
import re
import sys

KATAKANA = re.compile(r"[\u30a0-\u30ff]")
# Japan MOF's North Korea list (numbered 15 in the MOF workbook's sheets).
JAPAN_DPRK = "jp-15-"
OTHER_LISTS = ("ofac", "un-", "eu-", "uk-")


def dprk(record):
    p = record["properties"]
    text = " ".join(p.get("program", []) + p.get("notes", [])[:1])
    return "DPRK" in text or "Korea" in text or p.get("nationality", [""])[:1] == ["kp"]


def main():
    records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
    group = {}
    for line in open(sys.argv[2], encoding="utf-8"):
        g, rid, _ = line.rstrip("\n").split("\t", 2)
        group[rid] = g
    katakana, latin = [], []
    for r in records:
        if r["schema"] != "Person":
            continue
        p = r["properties"]
        for name in p.get("name", []) + p.get("alias", []):
            if KATAKANA.search(name):
                if r["id"].startswith(JAPAN_DPRK):
                    katakana.append((r["id"], name))
            elif r["id"].startswith(OTHER_LISTS) and dprk(r):
                latin.append((r["id"], name))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["group", "schema", "query", "candidate", "label", "source"])
    for qid, q in katakana:
        for cid, c in latin:
            same = group.get(qid, qid) == group.get(cid, cid)
            out.writerow(["katakana-x", "Person", q, c, int(same), f"{qid} vs {cid}"])


if __name__ == "__main__":
    main()
