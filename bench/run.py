"""`make bench`: the figures issue 7 asks for, on SQLite and on PostgreSQL, with the machine described.

For each database, from empty:
  (d) synth of the N-child authority, timed from the command line;
  (a) the authority dashboard page (a full request through Django, signed in as the officer) against the bare SQL
      aggregate that sums delivered and expected minutes per line, on the same database, medians of several runs;
  (b) import of 1,000,000 session rows from CSV through `provision-ledger import-csv`, rows per second and the
      command's peak resident memory;
  (c) a child's page under load: gunicorn on loopback, 50 concurrent clients from wrk in a second process, p50 and
      p99, beside one client alone and the floor (a signed-in page that reads next to nothing) under the same load;
  (e) a GIAS establishment file of 25,000 made-up establishments in the published layout (Windows-1252, every column)
      through `provision-ledger import-gias`, then the same file again (nothing to change), each timed with the
      command's peak resident memory.

Writes bench/results.json and bench/results.md. Usage: python bench/run.py [--children 10000] [--sessions 1000000]
[--databases sqlite,postgresql]. PostgreSQL is reached at BENCH_PG (default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "bench"
WORK = ROOT / "var" / "bench"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "pl_bench_scale"
TARGETS = {
    "dashboard_ratio": 1.5,
    "dashboard_seconds": {"sqlite": 2.0, "postgresql": 1.0},
    "import_rows_per_second": 50_000,
    "import_peak_mb": 300,
    "child_page_p99_ms": 150,
    "synth_seconds": 300,
    "gias_seconds": 60,
}
GIAS_ESTABLISHMENTS = 25_000


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def machine() -> dict[str, object]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
    import sqlite3

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "load_average_at_start": os.getloadavg(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _pg_version(),
        "note": (
            "Other work was running when the benchmark started, so its timings are upper bounds."
            if os.getloadavg()[0] > (os.cpu_count() or 1) / 2
            else "Nothing else was running when the benchmark started."
        )
        + " In the child-page test the load generator shares the machine's cores with the server.",
    }


def _pg_version() -> str:
    try:
        out = subprocess.run(
            [str(BIN / "python"), "-c", "import psycopg,sys; c=psycopg.connect(sys.argv[1]); "
             "print(c.execute('show server_version').fetchone()[0])", f"{PG}/postgres"],
            capture_output=True, text=True, check=True, timeout=20,
        )  # fmt: skip
        return out.stdout.strip()
    except (subprocess.SubprocessError, OSError):
        return "unavailable"


SQLITE_FILE = WORK / "bench.sqlite3"


def env_for(vendor: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "provision_ledger.settings", "DEBUG": "False"}
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    env["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}" if vendor == "sqlite" else f"{PG}/{PG_NAME}"
    return env


def pl(vendor: str, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "provision-ledger"), *args], env=env_for(vendor), text=True, check=True, **kwargs)  # type: ignore[call-overload]


def fresh_database(vendor: str) -> None:
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (WORK / f"bench.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        script = (
            "import psycopg,sys; c=psycopg.connect(sys.argv[1], autocommit=True); "
            f"c.execute('DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)'); c.execute('CREATE DATABASE {PG_NAME}')"
        )
        subprocess.run([str(BIN / "python"), "-c", script, f"{PG}/postgres"], check=True)
    pl(vendor, "migrate", "--noinput", "-v0")


def timed_child(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a command; its wall time, its own peak resident memory in MB (from wait4), and its output."""
    began = time.monotonic()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{args[:3]} failed:\n{output[-3000:]}")
    return time.monotonic() - began, usage.ru_maxrss // 1024, output


