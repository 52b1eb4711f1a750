"""Backups that restore, encrypted, and only ever from an authentic file.

The database is copied first (SQLite through its online backup API, consistent while the app writes; PostgreSQL
through pg_dump's custom format) into a private temporary folder, then encrypted into the backup file, which is
created owner-only (0600) in an owner-only folder (0700). The key lives in a file outside the database
(BACKUP_KEY_FILE): a backup is no use to whoever takes it without the key, and the key is not in the backups.

File format, version 1: a first line `PROVISION-LEDGER-BACKUP 1`, a second line of JSON (the database kind, when it
was made, a random salt and nonce prefix), then the copy in chunks of 1 MiB, each sealed with AES-256-GCM (the
`cryptography` library) under a key derived for this file from the master key and salt (HKDF-SHA256). Each chunk's
nonce holds its number, and its associated data the header's hash and whether it is the last, so a changed,
reordered, truncated or extended file, or one sealed under another key, is refused before anything is restored.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection

MAGIC = b"PROVISION-LEDGER-BACKUP 1\n"
CHUNK = 1024 * 1024
TAG = 16
SUFFIX = ".plbackup"


class BackupError(Exception):
    """A backup cannot be made or a file cannot be restored; the message says why in plain words."""


def _pg_env() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return env, args


# The key ----------------------------------------------------------------------------------------------------------


def new_key_file(path: Path) -> None:
    """Write a new random 256-bit key to `path`, owner-only; never over an existing key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")


def master_key() -> bytes:
    name = settings.BACKUP_KEY_FILE
    if not name:
        raise BackupError(
            "BACKUP_KEY_FILE is not set: make a key with `provision-ledger backup-key PATH`, keep it outside the "
            "backup folder and the database, and set BACKUP_KEY_FILE to its path."
        )
    path = Path(name)
    try:
        text = path.read_text().strip()
    except OSError as error:
        raise BackupError(f"The backup key at {path} cannot be read: {error.strerror}.") from error
    if path.stat().st_mode & 0o077:
        raise BackupError(f"The backup key at {path} can be read by others: chmod 600 {path}.")
    try:
        key = base64.urlsafe_b64decode(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise BackupError(f"The file at {path} is not a backup key (expected 32 bytes, base64).")
    return key


def _file_key(master: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"provision-ledger backup v1").derive(master)


def _aad(header_hash: bytes, index: int, last: bool) -> bytes:
    return header_hash + struct.pack(">I?", index, last)


# Sealing and opening ----------------------------------------------------------------------------------------------


def _seal(plain: Path, target: Path, vendor: str) -> None:
    master = master_key()
    salt, prefix = secrets.token_bytes(16), secrets.token_bytes(8)
    header = json.dumps(
        {
            "database": vendor,
            "made": datetime.now(UTC).isoformat(timespec="seconds"),
            "salt": salt.hex(),
            "nonce_prefix": prefix.hex(),
        },
        sort_keys=True,
    ).encode()
    header_hash = hashlib.sha256(MAGIC + header).digest()
    aead = AESGCM(_file_key(master, salt))
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, plain.open("rb") as source:
            out.write(MAGIC + header + b"\n")
            index, chunk = 0, source.read(CHUNK)
            while True:
                following = source.read(CHUNK)
                last = not following
                nonce = prefix + struct.pack(">I", index)
                out.write(aead.encrypt(nonce, chunk, _aad(header_hash, index, last)))
                if last:
                    break
                index, chunk = index + 1, following
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)  # a backup file is whole or absent
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def read_header(path: Path) -> dict[str, Any]:
    """The backup's header, if `path` is a Provision Ledger backup at all (it says nothing of authenticity)."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    with path.open("rb") as source:
        return _header(source, path)[0]


def _header(source: BinaryIO, path: Path) -> tuple[dict[str, Any], bytes]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError(f"{path} is not a Provision Ledger backup (or was made before backups were encrypted).")
    line = source.readline(4096)
    try:
        header = json.loads(line)
        bytes.fromhex(header["salt"]), bytes.fromhex(header["nonce_prefix"]), header["database"]
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{path} is not a valid backup: its header is damaged.") from error
    return header, hashlib.sha256(MAGIC + line.rstrip(b"\n")).digest()


def _open(path: Path, plain: Path) -> dict[str, Any]:
    """Decrypt `path` into `plain`, checking every chunk; raise BackupError at the first thing wrong."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    master = master_key()
    with path.open("rb") as source:
        header, header_hash = _header(source, path)
        aead = AESGCM(_file_key(master, bytes.fromhex(header["salt"])))
        prefix = bytes.fromhex(header["nonce_prefix"])
        fd = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            index, sealed = 0, source.read(CHUNK + TAG)
            while True:
                following = source.read(CHUNK + TAG)
                last = not following
                try:
                    out.write(aead.decrypt(prefix + struct.pack(">I", index), sealed, _aad(header_hash, index, last)))
                except InvalidTag:
                    raise BackupError(
                        f"{path} is not an authentic backup: it was altered or cut short, or made with another key. "
                        "Nothing was restored."
                    ) from None
                if last:
                    return header
                index, sealed = index + 1, following


@contextmanager
def _private_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="provision-ledger-"))  # mkdtemp makes it 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# Backing up and restoring -----------------------------------------------------------------------------------------


def backup(path: Path) -> None:
    """Write an encrypted, consistent copy of the whole database to `path` (owner-only)."""
    master_key()  # refuse before copying anything
    with _private_folder() as folder:
        plain = folder / "copy"
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(plain)
            try:
                connection.connection.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
        else:
            env, args = _pg_env()
            subprocess.run(
                ["pg_dump", *args, "--format=custom", "--file", str(plain), connection.settings_dict["NAME"]],
                env=env,
                check=True,
                capture_output=True,
            )
        _seal(plain, path, connection.vendor)


def check(path: Path) -> dict[str, Any]:
    """Decrypt and check the whole of `path` without restoring it; its header if it is authentic."""
    with _private_folder() as folder:
        return _open(path, folder / "copy")


def restore(path: Path) -> None:
    """Replace the database's contents with the backup at `path`, once the whole file has proved authentic."""
    with _private_folder() as folder:
        plain = folder / "copy"
        header = _open(path, plain)
        if header["database"] != connection.vendor:
            raise BackupError(
                f"{path} is a backup of a {header['database']} database; this one is {connection.vendor}. "
                "Nothing was restored."
            )
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(plain)
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
                str(plain),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
