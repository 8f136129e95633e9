#!/usr/bin/env bash
# Every check, ordered so that 2 cores compile each crate once. Called by `make test`.
#
# - The wasm (cargo-leptos, the shipped `wasm-release` profile) builds in the background while
#   the server, its test binaries and the clippy lints build in the `ci` profile: the serial
#   fat-LTO link of the wasm fills the core the server build leaves idle.
# - The server binary the browser tests and the API fuzzing run is the one `cargo test` built
#   (target/ci/preflight), not a second build of the same crates.
# - Every stage is timed (the table at the end of `.ci/run`); the slow ones are bounded: the API
#   fuzzing by ST_MAX_TIME, the browser tests by Playwright's per-test timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
PROFILE=${PREFLIGHT_TEST_PROFILE:-ci}
export PREFLIGHT_BIN="$PWD/target/$PROFILE/preflight"
SERVER=(--workspace --exclude frontend --features app/ssr)

timed "test: rustfmt" cargo fmt --all -- --check

logs=$(mktemp -d)
wasm_build() {
  cargo leptos build --release --frontend-only
}
(timed "test: wasm + site (cargo-leptos, wasm-release; in parallel)" wasm_build) \
  >"$logs/wasm.log" 2>&1 &
wasm_pid=$!
wait_wasm() {
  local status=0
  wait "$wasm_pid" || status=$?
  cat "$logs/wasm.log"
  rm -rf "$logs"
  return "$status"
}
trap 'kill $wasm_pid 2>/dev/null || true' EXIT

timed "test: build server + tests ($PROFILE profile)" \
  cargo test --profile "$PROFILE" "${SERVER[@]}" --no-run
timed "test: clippy (server, all targets)" \
  cargo clippy --profile "$PROFILE" "${SERVER[@]}" --all-targets -- -D warnings
timed "test: wait for the wasm build" wait_wasm
trap - EXIT
timed "test: clippy (wasm)" \
  cargo clippy --profile "$PROFILE" -p frontend -p app --features app/hydrate \
  --target wasm32-unknown-unknown -- -D warnings
# After the builds: offline, cargo-deny reads the crates they downloaded.
timed "test: cargo deny (licences, bans, sources, RustSec snapshot; offline)" bash .ci/deny.sh

timed "test: tests on SQLite" cargo test --profile "$PROFILE" "${SERVER[@]}"

pg_tests() {
  local PGBIN pgdir port status=0
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  pgdir=$(mktemp -d)
  mkdir -p "$pgdir/data" "$pgdir/sock"
  chown -R postgres: "$pgdir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  su postgres -c "$PGBIN/initdb -D $pgdir/data -U postgres --auth=trust -E UTF8 --no-locale" >/dev/null
  su postgres -c "$PGBIN/pg_ctl -D $pgdir/data -l $pgdir/sock/log -o '-p $port -k $pgdir/sock -c listen_addresses=127.0.0.1' -w start" >/dev/null
  DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" \
    cargo test --profile "$PROFILE" "${SERVER[@]}" --test it || status=$?
  su postgres -c "$PGBIN/pg_ctl -D $pgdir/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$pgdir"
  return "$status"
}
timed "test: tests on PostgreSQL (throwaway cluster)" pg_tests

# The reliability battery's short profile (scenarios 1-3; `make reliability` runs all four
# against the release binary), bounded.
timed "test: reliability battery (short profile, 240 s at most)" \
  env RELIABILITY_PROFILE=short timeout 240 python3 .ci/reliability.py

browser_tests() { (cd end2end && npx playwright test); }
timed "test: browser tests (Playwright + Debian chromium)" browser_tests

timed "test: REST API fuzzing (schemathesis, ${ST_MAX_TIME:-150} s at most)" bash .ci/api-fuzz.sh

log "all checks passed"
