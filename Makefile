# The two commands: `make run` and `make test`. Both install whatever is missing first.
SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run test setup build bench bench-scale reliability

setup:
	@[ -n "$$PREFLIGHT_SETUP_DONE" ] || bash .ci/setup.sh

build: setup
	cargo leptos build --release

## Build the release app and serve it on 127.0.0.1:3000 with the SQLite default in ./data.
run: build
	MALLOC_ARENA_MAX=$${MALLOC_ARENA_MAX:-2} ./target/release/preflight serve

## Every check CI runs: fmt, the wasm (release) and the server and tests (`ci` profile), clippy
## (server and wasm), tests on SQLite and PostgreSQL, browser tests and API fuzzing against
## that server. Ends with nothing left running.
test: setup
	@bash .ci/test.sh

## Speed, size and memory against their budgets (see README): release build, seeded data, wrk.
bench: build
	python3 .ci/bench.py

## The same at company scale (5,000 projects, 1,000,000 items; minutes to seed): portfolio,
## search, the 10,000-item checklist, overview, a write, size and memory, on SQLite and (with
## DATABASE_URL) PostgreSQL.
bench-scale: build
	python3 .ci/bench_scale.py

## The reliability battery against the release binary: two instances on one PostgreSQL,
## PostgreSQL stopped under load, kill -9 and SIGTERM under load, disk full (see README).
reliability: build
	python3 .ci/reliability.py
