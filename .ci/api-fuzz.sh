#!/usr/bin/env bash
# Fuzzes the REST API with schemathesis: the release server on a fresh SQLite database with the
# demo data, a read-write token of the demo owner (an admin), every operation of
# /api/v1/openapi.json, bounded in examples per operation and in time. Fails on any 5xx, any
# undocumented status or content type, and any response that does not match its schema.
set -euo pipefail
cd "$(dirname "$0")/.."
ST=${PREFLIGHT_ST_VENV:-$HOME/.cache/preflight/schemathesis}/bin/st
BIN=${PREFLIGHT_BIN:-./target/release/preflight}
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PREFLIGHT_DATA_DIR="$data" PREFLIGHT_PASSWORD="fuzzing-password-1"
unset DATABASE_URL
"$BIN" demo >/dev/null
token=$("$BIN" token create --email maya.owner@example.com --name schemathesis --scope write)
PREFLIGHT_ADDR="127.0.0.1:$port" PREFLIGHT_API_RATE_PER_MINUTE=1000000 LEPTOS_SITE_ROOT=target/site \
  "$BIN" serve >"$data/server.log" 2>&1 &
server=$!
stop() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"; }
trap stop EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
# Creating webhooks and checks is left out: a made-up host name would be looked up in DNS (a
# request to a resolver outside this machine), and a webhook or a probe would make the server
# connect to it. Their answers are covered by the integration tests (`webhooks.rs`,
# `checks.rs`, the authorization matrix).
# One worker: with two threads, hypothesis parses lambda sources concurrently and CPython 3.11's
# AST recursion counter is not thread-safe ("AST constructor recursion depth mismatch", a
# "Runtime Error" of the tool itself that failed a run once).
fuzz() {
  "$ST" run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --url "http://127.0.0.1:$port/api/v1" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "${ST_MAX_EXAMPLES:-30}" --max-time "$1" \
    --seed "${ST_SEED:-20261124}" --generation-database none \
    --exclude-operation-id create_team_webhook \
    --exclude-operation-id create_item_check \
    --workers 1 --max-failures 20 --no-color 2>&1 | tee "$data/st.log"
  return "${PIPESTATUS[0]}"
}
status=0
fuzz "${ST_MAX_TIME:-150}" || status=$?
# A crash of the tool (no check failed, only "Runtime Error"s) is run again once, briefly; a
# failed check never is.
if [ "$status" -ne 0 ] && grep -q 'Runtime Error' "$data/st.log" && ! grep -q '^Failures:' "$data/st.log"; then
  echo "== schemathesis itself failed (no check failed): once more, 60 s"
  status=0
  fuzz 60 || status=$?
fi
if [ "$status" -ne 0 ]; then
  echo "== server errors logged during the run:"
  grep -i ' error ' "$data/server.log" | tail -20 || true
fi
exit "$status"
