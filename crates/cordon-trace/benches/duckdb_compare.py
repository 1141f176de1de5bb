"""The bench's two graph questions in DuckDB, written as an analyst would (iterative joins, one
per hop), on the same generated graph, with Cordon's answers checked for identity.

1. Reachability: every address reachable within 5 hops from one account along time-respecting
   paths, with the earliest arrival time.
2. Exposure (haircut, <= 5 hops, both directions): for each target, per category and
   direction, the direct and indirect exposure in base units. A path stops at the first
   labelled address; an intermediate passes on each inflow in proportion to its share of its
   inflows before the onward transfer (received) or of its outflows after the arrival (sent).

DuckDB reads the store's own column files (integer address ids, which favours DuckDB: no
string joins) plus the amounts in centi-ETH that the bench writes. Usage:
    duckdb_compare.py BENCH_DIR [RANDOM_TARGETS [DEPOSIT_TARGETS]]
(exposure targets default to the 20 random accounts and 5 deposits the bench answered; fewer
keep a 10^8-transfer run short, since every hop is a join over the whole table).
"""
import csv, json, os, resource, sys, time

import duckdb
import numpy as np
import pandas as pd

d = sys.argv[1]
duck = os.path.join(d, "duck")
meta = json.load(open(os.path.join(duck, "meta.json")))
g = meta["graph"]
n = meta["transfers"]
WEI_PER_CENTI = 10**16
HOPS = 5
RISK = ("sanctioned", "dprk", "mixer", "bridge", "theft", "exchange")
STOP = ("dex", "token", "poisoning")

db_path = os.path.join(duck, "graph.duckdb")
if os.path.exists(db_path):
    os.remove(db_path)
con = duckdb.connect(db_path)
con.execute("SET memory_limit = '6GB'")
con.execute("SET threads = 2")
con.execute("SET preserve_insertion_order = false")

# Load (not timed): the value-carrying transfers, id = global time order.
t0 = time.perf_counter()
col = lambda name, dt: np.memmap(os.path.join(g, name), dtype=dt, mode="r")
src, dst = col("from.u32.bin", "<u4"), col("to.u32.bin", "<u4")
tim, exc = col("time.i64.bin", "<i8"), col("exclusion.u8.bin", "u1")
amt = np.memmap(os.path.join(duck, "amount_centi.i64.bin"), dtype="<i8", mode="r")
con.execute("CREATE TABLE e (id BIGINT, src UINTEGER, dst UINTEGER, t BIGINT, amount BIGINT)")
CHUNK = 10_000_000
for lo in range(0, n, CHUNK):
    hi = min(n, lo + CHUNK)
    keep = exc[lo:hi] == 0
    chunk = pd.DataFrame({
        "id": np.arange(lo, hi, dtype=np.int64)[keep],
        "src": np.asarray(src[lo:hi])[keep],
        "dst": np.asarray(dst[lo:hi])[keep],
        "t": np.asarray(tim[lo:hi])[keep],
        "amount": np.asarray(amt[lo:hi])[keep],
    })
    con.execute("INSERT INTO e SELECT * FROM chunk")
    del chunk
con.execute("CREATE TABLE labels (id UINTEGER, category VARCHAR)")
con.execute(f"INSERT INTO labels SELECT * FROM read_csv('{duck}/labels.csv', header=true)")
rows = con.execute("SELECT count(*) FROM e").fetchone()[0]
print(f"duckdb {duckdb.__version__}: loaded {rows} value-carrying transfers in {time.perf_counter() - t0:.1f} s (not timed)")


def best_of(k, f):
    best, out = None, None
    for _ in range(k):
        t = time.perf_counter()
        out = f()
        el = time.perf_counter() - t
        best = el if best is None else min(best, el)
    return best, out


# 1. Reachability.
def reach():
    s = meta["source"]
    con.execute("CREATE OR REPLACE TEMP TABLE best AS SELECT ?::UINTEGER AS id, (-9223372036854775807 - 1)::BIGINT AS t", [s])
    con.execute("CREATE OR REPLACE TEMP TABLE frontier AS SELECT * FROM best")
    for _ in range(HOPS):
        con.execute("""
            CREATE OR REPLACE TEMP TABLE nxt AS
            SELECT e.dst AS id, min(e.t) AS t
            FROM frontier f JOIN e ON e.src = f.id AND e.t >= f.t
            GROUP BY e.dst""")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE frontier AS
            SELECT n.id, n.t FROM nxt n LEFT JOIN best b ON b.id = n.id
            WHERE b.id IS NULL OR n.t < b.t""")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE best AS
            SELECT id, min(t) AS t FROM (SELECT * FROM best UNION ALL SELECT * FROM frontier) GROUP BY id""")
        if con.execute("SELECT count(*) FROM frontier").fetchone()[0] == 0:
            break
    return con.execute("SELECT id, t FROM best WHERE id <> ? ORDER BY id", [s]).fetchall()


