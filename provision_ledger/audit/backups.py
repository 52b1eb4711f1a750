"""Backups that restore. SQLite through its online backup API (consistent while the app writes); PostgreSQL
through pg_dump and pg_restore in their custom format."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


def _pg_env() -> tuple[dict[str, str], list[str]]:
    settings = connection.settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    args = ["--host", settings.get("HOST") or "127.0.0.1", "--port", str(settings.get("PORT") or 5432)]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    return env, args


def backup(path: Path) -> None:
    """Write a consistent copy of the whole database to `path`."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)  # type: ignore[union-attr]
        finally:
            target.close()
        return
    env, args = _pg_env()
    subprocess.run(
        ["pg_dump", *args, "--format=custom", "--file", str(path), connection.settings_dict["NAME"]],
        env=env,
        check=True,
        capture_output=True,
    )


def restore(path: Path) -> None:
    """Replace the database's contents with the backup at `path`."""
    if not path.is_file():
        raise FileNotFoundError(f"No backup at {path}")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)  # type: ignore[arg-type]
        finally:
            source.close()
        return
    env, args = _pg_env()
    connection.close()  # pg_restore --clean drops tables: no session of ours may hold them
    subprocess.run(
        [
            "pg_restore",
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            connection.settings_dict["NAME"],
            str(path),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
