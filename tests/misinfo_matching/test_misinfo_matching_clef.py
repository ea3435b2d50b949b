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
    lines = qrels.read_text().splitlines()
    (tmp_path / "train.tsv").write_text("\n".join(lines[:30]) + "\n")
    (tmp_path / "held.tsv").write_text("\n".join(lines[30:45]) + "\n")
    out = tmp_path / "model.json"
    card = train_claims(
        vclaims,
        [queries],
        [tmp_path / "train.tsv"],
        out,
        holdout_qrels=[tmp_path / "held.tsv"],
        ranker="lambdarank",
        shortlist=10,
    )
    assert card["ranker"] == "lambdarank" and card["shortlist"] == 10
    assert card["training_data"]["training_queries"] == 30
    assert 0.0 <= card["holdout_metrics"]["ece"] <= 1.0
    result = eval_claims(vclaims, [queries], [qrels], model=out)
    assert result["map@5"] > 0.7
    with pytest.raises(ValueError, match="ranker"):
        train_claims(vclaims, [queries], [tmp_path / "train.tsv"], out, ranker="forest")
