#!/usr/bin/env python3
"""Side-by-side: Cordon vs OpenSanctions nomenklatura logic-v2 on the same labelled pairs.

Usage (normally through scripts/bench_matching.sh):
    bench_matching.py PAIRS.csv CORDON_SCORES.csv COLD_RATE [PER_PASS_RATE [PREPARED_RATE]]

PAIRS.csv has `group,schema,query,candidate,label,source`; CORDON_SCORES.csv has
`group,label,score,match` in the same order (crates/cordon-match/examples/score_pairs.rs).
Prints precision/recall/F1 per group for both at their default thresholds (Cordon 0.70 as
documented in docs/screening.md, logic-v2 0.70 as yente uses), and pair comparisons per
CPU-second of both (each on one thread, timed by thread CPU time), with the ratio. Cordon's
COLD_RATE is `compare()`, which remembers nothing; PER_PASS_RATE is a fresh `Comparer` per
timed pass, which reuses the analysis of names and words from earlier pairs of the same pass
only: the like-for-like number, as logic-v2 is timed on one pass with its string caches warm
only from names earlier in that pass (and from the synthetic warm-up names below).
PREPARED_RATE is a `Comparer` that has seen every name in an earlier pass (a pair costs its
scoring and explanation, as in screening, where list names are analysed once into the index
and a query once for all its candidates); logic-v2 is timed the same way in a child process
(`--prepared`) whose per-entity caches are raised to hold every entity: two warm passes after
one that fills them, the faster of the two its rate. With its default caches (1,000 entities)
a warm pass over 4,104 entities finds almost none of them, which is not the same treatment.

NK_WARM_UP=first warms logic-v2 up on the first pair only, as this script did before
2026-12-06, to measure what the full warm-up changes.
"""
import csv
import importlib.util
import os
import subprocess
import sys
import time
from collections import defaultdict

if __name__ == "__main__" and sys.argv[1:2] == ["--prepared"]:
    # logic-v2's per-entity caches hold 1,000 entities (MEMO_BATCH), fewer than a pass over the
    # pairs has: raised before its modules read it, so that a warm pass finds every name
    # prepared, as Cordon's prepared rate does. Its util module is loaded by hand so that the
    # package, which imports logic-v2, is not imported first.
    import nomenklatura

    util_path = os.path.join(os.path.dirname(nomenklatura.__file__), "matching", "util.py")
    spec = importlib.util.spec_from_file_location("nomenklatura.matching.util", util_path)
    util = importlib.util.module_from_spec(spec)
    sys.modules["nomenklatura.matching.util"] = util
    spec.loader.exec_module(util)
    util.MEMO_BATCH = 1 << 20

from followthemoney import model
from nomenklatura.matching import get_algorithm

THRESHOLD = 0.70

# One pair per script and name shape of the dev set, with words it does not use (legal forms
# apart), so that no timed name finds its words' analysis cached.
WARM_UP = [
    ("John Smith", "Jhon Smithe"),
    ("Acme Handel GmbH", "ACME Handel Co., Ltd."),
    ("Аркадий Зуев", "Arkadiy ZUYEV"),
    ("ООО Ромашка", "Romashka LLC"),
    ("Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos"),
    ("بهرام کاظمی", "Bahram KHAZEMI"),
    ("山田太郎", "Yamada Taro"),
    ("温润发", "Wen Runfa"),
    ("黄河机械有限公司", "Huanghe Jixie Ltd"),
    ("ヴァレリアン", "Valerian"),
    ("ソ・ヨンテク", "Soh Yeong Taek"),
    ("탁명환", "Thak Myeong Hoan"),
    ("주식회사 한빛", "Hanbit Co"),
]


def entity(eid, schema, name):
    e = model.make_entity(schema if schema in ("Person", "Organization", "Company", "Vessel", "LegalEntity") else "LegalEntity")
    e.id = eid
    e.add("name", name)
    return e


def entity_pairs(pairs):
    # Unique ids: nomenklatura caches name analysis per entity id.
    return [(entity(f"q{i}", p["schema"], p["query"]), entity(f"c{i}", p["schema"], p["candidate"])) for i, p in enumerate(pairs)]


def prf(c):
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def tally(counts, group, label, match):
    for g in (group, "ALL"):
        c = counts[g]
        key = ("tp" if match else "fn") if label else ("fp" if match else "tn")
        c[key] += 1


