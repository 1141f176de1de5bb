#!/usr/bin/env bash
# Reload under load: POST /admin/reload swaps in a new list version (a hand-edited extra list
# changes each time) while wrk drives /match; no request may fail.
# Usage: scripts/serve_reload.sh   (env: RELOADS=5 DURATION=25s WRK_TIMEOUT=2s)
source "$(dirname "$0")/serve_common.sh"
RELOADS=${RELOADS:-5}
DURATION=${DURATION:-25s}
build
LISTS=$WORK/lists
mkdir -p "$LISTS"
for d in "$DATA"/lists/*/; do ln -s "$d" "$LISTS/$(basename "$d")"; done
extra() {
  {
    echo "# list_id: reload-test"
    echo "# title: reload test list (fictional)"
    echo "list_id,record_id,schema,name,aliases,birth_date,nationality,country,gender,id_number,passport_number,address,email,phone,website,wallets,program,listing_date,notes,source_url"
    for i in $(seq 1 "$1"); do echo "reload-test,R-$i,Person,Reload Person $i,,,,,,,,,,,,,TEST,2026-01-01,,"; done
  } > "$LISTS/reload-test.csv"
}
extra 1
prepare_store "$LISTS"
start_server "$LISTS"
CORDON_KEY=$SCREEN_KEY wrk -t1 -c32 -d"$DURATION" --timeout "${WRK_TIMEOUT:-2s}" --latency -s "$ROOT/scripts/serve_match.lua" "$URL" > "$WORK/wrk.txt" &
WRK_PID=$!
sleep 3
for i in $(seq 1 "$RELOADS"); do
  extra $((i + 1))
  curl -s -X POST -H "Authorization: Bearer $ADMIN_KEY" "$URL/admin/reload" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print("reload: swapped=%s generation=%s elapsed_ms=%s error=%s" % (r.get("swapped"), r.get("generation"), r.get("elapsed_ms"), r.get("error")))'
  sleep 2
done
wait "$WRK_PID"
cat "$WORK/wrk.txt"
grep -q 'errors=0 non2xx=0' "$WORK/wrk.txt" && echo "OK: no request failed during $RELOADS reloads"
