"""Server-drawn SVG charts. Each is labelled for screen readers, and each page shows its numbers in a table too."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from provision_ledger.delivery.queries import WeekFigures

WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 44, 28, 12
PROMISED, DELIVERED = "#b1b4b6", "#1d70b8"  # GOV.UK mid-grey and blue: 3:1 contrast against white


def weekly_chart(weeks: Sequence[WeekFigures], title: str) -> str:
    """Bars of delivered minutes over promised minutes, one pair a week."""
    if not weeks:
        return ""
    peak = max(max(w.expected_minutes, w.delivered_minutes) for w in weeks) or 1
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / len(weeks)
    bar = max(slot * 0.38, 1.5)
    total_promised = sum(w.expected_minutes for w in weeks)
    total_delivered = sum(w.delivered_minutes for w in weeks)
    parts = [
        f'<svg class="pl-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" xmlns="http://www.w3.org/2000/svg"'
        f' aria-labelledby="{_id(title)}-t {_id(title)}-d">',
        f'<title id="{_id(title)}-t">{escape(title)}</title>',
        f'<desc id="{_id(title)}-d">{len(weeks)} school weeks: {total_delivered} of {total_promised} promised '
        "minutes delivered. The table that follows gives each week.</desc>",
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="0.5"/>')
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#0b0c0c">'
            f"{round(peak * fraction)}</text>"
        )
    for i, w in enumerate(weeks):
        x = LEFT + i * slot + slot * 0.1
        for offset, value, colour in (
            (0, w.expected_minutes, PROMISED),
            (bar, w.delivered_minutes, DELIVERED),
        ):
            h = plot_h * value / peak
            y = TOP + plot_h - h
            parts.append(f'<rect x="{x + offset:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}"/>')
        if len(weeks) <= 16 or i % max(len(weeks) // 8, 1) == 0:
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 10}" font-size="10" fill="#0b0c0c">{w.monday:%-d %b}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _id(title: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())[:40]
