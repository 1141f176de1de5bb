#!/usr/bin/env bash
# Crash test: kill -9 the server at random moments under load, restart, and check that every
# request that got a 200 is in the audit trail (same seq and request id), the chain verifies and
# the review queue reads back consistent.
# Usage: scripts/serve_crash.sh   (env: ROUNDS=5)
source "$(dirname "$0")/serve_common.sh"
ROUNDS=${ROUNDS:-5}
build
prepare_store
for round in $(seq 1 "$ROUNDS"); do
  start_server
  CORDON_KEY=$SCREEN_KEY CORDON_SEQ_LOG=$WORK/acked.$round \
    timeout 20 wrk -t2 -c16 -d15s -s "$ROOT/scripts/serve_match.lua" "$URL" >/dev/null 2>&1 &
  WRK_PID=$!
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.5 + 3.0 * r / 32768 }')"
  kill -9 "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  kill "$WRK_PID" 2>/dev/null || true
  wait "$WRK_PID" 2>/dev/null || true
  echo "round $round: killed -9; acknowledged so far: $(cat "$WORK"/acked.* 2>/dev/null | wc -l)"
done
# A restart cuts a write the kill interrupted (never acknowledged) and continues the chain.
start_server
stop_server
"$BIN" "$DB" verify
"$BIN" "$DB" export > "$WORK/audit.jsonl"
python3 - "$WORK" <<'PY'
import glob, json, sys
work = sys.argv[1]
trail = {}
for line in open(f"{work}/audit.jsonl", encoding="utf-8"):
    r = json.loads(line)
    trail[r["seq"]] = r["request_id"]
acked = missing = 0
for path in glob.glob(f"{work}/acked.*"):
    for line in open(path, encoding="utf-8", errors="replace"):
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            continue  # a line wrk was writing when it was stopped
        acked += 1
        if trail.get(int(parts[1])) != parts[0]:
            missing += 1
print(f"acknowledged 200s: {acked}; in the audit trail: {acked - missing}; missing: {missing}; records: {len(trail)}")
# The review queue: every complete line reads, every item names a screening in the trail (its
# open line is written after the audit record), and no hit has two open items. A torn last
# line (a write the kill interrupted, never acknowledged) is what readers skip.
review = open(f"{work}/cordon.service/review.jsonl", "rb").read()
complete = review[: review.rfind(b"\n") + 1]
items, open_hits, bad = {}, {}, 0
for line in complete.decode("utf-8").splitlines():
    e = json.loads(line)
    if e["event"] == "open":
        items[e["id"]] = e
        key = (e["subject"], e["entity_id"])
        if key in open_hits:
            bad += 1
        open_hits[key] = e["id"]
        if e.get("audit_seq") not in trail:
            bad += 1
    else:
        i = items.get(e["id"])
        if i:
            open_hits.pop((i["subject"], i["entity_id"]), None)
print(f"review queue: {len(items)} items, {len(open_hits)} open, torn tail {len(review) - len(complete)} bytes, inconsistent: {bad}")
sys.exit(1 if missing or acked == 0 or bad or not items else 0)
PY
