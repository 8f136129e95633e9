#!/usr/bin/env python3
"""`make bench-scale`: Preflight at company scale, against its budgets.

Seeds `preflight bench-seed --scale large` (500 accounts, 5,000 projects, 1,000,000 items,
50,000 risks, 20,000 reviews) into a fresh SQLite database — and, with DATABASE_URL naming an
empty PostgreSQL database, into that too — serves it with the release binary on 127.0.0.1 and
measures one client with wrk: the portfolio (first page, a sorted page), search (a common word,
a rare word, a phrase), the 10,000-item checklist, the project overview, an item write; then
the database's size and the server's RSS. Prints figure, value, budget, pass/fail, and writes
target/bench/scale.json. Budgets are printed, never asserted.

`BENCH_SECONDS` (default 10) sets each wrk run's length.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import BIN, ROOT, Server, rss_kb, run, wrk, write_script  # noqa: E402

PASSWORD = "bench-password-1"
ADMIN = "scale001@example.com"
# A member of one team (a hundred of the 5,000 projects): what most people see.
MEMBER = "scale002@example.com"

PAGES = [
    # (key, label, path, who, budget ms)
    ("portfolio_admin", "portfolio, 5,000 projects, first page", "/", ADMIN, 20),
    ("portfolio_sorted", "portfolio, 5,000 projects, by score, page 3",
     "/?sort=score&page=3", ADMIN, 20),
    ("portfolio_member", "portfolio of a team member (100 projects)", "/", MEMBER, 20),
    ("search_common", "search, common word (\"check\")", "/search?q=check", MEMBER, 50),
    ("search_rare", "search, rare word (\"zeppelin\")", "/search?q=zeppelin", MEMBER, 50),
    ("search_phrase", "search, phrase (\"rollback plan\")",
     "/search?q=%22rollback+plan%22", MEMBER, 50),
    ("search_admin", "search, common word, site admin", "/search?q=check", ADMIN, 50),
    ("checklist", "checklist, 10,000 items", "/p/huge-service/checklist", ADMIN, 40),
    ("overview", "project overview, 10,000 items", "/p/huge-service", ADMIN, 10),
]


def db_size(env):
    if env.get("DATABASE_URL"):
        out = run(["psql", env["DATABASE_URL"], "-tAc",
                   "SELECT pg_database_size(current_database())"])
        return int(out.strip())
    path = os.path.join(env["PREFLIGHT_DATA_DIR"], "preflight.db")
    return sum(os.path.getsize(p) for p in [path, path + "-wal"] if os.path.exists(p))


def measure(label, env, figures, rows):
    start = time.perf_counter()
    out = run([BIN, "bench-seed", "--scale", "large"], env=env)
    seed_s = time.perf_counter() - start
    figures[f"{label}_seed_s"] = seed_s
    rows.append((f"[{label}] seeding the large set", f"{seed_s:.0f} s", "", ""))
    print(out.strip(), flush=True)
    size = db_size(env)
    figures[f"{label}_db_bytes"] = size
    rows.append((f"[{label}] database size", f"{size / 2**20:.0f} MB", "", ""))

    srv = Server(env)
    try:
        cookies = {who: "Cookie: " + srv.login(who) for who in (ADMIN, MEMBER)}
        # The first view of each page warms the per-process memos (what a restart costs once).
        for key, _, path, who, _ in PAGES:
            _, first = srv.get(path, {"Cookie": cookies[who][8:]})
            figures[f"{label}_{key}_first_ms"] = first * 1000
        for key, name, path, who, budget in PAGES:
            p50, p99, _ = wrk(f"{srv.base}{path}", 1, [cookies[who]])
            figures[f"{label}_{key}_p50_ms"] = p50
            figures[f"{label}_{key}_p99_ms"] = p99
            rows.append((f"[{label}] {name} p50 / p99", f"{p50:.2f} / {p99:.2f} ms",
                         f"< {budget} ms", p99 < budget))
        token = run([BIN, "token", "create", "--email", ADMIN, "--name", "bench", "--scope",
                     "write"], env=env).strip()
        auth = {"Authorization": f"Bearer {token}"}
        items, _ = srv.get("/api/v1/projects/huge-service/items?per_page=1", auth)
        item = json.loads(items)["data"][0]["id"]
        script = os.path.join(env["PREFLIGHT_DATA_DIR"], "status.lua")
        write_script(script, json.dumps({"status": "in_progress"}),
                     dict(auth, **{"Content-Type": "application/json"}))
        p50, p99, _ = wrk(f"{srv.base}/api/v1/items/{item}/status", 1, script=script)
        figures[f"{label}_write_p50_ms"] = p50
        figures[f"{label}_write_p99_ms"] = p99
        rows.append((f"[{label}] item status update p50 / p99", f"{p50:.2f} / {p99:.2f} ms",
                     "", ""))
        rss = rss_kb(srv.proc.pid) / 1024
        figures[f"{label}_rss_after_mb"] = rss
        rows.append((f"[{label}] server RSS after the run", f"{rss:.0f} MB", "< 200 MB",
                     rss < 200))
    finally:
        srv.stop()


def main():
    if not shutil.which("wrk"):
        run(["apt-get", "install", "-y", "-qq", "wrk"], capture=False)
    if not os.path.exists(BIN):
        sys.exit("no release build: run `make bench-scale` (it builds first)")
    figures, rows = {}, []
    data = tempfile.mkdtemp(prefix="preflight-scale-")
    env = dict(os.environ, PREFLIGHT_DATA_DIR=data, PREFLIGHT_PASSWORD=PASSWORD)
    pg_url = env.pop("DATABASE_URL", None)
    measure("sqlite", env, figures, rows)
    shutil.rmtree(data, ignore_errors=True)
    if pg_url:
        pg_data = tempfile.mkdtemp(prefix="preflight-scale-pg-")
        measure("postgres", dict(env, DATABASE_URL=pg_url, PREFLIGHT_DATA_DIR=pg_data),
                figures, rows)
        shutil.rmtree(pg_data, ignore_errors=True)
        for key, name, *_ in PAGES + [("write", "item status update", None, None, None)]:
            lite, pg = figures[f"sqlite_{key}_p99_ms"], figures[f"postgres_{key}_p99_ms"]
            rows.append((f"PostgreSQL / SQLite p99: {name}", f"{pg / lite:.1f} x", "<= 2 x",
                         pg <= 2 * lite))

    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'value':>18}  {'budget':>10}  result")
    for name, value, budget, ok in rows:
        verdict = "" if ok == "" else ("pass" if ok else "FAIL")
        print(f"{name:<{width}}  {value:>18}  {budget:>10}  {verdict}")
    out_dir = os.path.join(ROOT, "target", "bench")
    os.makedirs(out_dir, exist_ok=True)
    figures["when"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(os.path.join(out_dir, "scale.json"), "w") as f:
        json.dump(figures, f, indent=2, sort_keys=True)
    print("\nfigures written to target/bench/scale.json")


if __name__ == "__main__":
    main()
