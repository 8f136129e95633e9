#!/usr/bin/env python3
"""The reliability battery (`make reliability`; CI runs its short profile).

Real `preflight serve` processes, a throwaway PostgreSQL cluster and SQLite files, a load
generator of threads over plain HTTP on 127.0.0.1. Scenarios:

1. two instances, one PostgreSQL: a session made on one works on the other; a change on one
   shows on the other's next read; the same item written from both at once gives one success
   and one 409, never a lost update;
2. PostgreSQL stopped and started under load: requests during the outage fail fast with 503,
   /readyz goes 503 then 200, the pool recovers, no acknowledged write is missing;
3. kill -9 of an instance under write load on SQLite: the file passes `PRAGMA integrity_check`
   and holds every acknowledged write; SIGTERM under load finishes the requests in flight;
4. disk full on the SQLite directory (a small tmpfs): writes fail with 503, reads keep working,
   nothing is corrupted, writes work again once there is room.

Prints a table (scenario, requests, failures by kind, acknowledged writes lost, recovery time)
and exits non-zero when a scenario's promise is broken.

Environment: PREFLIGHT_BIN (default target/release/preflight), RELIABILITY_PROFILE=short (CI:
shorter load phases).
"""

import collections
import glob
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("PREFLIGHT_BIN", os.path.join(ROOT, "target/release/preflight"))
SHORT = os.environ.get("RELIABILITY_PROFILE") == "short"
LOAD_SECONDS = 2.0 if SHORT else 6.0
OUTAGE_SECONDS = 3.0 if SHORT else 6.0
PASSWORD = "reliability-password-1"
OWNER = "maya.owner@example.com"
FAST = 5.0  # a failed request must have answered within this many seconds
WORK = tempfile.mkdtemp(prefix="pf_reliability_")
os.chmod(WORK, 0o755)  # the postgres user keeps its cluster in here

rows = []  # (scenario, requests, failures, lost, recovery, ok, note)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(cmd, env=None, check=True, input_text=None):
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, input=input_text)
    if check and out.returncode != 0:
        raise RuntimeError(f"{cmd}: {out.stderr.strip()}")
    return out


# --- PostgreSQL ------------------------------------------------------------------------------

class Postgres:
    def __init__(self):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        self.dir = os.path.join(WORK, "pg")
        os.makedirs(os.path.join(self.dir, "sock"))
        shutil.chown(self.dir, "postgres")
        shutil.chown(os.path.join(self.dir, "sock"), "postgres")
        self.port = free_port()
        self.as_postgres(f"{self.bin}/initdb -D {self.dir}/data -U postgres --auth=trust -E UTF8 --no-locale")
        self.start()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def as_postgres(self, command):
        run(["su", "postgres", "-c", command])

    def start(self):
        self.as_postgres(
            f"{self.bin}/pg_ctl -D {self.dir}/data -l {self.dir}/sock/log "
            f"-o '-p {self.port} -k {self.dir}/sock -c listen_addresses=127.0.0.1' -w start"
        )

    def stop(self):
        self.as_postgres(f"{self.bin}/pg_ctl -D {self.dir}/data -m fast -w stop")

    def query(self, sql):
        out = run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-tA",
                   "-c", sql])
        return out.stdout.split()


# --- instances -------------------------------------------------------------------------------

