"""The jobs that keep a deployment healthy without anyone remembering them (`provision-ledger run-scheduled`).

systemd timers in deploy/ (or cron) run: alerts hourly; backup and checkpoint daily; retention and the restore test
weekly. Each job says what it did in one line; a job that fails makes the run fail, so the timer's unit is marked
failed and whatever watches systemd sees it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import connection

from provision_ledger.audit import backups

BACKUP_NAME = "provision-ledger-%Y%m%dT%H%M%SZ" + backups.SUFFIX


@dataclass(frozen=True)
class Outcome:
    job: str
    outcome: str  # ok, skipped or failed
    detail: str

    def line(self) -> str:
        return json.dumps({"job": self.job, "outcome": self.outcome, "detail": self.detail})


def _private_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


# Which backups to keep ---------------------------------------------------------------------------------------------


def backups_to_keep(made: Iterable[datetime], daily: int, weekly: int, monthly: int) -> set[datetime]:
    """The newest backup of each of the last `daily` days, `weekly` ISO weeks and `monthly` months that have one,
    and always the newest of all (a retention rule never leaves no backup)."""
    newest_first = sorted(set(made), reverse=True)
    keep = set(newest_first[:1])
    for count, bucket in (
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ):
        seen: set[object] = set()
        for made_at in newest_first:
            key = bucket(made_at)
            if key not in seen and len(seen) < count:
                seen.add(key)
                keep.add(made_at)
    return keep


def _backup_files(folder: Path) -> dict[datetime, Path]:
    found = {}
    for path in folder.glob("provision-ledger-*" + backups.SUFFIX):
        try:
            found[datetime.strptime(path.name, BACKUP_NAME).replace(tzinfo=UTC)] = path
        except ValueError:
            continue  # not one of ours: left alone
    return found


def _apply_retention(folder: Path) -> int:
    files = _backup_files(folder)
    keep = backups_to_keep(files, settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, settings.BACKUP_KEEP_MONTHLY)
    removed = 0
    for made_at, path in files.items():
        if made_at not in keep:
            path.unlink()
            removed += 1
    return removed


# The jobs ---------------------------------------------------------------------------------------------------------


def alerts(now: datetime) -> Outcome:
    out = io.StringIO()
    call_command("send-alerts", stdout=out)
    return Outcome("alerts", "ok", out.getvalue().strip() or "sent")


def backup(now: datetime) -> Outcome:
    folder = settings.BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    path = folder / now.strftime(BACKUP_NAME)
    backups.backup(path)
    detail = f"{path.name}, {path.stat().st_size:,} bytes"
    removed = _apply_retention(folder)
    if settings.BACKUP_COPY_DIR is not None:
        copy_folder = settings.BACKUP_COPY_DIR
        copy_folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        copy = copy_folder / path.name
        fd = os.open(copy.with_name(copy.name + ".partial"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, path.open("rb") as source:
            shutil.copyfileobj(source, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(copy.with_name(copy.name + ".partial"), copy)
        removed += _apply_retention(copy_folder)
        detail += f"; copied to {copy_folder}"
    return Outcome("backup", "ok", f"{detail}; {removed} older backup(s) removed by the retention rule")


def checkpoint(now: datetime) -> Outcome:
    """Sign the chains' heads (`provision-ledger checkpoint`) into CHECKPOINT_DIR, when a signing key is set."""
    if "checkpoint" not in get_commands():
        return Outcome("checkpoint", "skipped", "this version has no checkpoint command")
    if not settings.LEDGER_CHECKPOINT_KEY_FILE:
        return Outcome("checkpoint", "skipped", "no signing key is set (LEDGER_CHECKPOINT_KEY_FILE)")
    settings.CHECKPOINT_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    out = io.StringIO()
    call_command("checkpoint", out=str(settings.CHECKPOINT_DIR), stdout=out)
    return Outcome("checkpoint", "ok", out.getvalue().strip())


def retention(now: datetime) -> Outcome:
    out = io.StringIO()
    call_command("retention", format="csv", stdout=out)
    rows = max(len(list(csv.reader(io.StringIO(out.getvalue())))) - 1, 0)
    path = settings.REPORT_DIR / f"retention-{now:%Y-%m-%d}.csv"
    _private_write(path, out.getvalue())
    return Outcome("retention", "ok", f"{rows} record(s) past their retention date listed in {path}")


def _scratch_url(scratch: str) -> str:
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{scratch}"


def _postgres_admin(sql: str) -> None:
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        autocommit=True,
    ) as admin:
        admin.execute(sql)  # type: ignore[arg-type]


def restore_test(now: datetime) -> Outcome:
    """Restore the newest backup into a scratch database, count its rows and verify its chain; drop the scratch."""
    files = _backup_files(settings.BACKUP_DIR)
    if not files:
        raise backups.BackupError(f"No backup in {settings.BACKUP_DIR} to test.")
    latest = files[max(files)]
    with tempfile.TemporaryDirectory(prefix="provision-ledger-restore-test-") as folder:
        if connection.vendor == "sqlite":
            url, drop = f"sqlite:///{Path(folder) / 'scratch.sqlite3'}", None
        else:
            scratch = f"{connection.settings_dict['NAME']}_restore_test"[:63]
            _postgres_admin(f'DROP DATABASE IF EXISTS "{scratch}"')
            _postgres_admin(f'CREATE DATABASE "{scratch}"')
            url, drop = _scratch_url(scratch), f'DROP DATABASE IF EXISTS "{scratch}"'
        try:
            result = subprocess.run(
                [sys.executable, "-m", "provision_ledger.cli", "restore-test", str(latest)],
                env={**os.environ, "DATABASE_URL": url, "PROVISION_LEDGER_SCRATCH": "1"},
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            if drop:
                _postgres_admin(drop)
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise backups.BackupError(f"The restore test could not restore {latest.name}: {result.stderr.strip()[-500:]}")
    report = json.loads(result.stdout)
    report["backup"] = latest.name
    _private_write(settings.REPORT_DIR / f"restore-test-{now:%Y-%m-%d}.json", json.dumps(report, indent=2) + "\n")
    counts = ", ".join(f"{n:,} {name}" for name, n in report["rows"].items())
    verdict = "the record verifies" if not report["problems"] else f"{len(report['problems'])} problem(s) found"
    return Outcome("restore-test", "ok" if not report["problems"] else "failed", f"{latest.name}: {counts}; {verdict}")


JOBS: dict[str, Callable[[datetime], Outcome]] = {
    "alerts": alerts,
    "backup": backup,
    "checkpoint": checkpoint,
    "retention": retention,
    "restore-test": restore_test,
}


def run(names: list[str], now: datetime | None = None) -> list[Outcome]:
    now = now or datetime.now(UTC)
    outcomes = []
    for name in names:
        try:
            outcomes.append(JOBS[name](now))
        except Exception as error:  # one job's failure is reported, and the others still run
            outcomes.append(Outcome(name, "failed", f"{type(error).__name__}: {error}"))
    return outcomes
