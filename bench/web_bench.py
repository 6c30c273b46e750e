"""Web benchmark: the key pages at scale, behind gunicorn on PostgreSQL, against /healthz as the floor.

    .venv/bin/python bench/web_bench.py --applications 3000 --applications 30000 --write bench/RESULTS-web.md

For each scale it (1) makes a fresh PostgreSQL database, loads the demo and seeds that many
applications with their cases (bench/seed_scale.py), (2) counts each page's queries in process at
that scale, (3) starts gunicorn (2 sync workers, production settings, plain HTTP on loopback), signs
in through the real sign-in form, and measures each page one request at a time with /healthz
interleaved as the floor, then (4) the lists under 20 concurrent clients. It writes the figures, the
machine and its load, and which targets were met.

Needs PostgreSQL at 127.0.0.1:5432 (trust auth), as on the development machines and CI.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432"
PASSWORD = "demo-password-2026"
SINGLE_REQUESTS = 40
CONCURRENT_CLIENTS = 20
CONCURRENT_SECONDS = 10
TARGETS = {"page_p95_ms": 60, "list_p95_ms": 40, "floor_p95_ms": 3, "letter_p95_ms": 20,
           "concurrent_rps": 100, "concurrent_p95_ms": 300, "queries": 15}


def _env(database: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({
        "DATABASE_URL": f"{PG}/{database}", "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "EMAIL_HOST": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false", "SENDFUND_MEDIA_ROOT": str(ROOT / "var" / "bench-uploads"),
        "PYTHONPATH": str(ROOT),
    })
    env.update(extra)
    return env


def _python(args: list[str], env: dict) -> str:
    """Run this Python (the project's) with these arguments in the project; its output, or stop."""
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"python {' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _psql(sql: str) -> str:
    """Run one statement on the server's postgres database (psycopg, autocommit); its first value, if any."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        cursor = connection.execute(sql)
        row = cursor.fetchone() if cursor.description else None
    return str(row[0]) if row else ""


SEED_AND_COUNT = r'''
import json, sys, time
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()  # lets the in-process client in (ALLOWED_HOSTS), keeps emails in memory
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
t0 = time.perf_counter()
call_command("migrate", verbosity=0)
call_command("demo_setup", stdout=open("/dev/null", "w"))
demo_s = time.perf_counter() - t0
sys.path.insert(0, "bench")
from seed_scale import seed
made = seed(int(sys.argv[1]), stdout=sys.stderr)
from sendfund.accounts.models import User
from sendfund.applications.models import Application
from sendfund.casework.models import Case, State
from sendfund.formula.models import FormulaRun
case = Case.objects.filter(status=State.IN_DELIVERY).order_by("-pk").first()
application = case.application
host_cluster = User.objects.get(email="host@cluster.example").memberships.exclude(organisation__cluster=None).first().organisation.cluster_id
draft = Application.objects.filter(status="draft", cluster_id=host_cluster).order_by("pk").first()
run = FormulaRun.objects.order_by("-pk").first()
pages = {
    "work queue, first page": ("officer", "/manage/casework/"),
    "work queue, last page": ("officer", "/manage/casework/?page=9999"),
    "work queue, filtered": ("officer", "/manage/casework/?state=acknowledged&stream=capacity"),
    "applications list": ("officer", "/manage/applications/"),
    "case page": ("officer", f"/manage/casework/{case.reference}/"),
    "application page": ("officer", f"/manage/applications/{application.pk}/"),
    "section form": ("host", f"/apply/applications/{draft.pk}/section/cluster-details/"),
    "cluster dashboard": ("host", "/apply/applications/"),
    "pot": ("finance", "/manage/funds/"),
    "formula run": ("officer", f"/manage/formula/runs/{run.pk}/"),
    "capacity gap": ("officer", f"/manage/formula/runs/{run.pk}/gap/"),
    "letter PDF": ("officer", f"/manage/casework/{case.reference}/letter.pdf"),
}
who = {"officer": "officer@norfolk.example", "host": "host@cluster.example", "finance": "finance@norfolk.example"}
counts = {}
for name, (role, url) in pages.items():
    client = Client()
    client.force_login(User.objects.get(email=who[role]), backend="sendfund.accounts.backends.EmailBackend")
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    if status != 200:
        raise SystemExit(f"{name} ({url}) answered {status}")
    counts[name] = {"queries": len(ctx.captured_queries), "status": status}
print(json.dumps({"made": made, "demo_s": round(demo_s, 1), "pages": pages, "who": who, "counts": counts}))
'''


def seed_database(database: str, applications: int) -> dict:
    import json

    _psql(f"DROP DATABASE IF EXISTS {database}")
    _psql(f"CREATE DATABASE {database}")
    env = _env(database, DJANGO_SETTINGS_MODULE="config.settings.dev")
    out = _python(["-c", SEED_AND_COUNT, str(applications)], env)
    return json.loads(out.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """A signed-in browser, talking plain HTTP to the server. Production cookies are marked Secure,
    which an HTTP client will not send back over HTTP, so the cookies are carried by hand."""

    def __init__(self, base: str, email: str):
        import httpx

        self.http = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
        self.cookies: dict[str, str] = {}
        page = self.get("/account/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = self.http.post("/account/sign-in/", data={"csrfmiddlewaretoken": token, "username": email,
                                                          "password": PASSWORD}, headers=self._headers())
        self._keep(answer)
        if answer.status_code != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Signing in as {email} failed: {answer.status_code}")

    def _headers(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _keep(self, response) -> None:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def get(self, url: str):
        response = self.http.get(url, headers=self._headers())
        self._keep(response)
        return response


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


class LoadSampler:
    """The machine's 1-minute load average, read every few seconds while a phase runs (the server, the database
    and the client share the machine with whatever else it is doing)."""

    def __init__(self, every: float = 5.0):
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)

    def _run(self, every: float) -> None:
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def summary(self) -> str:
        if not self.samples:
            return "not sampled"
        return (f"min {min(self.samples):.2f}, median {statistics.median(self.samples):.2f}, "
                f"max {max(self.samples):.2f} ({len(self.samples)} samples)")


def measure(database: str, seeded: dict) -> dict:
    port = _free_port()
    env = _env(database, DJANGO_SETTINGS_MODULE="config.settings.production")
    _python(["manage.py", "collectstatic", "--noinput", "-v0"], env)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2",
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(100):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        sessions = {role: Session(base, email) for role, email in seeded["who"].items()}
        sampler = LoadSampler().__enter__()
        single = {}
        floor: list[float] = []
        for name, (role, url) in seeded["pages"].items():
            session = sessions[role]
            for _ in range(3):
                session.get(url)  # warm: charts drawn, letter issued, code loaded
            times = []
            for _ in range(SINGLE_REQUESTS):
                t0 = time.perf_counter()
                response = session.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{name} ({url}) answered {response.status_code}")
                t0 = time.perf_counter()
                session.http.get("/healthz")
                floor.append((time.perf_counter() - t0) * 1000)
            single[name] = {"median": statistics.median(times), "p95": _p95(times), "bytes": len(response.content)}
        single["/healthz (floor)"] = {"median": statistics.median(floor), "p95": _p95(floor), "bytes": 2}
        sampler.__exit__()
        single_load, single_median = sampler.summary(), statistics.median(sampler.samples or [0.0])
        sampler = LoadSampler(every=2.0).__enter__()
        concurrent = {}
        lists = ["work queue, first page", "work queue, filtered", "applications list", "cluster dashboard"]
        for name in [*lists, "/healthz (floor)"]:
            role, url = seeded["pages"].get(name, ("officer", "/healthz"))
            concurrent[name] = _concurrent(base, sessions[role], url)
        sampler.__exit__()
        return {"single": single, "concurrent": concurrent,
                "load": {"one request at a time": single_load, "concurrent": sampler.summary()},
                "load_median": {"one request at a time": single_median,
                                "concurrent": statistics.median(sampler.samples or [0.0])}}
    finally:
        server.terminate()
        server.wait(10)


def _concurrent(base: str, session: Session, url: str) -> dict:
    import httpx

    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + CONCURRENT_SECONDS
    headers = session._headers()

    def client():
        with httpx.Client(base_url=base, timeout=30) as http:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    ok = http.get(url, headers=headers).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    times.append((time.perf_counter() - t0) * 1000)
                    errors[0] += not ok

    threads = [threading.Thread(target=client) for _ in range(CONCURRENT_CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"rps": len(times) / elapsed, "p95": _p95(times), "median": statistics.median(times),
            "errors": errors[0], "requests": len(times)}


def machine() -> dict:
    info = {"python": sys.version.split()[0], "cores": str(os.cpu_count())}
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for line in lscpu.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Model name":
            info["cpu"] = value.strip()
    info["load average at start (1, 5, 15 min)"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    info["PostgreSQL"] = _psql("show server_version")
    return info


def report(results: dict, info: dict) -> str:
    out = ["# Web benchmark", "",
           "Made by `make bench` (`bench/web_bench.py`): gunicorn with 2 sync workers and the production settings on "
           "PostgreSQL, plain HTTP on loopback; the client signs in through the real form. Each page is asked "
           f"{SINGLE_REQUESTS} times one request at a time (after 3 warming requests), with `/healthz` asked between "
           "requests as the floor; then lists under "
           f"{CONCURRENT_CLIENTS} concurrent clients for {CONCURRENT_SECONDS} s each. Times in milliseconds. The "
           "client runs on the same 2 cores as the server and the database, so concurrent figures include its own "
           "work.", "", "## Machine", ""]
    out += [f"- {k}: {v}" for k, v in info.items()]
    met: list[str] = []
    missed: list[str] = []
    for scale, r in results.items():
        floor = r["single"]["/healthz (floor)"]["median"]
        out += ["", f"## {scale:,} applications", "",
                f"Seeded {r['seeded']['made']['applications']:,} applications and {r['seeded']['made']['cases']:,} "
                f"cases with {r['seeded']['made']['audit events']:,} audit events in {r['seeded']['made']['seconds']} s "
                f"(after the demo, {r['seeded']['demo_s']} s).", "",
                "Load average (1 min) while measuring: " + "; ".join(f"{k}: {v}" for k, v in r["load"].items())
                + ".", "",
                "### One request at a time", "",
                "| page | median | p95 | × floor (median) | queries | HTML bytes | target p95 | met |",
                "|---|---:|---:|---:|---:|---:|---:|---|"]
        for name, s in r["single"].items():
            queries = r["seeded"]["counts"].get(name, {}).get("queries", "")
            if name.startswith("/healthz"):
                target = TARGETS["floor_p95_ms"]
            elif name == "letter PDF":
                target = TARGETS["letter_p95_ms"]
            elif name.startswith(("work queue", "applications list", "cluster dashboard")):
                target = TARGETS["list_p95_ms"]
            else:
                target = TARGETS["page_p95_ms"]
            ok = s["p95"] < target and (queries == "" or queries <= TARGETS["queries"])
            (met if ok else missed).append(f"{scale:,}: {name}")
            out.append(f"| {name} | {s['median']:.1f} | {s['p95']:.1f} | {s['median'] / floor:.1f} | {queries} | "
                       f"{s['bytes']:,} | < {target} | {'yes' if ok else 'no'} |")
        out += ["", f"### {CONCURRENT_CLIENTS} concurrent clients", "",
                "| page | requests/s | median | p95 | errors | met (≥ 100/s, p95 < 300) |", "|---|---:|---:|---:|---:|---|"]
        for name, c in r["concurrent"].items():
            ok = c["rps"] >= TARGETS["concurrent_rps"] and c["p95"] < TARGETS["concurrent_p95_ms"] and not c["errors"]
            (met if ok else missed).append(f"{scale:,}: {name} under {CONCURRENT_CLIENTS} clients")
            out.append(f"| {name} | {c['rps']:.0f} | {c['median']:.0f} | {c['p95']:.0f} | {c['errors']} | "
                       f"{'yes' if ok else 'no'} |")
    scales = list(results)
    if len(scales) > 1:
        a, b = results[scales[0]]["seeded"]["counts"], results[scales[-1]]["seeded"]["counts"]
        same = all(a[k]["queries"] == b[k]["queries"] for k in a)
        out += ["", f"Query counts at {scales[0]:,} and {scales[-1]:,} applications are "
                f"{'the same on every page' if same else 'NOT the same on every page'}."]
        out += growth(results[scales[0]]["single"], results[scales[-1]]["single"], scales[0], scales[-1])
    out += ["", "## Targets", "", f"Met: {len(met)}. Missed: {len(missed)}."]
    out += [f"- missed: {m}" for m in missed]
    cores = os.cpu_count() or 1
    busy = [(scale, phase, load) for scale, r in results.items() for phase, load in r.get("load_median", {}).items()
            if load > cores]
    if busy:
        out += ["", "## Contention", "",
                f"The machine has {cores} cores. While measuring, its median 1-minute load average was above that: "
                + "; ".join(f"{scale:,} applications, {phase}: {load:.2f}" for scale, phase, load in busy)
                + ". Work beyond this benchmark (the server, PostgreSQL and the client are themselves 4 or more busy "
                "processes) was then waiting for a core, so the times above include time spent queued, not working. "
                "The ratio to the floor (measured in the same run, under the same load) is the fairer comparison; "
                "a target missed under this load is not shown to be missed on an idle machine, nor met."]
    return "\n".join(out) + "\n"


GROWTH = 1.5  # a page whose time over the floor grows more than this between scales grows with the data


def growth(small: dict, large: dict, small_n: int, large_n: int) -> list[str]:
    """Pages whose median, as a multiple of the floor measured beside it, grew between the scales: the load
    moves the floor too, so a page that grows against it grows with the data, whatever the load."""
    grew = [(name, small[name]["median"] / small["/healthz (floor)"]["median"],
             large[name]["median"] / large["/healthz (floor)"]["median"])
            for name in small if not name.startswith("/healthz") and name in large]
    grew = [(name, x, y) for name, x, y in grew if y > GROWTH * x]
    out = ["", "## Growth with the data", ""]
    if not grew:
        return out + [f"No page's median, as a multiple of the floor, grew more than {GROWTH}x from {small_n:,} to "
                      f"{large_n:,} applications."]
    out += [f"These pages' medians, as multiples of the floor, grew more than {GROWTH}x from {small_n:,} to "
            f"{large_n:,} applications, so they grow with the data (not only with the load):", ""]
    return out + [f"- {name}: {x:.1f} to {y:.1f} times the floor" for name, x, y in grew]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, action="append", help="a scale to measure (repeatable)")
    parser.add_argument("--write", default="", help="write the Markdown results here")
    parser.add_argument("--database", default="sendfund_bench",
                        help="name of the PostgreSQL databases to make (the scale is added: sendfund_bench_3000)")
    args = parser.parse_args()
    scales = args.applications or [3000]
    info = machine()
    results = {}
    for scale in scales:
        database = f"{args.database}_{scale}"
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", database):
            raise SystemExit(f"--database: use lower-case letters, digits and underscores, not {args.database!r}")
        print(f"Seeding {scale:,} applications...", flush=True)
        seeded = seed_database(database, scale)
        print(f"Measuring {scale:,}...", flush=True)
        results[scale] = {"seeded": seeded, **measure(database, seeded)}
        _psql(f"DROP DATABASE IF EXISTS {database}")
        info["load average after " + f"{scale:,}"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        if args.write:  # each scale is written as soon as it is measured
            Path(args.write).write_text(report(results, info))
    text = report(results, info)
    print(text)
    if args.write:
        Path(args.write).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