class Instance:
    def __init__(self, name, database_url=None, data_dir=None):
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ)
        self.env.update({
            "PREFLIGHT_ADDR": f"127.0.0.1:{self.port}",
            "PREFLIGHT_DATA_DIR": data_dir or os.path.join(WORK, name),
            "PREFLIGHT_PASSWORD": PASSWORD,
            "RUST_LOG": os.environ.get("RELIABILITY_LOG", "error"),
            # The load generator is one token: lift the per-token API rate for the battery.
            "PREFLIGHT_API_RATE_PER_MINUTE": "10000000",
        })
        self.env.pop("PREFLIGHT_SMTP_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        else:
            self.env.pop("DATABASE_URL", None)
        self.proc = None

    def cli(self, *args):
        return run([BIN, *args], env=self.env).stdout

    def start(self):
        self.log = open(os.path.join(WORK, f"{self.name}.log"), "a")
        self.proc = subprocess.Popen([BIN, "serve"], env=self.env, stdout=self.log,
                                     stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log.name}")
            try:
                if get(self, "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self):
        return self.proc.wait(timeout=60)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def request(inst, method, path, body=None, token=None, cookie=None, form=None, timeout=30):
    headers = {}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if form is not None:
        data = "&".join(f"{k}={urllib.request.quote(v)}" for k, v in form.items()).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(inst.base + path, data=data, method=method, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=timeout) as res:
            return res.status, res.read(), res.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def get(inst, path, **kw):
    return request(inst, "GET", path, **kw)


class Load:
    """Writer and reader threads; every request's outcome, timed."""

    def __init__(self, inst, token, category, slug, writers=2, readers=1):
        self.inst, self.token, self.category, self.slug = inst, token, category, slug
        self.stop_flag = threading.Event()
        self.lock = threading.Lock()
        self.records = []  # (start, end, kind, outcome)
        self.acked = []
        self.threads = [threading.Thread(target=self.write, args=(i,)) for i in range(writers)]
        self.threads += [threading.Thread(target=self.read) for _ in range(readers)]

    def note(self, start, kind, outcome):
        with self.lock:
            self.records.append((start, time.time(), kind, outcome))

    def outcome(self, fn):
        try:
            status, body, _ = fn()
            return status, body
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason):
                return "timeout", b""
            return "connection", b""

    def write(self, n):
        i = 0
        while not self.stop_flag.is_set():
            i += 1
            start = time.time()
            status, body = self.outcome(lambda: request(
                self.inst, "POST", f"/api/v1/categories/{self.category}/items",
                body={"title": f"load {n}-{i}", "priority": "low"}, token=self.token,
                timeout=15))
            if status == 201:
                with self.lock:
                    self.acked.append(json.loads(body)["id"])
            self.note(start, "write", status)

    def read(self):
        while not self.stop_flag.is_set():
            start = time.time()
            status, _ = self.outcome(lambda: get(self.inst, f"/api/v1/projects/{self.slug}",
                                                 token=self.token, timeout=15))
            self.note(start, "read", status)

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.stop_flag.set()
        for t in self.threads:
            t.join()

    def failures(self, since=None, until=None):
        kinds = collections.Counter()
        for start, _end, kind, outcome in self.records:
            if since is not None and not (since <= start <= until):
                continue
            if outcome not in (200, 201):
                kinds[f"{kind} {outcome}"] += 1
        return kinds


def seeded(name, database_url=None, data_dir=None):
    """An instance with the demo data, an API token of its owner and a category id."""
    inst = Instance(name, database_url, data_dir)
    inst.cli("demo")
    token = inst.cli("token", "create", "--email", OWNER, "--name", name, "--scope",
                     "write").strip()
    inst.start()
    status, body, _ = get(inst, "/api/v1/projects/checkout-api/categories", token=token)
    assert status == 200, (status, body)
    data = json.loads(body)
    cats = data["data"] if isinstance(data, dict) else data
    return inst, token, cats[0]["id"]


def login(inst, email):
    status, _, headers = request(inst, "POST", "/rpc/login",
                                 form={"email": email, "password": PASSWORD})
    assert status in (200, 302, 303), status
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    assert cookie.startswith("preflight_session="), headers
    return cookie


def describe(kinds):
    return ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())) or "none"


# --- scenarios -------------------------------------------------------------------------------

