#!/usr/bin/env bash
# "What changed since" on the real lists: GET /catalog/{source}/changes for every source (each
# version against nothing, the largest diff there is), first when the diff is computed from the
# store, then when it is cached; and GET /changes?since= over all sources. Prints wall time per
# request and the server's CPU time (utime + stime from /proc) that each pass cost.
# Usage: scripts/serve_changes.sh   (env: PORT)
source "$(dirname "$0")/serve_common.sh"
build
prepare_store
start_server
TICKS=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$TICKS" '{ printf "%d", ($14 + $15) * 1000 / t }' "/proc/$SERVER_PID/stat"; }
sources=$(curl -sf -H "Authorization: Bearer $SCREEN_KEY" "$URL/catalog" \
  | python3 -c 'import json,sys; print(" ".join(d["name"] for d in json.load(sys.stdin)["datasets"] if d.get("version")))')
for pass in computed cached; do
  before=$(cpu_ms)
  for s in $sources; do
    curl -sf -o "$WORK/changes.json" -w "$pass $s: %{time_total} s wall, " \
      -H "Authorization: Bearer $SCREEN_KEY" "$URL/catalog/$s/changes?from=0&limit=1000"
    python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["counts"]; print("added %d removed %d changed %d" % (c["added"], c["removed"], c["changed"]))' "$WORK/changes.json"
  done
  echo "$pass pass: server CPU $(( $(cpu_ms) - before )) ms"
done
before=$(cpu_ms)
curl -sf -o /dev/null -w "GET /changes?since=2000-01-01: %{time_total} s wall, " \
  -H "Authorization: Bearer $SCREEN_KEY" "$URL/changes?since=2000-01-01"
echo "server CPU $(( $(cpu_ms) - before )) ms"
