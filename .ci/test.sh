#!/usr/bin/env bash
# Every check, in the order that reuses the most build work on 2 cores. Called by `make test`.
# Everything builds in the release profile: tests and clippy then reuse the release build's
# dependencies, proc-macros and build scripts (LEPTOS_OUTPUT_NAME is fixed in .cargo/config.toml
# so cargo-leptos and plain cargo agree).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
step() { printf '\n== %s (%s)\n' "$*" "$(date +%T)"; }

step "rustfmt"
cargo fmt --all -- --check

step "release build (server + wasm, wasm-opt $(wasm-opt --version | awk '{print $3}'))"
cargo leptos build --release

step "tests on SQLite"
cargo test --release --workspace --exclude frontend --features app/ssr

step "tests on PostgreSQL (throwaway cluster)"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdir=$(mktemp -d)
mkdir -p "$pgdir/data" "$pgdir/sock"
chown -R postgres: "$pgdir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop_pg() { su postgres -c "$PGBIN/pg_ctl -D $pgdir/data -m fast stop" >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
trap stop_pg EXIT
su postgres -c "$PGBIN/initdb -D $pgdir/data -U postgres --auth=trust -E UTF8 --no-locale" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D $pgdir/data -l $pgdir/sock/log -o '-p $port -k $pgdir/sock -c listen_addresses=127.0.0.1' -w start" >/dev/null
DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" \
  cargo test --release --workspace --exclude frontend --features app/ssr --test it
stop_pg
trap - EXIT

step "clippy (server, all targets)"
cargo clippy --release --workspace --exclude frontend --all-targets --features app/ssr -- -D warnings

step "clippy (wasm)"
cargo clippy --release -p frontend -p app --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

step "browser tests (Playwright + Debian chromium against the release server)"
(cd end2end && npx playwright test)

step "REST API fuzzing (schemathesis against the release server)"
bash .ci/api-fuzz.sh

step "all checks passed"
