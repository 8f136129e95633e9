#!/usr/bin/env bash
# `cargo deny check`, offline: licenses, bans, sources, and advisories against the snapshot of
# the RustSec database in ../shared/advisory-db (or PREFLIGHT_ADVISORY_DB), made a git repository
# where deny.toml's db-path expects it (cargo-deny reads the database from git).
set -euo pipefail
cd "$(dirname "$0")/.."
# cargo-deny runs offline (it would otherwise fetch the advisory database from GitHub): every
# crate of the lock file, for every platform, must be in the local registry first.
cargo fetch --locked -q
snapshot=${PREFLIGHT_ADVISORY_DB:-}
for candidate in ../shared/advisory-db /work/shared/advisory-db; do
  [ -n "$snapshot" ] || { [ -d "$candidate/crates" ] && snapshot=$candidate; }
done
db=target/advisory-db/advisory-db-3157b0e258782691
if [ -z "$snapshot" ] || [ ! -d "$snapshot/crates" ]; then
  echo "no advisory snapshot at $snapshot: checking licenses, bans and sources only" >&2
  exec cargo deny --offline check licenses bans sources
fi
stamp=$(find "$snapshot/crates" -type f | wc -l)
if [ ! -f "$db/.snapshot-files" ] || [ "$(cat "$db/.snapshot-files")" != "$stamp" ]; then
  rm -rf "$db"
  mkdir -p "$db"
  cp -r "$snapshot/crates" "$db/"
  (cd "$db" && git init -q && git add -A \
    && git -c user.name=preflight -c user.email=ci@localhost commit -qm "RustSec snapshot")
  echo "$stamp" >"$db/.snapshot-files"
fi
cargo deny --offline check
