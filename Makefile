# The two commands: `make run` and `make test`. Both install whatever is missing first.
SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run test setup build bench

setup:
	@bash .ci/setup.sh

build: setup
	cargo leptos build --release

## Build the release app and serve it on 127.0.0.1:3000 with the SQLite default in ./data.
run: build
	./target/release/preflight serve

## Every check CI runs: fmt, clippy (server and wasm), tests on SQLite and PostgreSQL,
## release build, browser tests against the release server.
test: setup
	@bash .ci/test.sh

## Speed, size and memory against their budgets (see README): release build, seeded data, wrk.
bench: build
	python3 .ci/bench.py