MEASURE = r"""
import json, statistics, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.utils import timezone
from provision_ledger.oversight.queries import authority_window, bare_aggregate
from provision_ledger.people.models import Child, LocalAuthority, User
la = LocalAuthority.objects.get(code="990")
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
year = int(sys.argv[1])
window = authority_window(timezone.localdate(), year)
officer = User.objects.get(email="officer990@synth.test")
# Officers sign in with a second step: the bench's sessions carry a confirmed authenticator, as a real officer's would.
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
device = TOTPDevice.objects.filter(user=officer, confirmed=True).first() or TOTPDevice.objects.create(
    user=officer, name="bench", confirmed=True)
client = Client()
client.force_login(officer)
verified = client.session
verified[DEVICE_ID_SESSION_KEY] = device.persistent_id
verified.save()
def page():
    response = client.get("/authority/delivery/", {"year": year})
    assert response.status_code == 200, response.status_code
def bare():
    bare_aggregate(la.pk, window)
results = {}
for name, fn in (("bare", bare), ("dashboard", page), ("bare_again", bare), ("dashboard_again", page)):
    fn()  # warm the cache
    times = []
    for _ in range(5):
        began = time.perf_counter(); fn(); times.append(time.perf_counter() - began)
    results[name] = times
sessions = connection.cursor()
sessions.execute("SELECT COUNT(*) FROM delivery_session WHERE local_authority_id = %s", [la.pk])
results["sessions"] = sessions.fetchone()[0]
from provision_ledger.plans.models import ProvisionLine
results["lines"] = ProvisionLine.objects.filter(local_authority=la).count()
child = Child.objects.filter(local_authority=la).order_by("id").first()
results["child_id"] = child.pk
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
store = SessionStore()
store[SESSION_KEY] = str(officer.pk); store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = officer.get_session_auth_hash(); store[DEVICE_ID_SESSION_KEY] = device.persistent_id
store.create()
results["cookie"] = store.session_key
print("RESULT " + json.dumps(results))
"""


def measure_dashboard(vendor: str, year: int) -> dict[str, object]:
    out = subprocess.run(
        [str(BIN / "python"), "-c", MEASURE, str(year)], env=env_for(vendor), text=True, capture_output=True, check=True
    )
    line = next(row for row in out.stdout.splitlines() if row.startswith("RESULT "))
    raw = json.loads(line[len("RESULT ") :])
    bare = statistics.median(raw["bare"] + raw["bare_again"])
    page = statistics.median(raw["dashboard"] + raw["dashboard_again"])
    return {
        "sessions": raw["sessions"],
        "lines": raw["lines"],
        "dashboard_median_s": round(page, 3),
        "bare_aggregate_median_s": round(bare, 3),
        "ratio": round(page / bare, 2),
        "dashboard_runs_s": [round(t, 3) for t in raw["dashboard"] + raw["dashboard_again"]],
        "bare_runs_s": [round(t, 3) for t in raw["bare"] + raw["bare_again"]],
        "child_id": raw["child_id"],
        "cookie": raw["cookie"],
    }


LINES = r"""
import django, sys
django.setup()
from provision_ledger.plans.models import ProvisionLine
for ref, in ProvisionLine.objects.filter(local_authority__code="990").values_list("ref").order_by("id"):
    print(ref)
"""


