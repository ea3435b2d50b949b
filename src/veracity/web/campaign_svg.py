"""Inline SVG drawn on the server for the campaign page: a timeline and the member network.

No JavaScript and nothing downloaded: the page is a picture a reviewer can save. Every label
that comes from users (account ids, handles) goes through ``escape``; the layout is computed
here with a fixed seed, so the same campaign always draws the same picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from markupsafe import Markup, escape

KIND_COLOURS = {
    "post": "#1f6feb",
    "share": "#8250df",
    "like": "#d1242f",
    "follow": "#1a7f37",
    "comment": "#9a6700",
}
LAYOUT_SEED = 7
MAX_TIMELINE_ROWS = 60


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def timeline_svg(
    members: Sequence[str],
    activity: Sequence[tuple[str, datetime, str]],
    start: datetime,
    end: datetime,
    width: int = 900,
) -> Markup:
    """One row per member, one tick per action (coloured by kind) between ``start`` and ``end``."""
    rows = list(members)[:MAX_TIMELINE_ROWS]
    index = {m: i for i, m in enumerate(rows)}
    left, right, top, row_h = 170, 20, 24, 16
    height = top + row_h * max(len(rows), 1) + 30
    span = max((end - start).total_seconds(), 1.0)
    plot_w = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        "<title>Actions per member over time</title>",
    ]
    for m, i in index.items():
        y = top + i * row_h + row_h / 2
        parts.append(
            f'<text class="member-label" x="{left - 6}" y="{_fmt(y + 4)}" '
            f'text-anchor="end">{escape(m[:24])}</text>'
            f'<line x1="{left}" x2="{width - right}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
            f'stroke="#eaeef2"/>'
        )
    for account, at, kind in activity:
        row = index.get(account)
        if row is None:
            continue
        x = left + plot_w * (at - start).total_seconds() / span
        y = top + row * row_h + row_h / 2
        colour = KIND_COLOURS.get(kind, "#57606a")
        parts.append(
            f'<circle class="act act-{escape(kind)}" cx="{_fmt(x)}" cy="{_fmt(y)}" r="3.5" '
            f'fill="{colour}" fill-opacity="0.75"><title>{escape(account)} {escape(kind)} '
            f"{at.isoformat()}</title></circle>"
        )
    axis_y = top + row_h * max(len(rows), 1) + 14
    parts.append(
        f'<text x="{left}" y="{axis_y}" class="axis">{start.strftime("%Y-%m-%d %H:%M:%S")}</text>'
        f'<text x="{width - right}" y="{axis_y}" class="axis" text-anchor="end">'
        f"{end.strftime('%Y-%m-%d %H:%M:%S')} UTC</text>"
    )
    legend_x = left
    for kind, colour in KIND_COLOURS.items():
        parts.append(
            f'<circle cx="{legend_x}" cy="10" r="4" fill="{colour}"/>'
            f'<text x="{legend_x + 8}" y="14" class="legend">{kind}</text>'
        )
        legend_x += 80
    parts.append("</svg>")
    return Markup("".join(parts))


def spring_layout(
    nodes: Sequence[str], edges: Sequence[tuple[str, str, float]], iterations: int = 120
) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold in the unit square, started from a circle jittered by a fixed seed."""
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.5, 0.5)}
    rng = np.random.default_rng(LAYOUT_SEED)
    angle = np.linspace(0, 2 * math.pi, n, endpoint=False)
    pos = np.stack([np.cos(angle), np.sin(angle)], axis=1) * 0.4 + rng.normal(0, 0.01, (n, 2))
    index = {v: i for i, v in enumerate(nodes)}
    adj = np.zeros((n, n))
    for a, b, w in edges:
        if a in index and b in index:
            adj[index[a], index[b]] = adj[index[b], index[a]] = max(w, 0.1)
    k = 1.0 / math.sqrt(n)
    temp = 0.1
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
        force = k * k / dist**2 - adj * dist / k
        np.fill_diagonal(force, 0.0)
        disp = (delta * force[:, :, None]).sum(axis=1)
        length = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)
        pos += disp / length[:, None] * np.minimum(length, temp)[:, None]
        temp *= 0.96
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    scaled = (pos - lo) / np.maximum(hi - lo, 1e-9)
    return {v: (float(scaled[i, 0]), float(scaled[i, 1])) for v, i in index.items()}


def network_svg(
    nodes: Sequence[str], edges: Sequence[tuple[str, str, float]], size: int = 520
) -> Markup:
    """Members as labelled dots, ties as lines whose width follows the tie's weight."""
    layout = spring_layout(nodes, edges)
    pad = 60
    inner = size - 2 * pad

    def at(v: str) -> tuple[float, float]:
        x, y = layout[v]
        return pad + x * inner, pad + y * inner

    top = max((w for _, _, w in edges), default=1.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" role="img" '
        f'width="{size}" height="{size}" viewBox="0 0 {size} {size}">',
        "<title>Members and the ties between them</title>",
    ]
    for a, b, w in edges:
        if a not in layout or b not in layout:
            continue
        (x1, y1), (x2, y2) = at(a), at(b)
        parts.append(
            f'<line class="tie" x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" '
            f'stroke="#8c959f" stroke-opacity="0.6" stroke-width="{_fmt(0.5 + 2.5 * w / top)}"/>'
        )
    for v in nodes:
        x, y = at(v)
        parts.append(
            f'<g class="node"><circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="6" fill="#1f6feb"/>'
            f'<text x="{_fmt(x + 8)}" y="{_fmt(y + 4)}" class="node-label">'
            f"{escape(v[:20])}</text><title>{escape(v)}</title></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
