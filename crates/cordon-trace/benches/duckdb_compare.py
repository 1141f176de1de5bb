"""The same reachability question in DuckDB, written as an analyst would: iterative joins,
one per hop, keeping the earliest arrival per address (time-respecting: a hop u->v at time t
is usable only if value reached u at or before t). Compares the answer with Cordon's."""
import sys, time, duckdb

d = sys.argv[1]
src = open(f"{d}/source.txt").read().strip()
con = duckdb.connect()
con.execute(f"CREATE TABLE e AS SELECT * FROM read_csv('{d}/edges.csv', header=true, columns={{'src':'VARCHAR','dst':'VARCHAR','t':'BIGINT','amount':'HUGEINT'}})")
con.execute("CREATE INDEX e_src ON e(src)")
runs = []
for _ in range(3):
    t0 = time.perf_counter()
    con.execute("CREATE OR REPLACE TEMP TABLE best AS SELECT ?::VARCHAR AS addr, 0::BIGINT AS t", [src])
    con.execute("CREATE OR REPLACE TEMP TABLE frontier AS SELECT * FROM best")
    for hop in range(5):
        con.execute("""
            CREATE OR REPLACE TEMP TABLE nxt AS
            SELECT e.dst AS addr, min(e.t) AS t
            FROM frontier f JOIN e ON e.src = f.addr AND e.t >= f.t
            GROUP BY e.dst""")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE frontier AS
            SELECT n.addr, n.t FROM nxt n LEFT JOIN best b ON b.addr = n.addr
            WHERE b.addr IS NULL OR n.t < b.t""")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE best AS
            SELECT addr, min(t) AS t FROM (SELECT * FROM best UNION ALL SELECT * FROM frontier) GROUP BY addr""")
        if con.execute("SELECT count(*) FROM frontier").fetchone()[0] == 0:
            break
    rows = con.execute("SELECT addr, t FROM best WHERE addr <> ? ORDER BY addr", [src]).fetchall()
    runs.append(time.perf_counter() - t0)
duck_ms = min(runs) * 1e3
cordon = [tuple(l.strip().split(",")) for l in open(f"{d}/answers.csv").readlines()[1:]]
cordon = [(a, int(t)) for a, t in cordon]
same = cordon == [(a, int(t)) for a, t in rows]
cordon_ms = float(open(f"{d}/cordon_reach_ms.txt").read())
print(f"duckdb {duckdb.__version__}: {duck_ms:.1f} ms (best of 3), {len(rows)} addresses")
print(f"cordon: {cordon_ms:.3f} ms, {len(cordon)} addresses")
print(f"identical answers: {same}")
print(f"ratio: {duck_ms / cordon_ms:.0f}x")
sys.exit(0 if same else 1)
