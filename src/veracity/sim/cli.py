"""``veracity simulate``: progress on standard error, one JSON summary line on standard output."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from veracity.sim.jsonl import dumps
from veracity.sim.scale import PRESETS
from veracity.sim.simulate import SimSummary, simulate


def _progress(message: str) -> None:
    print(f"[simulate] {message}", file=sys.stderr, flush=True)


def simulate_command(
    out: Path, seed: int = 7, scale: str = "small", events: int | None = None
) -> SimSummary:
    """Run the simulator and print its summary as one JSON line; bad options raise ValueError."""
    summary = simulate(out, seed=seed, scale=scale, events=events, progress=_progress)
    print(dumps(summary.to_dict()), flush=True)
    return summary


app = typer.Typer(help="Generate a synthetic platform with ground truth.", add_completion=False)


@app.command("simulate")
def simulate_cli(
    out: Path = typer.Option(..., "--out", help="Directory to write the files into."),
    seed: int = typer.Option(7, "--seed", help="Same seed, same bytes."),
    scale: str = typer.Option("small", "--scale", help=f"One of: {', '.join(PRESETS)}."),
    events: int | None = typer.Option(None, "--events", help="Override the preset's event count."),
) -> None:
    """Write accounts, content, events, reports, reference lists and truth.jsonl to --out."""
    try:
        simulate_command(out, seed, scale, events)
    except ValueError as exc:
        _progress(f"error: {exc}")
        raise typer.Exit(code=2) from exc
