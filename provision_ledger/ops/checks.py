"""A system check that fails under PRODUCTION=True while a setting production needs is missing.

`migrate`, `check` and `provision-ledger serve` run it, so none of them go ahead half configured.
"""

from __future__ import annotations

from typing import Any

from django.core import checks

from provision_ledger.ops.production import missing_settings


@checks.register(checks.Tags.security)
def production_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(problem, id="ops.E001") for problem in missing_settings()]
