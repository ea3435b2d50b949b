"""Commands for the AI-text detector, attached to the main CLI's groups by ``register``.

``veracity train aitext``, ``veracity eval aitext --data FILE.jsonl``,
``veracity eval aitext-crossgen``, ``veracity eval aitext-tweepfake`` and
``veracity convert aitext --from fastdetectgpt|tweepfake IN OUT``. Each prints one JSON object
on stdout; progress goes to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from veracity.cli_common import DataDirOption
from veracity.cli_common import data_dir as _data_dir
from veracity.cli_common import emit as _emit
from veracity.cli_common import fail as _fail
from veracity.cli_common import info as _info
from veracity.config import get_settings
from veracity.detect.aigc.text.convert import FORMATS, DatasetFormatError, convert, read_jsonl

# training, model and detector import scikit-learn: they load inside the commands that use them


ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Model file; default Settings.aitext_model_path."),
]


def train_aitext(
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="JSONL training files; default: the shared AI-text sets."),
    ] = None,
    data_dir: DataDirOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write the model; default Settings.aitext_model_path."),
    ] = None,
    c: Annotated[
        float | None, typer.Option("--c", help="Inverse L2 strength (default 1.0).")
    ] = None,
) -> None:
    """Train the AI-text model (all Fast-DetectGPT sets + TweepFake train by default)."""
    from veracity.detect.aigc.text import training
    from veracity.detect.aigc.text.detector import model_path

    try:
        if data:
            records = [r for path in data for r in read_jsonl(path)]
            described = "JSONL: " + ", ".join(str(p) for p in data)
        else:
            folder = _data_dir(data_dir)
            records = training.load_shared(folder)
            described = f"{folder}: Fast-DetectGPT sets (all) + TweepFake train"
    except (DatasetFormatError, FileNotFoundError) as exc:
        _fail(str(exc))
    c = training.DEFAULT_C if c is None else c
    model = training.train(records, c=c, description=described, log=_info)
    target = out or model_path(get_settings())
    model.save(target)
    _emit({"model": str(target), **model.card})


def eval_aitext(
    data: Annotated[Path, typer.Option("--data", help="JSONL: {text, label 1 machine / 0 human}")],
    model: ModelOption = None,
) -> None:
    """AUROC, accuracy, F1 and TPR at 1 % FPR of the trained model on a JSONL file."""
    from veracity.detect.aigc.text import training
    from veracity.detect.aigc.text.detector import model_path
    from veracity.detect.aigc.text.model import AiTextModel, ModelFileError

    try:
        records = read_jsonl(data)
        loaded = AiTextModel.load(model or model_path(get_settings()))
        result = training.evaluate(loaded, records)
    except (DatasetFormatError, ModelFileError, ValueError) as exc:
        _fail(str(exc))
    _emit(result)


def eval_aitext_crossgen(
    data_dir: DataDirOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Also leave out the other of ChatGPT/GPT-4.")
    ] = False,
) -> None:
    """Cross-generator AUROC for ChatGPT and GPT-4 per domain, beside Fast-DetectGPT's."""
    from veracity.detect.aigc.text import training

    _emit(training.cross_generator(_data_dir(data_dir), exclude_both=strict, log=_info))


def eval_aitext_tweepfake(data_dir: DataDirOption = None) -> None:
    """Train on TweepFake train only and report on TweepFake validation."""
    from veracity.detect.aigc.text import training

    _emit(training.tweepfake_validation(_data_dir(data_dir), log=_info))


def convert_aitext(
    source: Annotated[Path, typer.Argument(help="Input file (or folder of Fast-DetectGPT sets)")],
    target: Annotated[Path, typer.Argument(help="Output JSONL file")],
    fmt: Annotated[str, typer.Option("--from", help=" | ".join(FORMATS))],
) -> None:
    """Convert a shared AI-text dataset to the JSONL that `eval aitext` reads."""
    try:
        count = convert(fmt, source, target)
    except DatasetFormatError as exc:
        _fail(str(exc))
    _emit({"written": count, "out": str(target), "from": fmt})


def register(train_app: typer.Typer, eval_app: typer.Typer, convert_app: typer.Typer) -> None:
    """Attach the commands to ``veracity train``, ``veracity eval`` and ``veracity convert``."""
    train_app.command("aitext")(train_aitext)
    eval_app.command("aitext")(eval_aitext)
    eval_app.command("aitext-crossgen")(eval_aitext_crossgen)
    eval_app.command("aitext-tweepfake")(eval_aitext_tweepfake)
    convert_app.command("aitext")(convert_aitext)