def two_instances(pg):
    a, token, cat = seeded("a", pg.url)
    b = Instance("b", pg.url).start()
    problems = []
    requests = 0
    try:
        cookie = login(a, OWNER)
        status, body, _ = get(b, "/rpc/session_info", cookie=cookie)
        requests += 2
        if status != 200 or OWNER not in body.decode():
            problems.append("a session from A does not work on B")
        # A change on A shows on B's next read (B read first, so its memo holds the old state).
        def gaps(inst):
            _, listed, _ = get(inst, "/api/v1/projects", token=token)
            return next(p["blocking_gaps"] for p in json.loads(listed)["data"]
                        if p["slug"] == "checkout-api")

        before = gaps(b)
        status, body, _ = request(a, "POST", f"/api/v1/categories/{cat}/items",
                                  body={"title": "Seen on B", "priority": "critical"},
                                  token=token)
        after = gaps(b)
        requests += 3
        if status != 201 or after != before + 1:
            problems.append(f"B's portfolio did not see A's change: blocking gaps {before} -> {after}")
        # The same item written from both at once: one wins, the other gets 409.
        item = json.loads(body)["id"]
        lost = 0
        conflicts = collections.Counter()
        rounds = 10 if SHORT else 40
        for r in range(rounds):
            _, got, _ = get(a, f"/api/v1/items/{item}", token=token)
            version = json.loads(got)["version"]
            results = {}
            wanted = {"a": "in_progress" if r % 2 else "done", "b": "open" if r % 2 else "not_applicable"}

            def write(name, inst):
                results[name] = request(inst, "POST", f"/api/v1/items/{item}/status",
                                        body={"status": wanted[name], "version": version,
                                              "status_reason": "race"}, token=token)[0]

            threads = [threading.Thread(target=write, args=(n, i)) for n, i in (("a", a), ("b", b))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            requests += 3
            conflicts.update(str(s) for s in results.values())
            winners = [n for n, s in results.items() if s == 200]
            _, got, _ = get(b, f"/api/v1/items/{item}", token=token)
            final = json.loads(got)["status"]
            if len(winners) != 1 or final != wanted[winners[0]]:
                lost += 1
        if lost:
            problems.append(f"{lost} of {rounds} races lost an update or had no single winner")
        failures = collections.Counter({k: v for k, v in conflicts.items() if k != "200"})
        rows.append(("two instances, one PostgreSQL", requests, describe(failures) + " (expected: one 409 a race)",
                     lost, "-", not problems, "; ".join(problems)))
    finally:
        a.stop()
        b.stop()


def postgres_restart(pg):
    a, token, cat = seeded("restart", pg.url.rsplit("/", 1)[0] + "/restart")
    problems = []
    ready = []
    ready_stop = threading.Event()

    def poll_ready():
        while not ready_stop.is_set():
            try:
                status = get(a, "/readyz", timeout=10)[0]
            except OSError:
                status = "connection"
            ready.append((time.time(), status))
            time.sleep(0.2)

    poller = threading.Thread(target=poll_ready)
    poller.start()
    load = Load(a, token, cat, "checkout-api").start()
    time.sleep(LOAD_SECONDS / 2)
    down = time.time()
    pg.stop()
    time.sleep(OUTAGE_SECONDS)
    pg.start()
    up = time.time()
    # Recovery: the first write acknowledged after the database is back.
    recovered = None
    deadline = up + 30
    while recovered is None and time.time() < deadline:
        time.sleep(0.05)
        with load.lock:
            after = [end for start, end, kind, outcome in load.records
                     if kind == "write" and outcome == 201 and start >= up]
        if after:
            recovered = min(after) - up
    time.sleep(LOAD_SECONDS / 2)
    load.stop()
    ready_stop.set()
    poller.join()
    try:
        outage = [r for r in load.records if down <= r[0] <= up]
        slow = [r for r in outage if r[3] not in (200, 201) and r[1] - r[0] > FAST]
        bad = [r for r in load.records if r[3] not in (200, 201, 503)]
        if slow:
            problems.append(f"{len(slow)} failed requests took over {FAST:.0f} s")
        if bad:
            problems.append(f"{len(bad)} requests failed otherwise than 503: "
                            f"{describe(collections.Counter(str(r[3]) for r in bad))}")
        if not any(s == 503 for t, s in ready if down < t < up):
            problems.append("/readyz never said 503 during the outage")
        if not any(s == 200 for t, s in ready if t > up):
            problems.append("/readyz did not come back to 200")
        if recovered is None or recovered > 5:
            problems.append(f"the pool took {recovered} s to recover (budget 5 s)")
        ids = set(int(i) for i in pg.query_db("restart", "SELECT id FROM items"))
        lost = [i for i in load.acked if i not in ids]
        if lost:
            problems.append(f"acknowledged writes missing: {lost[:5]}")
        failed = [r[1] - r[0] for r in outage if r[3] not in (200, 201)]
        slowest = f"; slowest failure {max(failed):.2f} s" if failed else ""
        rows.append(("PostgreSQL stopped for %.0f s under load" % OUTAGE_SECONDS,
                     len(load.records), describe(load.failures()) + slowest, len(lost),
                     f"{recovered:.2f} s" if recovered is not None else "never",
                     not problems, "; ".join(problems)))
    finally:
        a.stop()


def kill_and_term():
    data = os.path.join(WORK, "sqlite-kill")
    a, token, cat = seeded("kill", data_dir=data)
    problems = []
    load = Load(a, token, cat, "checkout-api", writers=2, readers=1).start()
    time.sleep(LOAD_SECONDS)
    a.signal(signal.SIGKILL)
    a.wait()
    load.stop()
    acked = list(load.acked)
    db = sqlite3.connect(os.path.join(data, "preflight.db"))
    check = db.execute("PRAGMA integrity_check").fetchone()[0]
    ids = set(r[0] for r in db.execute("SELECT id FROM items"))
    db.close()
    lost = [i for i in acked if i not in ids]
    if check != "ok":
        problems.append(f"integrity_check: {check}")
    if lost:
        problems.append(f"acknowledged writes missing after kill -9: {lost[:5]}")
    # Restarted, then SIGTERM under load: what was in flight completes.
    start = time.time()
    a.start()
    restart = time.time() - start
    load2 = Load(a, token, cat, "checkout-api", writers=3, readers=1).start()
    time.sleep(LOAD_SECONDS / 2)
    term = time.time()
    a.signal(signal.SIGTERM)
    code = a.wait()
    load2.stop()
    cut = [r for r in load2.records if r[0] < term and r[3] in ("connection", "timeout")]
    if cut:
        problems.append(f"{len(cut)} requests sent before SIGTERM got no answer")
    if code != 0:
        problems.append(f"exit status {code} after SIGTERM")
    db = sqlite3.connect(os.path.join(data, "preflight.db"))
    ids = set(r[0] for r in db.execute("SELECT id FROM items"))
    db.close()
    lost2 = [i for i in load2.acked if i not in ids]
    if lost2:
        problems.append(f"acknowledged writes missing after SIGTERM: {lost2[:5]}")
    before_term = collections.Counter(
        f"{k} {o}" for s, _e, k, o in load2.records if s < term and o not in (200, 201))
    rows.append(("SQLite: kill -9, then SIGTERM, under load",
                 len(load.records) + len(load2.records),
                 f"kill -9: {describe(load.failures())}; before SIGTERM: {describe(before_term)}",
                 len(lost) + len(lost2), f"restart {restart:.2f} s", not problems,
                 "; ".join(problems)))


def disk_full():
    mount = os.path.join(WORK, "small")
    os.makedirs(mount)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount],
                      capture_output=True).returncode != 0:
        rows.append(("SQLite: disk full", 0, "-", 0, "-", True,
                     "skipped: cannot mount a tmpfs here (needs root)"))
        return
    problems = []
    a = None
    try:
        a, token, cat = seeded("full", data_dir=os.path.join(mount, "data"))
        filler = os.path.join(mount, "filler")
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=1M", "count=100"],
                       capture_output=True)
        kinds = collections.Counter()
        requests = 0
        for i in range(30):
            status = request(a, "POST", f"/api/v1/categories/{cat}/items",
                             body={"title": f"full {i} " + "x" * 150, "description": "y" * 4000},
                             token=token)[0]
            kinds[f"write {status}"] += 1
            requests += 1
        read = get(a, "/api/v1/projects/checkout-api", token=token)[0]
        requests += 1
        if read != 200:
            problems.append(f"a read answered {read} with the disk full")
        if kinds.get("write 503", 0) == 0:
            problems.append(f"no write was refused with 503: {describe(kinds)}")
        others = {k: v for k, v in kinds.items() if k not in ("write 201", "write 503")}
        if others:
            problems.append(f"writes failed otherwise: {describe(others)}")
        os.remove(filler)
        start = time.time()
        recovered = None
        while time.time() - start < 10:
            status = request(a, "POST", f"/api/v1/categories/{cat}/items",
                             body={"title": "room again", "priority": "low"}, token=token)[0]
            requests += 1
            if status == 201:
                recovered = time.time() - start
                break
            time.sleep(0.2)
        if recovered is None:
            problems.append("writes did not work again once there was room")
        a.signal(signal.SIGTERM)
        a.wait()
        db = sqlite3.connect(os.path.join(mount, "data", "preflight.db"))
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
        if check != "ok":
            problems.append(f"integrity_check: {check}")
        rows.append(("SQLite: disk full (48 MB tmpfs)", requests,
                     describe({k: v for k, v in kinds.items() if k != "write 201"}), 0,
                     f"{recovered:.2f} s" if recovered is not None else "never",
                     not problems, "; ".join(problems)))
    finally:
        if a:
            a.stop()
        subprocess.run(["umount", mount], capture_output=True)


