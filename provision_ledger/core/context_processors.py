from django.http import HttpRequest

from provision_ledger.core.access import scope_for


def ledger_scope(request: HttpRequest) -> dict[str, object]:
    """The signed-in person's reach, for menus that show only what they can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"ledger_scope": scope_for(user)}  # type: ignore[arg-type]
