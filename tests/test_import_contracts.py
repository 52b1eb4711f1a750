"""The floors are enforced: lint-imports keeps the contracts in pyproject.toml, and fails when one is broken."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=where, capture_output=True, text=True, env={"PYTHONPATH": str(where)}
    )


def _copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "provision_ledger", tmp_path / "provision_ledger", ignore=shutil.ignore_patterns(
        "static", "static_src", "templates", "__pycache__"))  # fmt: skip
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_every_import_contract(tmp_path):
    result = _lint(_copy_of_the_package(tmp_path))
    assert result.returncode == 0, result.stdout
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_a_rule_that_imports_django_breaks_the_contract(tmp_path):
    where = _copy_of_the_package(tmp_path)
    (where / "provision_ledger" / "rules" / "sloppy.py").write_text("from django.db import models\n")
    result = _lint(where)
    assert result.returncode == 1
    assert "provision_ledger.rules.sloppy -> django (l.1)" in result.stdout


def test_an_action_that_reaches_up_to_access_breaks_the_contract(tmp_path):
    where = _copy_of_the_package(tmp_path)
    actions = where / "provision_ledger" / "plans" / "actions.py"
    actions.write_text(actions.read_text() + "\nfrom provision_ledger.core import access  # noqa\n")
    result = _lint(where)
    assert result.returncode == 1
    assert "provision_ledger.plans.actions -> provision_ledger.core.access" in result.stdout


def test_a_kit_helper_that_reaches_into_an_app_breaks_the_contract(tmp_path):
    where = _copy_of_the_package(tmp_path)
    pdf = where / "provision_ledger" / "kit" / "pdf.py"
    pdf.write_text(pdf.read_text() + "\nfrom provision_ledger.people.models import Child  # noqa\n")
    result = _lint(where)
    assert result.returncode == 1
    assert "provision_ledger.kit.pdf -> provision_ledger.people.models" in result.stdout


def test_access_that_reaches_up_to_a_view_breaks_the_contract(tmp_path):
    where = _copy_of_the_package(tmp_path)
    access = where / "provision_ledger" / "core" / "access.py"
    access.write_text(access.read_text() + "\nfrom provision_ledger.delivery import views  # noqa\n")
    result = _lint(where)
    assert result.returncode == 1
    assert "provision_ledger.core.access -> provision_ledger.delivery.views" in result.stdout
