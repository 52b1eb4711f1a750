"""`make bench`: the figures issue 7 asks for, on SQLite and on PostgreSQL, with the machine described.

For each database, from empty:
  (d) synth of the N-child authority, timed from the command line;
  (a) the authority dashboard page (a full request through Django, signed in as the officer) against the bare SQL
      aggregate that sums delivered and expected minutes per line, on the same database, medians of several runs;
  (b) import of 1,000,000 session rows from CSV through `provision-ledger import-csv`, rows per second and the
      command's peak resident memory;
  (c) a child's page under load: gunicorn on loopback, 50 concurrent clients from wrk in a second process, p50 and
      p99, beside one client alone and the floor (a signed-in page that reads next to nothing) under the same load;
  (e) a GIAS establishment file of 25,000 made-up establishments in the published layout (Windows-1252, every
      column; written by tests/gias_files.py, as the tests' files are) through `provision-ledger import-gias` into a
      database of its own, then the same file again (nothing may change), each timed with the command's peak resident
      memory; and the same for 2,500 establishments, so that memory is seen to stay flat as the file grows.

Writes bench/results.json and bench/results.md. Usage: python bench/run.py [--children 10000] [--sessions 1000000]
[--databases sqlite,postgresql] [--only gias]. PostgreSQL is reached at BENCH_PG (default
postgres://postgres@127.0.0.1:5432). `BENCH_ONLY=gias make bench` (or --only gias) runs step (e) alone, in a minute
or two, and puts its figures into the results already written, leaving the other steps' as they were.
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
import sys
import time
from collections.abc import Iterator
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
    # Each figure beside its limit: the import and the child's page at least half of theirs, the API half the import.
    "import_to_bare": 0.5,
    "child_page_to_floor": 0.5,
    "api_to_import": 0.5,
    "synth_seconds": 300,
    "gias_seconds": 60,
    # Flat memory: the import's peak with ten times the establishments is at most this much above its peak with 2,500.
    "gias_peak_growth": 0.10,
}
GIAS_SIZES = (2_500, 25_000)
API_BATCHES_SENT = 20  # of 500 rows each
GIAS_PG_NAME = "pl_bench_gias"
STEPS = ("gias",)  # what --only / BENCH_ONLY can pick out; the other steps build on the synthetic authority


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


def env_for(vendor: str, name: str = PG_NAME) -> dict[str, str]:
    """The environment of a command on the benchmark's database (`name`: the synthetic authority's, or GIAS's own)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "provision_ledger.settings", "DEBUG": "False"}
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    sqlite = SQLITE_FILE if name == PG_NAME else WORK / f"{name}.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{sqlite}" if vendor == "sqlite" else f"{PG}/{name}"
    return env


def pl(vendor: str, *args: str, name: str = PG_NAME, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "provision-ledger"), *args], env=env_for(vendor, name), text=True, check=True, **kwargs
    )  # type: ignore[call-overload]