reach_s, reach_rows = best_of(3, reach)
cordon_reach = [(int(r["id"]), int(r["t"])) for r in csv.DictReader(open(os.path.join(duck, "reach.csv")))]
reach_same = cordon_reach == [(int(a), int(b)) for a, b in reach_rows]
cordon_reach_ms = float(meta["cordon_reach_ms"])
print(f"reachability: duckdb {reach_s * 1e3:.1f} ms (best of 3), {len(reach_rows)} addresses; "
      f"cordon {cordon_reach_ms:.3f} ms, {len(cordon_reach)} addresses; identical: {reach_same}; "
      f"ratio {reach_s * 1e3 / cordon_reach_ms:.0f}x")


# 2. Exposure. A frontier row is one path: (pid, node, bound = the transfer that moved the
# value at node, tau = the path's share in wei, depth). Classified at each level: a labelled
# risk address counts (direct at depth 1), a DEX/token/poisoning label stops the path
# uncounted, anything else is expanded if depth < HOPS.
def exposure(target):
    out = {}
    for direction, near, far, cmp in (("received", "dst", "src", "<"), ("sent", "src", "dst", ">")):
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE fr AS
            SELECT row_number() OVER () AS pid, {far} AS node, id AS bound,
                   amount::HUGEINT * {WEI_PER_CENTI} AS tau, 1 AS depth
            FROM e WHERE {near} = ?""", [target])
        for depth in range(1, HOPS + 1):
            con.execute("""
                CREATE OR REPLACE TEMP TABLE cls AS
                SELECT fr.*, l.category FROM fr LEFT JOIN labels l ON l.id = fr.node""")
            for cat, dpt, amount in con.execute(f"""
                    SELECT category, depth = 1, sum(tau) FROM cls
                    WHERE category IN {RISK} GROUP BY ALL""").fetchall():
                k = (cat, direction)
                a = out.setdefault(k, [0, 0])
                a[0 if dpt else 1] += int(amount)
            if depth == HOPS:
                break
            con.execute(f"""
                CREATE OR REPLACE TEMP TABLE fr AS
                WITH go AS (SELECT pid, node, bound, tau, depth FROM cls
                            WHERE category IS NULL OR category NOT IN {RISK + STOP}),
                cand AS (
                    SELECT go.pid, e.{far} AS node, e.id AS bound, go.tau, go.depth, e.amount,
                           sum(e.amount) OVER (PARTITION BY go.pid) AS total
                    FROM go JOIN e ON e.{near} = go.node AND e.id {cmp} go.bound)
                SELECT row_number() OVER () AS pid, node, bound,
                       (tau * amount) // total AS tau, depth + 1 AS depth
                FROM cand WHERE (tau * amount) // total > 0""")
            if con.execute("SELECT count(*) FROM fr").fetchone()[0] == 0:
                break
    return out


targets = [(int(r["target"]), float(r["cordon_ms"])) for r in csv.DictReader(open(os.path.join(duck, "targets.csv")))]
n_random = int(sys.argv[2]) if len(sys.argv) > 2 else 20
n_deposit = int(sys.argv[3]) if len(sys.argv) > 3 else 5
targets = targets[:min(n_random, 20)] + targets[20:20 + n_deposit]
want = {}
for r in csv.DictReader(open(os.path.join(duck, "exposure.csv"))):
    want.setdefault(int(r["target"]), {})[(r["category"], r["direction"])] = [int(r["direct_base"]), int(r["indirect_base"])]
duck_total, cordon_total, same = 0.0, 0.0, True
for tgt, cordon_ms in targets:
    el, got = best_of(1, lambda: exposure(tgt))
    got = {k: v for k, v in got.items() if v != [0, 0]}
    ok = got == want.get(tgt, {})
    if not ok:
        print(f"  target {tgt}: DIFFERENT\n    duckdb {sorted(got.items())}\n    cordon {sorted(want.get(tgt, {}).items())}")
    same &= ok
    duck_total += el * 1e3
    cordon_total += cordon_ms
print(f"exposure over {len(targets)} targets ({min(n_random, 20)} random accounts + {n_deposit} planted deposits): "
      f"duckdb {duck_total:.0f} ms ({duck_total / len(targets):.1f} ms per query); "
      f"cordon {cordon_total:.1f} ms ({cordon_total / len(targets):.3f} ms per query); "
      f"identical: {same}; ratio {duck_total / cordon_total:.0f}x")
ru = resource.getrusage(resource.RUSAGE_SELF)
print(f"duckdb process: {ru.ru_utime + ru.ru_stime:.1f} s CPU, peak RSS {ru.ru_maxrss // 1024} MB")
con.close()
os.remove(db_path)
sys.exit(0 if (reach_same and same) else 1)
