"""A plain progress bar for the console: one line, redrawn, only when the stream is a terminal."""

from __future__ import annotations

import time
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, total: int | None, stream: TextIO, width: int = 30) -> None:
        self.label, self.total, self.stream, self.width = label, total, stream, width
        self.started = time.monotonic()
        self.shown = 0.0
        self.tty = stream.isatty()

    def update(self, done: int, total: int | None = None) -> None:
        total = total or self.total
        now = time.monotonic()
        if not self.tty or (now - self.shown < 0.2 and done != total):
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-6)
        if total:
            filled = int(self.width * done / total)
            bar = "█" * filled + "·" * (self.width - filled)
            self.stream.write(f"\r{self.label} {bar} {done:,}/{total:,} ({rate:,.0f}/s)")
        else:
            self.stream.write(f"\r{self.label} {done:,} ({rate:,.0f}/s)")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
