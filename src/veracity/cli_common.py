"""Output and option helpers shared by the command groups that detector packages register."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from veracity.config import get_settings


def emit(obj: Any) -> None:
    """One JSON object on stdout: what scripts read."""
    sys.stdout.write(json.dumps(obj, default=str) + "\n")
    sys.stdout.flush()


def info(message: str) -> None:
    typer.echo(message, err=True)


def fail(message: str) -> NoReturn:
    info(f"error: {message}")
    raise typer.Exit(2)


def data_dir(value: Path | None) -> Path:
    return value if value is not None else Path(get_settings().data_dir)


DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Shared data folder; default Settings.data_dir.")
]
