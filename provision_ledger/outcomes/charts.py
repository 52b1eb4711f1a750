"""Dose and response for one outcome: hours delivered each month as bars, the value recorded as a line.

Drawn on the server as SVG, labelled for screen readers; every page that shows it gives the same numbers in a table.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from provision_ledger.outcomes.queries import OutcomeProgress

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, BOTTOM, TOP = 44, 52, 28, 14
# GOV.UK blue, black, purple and green: each at least 3:1 against white.
DELIVERED, ALONE, HELPED, TARGET = "#1d70b8", "#0b0c0c", "#4c2c92", "#00703c"


def dose_response_chart(progress: OutcomeProgress) -> str:
    """Bars of hours delivered a month (left axis) beside the values shown (right axis), with the target.

    Two lines: the best shown independently each month (black, filled dots) and the best shown with support
    (purple, dashed, hollow dots), so the gap between them is the support the skill still needs.
    """
    months, outcome = progress.months, progress.outcome
    if not months:
        return ""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - BOTTOM - TOP
    peak_hours = max((m.hours for m in months), default=Decimal(0)) or Decimal(1)
    values = [v for v in (outcome.scale_low, outcome.scale_high, outcome.baseline, outcome.target) if v is not None]
    values += [v for m in months for v in (m.independent, m.supported) if v is not None]
    low, high = (min(values), max(values)) if values else (Decimal(0), Decimal(1))
    if low == high:
        high = low + 1
    slot = plot_w / len(months)
    ident = f"dose-{outcome.pk}"
    latest = progress.latest
    summary = (
        f"{len(months)} months: {progress.delivered_minutes // 60} hours delivered by the provision serving this "
        f"outcome. Baseline {outcome.show(outcome.baseline)}, target {outcome.show(outcome.target)}, latest "
        f"{outcome.show(latest.value) if latest else 'none recorded'}. The table that follows gives each month."
    )

    def y_value(value: Decimal) -> float:
        return TOP + plot_h * (1 - float((value - low) / (high - low)))

    parts = [
        f'<svg class="pl-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" xmlns="http://www.w3.org/2000/svg"'
        f' aria-labelledby="{ident}-t {ident}-d">',
        f'<title id="{ident}-t">{escape(outcome.description)}: progress beside provision delivered</title>',
        f'<desc id="{ident}-d">{escape(summary)}</desc>',
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#0b0c0c">'
            f"{float(peak_hours) * fraction:g}h</text>"
        )
        axis_value = low + (high - low) * Decimal(fraction)
        parts.append(
            f'<text x="{WIDTH - RIGHT + 4}" y="{y + 4:.1f}" font-size="11" fill="#0b0c0c">'
            f"{axis_value.normalize():f}</text>"
        )
    for i, month in enumerate(months):
        h = plot_h * float(month.hours / peak_hours)
        x = LEFT + i * slot + slot * 0.2
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" '
            f'fill="{DELIVERED}" fill-opacity="0.55"/>'
        )
        if len(months) <= 13 or i % 2 == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 10}" font-size="10" fill="#0b0c0c">{month.month:%b %y}</text>'
            )
    if outcome.target is not None:
        y = y_value(outcome.target)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{TARGET}" '
            'stroke-width="2" stroke-dasharray="6 4"/>'
        )
    for attribute, colour, dashes, fill in (
        ("supported", HELPED, ' stroke-dasharray="5 3"', "#ffffff"),
        ("independent", ALONE, "", ALONE),
    ):
        points = [
            (LEFT + i * slot + slot / 2, y_value(value))
            for i, m in enumerate(months)
            if (value := getattr(m, attribute)) is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashes}/>')
        for x, y in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{fill}" stroke="{colour}" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
