"""Readiness: what must hold before this process should be sent people. Cheap enough to poll every few seconds.

Nothing here reads a child's record: the checks look at the schema, the chain heads' sequence numbers and a file.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import OuterRef, Subquery

from provision_ledger.audit.models import AuditEvent, ChainHead
from provision_ledger.people.models import LocalAuthority

# The stylesheet every page links: present in STATIC_ROOT only once collectstatic has run.
BUILT_STATIC_FILE = "build/app.css"

# Once every migration is applied it stays so for this process's life (new migrations come with new code, and a
# new process), so the migration graph is read once rather than on every poll.
_migrations_done = False


def database() -> str:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return f"unreachable: {type(error).__name__}"
    return "ok"


def migrations() -> str:
    global _migrations_done
    if _migrations_done:
        return "ok"
    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        return f"{len(unapplied)} migration(s) not applied"
    _migrations_done = True
    return "ok"


def chain_heads() -> str:
    """Each authority with audit events has a chain head, at its last event (a restore that lost one fails here).

    One index lookup per authority on (local_authority, seq); never a scan of the events.
    """
    last_seq = AuditEvent.objects.filter(local_authority=OuterRef("pk")).order_by("-seq").values("seq")[:1]
    heads = dict(ChainHead.objects.values_list("local_authority_id", "seq"))
    wrong = 0
    for la_id, seq in LocalAuthority.objects.annotate(last_seq=Subquery(last_seq)).values_list("pk", "last_seq"):
        if seq is not None and heads.get(la_id) != seq:
            wrong += 1
    return "ok" if not wrong else f"{wrong} authority chain head(s) missing or behind"


def static_files() -> str:
    return "ok" if staticfiles_storage.exists(BUILT_STATIC_FILE) else "not built: run collectstatic"


def readiness() -> dict[str, str]:
    """Each check's result, "ok" or what is wrong; the later checks need the database, so they wait for it."""
    results = {"database": database()}
    if results["database"] == "ok":
        try:
            results["migrations"] = migrations()
            results["chain"] = chain_heads() if results["migrations"] == "ok" else "not checked"
        except DatabaseError as error:
            results["migrations"] = results.get("migrations", f"failed: {type(error).__name__}")
            results["chain"] = f"failed: {type(error).__name__}"
    results["static"] = static_files()
    return results
