#!/usr/bin/env bash
# Where a /match request's CPU goes: the server's CPU time per request under wrk load
# (utime+stime of the server over the run / requests answered), and a perf profile of the same
# run split into the matcher and everything else (HTTP, JSON, audit, metrics, runtime).
# Usage: scripts/serve_profile.sh   (env: DURATION=10s CONNECTIONS=64 PERF=1)
source "$(dirname "$0")/serve_common.sh"
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
PERF=${PERF:-1}
TICK=$(getconf CLK_TCK)
build
prepare_store
start_server
CORDON_KEY=$SCREEN_KEY wrk -t1 -c"$CONNECTIONS" -d3s -s "$ROOT/scripts/serve_match.lua" "$URL" | grep RESULT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
cpu() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
before=$(cpu)
if [ "$PERF" = 1 ]; then
  perf record -F 499 --call-graph dwarf,16384 -o "$WORK/perf.data" -p "$SERVER_PID" 2>/dev/null &
  PERF_PID=$!
fi
out=$(CORDON_KEY=$SCREEN_KEY wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -s "$ROOT/scripts/serve_match.lua" "$URL" | grep RESULT)
after=$(cpu)
if [ "$PERF" = 1 ]; then kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true; fi
echo "$out"
n=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out")
echo "server CPU: $(( (after - before) * 1000 / TICK )) ms for $n requests = $(echo "scale=1; ($after - $before) * 1000000 / $TICK / $n" | bc) us per request"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
stop_server
if [ "$PERF" = 1 ]; then
  report() { perf report -i "$WORK/perf.data" --children --stdio --percent-limit 0 -S "$1" 2>/dev/null | grep -m1 -E '^ +[0-9.]+%' | awk '{print $1}'; }
  echo "inclusive share of the server's samples:"
  for sym in 'cordon_match::matcher::Matcher::screen' 'cordon_server::engine::Snapshot::screen' \
    'cordon_server::api::match_entities' 'cordon_server::api::answer' 'cordon_server::api::result_json' \
    'cordon_server::audit::AuditLog::append' 'cordon_server::audit::writer' \
    'cordon_server::engine::SubjectQuery::from_json' 'cordon_server::api::observe' \
    'cordon_server::metrics::Metrics::record' 'serde_json::ser::to_writer' 'fdatasync'; do
    printf '  %-45s %s\n' "$sym" "$(report "$sym")"
  done
  perf report -i "$WORK/perf.data" --no-children --stdio --sort dso,symbol 2>/dev/null | grep -E '^ +[0-9.]+%' | head -40
fi
