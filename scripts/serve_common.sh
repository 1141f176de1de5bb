# Shared by the serve_*.sh load scripts: build, a store with the real lists, keys, start/stop.
# Everything runs on loopback; every load run is bounded in time. The server is the
# `cordon_serve` example of cordon-server: the same library and serve loop as `cordon serve`,
# without the rest of the CLI (whose release build is too long for a shared 2-core machine).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${CORDON_SHARED_DATA:-$ROOT/../shared/data}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$CARGO_TARGET_DIR/release/examples/cordon_serve
PORT=${PORT:-18080}
URL=http://127.0.0.1:$PORT
WORK=${WORK:-$(mktemp -d /tmp/cordon-serve.XXXXXX)}
mkdir -p "$WORK"
DB=$WORK/cordon.redb
SERVER_PID=

# Refuses a port another process listens on (its /readyz would be mistaken for ours).
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "port $PORT is in use by another process; set PORT=..." >&2
  exit 1
fi

build() {
  if [ -z "${SKIP_BUILD:-}" ]; then
    cargo build --release -q -p cordon-server --example cordon_serve
  fi
}

prepare_store() {
  # $1: list directory to ingest (default: the shared real lists)
  local lists=${1:-$DATA/lists}
  "$BIN" "$DB" ingest "$lists" 2>"$WORK/ingest.log" || true
  SCREEN_KEY=$("$BIN" "$DB" key "bench-$RANDOM" screen)
  ADMIN_KEY=$("$BIN" "$DB" key "admin-$RANDOM" admin)
  export SCREEN_KEY ADMIN_KEY
}

start_server() {
  # an optional argument is the list directory that /admin/reload re-ingests
  "$BIN" "$DB" serve "127.0.0.1:$PORT" "$@" 2>>"$WORK/server.log" &
  SERVER_PID=$!
  local start=$(date +%s.%N)
  for _ in $(seq 1 600); do
    if curl -sf "$URL/readyz" >/dev/null 2>&1; then
      echo "ready in $(echo "$(date +%s.%N) - $start" | bc) s (pid $SERVER_PID)"
      wait_prepared
      return 0
    fi
    sleep 0.05
  done
  echo "server did not become ready; log: $WORK/server.log" >&2
  return 1
}

wait_prepared() {
  # The background work after a start (applicant index, transaction graph) competes for the
  # cores; measurements start after it.
  for _ in $(seq 1 1200); do
    if curl -sf "$URL/readyz" | grep -q '"prepared":true'; then return 0; fi
    sleep 0.1
  done
  echo "background preparation did not finish" >&2
  return 1
}

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}

cleanup() {
  stop_server
  if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT
