#!/usr/bin/env bash
# Installs every tool Preflight's build and tests need, skipping what is already present.
# Idempotent: safe to run on every `make run` / `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
# Must equal the wasm-bindgen version in Cargo.lock (pinned in the workspace Cargo.toml).
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock 2>/dev/null | sed -n 's/^version = "\(.*\)"/\1/p' | head -1)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

log() { printf '== setup: %s\n' "$*" >&2; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need_apt+=(postgresql)
command -v brotli >/dev/null 2>&1 || need_apt+=(brotli)
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
# pdftotext and pdfinfo read the PDF reports back in the tests.
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed | grep -q '^clippy' || rustup component add clippy

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  # 0.3.11 --locked needs rustc 1.96 through cargo-util-schemas 0.14.2; pin 0.14.1 instead.
  log "building cargo-leptos $CARGO_LEPTOS_VERSION (about 15 min)"
  work=$(mktemp -d)
  # `cargo info` unpacks the crate source into the registry cache (run outside the workspace).
  (cd "$work" && cargo info "cargo-leptos@$CARGO_LEPTOS_VERSION" >/dev/null)
  src=$(ls -d ~/.cargo/registry/src/*/cargo-leptos-$CARGO_LEPTOS_VERSION | head -1)
  cp -r "$src" "$work/cl"
  (cd "$work/cl" && cargo update -q -p cargo-util-schemas --precise 0.14.1 \
     && cargo install -q --path . --locked --features no_downloads)
  rm -rf "$work"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# Playwright (no browser download: Debian's chromium) and wasm-opt 132 from npm binaryen.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ]; then
  log "npm ci in end2end/"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
# schemathesis (from PyPI) fuzzes the REST API against its OpenAPI document, in its own venv.
ST_VERSION=4.32.5
ST_VENV=${PREFLIGHT_ST_VENV:-$HOME/.cache/preflight/schemathesis}
if ! "$ST_VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
  log "installing schemathesis $ST_VERSION into $ST_VENV"
  rm -rf "$ST_VENV"
  mkdir -p "$(dirname "$ST_VENV")"
  if ! python3 -m venv "$ST_VENV" 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    rm -rf "$ST_VENV"
    python3 -m venv "$ST_VENV"
  fi
  "$ST_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$ST_VERSION"
fi
log "tools ready"