def fresh_database(vendor: str, name: str = PG_NAME) -> None:
    if vendor == "sqlite":
        sqlite = Path(env_for(vendor, name)["DATABASE_URL"].removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            sqlite.with_name(sqlite.name + suffix).unlink(missing_ok=True)
    else:
        script = (
            "import psycopg,sys; c=psycopg.connect(sys.argv[1], autocommit=True); "
            f"c.execute('DROP DATABASE IF EXISTS {name} WITH (FORCE)'); c.execute('CREATE DATABASE {name}')"
        )
        subprocess.run([str(BIN / "python"), "-c", script, f"{PG}/postgres"], check=True)
    pl(vendor, "migrate", "--noinput", "-v0", name=name)


def drop_database(vendor: str, name: str) -> None:
    if vendor == "sqlite":
        sqlite = Path(env_for(vendor, name)["DATABASE_URL"].removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            sqlite.with_name(sqlite.name + suffix).unlink(missing_ok=True)
        return
    script = f"import psycopg,sys; psycopg.connect(sys.argv[1], autocommit=True).execute('DROP DATABASE {name}')"
    subprocess.run([str(BIN / "python"), "-c", script, f"{PG}/postgres"], check=True)


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
from provision_ledger.people.models import School
school = School.objects.filter(local_authority=la).order_by("id").first()
def school_page():
    response = client.get(f"/schools/{school.urn}/")
    assert response.status_code == 200, response.status_code
for name, fn in (("bare", bare), ("dashboard", page), ("bare_again", bare), ("dashboard_again", page),
                 ("school_page", school_page)):
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
# A child's page read for the first time (worked out), then again (its figures kept), for 20 children.
kids = list(Child.objects.filter(local_authority=la).order_by("id").values_list("pk", flat=True)[:20])
for name in ("child_first", "child_again"):
    results[name] = []
    for pk in kids:
        began = time.perf_counter()
        assert client.get(f"/children/{pk}/").status_code == 200
        results[name].append(time.perf_counter() - began)
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
        "school_page_median_s": round(statistics.median(raw["school_page"]), 3),
        "child_first_read_median_ms": round(statistics.median(raw["child_first"]) * 1000, 1),
        "child_read_again_median_ms": round(statistics.median(raw["child_again"]) * 1000, 1),
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


BARE = r"""
import csv, json, sys, time
import django
django.setup()
from datetime import date
from django.db import transaction
from django.utils import timezone
from provision_ledger.delivery.bulk import SessionWriter
from provision_ledger.people.models import User
from provision_ledger.plans.models import LineVersion, ProvisionLine
# The import's limit: the same rows, already read, inserted with their months' sums by the same writer, without
# the row checks, the entry rule or the sealing events; then rolled back, so the database is as it was.
lines = {ref: (pk, child, la) for ref, pk, child, la in ProvisionLine.objects.filter(local_authority__code="990")
         .values_list("ref", "pk", "plan__child_id", "local_authority_id")}
minutes = dict(LineVersion.objects.filter(line__local_authority__code="990").order_by("line_id", "effective_from")
               .values_list("line_id", "minutes_per_session"))
by = User.objects.get(email="senco990001@synth.test").pk
now = timezone.now()
rows = []
with open(sys.argv[1], newline="") as handle:
    for ref, day, status, _, reason in csv.reader(handle):
        if ref == "line_ref":
            continue
        pk, child, la = lines[ref]
        planned = minutes[pk]
        rows.append((la, child, pk, date.fromisoformat(day), status, planned, planned if status == "delivered" else 0,
                     reason, "", None, by, now))
class RolledBack(Exception):
    pass
began = time.perf_counter()
try:
    with transaction.atomic():
        writer = SessionWriter(events=False)
        for start in range(0, len(rows), 5000):
            writer.write(rows[start:start + 5000])
        writer.finish()
        took = time.perf_counter() - began
        raise RolledBack
except RolledBack:
    pass
print("RESULT " + json.dumps({"rows": len(rows), "seconds": took}))
"""

API_BATCHES = r"""
import json, sys, time
import django
django.setup()
from datetime import date, timedelta
from django.test import Client
from provision_ledger.api.actions import issue_token
from provision_ledger.people.models import School, User
from provision_ledger.plans.models import ProvisionLine
year, batches = int(sys.argv[1]), int(sys.argv[2])
school = School.objects.get(urn="990001")
senco = User.objects.get(email="senco990001@synth.test")
_, secret = issue_token(by=senco, name="bench", school=school)
live = ProvisionLine.objects.filter(plan__child__school=school, voided_at__isnull=True)
lines = list(live.values_list("pk", flat=True))
days = [date(year, 9, 8) + timedelta(days=i) for i in range(300)]
days = [d for d in days if d.weekday() < 5 and not (date(year, 12, 20) <= d <= date(year + 1, 1, 5))]
client = Client()
headers = {"Authorization": f"Bearer {secret}"}
n, took = 0, 0.0
# One batch first, untimed, as a production worker is warmed at start: the first request loads the URL map.
warm = {"sessions": [{"client_key": f"bench-warm-{i}", "line_id": lines[i % len(lines)],
                      "date": days[-1 - i // len(lines) % len(days)].isoformat(), "status": "delivered",
                      "another_that_day": True, "school_was_open": True} for i in range(500)]}
assert client.post("/api/v1/sessions/batch", json.dumps(warm), content_type="application/json",
                   headers=headers).status_code == 200
for b in range(batches):
    body = {"sessions": [{"client_key": f"bench-{b}-{i}", "line_id": lines[(b * 500 + i) % len(lines)],
                          "date": days[(b * 500 + i) // len(lines) % len(days)].isoformat(), "status": "delivered",
                          "another_that_day": True, "school_was_open": True} for i in range(500)]}
    payload = json.dumps(body)
    began = time.perf_counter()
    response = client.post("/api/v1/sessions/batch", payload, content_type="application/json", headers=headers)
    took += time.perf_counter() - began
    assert response.status_code == 200, response.content[:2000]
    n += 500
print("RESULT " + json.dumps({"rows": n, "seconds": took, "batch_rows": 500}))
"""


def _result_of(script: str, vendor: str, *args: str) -> dict[str, object]:
    out = subprocess.run(
        [str(BIN / "python"), "-c", script, *args], env=env_for(vendor), text=True, capture_output=True
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    line = next(row for row in out.stdout.splitlines() if row.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


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


def gias_establishments(count: int) -> Iterator[dict[str, str]]:
    """Made-up establishments in about 150 authorities, written by the tests' own GIAS file builder: every published
    column, the codes beside the names, a curly apostrophe that only Windows-1252 (not Latin-1) has, a quarter of them
    in one of 900 trusts, and URNs from 300000, clear of the synthetic authority's."""
    sys.path.insert(0, str(ROOT))
    from tests.gias_files import establishment

    phases = [("1", "Nursery"), ("2", "Primary"), ("4", "Secondary"), ("6", "16 plus"), ("7", "All-through")]
    types = [("01", "Community school", "4", "Local authority maintained schools"),
             ("28", "Academy sponsor led", "10", "Academies"),
             ("02", "Voluntary aided school", "4", "Local authority maintained schools"),
             ("12", "Foundation special school", "5", "Special schools")]  # fmt: skip
    regions = ["North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
               "East of England", "London", "South East", "South West"]  # fmt: skip
    for i in range(count):
        la = 800 + i % 150
        phase, kind = phases[i % len(phases)], types[i % len(types)]
        in_trust = i % 4 == 1
        yield establishment(
            str(300000 + i), f"St Anne’s School {i}", la=str(la), la_name=f"Authority {la}",
            number=f"{2000 + i // 150:04d}",
            **{
                "TypeOfEstablishment (code)": kind[0], "TypeOfEstablishment (name)": kind[1],
                "EstablishmentTypeGroup (code)": kind[2], "EstablishmentTypeGroup (name)": kind[3],
                "PhaseOfEducation (code)": phase[0], "PhaseOfEducation (name)": phase[1],
                "OpenDate": f"{1 + i % 28:02d}-09-{1950 + i % 70}", "UKPRN": f"{10000000 + i}",
                "Trusts (code)": str(5000 + i % 900) if in_trust else "",
                "Trusts (name)": f"Trust {i % 900}" if in_trust else "",
                "TrustSchoolFlag (code)": "5" if in_trust else "0",
                "TrustSchoolFlag (name)": "Supported by a multi-academy trust" if in_trust else "Not applicable",
                "GSSLACode (name)": f"E10{la:06d}", "GOR (name)": regions[la % len(regions)],
                "Postcode": f"NE{i % 99} {i % 9}AB", "Town": f"Town {la}", "NumberOfPupils": str(100 + i % 900),
            },
        )  # fmt: skip


IMPORTER = r"""
import django
django.setup()
from provision_ledger.people.models import User
User.objects.create_user(email="gias@bench.test", password=None)
"""


def gias_step(vendor: str) -> dict[str, object]:
    """For 2,500 and for 25,000 establishments, each into an empty database of its own: the file imported, then the
    same file again, which must change nothing. Each timed, with the command's peak resident memory."""
    sys.path.insert(0, str(ROOT))
    from tests.gias_files import write_gias_file

    WORK.mkdir(parents=True, exist_ok=True)
    result: dict[str, object] = {"load_average_at_start": os.getloadavg(), "sizes": {}}
    for count in GIAS_SIZES:
        fresh_database(vendor, GIAS_PG_NAME)
        subprocess.run([str(BIN / "python"), "-c", IMPORTER], env=env_for(vendor, GIAS_PG_NAME), check=True)
        path = WORK / f"edubasealldata-{count}.csv"
        with path.open("wb") as handle:
            write_gias_file(handle, gias_establishments(count))
        size: dict[str, object] = {"file_mb": round(path.stat().st_size / 1e6, 1)}
        for name in ("first", "again"):
            took, peak, output = timed_child(
                [str(BIN / "provision-ledger"), "import-gias", str(path), "--as", "gias@bench.test"],
                env_for(vendor, GIAS_PG_NAME),
            )
            said = output.strip().splitlines()
            size[name] = {"seconds": round(took, 1), "peak_mb": peak, "output": said[1]}
            log(f"{vendor}: import-gias of {count:,} ({name}) {took:.1f} s, peak {peak} MB: {said[1]}")
        expected = {
            "first": f"Did create {count:,} schools and update 0; 0 unchanged.",
            "again": f"Did create 0 schools and update 0; {count:,} unchanged.",
        }
        for name, line in expected.items():
            if size[name]["output"] != line:  # type: ignore[index]
                raise RuntimeError(f"import-gias ({name}) said {size[name]['output']!r}, not {line!r}")  # type: ignore[index]
        result["sizes"][count] = size  # type: ignore[index]
        path.unlink()
    drop_database(vendor, GIAS_PG_NAME)
    result["load_average_at_end"] = os.getloadavg()
    return result


def gias_verdicts(gias: dict) -> list[tuple[str, str, str, bool | None]]:  # type: ignore[type-arg]
    sizes = {int(k): v for k, v in gias["sizes"].items()}
    small, large = sizes[min(sizes)], sizes[max(sizes)]
    limit, growth = TARGETS["gias_seconds"], TARGETS["gias_peak_growth"]
    rows: list[tuple[str, str, str, bool | None]] = []
    for count, size in sorted(sizes.items()):
        for run, what in (("first", "first import"), ("again", "same file again, nothing changed")):
            figures = f"{size[run]['seconds']} s, peak {size[run]['peak_mb']} MB"
            if count == max(sizes):
                rows.append(
                    (f"{count:,} establishments, {what}", figures, f"under {limit} s", size[run]["seconds"] < limit)
                )
            else:  # measured for the memory comparison below
                rows.append((f"{count:,} establishments, {what}", figures, "(the memory baseline)", None))
    peak_small = max(small["first"]["peak_mb"], small["again"]["peak_mb"])
    peak_large = max(large["first"]["peak_mb"], large["again"]["peak_mb"])
    rows.append((
        f"Peak memory, {max(sizes):,} against {min(sizes):,}", f"{peak_large} MB against {peak_small} MB "
        f"({(peak_large - peak_small) / peak_small:+.0%})", f"at most {growth:.0%} more (flat)",
        peak_large <= peak_small * (1 + growth),
    ))  # fmt: skip
    return rows


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
    log(
        f"{vendor}: child page first read {dash['child_first_read_median_ms']} ms, "
        f"again {dash['child_read_again_median_ms']} ms"
    )
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
    log(f"{vendor}: the same rows inserted bare (the import's limit), rolled back")
    bare = _result_of(BARE, vendor, str(csv_path))
    bare_rate = float(bare["rows"]) / float(bare["seconds"])  # type: ignore[arg-type]
    result["bare_insert"] = {"rows": bare["rows"], "seconds": round(float(bare["seconds"]), 1),  # type: ignore[arg-type]
                             "rows_per_second": round(bare_rate)}  # fmt: skip
    result["import"]["ratio_to_bare"] = round(sessions / took / bare_rate, 2)  # type: ignore[index]
    # The command's own timing: from reading the file to the commit, without the process's start.
    own = re.search(r" in ([0-9.]+) s \(", output)
    if own and float(own.group(1)) > 0:
        own_rate = sessions / float(own.group(1))
        result["import"]["command_rows_per_second"] = round(own_rate)  # type: ignore[index]
        result["import"]["command_ratio_to_bare"] = round(own_rate / bare_rate, 2)  # type: ignore[index]
    log(f"{vendor}: bare insert {bare_rate:,.0f} rows/s")
    csv_path.unlink()
    log(f"{vendor}: API batches of 500")
    api = _result_of(API_BATCHES, vendor, str(year), str(API_BATCHES_SENT))
    api_rate = float(api["rows"]) / float(api["seconds"])  # type: ignore[arg-type]
    result["api"] = {
        "rows": api["rows"],
        "seconds": round(float(api["seconds"]), 1),  # type: ignore[arg-type]
        "rows_per_second": round(api_rate),
        "ratio_to_import": round(api_rate / (sessions / took), 2),
    }
    log(f"{vendor}: API {api_rate:,.0f} rows/s")
    return result


def grow(vendor: str, sizes: list[int], year: int, measured: dict[int, dict[str, object]]) -> list[dict[str, object]]:
    """The authority's and one school's and one child's pages at each size, from empty (sizes already measured by
    the main run are taken from it)."""
    rows = []
    for children in sorted(sizes):
        if children not in measured:
            log(f"{vendor}: growth, synth --children {children}")
            fresh_database(vendor)
            took, _, _ = timed_child(
                [str(BIN / "provision-ledger"), "synth", "--children", str(children), "--seed", "1", "--year",
                 str(year)], env_for(vendor),
            )  # fmt: skip
            dash = measure_dashboard(vendor, year)
            dash.pop("cookie"), dash.pop("child_id")
            measured[children] = {"synth_seconds": round(took, 1), **dash}
        m = measured[children]
        rows.append({"children": children, **m})
        log(f"{vendor}: growth at {children:,}: dashboard {m['dashboard_median_s']} s")
    return rows


def growth_markdown(vendor: str, rows: list[dict]) -> list[str]:  # type: ignore[type-arg]
    lines = [
        f"## Growth ({vendor})",
        "",
        "Each size built from empty by `synth`; every page read as the authority's officer, medians. Per child: "
        "the dashboard's time divided by the children it covers (flat or falling means it grows no faster than "
        "the authority). The school's and the child's pages read one school and one child, so they should stay "
        "flat as the authority grows.",
        "",
        "| Children | Sessions | Synth | Dashboard | Dashboard per 1,000 children | Bare aggregate | School page "
        "| Child page, first read | Child page, read again |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        per_thousand = r["dashboard_median_s"] / r["children"] * 1000
        lines.append(
            f"| {r['children']:,} | {r['sessions']:,} | {r['synth_seconds']} s | {r['dashboard_median_s']} s | "
            f"{per_thousand:.3f} s | {r['bare_aggregate_median_s']} s | {r['school_page_median_s']} s | "
            f"{r['child_first_read_median_ms']} ms | {r['child_read_again_median_ms']} ms |"
        )
    return [*lines, ""]


def verdicts(result: dict) -> list[tuple[str, str, str, bool]]:  # type: ignore[type-arg]
    vendor = result["database"]
    d, i, c, s = result["dashboard"], result["import"], result["child_page"], result["synth"]
    limit = TARGETS["dashboard_seconds"][vendor]  # type: ignore[index]
    p99 = c["p99_ms"] if c["p99_ms"] is not None else float("inf")
    return [
        *ratios(result),
        ("Dashboard page", f"{d['dashboard_median_s']} s", f"under {limit} s", d["dashboard_median_s"] < limit),
        ("Bare SQL aggregate", f"{d['bare_aggregate_median_s']} s", "(baseline)", True),
        ("Dashboard ÷ bare aggregate", f"{d['ratio']}×", "at most 1.5×", d["ratio"] <= TARGETS["dashboard_ratio"]),
        ("Import rate", f"{i['rows_per_second']:,} rows/s", "at least 50,000 rows/s",
         i["rows_per_second"] >= TARGETS["import_rows_per_second"]),
        ("Import peak memory", f"{i['peak_mb']} MB", "under 300 MB", i["peak_mb"] < TARGETS["import_peak_mb"]),
        ("Child page p99 (50 clients)", f"{p99:.0f} ms", "under 150 ms", p99 < TARGETS["child_page_p99_ms"]),
        ("Synth", f"{s['seconds']} s", "under 300 s", s["seconds"] < TARGETS["synth_seconds"]),
    ]  # fmt: skip


def ratios(result: dict) -> list[tuple[str, str, str, bool]]:  # type: ignore[type-arg]
    """Each figure beside its own limit, measured in the same run (rows from runs made before a limit was measured
    are left out)."""
    rows = []
    i, c = result["import"], result["child_page"]
    if "ratio_to_bare" in i:
        bare = result["bare_insert"]
        rows.append(("Import ÷ bare insert of the same rows and sums",
                     f"{i['ratio_to_bare']}× ({i['rows_per_second']:,} against {bare['rows_per_second']:,} rows/s)",
                     "at least 0.5×", i["ratio_to_bare"] >= TARGETS["import_to_bare"]))  # fmt: skip
    floor = c.get("floor")
    if floor and c.get("requests_per_second") and floor.get("requests_per_second"):
        ratio = round(c["requests_per_second"] / floor["requests_per_second"], 2)
        rows.append(("Child page ÷ floor page (50 clients)",
                     f"{ratio}× ({c['requests_per_second']:.0f} against {floor['requests_per_second']:.0f} a second)",
                     "at least 0.5×", ratio >= TARGETS["child_page_to_floor"]))  # fmt: skip
    if "api" in result:
        a = result["api"]
        rows.append(("API batches ÷ import, per row",
                     f"{a['ratio_to_import']}× ({a['rows_per_second']:,} rows/s in batches of 500)",
                     "at least 0.5×", a["ratio_to_import"] >= TARGETS["api_to_import"]))  # fmt: skip
    return rows


def _machine_line(m: dict) -> str:  # type: ignore[type-arg]
    return (
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; {m['os']}; Python {m['python']}; "
        f"SQLite {m['sqlite']}; PostgreSQL {m['postgresql']}. Load average at start: "
        f"{', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}. {m['note']}"
    )


def gias_markdown(gias: dict) -> list[str]:  # type: ignore[type-arg]
    lines = [
        "## GIAS import",
        "",
        "Step (e), also run alone with `BENCH_ONLY=gias make bench`. Files in the published layout (every column, "
        "Windows-1252) written by tests/gias_files.py, imported by `provision-ledger import-gias FILE --as EMAIL` into "
        "an empty database, then imported again; peak memory is the command's own maximum resident set (wait4's "
        "ru_maxrss).",
        "",
    ]
    for vendor, result in gias.items():
        sizes = ", ".join(f"{int(k):,}: {v['file_mb']} MB" for k, v in result["sizes"].items())
        load = " → ".join(
            ", ".join(f"{x:.2f}" for x in result[k]) for k in ("load_average_at_start", "load_average_at_end")
        )
        lines += [
            f"### {vendor}",
            "",
            f"Run {result['finished']}. {_machine_line(result['machine'])}",
            "",
            f"File sizes: {sizes}. Load average (1, 5, 15 min) before → after: {load}.",
            "",
            "| Measure | Result | Target | Met |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {name} | {value} | {target} | {'' if ok is None else 'yes' if ok else '**no**'} |"
            for name, value, target, ok in gias_verdicts(result)
        ]
        lines += [""]
    return lines


def markdown(report: dict) -> str:  # type: ignore[type-arg]
    lines = ["# Benchmark results", ""]
    if report.get("results"):
        lines += [
            f"Run {report['finished']} with `make bench` ({report['children']:,} children; "
            f"{report['import_rows']:,} session rows imported).",
            "",
            _machine_line(report["machine"]),
            "",
        ]
    for result in report.get("results", []):
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
        i = result["import"]
        if "command_rows_per_second" in i:
            lines += [
                f"Import: {i['rows_per_second']:,} rows a second from the command's start to its exit; by the "
                f"command's own timing (reading the file to the commit, without starting Python and Django) "
                f"{i['command_rows_per_second']:,} rows a second, {i['command_ratio_to_bare']}× the bare insert "
                f"(which is timed in a warm process and rolled back, so it pays for neither).",
                "",
            ]
        if "child_first_read_median_ms" in d:
            lines += [
                f"The child page keeps its figures until the child's record changes. Read by the officer in one "
                f"process, 20 children's pages took a median {d['child_first_read_median_ms']} ms the first time "
                f"(worked out) and {d['child_read_again_median_ms']} ms read again (kept); the load test above reads "
                f"one child's page again and again.",
                "",
            ]
    for vendor, rows in report.get("growth", {}).items():
        lines += growth_markdown(vendor, rows)
    if report.get("gias"):
        lines += gias_markdown(report["gias"])
    return "\n".join(lines).rstrip("\n") + "\n"


def run_gias(databases: list[str], report: dict) -> None:  # type: ignore[type-arg]
    """Step (e) on each database; each database's figures replace its earlier ones, and only its."""
    for vendor in databases:
        about = machine()
        about["note"] = str(about["note"]).split(" In the child-page test")[0]  # no load generator in this step
        log(f"{vendor}: import-gias of {' and '.join(f'{n:,}' for n in GIAS_SIZES)} establishments")
        result = {"machine": about, **gias_step(vendor), "finished": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"}
        report.setdefault("gias", {})[vendor] = result


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
    parser.add_argument(
        "--growth",
        default=os.environ.get("BENCH_GROWTH", "1000"),
        help="Other authority sizes to measure on PostgreSQL beside --children (50000 is opt-in), or none",
    )
    parser.add_argument("--dashboard-only", action="store_true", help="Re-measure the dashboard on built databases")
    parser.add_argument("--merge-only", action="store_true", help="Only merge saved re-measurements into results")
    parser.add_argument("--sqlite-file", type=Path, help="The SQLite database to measure (with --dashboard-only)")
    parser.add_argument(
        "--only",
        default=os.environ.get("BENCH_ONLY", ""),
        help=f"Run one step alone ({', '.join(STEPS)}) and merge its figures into the results already written",
    )
    args = parser.parse_args()
    if args.dashboard_only or args.merge_only:
        global SQLITE_FILE
        SQLITE_FILE = args.sqlite_file or SQLITE_FILE
        remeasure(args)
        return
    if args.only and args.only not in STEPS:
        parser.error(f"--only (BENCH_ONLY) is one of: {', '.join(STEPS)}; not {args.only!r}")
    WORK.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.only == "gias":
        saved = args.out / "results.json"
        earlier: dict[str, object] = json.loads(saved.read_text()) if saved.exists() else {}
        run_gias(args.databases.split(","), earlier)
        saved.write_text(json.dumps(earlier, indent=2) + "\n")
        (args.out / "results.md").write_text(markdown(earlier))
        print("\n".join(gias_markdown(earlier["gias"])))  # type: ignore[arg-type]
        shutil.rmtree(WORK, ignore_errors=True)
        return
    report: dict[str, object] = {
        "machine": machine(),
        "started": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "children": args.children,
        "import_rows": args.sessions,
        "targets": TARGETS,
        "results": [],
    }
    for vendor in args.databases.split(","):
        report["results"].append(run(vendor, args.children, args.sessions, args.year, args.clients, args.seconds))  # type: ignore[attr-defined]
        # Written after each database, so a run cut short still leaves what it measured.
        report["finished"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n")
        (args.out / "results.md").write_text(markdown(report))
    sizes = [int(n) for n in args.growth.split(",") if n.strip() and n.strip() != "none"]
    if sizes and "postgresql" in args.databases.split(","):
        main = next(r for r in report["results"] if r["database"] == "postgresql")  # type: ignore[attr-defined]
        measured = {args.children: {"synth_seconds": main["synth"]["seconds"], **main["dashboard"]}}
        report["growth"] = {"postgresql": grow("postgresql", [*sizes, args.children], args.year, measured)}
        (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    run_gias(args.databases.split(","), report)
    (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "results.md").write_text(markdown(report))
    print(markdown(report))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
