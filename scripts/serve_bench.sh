#!/usr/bin/env bash
# Throughput and latency of `cordon serve` POST /match (one query per request, mixed Korean and
# non-Korean names), audit trail on, over the real lists; wrk on loopback, bounded in time.
# Usage: scripts/serve_bench.sh   (env: DURATION=20s CONNECTIONS=32 WRK_THREADS=1 SERVER_THREADS=)
source "$(dirname "$0")/serve_common.sh"
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-1}
build
prepare_store
start_server
curl -s "$URL/readyz"; echo
echo "--- warm-up 3 s"
CORDON_KEY=$SCREEN_KEY wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d3s -s "$ROOT/scripts/serve_match.lua" "$URL" | grep RESULT
echo "--- measured: wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency"
CORDON_KEY=$SCREEN_KEY wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/scripts/serve_match.lua" "$URL"
echo "--- audit trail"
curl -s "$URL/metrics" | grep -E '^cordon_audit'
stop_server
"$BIN" "$DB" verify
