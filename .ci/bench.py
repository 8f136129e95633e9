#!/usr/bin/env python3
"""`make bench`: Preflight's speed, size and memory on this machine, against their budgets.

Seeds the benchmark data set (`preflight bench-seed`) into a fresh SQLite database, starts the
release server on 127.0.0.1 with `/metrics` on, drives it with wrk (Debian) and with Chromium
(Debian's, through Playwright: `end2end/bench/browser.mjs`), and prints a table:
figure, value, budget, pass/fail. The figures also go to target/bench/latest.json, so two runs
can be compared. With DATABASE_URL set (an empty PostgreSQL database), the write path is also
measured on PostgreSQL. Budgets are printed, never asserted by the tests.

Needs the release build (`make bench` builds it first) and wrk (installed when missing).
"""

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "preflight")
SITE = os.path.join(ROOT, "target", "site")
PASSWORD = "bench-password-1"
DURATION = os.environ.get("BENCH_SECONDS", "10")
CORES = os.cpu_count() or 2


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(args, env=None, capture=True):
    res = subprocess.run(args, env=env, capture_output=capture, text=True, cwd=ROOT)
    if res.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{res.stdout}\n{res.stderr}")
    return res.stdout


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


class Server:
    """The release binary serving a data directory (or DATABASE_URL) on a free port."""

    def __init__(self, env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(env, PREFLIGHT_ADDR=f"127.0.0.1:{self.port}", PREFLIGHT_METRICS="true",
                   PREFLIGHT_API_RATE_PER_MINUTE="1000000000", LEPTOS_SITE_ROOT=SITE,
                   RUST_LOG="warn")
        # As the systemd unit, the image and `make run` start it (see deploy/preflight.service).
        env.setdefault("MALLOC_ARENA_MAX", "2")
        self.log = open(os.path.join(env["PREFLIGHT_DATA_DIR"], "server.log"), "w")
        self.proc = subprocess.Popen([BIN, "serve"], env=env, cwd=ROOT, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                urllib.request.urlopen(self.base + "/readyz", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        sys.exit("the server did not become ready")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()

    def get(self, path, headers=None):
        req = urllib.request.Request(self.base + path, headers=headers or {})
        start = time.perf_counter()
        with urllib.request.build_opener(NoRedirect).open(req, timeout=60) as res:
            body = res.read()
        return body, time.perf_counter() - start

    def login(self, email):
        data = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
        req = urllib.request.Request(self.base + "/rpc/login", data=data,
                                     headers={"Origin": self.base})
        with urllib.request.urlopen(req, timeout=30) as res:
            cookie = res.headers.get("Set-Cookie", "")
        return cookie.split(";")[0]

    def queries(self):
        body, _ = self.get("/metrics")
        m = re.search(rb"preflight_db_queries_total (\d+)", body)
        return int(m.group(1)) if m else 0


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(url, connections, headers=(), script=None):
    """Runs wrk; returns p50 and p99 in ms and requests per second."""
    args = ["wrk", f"-t{min(connections, CORES)}", f"-c{connections}", f"-d{DURATION}s",
            "--latency"]
    for h in headers:
        args += ["-H", h]
    if script:
        args += ["-s", script]
    out = run(args + [url])
    pct = {}
    for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        pct[p] = float(v) * UNITS[u]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        sys.exit(f"wrk saw {non2xx.group(1)} failed responses from {url}:\n{out}")
    return pct.get("50", 0.0), pct.get("99", 0.0), rps


def write_script(path, body, headers):
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(body)}"]
    for k, v in headers.items():
        lines.append(f'wrk.headers["{k}"] = {json.dumps(v)}')
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_path(label, env, figures, rows):
    """Seeds, serves and measures the item status update (the write path) on one database."""
    srv = Server(env)
    try:
        token = run([BIN, "token", "create", "--email", "bench01@example.com", "--name",
                     "bench", "--scope", "write"], env=env).strip()
        auth = {"Authorization": f"Bearer {token}"}
        items, _ = srv.get("/api/v1/projects/big-service/items?per_page=1", auth)
        item = json.loads(items)["data"][0]["id"]
        script = os.path.join(env["PREFLIGHT_DATA_DIR"], "status.lua")
        write_script(script, json.dumps({"status": "in_progress"}),
                     dict(auth, **{"Content-Type": "application/json"}))
        p50, p99, rps = wrk(f"{srv.base}/api/v1/items/{item}/status", 1, script=script)
        rows.append((f"item status update ({label}) p50 / p99", f"{p50:.2f} / {p99:.2f} ms", "", ""))
        rows.append((f"item status updates ({label}), 1 client", f"{rps:.0f} /s", "", ""))
        figures[f"write_{label}_p50_ms"] = p50
        figures[f"write_{label}_p99_ms"] = p99
        figures[f"write_{label}_rps"] = rps
    finally:
        srv.stop()


def browser(srv, cookie):
    """What a person waits for in Chromium: medians of BROWSER_RUNS page loads (each in a new
    browser context), and of status changes on the 1,000-item checklist."""
    runs = os.environ.get("BROWSER_RUNS", "5")
    script = os.path.join(ROOT, "end2end", "bench", "browser.mjs")
    out = run(["node", script, srv.base, cookie, runs])
    b = json.loads(out.strip().splitlines()[-1])
    rows = []
    for label, name in [("checklist", "checklist, 1,000 items"), ("portfolio", "portfolio"),
                        ("overview", "project overview")]:
        dcl, lcp, ready = (b[f"{label}_{k}_ms"] for k in ("dcl", "lcp", "interactive"))
        rows += [
            (f"browser: {name}, DOMContentLoaded", f"{dcl:.0f} ms", "", ""),
            (f"browser: {name}, largest paint", f"{lcp:.0f} ms", "< 500 ms", lcp < 500),
            (f"browser: {name}, interactive", f"{ready:.0f} ms", "< 1000 ms", ready < 1000),
        ]
    plain = b["checklist_nojs_load_ms"]
    rows.append(("browser: checklist, 1,000 items, without JavaScript (load)", f"{plain:.0f} ms",
                 "< 1000 ms", plain < 1000))
    change = b["status_change_ms"]
    rows.append(("browser: status change on 1,000 items (click to summary)", f"{change:.0f} ms",
                 "< 150 ms", change < 150))
    return {f"browser_{k}": v for k, v in b.items()}, rows


def reminders(env, figures, rows):
    """One day's reminders for 1,000 people, mailed to a real SMTP server (aiosmtpd) here."""
    maildir = tempfile.mkdtemp(prefix="preflight-bench-mail-")
    port = free_port()
    smtp = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Mailbox", os.path.join(maildir, "box")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        renv = dict(env, PREFLIGHT_DATA_DIR=tempfile.mkdtemp(prefix="preflight-bench-remind-"),
                    PREFLIGHT_SMTP_URL=f"smtp://127.0.0.1:{port}",
                    PREFLIGHT_MAIL_FROM="preflight@example.com",
                    PREFLIGHT_BASE_URL="http://127.0.0.1:3000")
        renv.pop("DATABASE_URL", None)
        out = json.loads(run([BIN, "bench-reminders", "--people", "1000"], env=renv).strip())
        received = len(os.listdir(os.path.join(maildir, "box", "new")))
    finally:
        smtp.kill()
        smtp.wait()
    figures.update(reminders_build_ms=out["build_ms"], reminders_send_ms=out["send_ms"],
                   reminder_mails=received, reminder_duplicates=out["duplicates"])
    rows += [
        ("day's reminders, 1,000 people: build", f"{out['build_ms']} ms", "< 5000 ms",
         out["build_ms"] < 5000),
        ("day's reminders, 1,000 people: mail", f"{out['send_ms'] / 1000:.1f} s", "", ""),
        ("reminder mails received / duplicates", f"{received} / {out['duplicates']}",
         "1000 / 0", received == 1000 and out["duplicates"] == 0),
    ]


def cpu_seconds(pid):
    """User + system CPU time of process `pid`, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def checks(env, figures, rows):
    """1,000 HTTP checks at 1-minute intervals, probing a loopback server started here, run by
    the real scheduler of `preflight serve`: its CPU and memory while they run."""
    import http.server
    import threading

    hits = {"n": 0}

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits["n"] += 1
            body = b"ok"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    target = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=target.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{target.server_address[1]}/health"
    cenv = dict(env, PREFLIGHT_DATA_DIR=tempfile.mkdtemp(prefix="preflight-bench-checks-"),
                PREFLIGHT_CHECKS_ALLOW_PRIVATE="true")
    cenv.pop("DATABASE_URL", None)
    run([BIN, "bench-checks", "--checks", "1000", "--url", url], env=cenv)
    port = free_port()
    cenv.update(PREFLIGHT_ADDR=f"127.0.0.1:{port}", LEPTOS_SITE_ROOT=SITE, RUST_LOG="warn")
    server = subprocess.Popen([BIN, "serve"], env=cenv, cwd=ROOT)
    seconds = int(os.environ.get("BENCH_CHECKS_SECONDS", "180"))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        # The first minute starts every check; measure the steady minutes after it.
        time.sleep(60)
        cpu0, hits0, t0 = cpu_seconds(server.pid), hits["n"], time.perf_counter()
        peak = 0
        while time.perf_counter() - t0 < seconds - 60:
            peak = max(peak, rss_kb(server.pid))
            time.sleep(1)
        elapsed = time.perf_counter() - t0
        cpu = (cpu_seconds(server.pid) - cpu0) / elapsed * 100
        per_minute = (hits["n"] - hits0) / elapsed * 60
    finally:
        server.terminate()
        server.wait()
        target.shutdown()
    figures.update(checks_cpu_percent=round(cpu, 1), checks_rss_mb=round(peak / 1024, 1),
                   checks_probes_per_minute=round(per_minute))
    rows += [
        ("1,000 checks each minute: probes run a minute", f"{per_minute:.0f}", ">= 950",
         per_minute >= 950),
        ("1,000 checks each minute: server CPU (one core)", f"{cpu:.1f} %", "< 25 %", cpu < 25),
        ("1,000 checks each minute: server RSS peak", f"{peak / 1024:.1f} MB", "< 120 MB",
         peak / 1024 < 120),
    ]


def post_json(srv, path, body, auth):
    req = urllib.request.Request(srv.base + path, data=json.dumps(body).encode(), method="POST",
                                 headers=dict(auth, **{"Content-Type": "application/json"}))
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as res:
        answer = json.loads(res.read() or b"null")
    return answer, time.perf_counter() - start


def campaign(srv, env, figures, rows):
    """A site-wide 20-item campaign applied to all 200 projects in one request (one
    transaction), then applied again (nothing to add)."""
    token = run([BIN, "token", "create", "--email", "bench01@example.com", "--name",
                 "campaign", "--scope", "write"], env=env).strip()
    auth = {"Authorization": f"Bearer {token}"}
    body, _ = srv.get("/api/v1/projects?per_page=200", auth)
    slugs = [p["slug"] for p in json.loads(body)["data"]]
    made, _ = post_json(srv, "/api/v1/campaigns", {
        "name": "Bench campaign", "category": "Campaign",
        "items": [{"title": f"Requirement {n}"} for n in range(1, 21)],
    }, auth)
    cid = made["summary"]["id"]
    applied, first = post_json(srv, f"/api/v1/campaigns/{cid}/apply", {"projects": slugs}, auth)
    _, again = post_json(srv, f"/api/v1/campaigns/{cid}/apply", {"projects": slugs}, auth)
    _, progress = srv.get(f"/api/v1/campaigns/{cid}", auth)
    figures.update(campaign_apply_ms=first * 1000, campaign_reapply_ms=again * 1000,
                   campaign_items_added=applied["added"], campaign_progress_ms=progress * 1000)
    rows += [
        (f"campaign: 20 items applied to {len(slugs)} projects (one request)",
         f"{first * 1000:.0f} ms", "< 1000 ms", first < 1.0),
        ("campaign: applied again (nothing to add)", f"{again * 1000:.0f} ms", "", ""),
        (f"campaign progress page data, {applied['added']} items", f"{progress * 1000:.0f} ms",
         "< 200 ms", progress < 0.2),
    ]


def backup(env, figures, rows):
    """`preflight backup` of the seeded SQLite data set (after the load runs), and its restore
    into an empty data directory."""
    target = os.path.join(env["PREFLIGHT_DATA_DIR"], "bench-backup.db")
    start = time.perf_counter()
    run([BIN, "backup", "--to", target], env=env)
    backup_s = time.perf_counter() - start
    restored = tempfile.mkdtemp(prefix="preflight-bench-restore-")
    start = time.perf_counter()
    run([BIN, "restore", "--from", target], env=dict(env, PREFLIGHT_DATA_DIR=restored))
    restore_s = time.perf_counter() - start
    size = os.path.getsize(target)
    figures.update(backup_bytes=size, backup_s=backup_s, restore_s=restore_s)
    rows += [
        ("backup of the data set (SQLite)",
         f"{size / 1048576:.1f} MB, {backup_s * 1000:.0f} ms", "< 5 s", backup_s < 5),
        ("restore into an empty data directory (with migrations)", f"{restore_s * 1000:.0f} ms",
         "< 5 s", restore_s < 5),
    ]


def main():
    if not shutil.which("wrk"):
        run(["apt-get", "install", "-y", "-qq", "wrk"], capture=False)
    if not os.path.exists(BIN):
        sys.exit("no release build: run `make bench` (it builds first)")
    data = tempfile.mkdtemp(prefix="preflight-bench-")
    env = dict(os.environ, PREFLIGHT_DATA_DIR=data, PREFLIGHT_PASSWORD=PASSWORD)
    pg_url = env.pop("DATABASE_URL", None)
    figures, rows = {}, []

    start = time.perf_counter()
    run([BIN, "bench-seed"], env=env)
    figures["seed_s"] = time.perf_counter() - start

    srv = Server(env)
    try:
        time.sleep(2)
        idle = rss_kb(srv.proc.pid) / 1024
        cookie = "Cookie: " + srv.login("bench01@example.com")
        hdr = {"Cookie": cookie[8:]}

        # Queries per checklist page: the same for 10 and 1,000 items.
        per_page = {}
        for slug in ["service-001", "big-service"]:
            srv.get(f"/p/{slug}/checklist", hdr)
            before = srv.queries()
            html, _ = srv.get(f"/p/{slug}/checklist", hdr)
            per_page[slug] = srv.queries() - before
        static_dir = os.path.join(SITE, "bench")
        os.makedirs(static_dir, exist_ok=True)
        with open(os.path.join(static_dir, "checklist.html"), "wb") as f:
            f.write(html)
        figures["checklist_html_bytes"] = len(html)

        p50, p99, _ = wrk(f"{srv.base}/p/big-service/checklist", 1, [cookie])
        _, _, rps = wrk(f"{srv.base}/p/big-service/checklist", 2 * CORES, [cookie])
        _, _, static_rps = wrk(f"{srv.base}/bench/checklist.html", 2 * CORES)
        _, portfolio_p99, _ = wrk(f"{srv.base}/", 1, [cookie])
        _, overview_p99, _ = wrk(f"{srv.base}/p/big-service", 1, [cookie])
        fn_p50, fn_p99, _ = wrk(f"{srv.base}/rpc/get_checklist?slug=big-service", 1, [cookie])
        figures.update(checklist_p50_ms=p50, checklist_p99_ms=p99, checklist_rps=rps,
                       static_rps=static_rps, throughput_ratio=rps / static_rps,
                       portfolio_p99_ms=portfolio_p99, overview_p99_ms=overview_p99,
                       get_checklist_fn_p50_ms=fn_p50, get_checklist_fn_p99_ms=fn_p99,
                       queries_small=per_page["service-001"],
                       queries_large=per_page["big-service"])
        rows += [
            ("checklist page, 1,000 items, 1 client p50", f"{p50:.2f} ms", "", ""),
            ("checklist page, 1,000 items, 1 client p99", f"{p99:.2f} ms", "< 15 ms", p99 < 15),
            (f"checklist page throughput, {2 * CORES} clients", f"{rps:.0f} /s", "", ""),
            (f"same HTML as a static file, {2 * CORES} clients", f"{static_rps:.0f} /s", "", ""),
            ("checklist / static throughput", f"{100 * rps / static_rps:.0f} %", ">= 30 %",
             rps / static_rps >= 0.3),
            ("portfolio (200 projects) p99", f"{portfolio_p99:.2f} ms", "< 20 ms",
             portfolio_p99 < 20),
            ("project overview p99", f"{overview_p99:.2f} ms", "", ""),
            ("GET get_checklist (item list) p50 / p99", f"{fn_p50:.2f} / {fn_p99:.2f} ms", "", ""),
            ("queries per checklist page, 10 / 1,000 items",
             f"{per_page['service-001']} / {per_page['big-service']}", "constant",
             per_page["service-001"] == per_page["big-service"]),
            ("checklist page HTML, 1,000 items", f"{len(html) / 1024:.0f} KB", "", ""),
        ]

        token = run([BIN, "token", "create", "--email", "bench01@example.com", "--name",
                     "exports", "--scope", "read"], env=env).strip()
        auth = {"Authorization": f"Bearer {token}"}
        for fmt, budget in [("pdf", 1000), ("md", None), ("json", None)]:
            times = [srv.get(f"/api/v1/projects/big-service/export/{fmt}", auth)[1] * 1000
                     for _ in range(3)]
            ms = statistics.median(times)
            figures[f"export_{fmt}_ms"] = ms
            rows.append((f"{fmt.upper()} export of 1,000 items", f"{ms:.0f} ms",
                         f"< {budget} ms" if budget else "", ms < budget if budget else ""))
        md, _ = srv.get("/api/v1/projects/big-service/export/md", auth)
        # The browser rows need the signed-in session of this server (they sat in
        # write_path, where no session exists, and stopped `make bench` with a NameError).
        figures_b, rows_b = browser(srv, cookie[8:])
        figures.update(figures_b)
        rows += rows_b
        campaign(srv, env, figures, rows)
        busy = rss_kb(srv.proc.pid) / 1024
    finally:
        srv.stop()

    doc = os.path.join(data, "big.md")
    with open(doc, "wb") as f:
        f.write(md)
    out = run([BIN, "import", doc, "--team", "Bench", "--slug", "imported",
               "--as", "bench01@example.com"], env=env)
    import_ms = int(re.search(r"in (\d+) ms", out).group(1))
    items = int(re.search(r"and (\d+) items added", out).group(1))
    figures.update(import_ms=import_ms, import_items=items)
    rows.append((f"Markdown import of {items} items", f"{import_ms} ms", "< 100 ms",
                 import_ms < 100))

    wasm = [f for f in os.listdir(os.path.join(SITE, "pkg")) if f.endswith(".wasm")][0]
    wasm_path = os.path.join(SITE, "pkg", wasm)
    raw = os.path.getsize(wasm_path)
    br = len(subprocess.run(["brotli", "-c", "-q", "11", wasm_path], capture_output=True).stdout)
    figures.update(wasm_raw_bytes=raw, wasm_brotli_bytes=br, rss_idle_mb=idle,
                   rss_after_mb=busy)
    rows += [
        ("wasm raw", f"{raw / 1024:.0f} KB", "", ""),
        ("wasm brotli", f"{br / 1024:.0f} KB", "<= 350 KB", br <= 350 * 1024),
        ("server RSS idle (seeded)", f"{idle:.1f} MB", "< 40 MB", idle < 40),
        ("server RSS after the run", f"{busy:.1f} MB", "", ""),
    ]

    backup(env, figures, rows)
    reminders(env, figures, rows)
    checks(env, figures, rows)

    write_path("sqlite", env, figures, rows)
    if pg_url:
        pg_data = tempfile.mkdtemp(prefix="preflight-bench-pg-")
        pg_env = dict(env, DATABASE_URL=pg_url, PREFLIGHT_DATA_DIR=pg_data)
        run([BIN, "bench-seed"], env=pg_env)
        write_path("postgres", pg_env, figures, rows)

    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'value':>16}  {'budget':>10}  result")
    for name, value, budget, ok in rows:
        verdict = "" if ok == "" else ("pass" if ok else "FAIL")
        print(f"{name:<{width}}  {value:>16}  {budget:>10}  {verdict}")
    out_dir = os.path.join(ROOT, "target", "bench")
    os.makedirs(out_dir, exist_ok=True)
    figures["when"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    figures["cores"] = CORES
    with open(os.path.join(out_dir, "latest.json"), "w") as f:
        json.dump(figures, f, indent=2, sort_keys=True)
    print(f"\nfigures written to target/bench/latest.json (seeded in {figures['seed_s']:.1f} s)")
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(os.path.join(SITE, "bench"), ignore_errors=True)


if __name__ == "__main__":
    main()
