"""Server-drawn SVG plots for the measurement dashboards: a daily time series, a funnel and a
calibration (reliability) curve. No JavaScript, nothing downloaded; every text that could come
from data goes through ``escape`` (as in web/campaign_svg.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup, escape

COLOURS = ("#1f6feb", "#d1242f", "#1a7f37", "#8250df", "#9a6700")


def _f(v: float) -> str:
    return f"{v:.1f}"


def _open(cls: str, width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]


def timeseries_svg(
    days: Sequence[Mapping[str, Any]], series: Sequence[str], width: int = 860, height: int = 260
) -> Markup:
    """One line per series over days (``day`` is epoch seconds at UTC midnight)."""
    parts = _open("timeseries", width, height, "Daily " + ", ".join(series))
    left, right, top, bottom = 60, 20, 28, 36
    if not days:
        parts.append(
            f'<text x="{left}" y="{height // 2}" class="empty">No data in this window</text></svg>'
        )
        return Markup("".join(parts))
    top_value = max(max(float(d[s]) for d in days) for s in series) or 1.0
    pw, ph = width - left - right, height - top - bottom
    n = len(days)

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph * (1 - v / top_value)

    for frac in (0, 0.5, 1):
        yy = y(top_value * frac)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_f(yy)}" y2="{_f(yy)}" stroke="#eaeef2"/>'
            f'<text x="{left - 6}" y="{_f(yy + 4)}" text-anchor="end" class="axis">'
            f"{top_value * frac:g}</text>"
        )
    for k, name in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        points = " ".join(f"{_f(x(i))},{_f(y(float(d[name])))}" for i, d in enumerate(days))
        parts.append(
            f'<polyline class="series series-{escape(name)}" fill="none" stroke="{colour}" '
            f'stroke-width="2" points="{points}"/>'
        )
        for i, d in enumerate(days):
            parts.append(
                f'<circle cx="{_f(x(i))}" cy="{_f(y(float(d[name])))}" r="3" fill="{colour}">'
                f"<title>{escape(name)} {_day(d['day'])}: {d[name]}</title></circle>"
            )
        parts.append(
            f'<rect x="{left + 130 * k}" y="6" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + 130 * k + 14}" y="15" class="legend">{escape(name)}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{height - 10}" class="axis">{_day(days[0]["day"])}</text>'
        f'<text x="{width - right}" y="{height - 10}" class="axis" text-anchor="end">'
        f"{_day(days[-1]['day'])} UTC</text></svg>"
    )
    return Markup("".join(parts))


def _day(epoch: int) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%d")


def funnel_svg(stages: Sequence[tuple[str, int]], width: int = 860) -> Markup:
    """Horizontal bars, each stage's width relative to the first, with its share of it."""
    bar, gap, left = 30, 8, 220
    height = (bar + gap) * max(len(stages), 1) + 10
    parts = _open("funnel", width, height, "Enforcement funnel")
    first = max((v for _, v in stages[:1]), default=0) or 1
    for i, (label, value) in enumerate(stages):
        y = 5 + i * (bar + gap)
        w = (width - left - 140) * value / first
        share = f"{100 * value / first:.1f} %" if stages and stages[0][1] else "—"
        parts.append(
            f'<text x="{left - 8}" y="{y + bar * 0.65:.1f}" text-anchor="end" class="stage">'
            f"{escape(label)}</text>"
            f'<rect class="stage-bar" x="{left}" y="{y}" width="{_f(max(w, 1.0))}" height="{bar}" '
            f'fill="{COLOURS[0]}" fill-opacity="{1 - 0.15 * i:.2f}"/>'
            f'<text x="{_f(left + max(w, 1.0) + 6)}" y="{y + bar * 0.65:.1f}" class="value">'
            f"{value} ({share})</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def calibration_svg(bins: Sequence[Mapping[str, Any]], name: str, size: int = 300) -> Markup:
    """Mean score (x) against observed violating rate (y) per bin, with the diagonal."""
    pad = 40
    inner = size - 2 * pad
    parts = _open("calibration", size, size, f"Calibration of {name}")

    def at(px: float, py: float) -> tuple[float, float]:
        return pad + px * inner, pad + (1 - py) * inner

    x0, y0 = at(0, 0)
    x1, y1 = at(1, 1)
    parts.append(
        f'<rect x="{pad}" y="{pad}" width="{inner}" height="{inner}" fill="none" stroke="#d0d7de"/>'
        f'<line x1="{_f(x0)}" y1="{_f(y0)}" x2="{_f(x1)}" y2="{_f(y1)}" stroke="#8c959f" '
        f'stroke-dasharray="4 3"/>'
        f'<text x="{pad}" y="{pad - 12}" class="legend">{escape(name)}</text>'
        f'<text x="{size / 2}" y="{size - 8}" text-anchor="middle" class="axis">score</text>'
        f'<text x="12" y="{size / 2}" class="axis" transform="rotate(-90 12 {size / 2})" '
        f'text-anchor="middle">observed</text>'
    )
    pts = [at(float(b["mean_score"]), float(b["observed"])) for b in bins]
    if pts:
        parts.append(
            f'<polyline fill="none" stroke="{COLOURS[1]}" stroke-width="2" '
            f'points="{" ".join(f"{_f(px)},{_f(py)}" for px, py in pts)}"/>'
        )
    for b, (px, py) in zip(bins, pts, strict=True):
        parts.append(
            f'<circle cx="{_f(px)}" cy="{_f(py)}" r="{min(9.0, 2.5 + float(b["n"]) ** 0.5):.1f}" '
            f'fill="{COLOURS[1]}" fill-opacity="0.7"><title>n={b["n"]} score={b["mean_score"]:.2f} '
            f"observed={b['observed']:.2f}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