def write_sessions_csv(vendor: str, path: Path, rows: int, year: int) -> None:
    """rows sessions over the synthetic lines, on school-day dates of the synthetic year (not before a line starts)."""
    refs = subprocess.run(
        [str(BIN / "python"), "-c", LINES], env=env_for(vendor), text=True, capture_output=True, check=True
    ).stdout.split()
    from datetime import date, timedelta

    days = [date(year, 9, 8) + timedelta(days=i) for i in range(300)]
    days = [d for d in days if d.weekday() < 5 and not (date(year, 12, 20) <= d <= date(year + 1, 1, 5))]
    reasons = ["staff_absent", "staff_redeployed", "child_absent"]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line_ref", "date", "status", "delivered_minutes", "reason"])
        for i in range(rows):
            ref, day = refs[i % len(refs)], days[(i // len(refs)) % len(days)]
            if i % 10 == 9:
                writer.writerow([ref, day.isoformat(), "not_delivered", "", reasons[i % 3]])
            else:
                writer.writerow([ref, day.isoformat(), "delivered", "", ""])


def wrk(url: str, cookie: str, clients: int, seconds: float) -> dict[str, object]:
    """Load from a second process: wrk (C, one thread per core), so the load generator takes little of the CPU the
    server needs. Latency percentiles are wrk's own (--latency), over every request of the run."""
    out = subprocess.run(
        ["wrk", f"-t{min(clients, os.cpu_count() or 1)}", f"-c{clients}", f"-d{seconds:.0f}s", "--latency",
         "--timeout", "30s", "-H", f"Cookie: sessionid={cookie}", url],
        text=True, capture_output=True, check=True,
    ).stdout  # fmt: skip

    def ms(text: str) -> float:
        """wrk's "18.55ms", "2.38s" or "850.00us" in milliseconds."""
        number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]

    percentiles = {p: ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", out, re.M)}
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errors = failed + (int(bad.group(1)) if bad else 0)
    return {
        "requests": requests,
        "errors": errors,
        "seconds": seconds,
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": percentiles["50"],
        "p90_ms": percentiles["90"],
        "p99_ms": percentiles["99"],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A signed-in page that reads next to nothing: what every request costs before the child's page does its own work.
FLOOR_PATH = "/account/alerts/"


def load_test(vendor: str, child_id: int, cookie: str, clients: int, seconds: float, workers: int) -> dict[str, object]:
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "provision_ledger.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--backlog", "512"],
        env=env_for(vendor), cwd=ROOT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        base, path = f"http://127.0.0.1:{port}", f"/children/{child_id}/"
        # Every worker has imported the code, opened its connection and compiled both pages' templates.
        wrk(base + path, cookie, workers, 5)
        wrk(base + FLOOR_PATH, cookie, workers, 5)
        alone = wrk(base + path, cookie, 1, 10)
        result = wrk(base + path, cookie, clients, seconds)
        floor = wrk(base + FLOOR_PATH, cookie, clients, seconds)
        result.update({"clients": clients, "server": f"gunicorn, {workers} sync workers", "path": "/children/<id>/"})
        result["load_generator"] = "wrk, in a second process on loopback"
        result["one_client"] = {k: alone[k] for k in ("requests", "p50_ms", "p99_ms", "requests_per_second")}
        result["floor"] = {"path": FLOOR_PATH, **{k: floor[k] for k in ("requests_per_second", "p50_ms", "p99_ms")}}
        return result
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def write_gias_csv(path: Path, establishments: int) -> None:
    """A GIAS establishment file in the published layout: every column, quoted, Windows-1252, dd-mm-yyyy dates; about
    150 authorities with made-up schools (the URNs from 300000 so they do not meet the synthetic authority's)."""
    import sys

    sys.path.insert(0, str(ROOT))
    from provision_ledger.oversight.gias_layout import GIAS_COLUMNS

    phases = ["Primary", "Secondary", "All-through", "Not applicable", "16 plus", "Nursery"]
    types = ["Community school", "Academy converter", "Voluntary aided school", "Foundation special school"]
    with path.open("w", newline="", encoding="cp1252") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(GIAS_COLUMNS)
        for i in range(establishments):
            la = 800 + i % 150
            row = dict.fromkeys(GIAS_COLUMNS, "")
            row.update({
                "URN": str(300000 + i), "LA (code)": str(la), "LA (name)": f"Authority {la}",
                "EstablishmentNumber": f"{2000 + i // 150:04d}", "EstablishmentName": f"St Anne’s School {i}",
                "TypeOfEstablishment (name)": types[i % len(types)], "EstablishmentStatus (name)": "Open",
                "OpenDate": f"{1 + i % 28:02d}-09-{1950 + i % 70}", "PhaseOfEducation (name)": phases[i % len(phases)],
                "Trusts (name)": f"Trust {i % 900}" if i % 4 == 1 else "", "UKPRN": f"{10000000 + i}",
                "GSSLACode (name)": f"E10{la:06d}", "Country (name)": "United Kingdom",
            })  # fmt: skip
            writer.writerow(row.values())


def gias_step(vendor: str, establishments: int, email: str) -> dict[str, object]:
    """Import the GIAS file twice: once creating every school, once finding nothing to change."""
    path = WORK / "edubasealldata.csv"
    write_gias_csv(path, establishments)
    result: dict[str, object] = {"establishments": establishments, "file_mb": round(path.stat().st_size / 1e6, 1)}
    for name in ("first", "again"):
        took, peak, output = timed_child(
            [str(BIN / "provision-ledger"), "import-gias", str(path), "--as", email], env_for(vendor)
        )
        result[name] = {"seconds": round(took, 1), "peak_mb": peak, "output": output.strip().splitlines()[1]}
        log(f"{vendor}: import-gias ({name}) {took:.1f} s, peak {peak} MB")
    path.unlink()
    return result


def run(vendor: str, children: int, sessions: int, year: int, clients: int, seconds: float) -> dict[str, object]:
    result: dict[str, object] = {"database": vendor, "children": children}
    log(f"{vendor}: fresh database and migrations")
    fresh_database(vendor)
    log(f"{vendor}: synth --children {children}")
    took, peak, output = timed_child(
        [str(BIN / "provision-ledger"), "synth", "--children", str(children), "--seed", "1", "--year", str(year)],
        env_for(vendor),
    )
    result["synth"] = {"seconds": round(took, 1), "peak_mb": peak, "output": output.strip().splitlines()[-1]}
    log(f"{vendor}: synth took {took:.1f} s")
    log(f"{vendor}: dashboard and bare aggregate")
    dash = measure_dashboard(vendor, year)
    cookie, child_id = dash.pop("cookie"), dash.pop("child_id")
    result["dashboard"] = dash
    log(f"{vendor}: dashboard {dash['dashboard_median_s']} s, bare {dash['bare_aggregate_median_s']} s")
    log(f"{vendor}: child page under load ({clients} clients, {seconds:.0f} s)")
    result["child_page"] = load_test(
        vendor, int(str(child_id)), str(cookie), clients, seconds, workers=2 * (os.cpu_count() or 1) + 1
    )
    log(f"{vendor}: child page p99 {result['child_page']['p99_ms']} ms")  # type: ignore[index]
    csv_path = WORK / "sessions.csv"
    log(f"{vendor}: writing {sessions:,} session rows to CSV")
    write_sessions_csv(vendor, csv_path, sessions, year)
    log(f"{vendor}: import-csv sessions")
    took, peak, output = timed_child(
        [str(BIN / "provision-ledger"), "import-csv", "sessions", str(csv_path), "--la", "990",
         "--as", "senco990001@synth.test"],
        env_for(vendor),
    )  # fmt: skip
    result["import"] = {
        "rows": sessions,
        "seconds": round(took, 1),
        "rows_per_second": round(sessions / took),
        "peak_mb": peak,
        "file_mb": round(csv_path.stat().st_size / 1e6, 1),
        "output": output.strip().splitlines()[-1],
        "includes": "validation of every row, the rows and one hash-chained audit event per row, in one transaction",
    }
    log(f"{vendor}: import {sessions / took:,.0f} rows/s, peak {peak} MB")
    csv_path.unlink()
    log(f"{vendor}: import-gias of {GIAS_ESTABLISHMENTS:,} establishments")
    result["gias"] = gias_step(vendor, GIAS_ESTABLISHMENTS, "officer990@synth.test")
    return result


def verdicts(result: dict) -> list[tuple[str, str, str, bool]]:  # type: ignore[type-arg]
    vendor = result["database"]
    d, i, c, s = result["dashboard"], result["import"], result["child_page"], result["synth"]
    limit = TARGETS["dashboard_seconds"][vendor]  # type: ignore[index]
    p99 = c["p99_ms"] if c["p99_ms"] is not None else float("inf")
    return [
        ("Dashboard page", f"{d['dashboard_median_s']} s", f"under {limit} s", d["dashboard_median_s"] < limit),
        ("Bare SQL aggregate", f"{d['bare_aggregate_median_s']} s", "(baseline)", True),
        ("Dashboard ÷ bare aggregate", f"{d['ratio']}×", "at most 1.5×", d["ratio"] <= TARGETS["dashboard_ratio"]),
        ("Import rate", f"{i['rows_per_second']:,} rows/s", "at least 50,000 rows/s",
         i["rows_per_second"] >= TARGETS["import_rows_per_second"]),
        ("Import peak memory", f"{i['peak_mb']} MB", "under 300 MB", i["peak_mb"] < TARGETS["import_peak_mb"]),
        ("Child page p99 (50 clients)", f"{p99:.0f} ms", "under 150 ms", p99 < TARGETS["child_page_p99_ms"]),
        ("Synth", f"{s['seconds']} s", "under 300 s", s["seconds"] < TARGETS["synth_seconds"]),
    ] + [
        (f"GIAS import, {g['establishments']:,} establishments ({run})",
         f"{g[run]['seconds']} s, {g[run]['peak_mb']} MB", "under 60 s", g[run]["seconds"] < TARGETS["gias_seconds"])
        for g in [result["gias"]] if "gias" in result for run in ("first", "again")
    ]  # fmt: skip


def markdown(report: dict) -> str:  # type: ignore[type-arg]
    m = report["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {report['finished']} with `make bench` ({report['children']:,} children; "
        f"{report['import_rows']:,} session rows imported).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; {m['os']}; Python {m['python']}; "
        f"SQLite {m['sqlite']}; PostgreSQL {m['postgresql']}. Load average at start: "
        f"{', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}. {m['note']}",
        "",
    ]
    for result in report["results"]:
        d = result["dashboard"]
        lines += [
            f"## {result['database']}",
            "",
            f"{d['sessions']:,} sessions on {d['lines']:,} provision lines. {result['synth']['output']}",
            "",
            "| Measure | Result | Target | Met |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {name} | {value} | {target} | {'yes' if ok else '**no**'} |"
            for name, value, target, ok in verdicts(result)
        ]
        if d.get("note"):
            first = result.get("first_dashboard", {})
            lines += [
                "",
                f"Dashboard: {d['note']} The first measurement, with the dashboard as it was when the run "
                f"began, was {first.get('dashboard_median_s')} s against {first.get('bare_aggregate_median_s')} s "
                f"({first.get('ratio')}×).",
            ]
        c = result["child_page"]
        lines += [
            "",
            f"Child page: {c['requests']:,} requests in {c['seconds']} s ({c['requests_per_second']} a second), "
            f"p50 {c['p50_ms']:.0f} ms, p90 {c['p90_ms']:.0f} ms, p99 {c['p99_ms']:.0f} ms, {c['errors']} errors; "
            f"{c['server']}, {c['clients']} clients from {c.get('load_generator', 'Python threads')}. With one "
            f"client at a time: p50 {c['one_client']['p50_ms']:.0f} ms, p99 {c['one_client']['p99_ms']:.0f} ms."
            + (
                f" The floor, a signed-in page that reads next to nothing ({c['floor']['path']}), under the same "
                f"{c['clients']} clients: {c['floor']['requests_per_second']:.0f} a second, p50 "
                f"{c['floor']['p50_ms']:.0f} ms, p99 {c['floor']['p99_ms']:.0f} ms."
                if c.get("floor")
                else ""
            )
            if c["p50_ms"] is not None
            else f"Child page: no successful requests ({c['errors']} errors).",
            "",
        ]
    return "\n".join(lines) + "\n"


def remeasure(args: argparse.Namespace) -> None:
    """Measure the dashboard again on databases already built, and put the figures into results.json."""
    args.out.mkdir(parents=True, exist_ok=True)
    saved = args.out / "dashboard-remeasured.json"
    measured = json.loads(saved.read_text()) if saved.exists() else {}
    if not args.merge_only:
        for vendor in args.databases.split(","):
            log(f"{vendor}: dashboard and bare aggregate, on the database already built")
            dash = measure_dashboard(vendor, args.year)
            dash.pop("cookie"), dash.pop("child_id")
            dash["note"] = (
                f"Re-measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with the dashboard of this commit, on the same "
                f"database after the import test had added its rows (so {dash['sessions']:,} sessions)."
            )
            measured[vendor] = dash
        saved.write_text(json.dumps(measured, indent=2) + "\n")
    results = args.out / "results.json"
    if results.exists():
        report = json.loads(results.read_text())
        for result in report["results"]:
            if result["database"] in measured:
                result["first_dashboard"] = result.get("first_dashboard", result["dashboard"])
                result["dashboard"] = measured[result["database"]]
        results.write_text(json.dumps(report, indent=2) + "\n")
        (args.out / "results.md").write_text(markdown(report))
        print(markdown(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=int(os.environ.get("BENCH_CHILDREN", 10_000)))
    parser.add_argument("--sessions", type=int, default=int(os.environ.get("BENCH_SESSIONS", 1_000_000)))
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES", "sqlite,postgresql"))
    parser.add_argument("--year", type=int, default=2025, help="School year of the synthetic sessions")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--dashboard-only", action="store_true", help="Re-measure the dashboard on built databases")
    parser.add_argument("--merge-only", action="store_true", help="Only merge saved re-measurements into results")
    parser.add_argument("--sqlite-file", type=Path, help="The SQLite database to measure (with --dashboard-only)")
    args = parser.parse_args()
    if args.dashboard_only or args.merge_only:
        global SQLITE_FILE
        SQLITE_FILE = args.sqlite_file or SQLITE_FILE
        remeasure(args)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {
        "machine": machine(),
        "started": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "children": args.children,
        "import_rows": args.sessions,
        "targets": TARGETS,
        "results": [],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for vendor in args.databases.split(","):
        report["results"].append(run(vendor, args.children, args.sessions, args.year, args.clients, args.seconds))  # type: ignore[attr-defined]
        # Written after each database, so a run cut short still leaves what it measured.
        report["finished"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n")
        (args.out / "results.md").write_text(markdown(report))
    print(markdown(report))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
