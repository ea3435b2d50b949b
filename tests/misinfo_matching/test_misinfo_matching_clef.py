import json
from pathlib import Path

import pytest

from veracity.detect.misinfo.matching.clef import ClefFormatError, read_qrels, read_queries
from veracity.detect.misinfo.matching.training import eval_claims, train_claims


def _slice(src: Path, tmp: Path, n_queries: int, n_claims: int) -> tuple[Path, Path, Path]:
    """A small CheckThat! slice: the gold claims of the first queries plus distractors."""
    raw = src / "raw"
    lines = (raw / "CT2022-Task2A-EN-Dev-Test_QRELs.tsv").read_text().splitlines()[:n_queries]
    gold = {line.split("\t")[2] for line in lines}
    qids = {line.split("\t")[0] for line in lines}
    claims = []
    for line in (src / "vclaims.jsonl").read_text().splitlines():
        obj = json.loads(line)
        if obj["vclaim_id"] in gold or len(claims) < n_claims:
            claims.append(line)
    (tmp / "vclaims.jsonl").write_text("\n".join(claims) + "\n")
    (tmp / "qrels.tsv").write_text("\n".join(lines) + "\n")
    queries = [
        q
        for q in (raw / "CT2022-Task2A-EN-Dev-Test_Queries.tsv").read_text().splitlines()
        if q.split("\t")[0] in qids
    ]
    (tmp / "queries.tsv").write_text("\n".join(queries) + "\n")
    return tmp / "vclaims.jsonl", tmp / "queries.tsv", tmp / "qrels.tsv"


def _split(qrels: Path, tmp: Path, n_train: int, n_held: int) -> tuple[Path, Path]:
    """The slice's first qrels for training, the next ones held out."""
    lines = qrels.read_text().splitlines()
    (tmp / "train.tsv").write_text("\n".join(lines[:n_train]) + "\n")
    (tmp / "held.tsv").write_text("\n".join(lines[n_train : n_train + n_held]) + "\n")
    return tmp / "train.tsv", tmp / "held.tsv"


def test_train_and_eval_on_a_clef_slice(shared_data, tmp_path):
    src = shared_data / "claims" / "clef2022-t2a-en"
    vclaims, queries, qrels = _slice(src, tmp_path, 60, 1500)
    fixed = eval_claims(vclaims, [queries], [qrels])
    assert {"map@1", "map@5", "recall@5", "queries_per_s"} <= fixed.keys()
    assert fixed["queries"] == 60
    assert fixed["map@5"] > 0.7
    # train on the first half of the slice's queries, evaluate on the whole slice
    (tmp_path / "train_qrels.tsv").write_text("\n".join(qrels.read_text().splitlines()[:30]) + "\n")
    out = tmp_path / "model.json"
    card = train_claims(vclaims, [queries], [tmp_path / "train_qrels.tsv"], out)
    assert card["training_data"]["training_queries"] == 30
    trained = eval_claims(vclaims, [queries], [qrels], model=out)
    assert trained["map@5"] > 0.7


def test_clef_readers_name_bad_lines(tmp_path):
    bad = tmp_path / "q.tsv"
    bad.write_text("tweet-1 no tab here\n")
    with pytest.raises(ClefFormatError, match=r"q\.tsv:1"):
        read_queries([bad])
    bad.write_text("tweet-1\t0\tvclaim-1\n")
    with pytest.raises(ClefFormatError, match=r"q\.tsv:1"):
        read_qrels([bad])
    bad.write_text('tweet-1\t"say ""hi"""\n')
    assert read_queries([bad]) == {"tweet-1": 'say "hi"'}


def test_train_lambdarank_on_a_clef_slice(shared_data, tmp_path):
    pytest.importorskip("lightgbm")
    src = shared_data / "claims" / "clef2022-t2a-en"
    vclaims, queries, qrels = _slice(src, tmp_path, 60, 1500)
    train, held = _split(qrels, tmp_path, 30, 15)
    out = tmp_path / "model.json"
    card = train_claims(
        vclaims,
        [queries],
        [train],
        out,
        holdout_qrels=[held],
        ranker="lambdarank",
        shortlist=10,
    )
    assert card["ranker"] == "lambdarank" and card["shortlist"] == 10
    assert card["training_data"]["training_queries"] == 30
    assert 0.0 <= card["holdout_metrics"]["ece"] <= 1.0
    result = eval_claims(vclaims, [queries], [qrels], model=out)
    assert result["map@5"] > 0.7
    with pytest.raises(ValueError, match="ranker"):
        train_claims(vclaims, [queries], [train], out, ranker="forest")


def _background_file(tmp: Path) -> Path:
    lines = ["text"] + [
        f"ordinary post {i} about lunch, football scores and the weather today" for i in range(40)
    ]
    path = tmp / "background.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_train_with_background_and_a_student_on_a_clef_slice(shared_data, tmp_path):
    src = shared_data / "claims" / "clef2022-t2a-en"
    vclaims, queries, qrels = _slice(src, tmp_path, 60, 1500)
    train, held = _split(qrels, tmp_path, 30, 15)
    out = tmp_path / "model.json"
    card = train_claims(
        vclaims,
        [queries],
        [train],
        out,
        holdout_qrels=[held],
        background=[_background_file(tmp_path)],
        student=True,  # WordLlama distilled into a student: no optional extra needed
    )
    assert card["training_data"]["background_posts"] == 40
    held = card["holdout_metrics"]
    assert held["background_posts"] > 0 and 0.0 <= held["background_confirmed_share"] <= 1.0
    assert (tmp_path / "model.student.npz").is_file()
    assert json.loads(out.read_text())["student"] == "model.student.npz"
    result = eval_claims(vclaims, [queries], [qrels], model=out)
    assert result["map@5"] > 0.7


def test_train_cascade_on_a_clef_slice(shared_data, tmp_path):
    from veracity.detect.misinfo.matching.embedders import available
    from veracity.detect.misinfo.matching.training import train_cascade

    if not available("minilm"):
        pytest.skip("the cascade's strong stage needs the claims-minilm extra")
    src = shared_data / "claims" / "clef2022-t2a-en"
    vclaims, queries, qrels = _slice(src, tmp_path, 40, 600)
    train, held = _split(qrels, tmp_path, 25, 15)
    out = tmp_path / "cascade.json"
    card = train_cascade(
        vclaims,
        [queries],
        [train],
        [held],
        out,
        background=[_background_file(tmp_path)],
    )
    band = card["cascade"]
    assert 0.0 <= band["escalate_from"] <= band["accept_from"] <= 1.0
    assert "holdout_background_escalated" in band
    result = eval_claims(vclaims, [queries], [qrels], model=out)
    assert 0.0 <= result["escalated"] <= 1.0 and result["map@5"] > 0.7
