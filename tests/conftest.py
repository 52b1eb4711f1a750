import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases, and at the end no connection left that would stop PostgreSQL dropping them.

    A live server's request thread can still hold a connection when the session ends (its close races the
    teardown); PostgreSQL then refuses DROP DATABASE, "being accessed by other users". Those sessions are ended
    first, so the run ends cleanly."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


# Factories import models, so they are imported inside the fixtures, after pytest-django has set Django up.
@pytest.fixture
def school():
    """A school with the terms of the 2025/26 school year, in an authority of its own."""
    from tests.factories import make_school

    return make_school(years=(2025,))


@pytest.fixture
def senco(school):
    from tests.factories import make_senco

    return make_senco(school, email="senco@school.test")


@pytest.fixture
def child(school):
    """Oliver Bennett, Year 1, on SEN Support, with no plan yet."""
    from tests.factories import make_child

    return make_child(school)


@pytest.fixture
def client():
    """A test client whose force_login signs a person in as if they had passed both steps, code included.

    Two-step sign-in is enforced in every test; `unverified_client` is the plain client, for the tests of it.
    """
    from tests.factories import VerifiedClient

    return VerifiedClient()


@pytest.fixture
def unverified_client():
    from tests.factories import FormClient

    return FormClient()


@pytest.fixture(autouse=True)
def _no_pages_kept_from_another_test():
    """Each test starts with no child page parts kept: another test's record can have had the same ids."""
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor}"