def logic_v2_prepared(pairs_path):
    """Prints logic-v2's pairs per CPU-second on warm passes, every entity in its caches."""
    pairs = list(csv.DictReader(open(pairs_path, encoding="utf-8")))
    algo = get_algorithm("logic-v2")
    cfg = algo.default_config()
    ents = entity_pairs(pairs)
    best = 0.0
    for timed in (False, True, True):
        t = time.thread_time()
        for q, c in ents:
            algo.compare(q, c, cfg)
        if timed:
            best = max(best, len(ents) / (time.thread_time() - t))
    print(best)


def main():
    if sys.argv[1] == "--prepared":
        return logic_v2_prepared(sys.argv[2])
    pairs = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
    cordon = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
    cordon_rate = float(sys.argv[3])
    per_pass_rate = float(sys.argv[4]) if len(sys.argv) > 4 else None
    prepared_rate = float(sys.argv[5]) if len(sys.argv) > 5 else None
    algo = get_algorithm("logic-v2")
    cfg = algo.default_config()
    ents = entity_pairs(pairs)
    # Warm-up: the first name analysis loads the tagger (several seconds), and each script and
    # schema loads its own tables (transliterators, symbol and legal-form lists) on first use,
    # which would otherwise be timed. Synthetic names, none of them in the timed set, so the
    # timed pass starts with no cached analysis of its own names.
    warm_up = WARM_UP if os.environ.get("NK_WARM_UP") != "first" else [(pairs[0]["query"], pairs[0]["candidate"])]
    for j, (a, b) in enumerate(warm_up):
        for schema in ("Person", "Organization", "Company", "Vessel", "LegalEntity"):
            algo.compare(entity(f"warm-q{j}{schema}", schema, a), entity(f"warm-c{j}{schema}", schema, b), cfg)
    # CPU time of this thread, as on the Cordon side: the machine may be shared.
    t = time.thread_time()
    scores = [algo.compare(q, c, cfg).score for q, c in ents]
    secs = time.thread_time() - t
    lv2_rate = len(ents) / secs
    lv2_warm_rate = None
    if prepared_rate is not None:
        child = subprocess.run(
            [sys.executable, __file__, "--prepared", sys.argv[1]],
            capture_output=True, text=True, check=True,
        )
        lv2_warm_rate = float(child.stdout.split()[-1])

    c_counts = defaultdict(lambda: defaultdict(int))
    l_counts = defaultdict(lambda: defaultdict(int))
    for p, c, s in zip(pairs, cordon, scores):
        label = p["label"] == "1"
        tally(c_counts, p["group"], label, c["match"] == "1")
        tally(l_counts, p["group"], label, s >= THRESHOLD)
    groups = sorted(g for g in c_counts if g != "ALL") + ["ALL"]
    print(f"{'group':18} {'pairs':>5} | {'Cordon P':>8} {'R':>5} {'F1':>5} | {'logic-v2 P':>10} {'R':>5} {'F1':>5} | better")
    for g in groups:
        n = sum(c_counts[g].values())
        cp, cr, cf = prf(c_counts[g])
        lp, lr, lf = prf(l_counts[g])
        neg_only = c_counts[g]["tp"] + c_counts[g]["fn"] == 0
        if neg_only:
            # Negative-only groups: report specificity (share correctly not matched).
            cs = c_counts[g]["tn"] / n
            ls = l_counts[g]["tn"] / n
            print(f"{g:18} {n:5} | {'spec':>8} {cs:5.3f} {'':5} | {'spec':>10} {ls:5.3f} {'':5} | {'cordon' if cs > ls else ('=' if cs == ls else 'logic-v2')}")
        else:
            print(f"{g:18} {n:5} | {cp:8.3f} {cr:5.3f} {cf:5.3f} | {lp:10.3f} {lr:5.3f} {lf:5.3f} | {'cordon' if cf > lf else ('=' if cf == lf else 'logic-v2')}")
    print()
    print(f"pair comparisons per CPU-second (one thread each): cordon {cordon_rate:,.0f}  logic-v2 {lv2_rate:,.0f}  ratio {cordon_rate / lv2_rate:,.0f}x")
    if per_pass_rate is not None:
        print(f"  like for like (a fresh Comparer per pass, names and words reused within the pass as logic-v2's caches): cordon {per_pass_rate:,.0f}  ratio {per_pass_rate / lv2_rate:,.0f}x")
    if prepared_rate is not None:
        print(f"  names prepared (every name analysed in an earlier pass; logic-v2's caches sized for every entity, warm likewise): cordon {prepared_rate:,.0f}  logic-v2 {lv2_warm_rate:,.0f}  ratio {prepared_rate / lv2_warm_rate:,.0f}x")


if __name__ == "__main__":
    main()
