#!/usr/bin/env bash
# Sharing benchmarks, one command: STIX export/import and MISP export of the DPRK entries of the
# real lists, then TAXII 2.1: the same collection pulled with `cordon taxii pull` from
# `cordon serve` and from medallion (the OASIS TAXII 2.1 reference server, memory backend),
# side by side on the same objects in the same run.
#
# Usage: scripts/bench_sharing.sh [LISTS_DIR]    (default ../shared/data/lists)
# Needs: a release build (made here), curl, /usr/bin/time, python3 (a venv with medallion is
# made in target/ci-tools/bench-venv). Reports wall time, user+system CPU and peak RSS, and for
# the servers the CPU they spent answering (from /proc/PID/stat), with `uptime` before and after:
# the machine may be shared.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
lists=${1:-${CORDON_SHARED_DATA:-../shared/data}/lists}
[ -d "$lists" ] || { echo "no lists at $lists" >&2; exit 2; }
cargo build --release -q -p cordon-cli
cordon="$repo/target/release/cordon"
venv=target/ci-tools/bench-venv
if ! "$venv/bin/python" -c 'import medallion' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check medallion==3.0.0
fi
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
db="$work/c.redb"
tick=$(getconf CLK_TCK)
cpu_of() { awk -v t="$tick" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat"; }
timed() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %U+%S s CPU, %M KB max RSS" "$@" 2>"$work/time.err" >/dev/null ||
    { cat "$work/time.err" >&2; exit 1; }
  tail -1 "$work/time.err"
}
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 600); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; exit 1; }

echo "uptime before: $(uptime)"
echo "lists: $lists"
"$cordon" --db "$db" ingest --lists "$lists" >/dev/null 2>&1 || true

timed "stix export --what lists (DPRK entries of every list)" \
  "$cordon" --db "$db" stix export --tlp amber -o "$work/lists.json"
objects=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["objects"]))' "$work/lists.json")
echo "  bundle: $objects objects, $(stat -c %s "$work/lists.json") bytes"
timed "stix export --format misp" \
  "$cordon" --db "$db" stix export --format misp -o "$work/event.json"
timed "stix import (the bundle as a watch-list)" \
  "$cordon" --db "$db" stix import "$work/lists.json" --as bench-roundtrip

# --- cordon serve -------------------------------------------------------------------------------
key=$("$cordon" --db "$db" keys create bench --role share 2>/dev/null)
p1=$(port)
CORDON_LOG=warn "$cordon" --db "$db" serve --listen "127.0.0.1:$p1" --reload-every 0 >/dev/null 2>&1 &
pids+=($!); spid=$!
wait_http "http://127.0.0.1:$p1/healthz"
c0=$(cpu_of "$spid")
first=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $key" \
  "http://127.0.0.1:$p1/taxii2/cordon/collections/dprk-lists/objects/?limit=1")
c1=$(cpu_of "$spid")
echo "cordon serve: first TAXII request (builds and logs the collection): ${first} s wall, $(echo "$c1 - $c0" | bc) s server CPU"
for round in 1 2 3; do
  c0=$(cpu_of "$spid")
  timed "  cordon taxii pull <- cordon serve, pages of 100 (run $round)" \
    "$cordon" --db "$work/pull-cordon.redb" taxii pull "http://127.0.0.1:$p1/taxii2/" dprk-lists \
    --key "$key" --limit 100 --force -o "$work/from-cordon.json"
  c1=$(cpu_of "$spid")
  echo "    server CPU for the pull: $(echo "$c1 - $c0" | bc) s"
done

# --- medallion (same objects) -------------------------------------------------------------------
p2=$(port)
"$venv/bin/python" - "$work/from-cordon.json" "$work/medallion-data.json" "$p2" <<'EOF'
import json, sys, datetime
# medallion 3.0.0 reads an object's `version` property as its TAXII version timestamp, so it
# answers 500 to any page holding an `extension-definition` (whose `version` is "1.0.0"): those
# two objects are left out of its copy, and out of the comparison below.
objs = [o for o in json.load(open(sys.argv[1]))["objects"] if o["type"] != "extension-definition"]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
for o in objs:
    o["_date_added"] = now  # how medallion's memory backend stores an added object
manifest = [{"id": o["id"], "date_added": now,
             "version": o.get("modified", o.get("created", now)),
             "media_type": "application/stix+json;version=2.1"} for o in objs]
root = f"http://127.0.0.1:{sys.argv[3]}/bench/"
json.dump({
    "/discovery": {"title": "bench", "default": root, "api_roots": [root]},
    "bench": {
        "information": {"title": "bench", "versions": ["application/taxii+json;version=2.1"],
                        "max_content_length": 104857600},
        "status": [],
        "collections": [{"id": "bf843750-965c-5526-a60f-083dd800ce7d", "title": "dprk-lists",
                         "can_read": True, "can_write": False,
                         "media_types": ["application/stix+json;version=2.1"],
                         "objects": objs, "manifest": manifest}],
    },
}, open(sys.argv[2], "w"))
EOF
cat > "$work/medallion.json" <<EOF
{"backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
             "filename": "$work/medallion-data.json"},
 "users": {"bench": "bench-password"},
 "taxii": {"max_page_size": 1000}}
EOF
"$venv/bin/medallion" --port "$p2" --log-level ERROR "$work/medallion.json" >/dev/null 2>&1 &
pids+=($!); mpid=$!
wait_http "http://127.0.0.1:$p2/taxii2/"
for round in 1 2 3; do
  c0=$(cpu_of "$mpid")
  timed "  cordon taxii pull <- medallion, pages of 100 (run $round)" \
    "$cordon" --db "$work/pull-medallion.redb" taxii pull "http://127.0.0.1:$p2/taxii2/" dprk-lists \
    --user bench --key bench-password --limit 100 --force -o "$work/from-medallion.json"
  c1=$(cpu_of "$mpid")
  echo "    server CPU for the pull: $(echo "$c1 - $c0" | bc) s"
done
python3 - "$work/from-cordon.json" "$work/from-medallion.json" <<'EOF'
import json, sys
a = [o for o in json.load(open(sys.argv[1]))["objects"] if o["type"] != "extension-definition"]
b = json.load(open(sys.argv[2]))["objects"]
same = sorted(map(json.dumps, a)) == sorted(map(json.dumps, b))
print(f"same objects from both servers (extension definitions aside): {same} ({len(a)} / {len(b)})")
EOF
echo "uptime after: $(uptime)"
