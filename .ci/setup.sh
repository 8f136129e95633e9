#!/usr/bin/env bash
# Installs every tool Preflight's build and tests need, skipping what is already present.
# Idempotent: safe to run on every `make run` / `make test`.
#
# On a fresh machine the two cargo tools are the long pole, so they build first and side by side
# while Debian packages, npm and PyPI install in the background. The tools are built without LTO,
# with parallel codegen and little optimisation: they orchestrate the build, they do not need to
# be fast themselves (wasm-opt, which does the heavy lifting, comes prebuilt from npm).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

CARGO_LEPTOS_VERSION=0.3.11
# Must equal the wasm-bindgen version in Cargo.lock (pinned in the workspace Cargo.toml).
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock 2>/dev/null | sed -n 's/^version = "\(.*\)"/\1/p' | head -1)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}
ST_VERSION=4.32.5
AIOSMTPD_VERSION=1.4.6
CARGO_DENY_VERSION=0.20.2
ST_VENV=${PREFLIGHT_ST_VENV:-$HOME/.cache/preflight/schemathesis}
# Waiting for another apt-get's lock instead of failing (the PyPI job may need python3-venv).
APT=(apt-get -o DPkg::Lock::Timeout=900 -y -qq --no-install-recommends)
export DEBIAN_FRONTEND=noninteractive

logs=$(mktemp -d)
pids=()
names=()
# bg NAME FUNCTION: runs FUNCTION in the background, timed, its output in $logs/NAME.log.
bg() {
  local name=$1
  shift
  (timed "setup: $name" "$@") >"$logs/$name.log" 2>&1 &
  pids+=("$!")
  names+=("$name")
}

apt_packages() {
  local need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
  command -v brotli >/dev/null 2>&1 || need+=(brotli)
  command -v make >/dev/null 2>&1 || need+=(make)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  # pdftotext and pdfinfo read the PDF reports back in the tests.
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  [ ${#need[@]} -gt 0 ] || return 0
  log "apt-get install ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=900 update -qq
  "${APT[@]}" install "${need[@]}" >/dev/null
}

npm_packages() {
  # Playwright (no browser download: Debian's chromium), axe-core for the accessibility checks,
  # wasm-opt 132 from npm binaryen, and oidc-provider (the tests' OpenID provider).
  if [ -x end2end/node_modules/.bin/wasm-opt ] && [ -d end2end/node_modules/@playwright/test ] \
    && [ -d end2end/node_modules/@axe-core/playwright ] \
    && [ -d end2end/node_modules/oidc-provider ]; then
    return 0
  fi
  log "npm ci in end2end/"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
}

pypi_packages() {
  # aiosmtpd: the real SMTP server the mail tests start (`python3 -m aiosmtpd`).
  if ! python3 -c "import aiosmtpd" 2>/dev/null; then
    log "installing aiosmtpd $AIOSMTPD_VERSION"
    python3 -m pip install -q --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
  fi
  # schemathesis fuzzes the REST API against its OpenAPI document, in its own venv.
  if "$ST_VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
    return 0
  fi
  log "installing schemathesis $ST_VERSION into $ST_VENV"
  rm -rf "$ST_VENV"
  mkdir -p "$(dirname "$ST_VENV")"
  if ! python3 -m venv "$ST_VENV" 2>/dev/null; then
    apt-get -o DPkg::Lock::Timeout=900 update -qq && "${APT[@]}" install python3-venv >/dev/null
    rm -rf "$ST_VENV"
    python3 -m venv "$ST_VENV"
  fi
  "$ST_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$ST_VERSION"
}

# Release builds of the tools, cheap to compile: no LTO, 16 codegen units, opt-level 1.
cheap_tool_profile() {
  export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_INCREMENTAL=false CARGO_PROFILE_RELEASE_STRIP=true
}

cargo_leptos() {
  cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION" && return 0
  # 0.3.11 --locked needs rustc 1.96 through cargo-util-schemas 0.14.2; pin 0.14.1 instead.
  log "building cargo-leptos $CARGO_LEPTOS_VERSION"
  cheap_tool_profile
  local work src
  work=$(mktemp -d)
  # `cargo info` unpacks the crate source into the registry cache (run outside the workspace).
  (cd "$work" && cargo info "cargo-leptos@$CARGO_LEPTOS_VERSION" >/dev/null)
  src=$(ls -d ~/.cargo/registry/src/*/cargo-leptos-$CARGO_LEPTOS_VERSION | head -1)
  cp -r "$src" "$work/cl"
  (cd "$work/cl" && cargo update -q -p cargo-util-schemas --precise 0.14.1 \
    && cargo install -q --path . --locked --features no_downloads --target-dir "$work/target")
  rm -rf "$work"
}

wasm_bindgen() {
  wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION" && return 0
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cheap_tool_profile
  local work
  work=$(mktemp -d)
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force --target-dir "$work"
  rm -rf "$work"
}

cargo_deny() {
  cargo deny --version 2>/dev/null | grep -q " $CARGO_DENY_VERSION" && return 0
  log "installing cargo-deny $CARGO_DENY_VERSION"
  cheap_tool_profile
  local work
  work=$(mktemp -d)
  cargo install -q cargo-deny --version "$CARGO_DENY_VERSION" --locked --force --target-dir "$work"
  rm -rf "$work"
}

rust_targets() {
  rustup target list --installed | grep -q '^wasm32-unknown-unknown$' \
    || rustup target add wasm32-unknown-unknown
  rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy
}

timed "setup: rustup target and components" rust_targets
# PREFLIGHT_SETUP_ONLY=build: only what `cargo leptos build --release` needs (the Dockerfile's
# build stage): no browser, database, PDF reader or PyPI tools.
if [ "${PREFLIGHT_SETUP_ONLY:-}" != build ]; then
  bg apt apt_packages
  bg pypi pypi_packages
fi
bg npm npm_packages
bg cargo-leptos cargo_leptos
bg wasm-bindgen wasm_bindgen
[ "${PREFLIGHT_SETUP_ONLY:-}" = build ] || bg cargo-deny cargo_deny

failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    failed=1
    log "setup: ${names[$i]} failed; its log:"
    cat "$logs/${names[$i]}.log" >&2
  fi
done
rm -rf "$logs"
[ "$failed" -eq 0 ] || exit 1
log "setup: tools ready"
