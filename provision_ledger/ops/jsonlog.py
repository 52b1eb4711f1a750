"""Log records as one JSON object a line, for production, where a log collector reads them.

An exception is written as its type and where it was raised (file, line and function of each frame), never its
message: a message can quote a value, and values here are often about a child.
"""

from __future__ import annotations

import json
import logging
import logging.config
import traceback
from datetime import UTC, datetime

FIELDS = ("request_id", "user_id", "method", "route", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name == "django.request":
            # "Internal Server Error: /invitations/<token>/": the reason is kept, the path (tokens, ids) is not.
            # Django logs it as ("%s: %s", reason, path).
            args = record.args if isinstance(record.args, tuple) else ()
            message = str(args[0]) if record.msg == "%s: %s" and args else message.split(":", 1)[0]
            request = getattr(record, "request", None)
            match = getattr(request, "resolver_match", None)
            if match is not None:
                record.route = match.route
            if request is not None and hasattr(request, "request_id"):
                record.request_id = request.request_id
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
        }
        for field in FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(record.exc_info[2])
            ]
        return json.dumps(entry, default=str)


def configure(config: dict[str, object]) -> None:
    """Django's LOGGING_CONFIG: the settings' LOGGING, and when it logs JSON, Python's warnings through it as well (a
    library's UserWarning would otherwise go onto standard error as two lines of plain text)."""
    logging.config.dictConfig(config)
    handlers = config.get("handlers", {})
    if isinstance(handlers, dict) and any(h.get("formatter") == "json" for h in handlers.values()):
        logging.captureWarnings(True)