def main():
    if not os.path.exists(BIN):
        sys.exit(f"no binary at {BIN}: build it first (make reliability does)")
    pg = Postgres()
    Postgres.query_db = lambda self, db, sql: run(
        ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db, "-tA",
         "-c", sql]).stdout.split()
    run(["psql", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-c",
         "CREATE DATABASE restart"])
    try:
        for scenario in (lambda: two_instances(pg), lambda: postgres_restart(pg), kill_and_term,
                         disk_full):
            try:
                scenario()
            except Exception as e:  # a scenario that could not run is a failure, said so
                rows.append((getattr(scenario, "__name__", "scenario"), 0, "-", 0, "-", False,
                             f"{type(e).__name__}: {e}"))
    finally:
        try:
            pg.stop()
        except Exception:
            pass
    width = max(len(r[0]) for r in rows)
    print(f"\n{'scenario':<{width}} | requests | acked lost | recovery     | result")
    print("-" * (width + 50))
    for name, requests, failures, lost, recovery, ok, note in rows:
        print(f"{name:<{width}} | {requests:>8} | {lost:>10} | {recovery:<12} | "
              f"{'ok' if ok else 'FAILED'}")
        print(f"{'':<{width}}   failures by kind: {failures}")
        if note:
            print(f"{'':<{width}}   {note}")
    if not os.environ.get("RELIABILITY_KEEP"):
        shutil.rmtree(WORK, ignore_errors=True)
    else:
        print(f"kept {WORK}")
    sys.exit(0 if all(r[5] for r in rows) else 1)


if __name__ == "__main__":
    main()
