"""Commands for the account integrity model and the spam classifier, attached to the main CLI's
groups by ``register``.

``veracity train accounts --data FILE.jsonl``, ``veracity eval accounts --data FILE.jsonl
[--model M | --cv 5 | --holdout 0.3]``, ``veracity convert accounts --format instafake|twitter
SRC OUT``; ``veracity train spam``, ``veracity eval spam --data FILE.jsonl``, ``veracity eval
spam-videos``, ``veracity eval spam-sms``, ``veracity convert spam --format sms|youtube SRC OUT``.
Each prints one JSON object on stdout; progress goes to stderr.
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

# models, training and converters import numpy/scikit-learn: they load inside the commands


def train_accounts(
    data: Annotated[list[Path], typer.Option("--data", help="Account JSONL files (with label).")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Model file; default Settings.accounts_model_path."),
    ] = None,
) -> None:
    """Train the account integrity model (gradient-boosted trees, calibrated)."""
    from veracity.detect.behaviour import account_training
    from veracity.detect.behaviour.account_convert import AccountDataError, read_jsonl
    from veracity.detect.behaviour.account_detector import model_path

    try:
        records = [r for path in data for r in read_jsonl(path)]
        model = account_training.train(
            records, description="JSONL: " + ", ".join(map(str, data)), log=_info
        )
    except (AccountDataError, ValueError) as exc:
        _fail(str(exc))
    target = out or model_path(get_settings())
    model.save(target)
    _emit({"model": str(target), **model.card})


def eval_accounts(
    data: Annotated[Path, typer.Option("--data", help="Account JSONL (label 1 fake, 0 real).")],
    model: Annotated[
        Path | None, typer.Option("--model", help="Default Settings.accounts_model_path.")
    ] = None,
    cv: Annotated[
        int | None, typer.Option("--cv", min=2, help="k-fold CV on --data instead of a model.")
    ] = None,
    holdout: Annotated[
        float | None,
        typer.Option("--holdout", help="Train on the rest of --data, test on this fraction."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Split seed (--cv, --holdout).")] = 0,
) -> None:
    """Accuracy, F1 and AUROC of the account model on a JSONL file (or CV / hold-out on it)."""
    from veracity.detect.behaviour import account_training
    from veracity.detect.behaviour.account_convert import AccountDataError, read_jsonl
    from veracity.detect.behaviour.account_detector import model_path
    from veracity.detect.behaviour.account_model import AccountModel, ModelFileError

    if cv is not None and holdout is not None:
        _fail("give --cv or --holdout, not both")
    try:
        records = read_jsonl(data)
        if cv is not None:
            result = account_training.cross_validate(records, cv, seed=seed, log=_info)
        elif holdout is not None:
            result = account_training.holdout(records, holdout, seed=seed)
        else:
            loaded = AccountModel.load(model or model_path(get_settings()))
            result = account_training.evaluate(loaded, records)
    except (AccountDataError, ModelFileError, ValueError) as exc:
        _fail(str(exc))
    result["data"] = str(data)
    _emit(result)


def convert_accounts(
    source: Annotated[Path, typer.Argument(help="Input file or folder")],
    target: Annotated[Path, typer.Argument(help="Output JSONL file")],
    fmt: Annotated[str, typer.Option("--format", help="instafake | twitter")],
) -> None:
    """Convert a shared account dataset to account JSONL (the project's schema + label)."""
    from veracity.detect.behaviour.account_convert import AccountDataError, convert

    try:
        count = convert(fmt, source, target)
    except AccountDataError as exc:
        _fail(str(exc))
    _emit({"written": count, "out": str(target), "format": fmt})


def train_spam(
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="JSONL {text, label}; default: the shared spam sets."),
    ] = None,
    data_dir: DataDirOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Model file; default Settings.spam_model_path.")
    ] = None,
) -> None:
    """Train the spam classifier (default: all SMS messages and YouTube comments)."""
    from veracity.detect.aigc.text.convert import DatasetFormatError, read_jsonl
    from veracity.detect.behaviour import spam_training
    from veracity.detect.behaviour.spam_detector import model_path

    try:
        if data:
            records = [r for path in data for r in read_jsonl(path)]
            described = "JSONL: " + ", ".join(map(str, data))
        else:
            folder = _data_dir(data_dir)
            records = spam_training.load_shared(folder)
            described = f"{folder}: SMS Spam Collection + YouTube Spam Collection"
        _info(f"training on {len(records)} texts")
        model = spam_training.train(records, description=described)
    except (DatasetFormatError, FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    target = out or model_path(get_settings())
    model.save(target)
    _emit({"model": str(target), **model.card})


def eval_spam(
    data: Annotated[Path, typer.Option("--data", help="JSONL: {text, label 1 spam / 0 not}")],
    model: Annotated[
        Path | None, typer.Option("--model", help="Default Settings.spam_model_path.")
    ] = None,
) -> None:
    """Accuracy, F1 and AUROC of the trained spam model on a JSONL file."""
    from veracity.detect.aigc.text.convert import DatasetFormatError, read_jsonl
    from veracity.detect.behaviour import spam_training
    from veracity.detect.behaviour.spam_detector import model_path
    from veracity.detect.behaviour.spam_model import ModelFileError, SpamModel

    try:
        records = read_jsonl(data)
        loaded = SpamModel.load(model or model_path(get_settings()))
        result = spam_training.evaluate(loaded, records)
    except (DatasetFormatError, ModelFileError, ValueError) as exc:
        _fail(str(exc))
    _emit(result)


def eval_spam_videos(
    data_dir: DataDirOption = None,
    with_sms: Annotated[bool, typer.Option("--with-sms", help="Add SMS to training.")] = False,
) -> None:
    """Leave one YouTube video out: train on the others, report on the one left out."""
    from veracity.detect.behaviour import spam_training

    try:
        _emit(spam_training.leave_one_video_out(_data_dir(data_dir), with_sms=with_sms, log=_info))
    except FileNotFoundError as exc:
        _fail(str(exc))


def eval_spam_sms(data_dir: DataDirOption = None) -> None:
    """SMS Spam Collection: first 30 % train, last 70 % test (the dataset paper's protocol)."""
    from veracity.detect.behaviour import spam_training

    try:
        _emit(spam_training.sms_holdout(_data_dir(data_dir)))
    except FileNotFoundError as exc:
        _fail(str(exc))


def convert_spam(
    source: Annotated[Path, typer.Argument(help="Input file or folder")],
    target: Annotated[Path, typer.Argument(help="Output JSONL file")],
    fmt: Annotated[str, typer.Option("--format", help="sms | youtube")],
) -> None:
    """Convert a shared spam dataset to the JSONL that `eval spam` reads."""
    from veracity.detect.behaviour.spam_convert import DatasetFormatError, convert

    try:
        count = convert(fmt, source, target)
    except DatasetFormatError as exc:
        _fail(str(exc))
    _emit({"written": count, "out": str(target), "format": fmt})


def register(train_app: typer.Typer, eval_app: typer.Typer, convert_app: typer.Typer) -> None:
    """Attach the commands to ``veracity train``, ``veracity eval`` and ``veracity convert``."""
    train_app.command("accounts")(train_accounts)
    eval_app.command("accounts")(eval_accounts)
    convert_app.command("accounts")(convert_accounts)
    train_app.command("spam")(train_spam)
    eval_app.command("spam")(eval_spam)
    eval_app.command("spam-videos")(eval_spam_videos)
    eval_app.command("spam-sms")(eval_spam_sms)
    convert_app.command("spam")(convert_spam)
