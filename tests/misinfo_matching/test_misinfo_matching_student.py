"""The distilled post encoder and the background-post reader used in training."""

import json
import shutil

import numpy as np
import pytest

from veracity.detect.misinfo.matching import ClaimMatcher, ClaimRecord, MatcherConfig
from veracity.detect.misinfo.matching.background import (
    BackgroundFormatError,
    read_background,
    split_background,
)
from veracity.detect.misinfo.matching.embedders import embedder_for, get_embedder
from veracity.detect.misinfo.matching.fusion import FusionModel, ModelFileError, fixed_model
from veracity.detect.misinfo.matching.student import QueryStudent, StudentFileError, distil

CLAIMS = [
    "The COVID-19 vaccine causes infertility in women.",
    "The 1969 moon landing was filmed in a Hollywood studio.",
    "5G towers spread the coronavirus.",
    "A photo shows a shark swimming on a flooded highway in Houston.",
    "Drinking hot water every 15 minutes kills the virus.",
    "Bill Gates wants to implant microchips with vaccines.",
]
POSTS = [
    "they say the covid vaccine makes women infertile",
    "moon landing was fake, filmed in hollywood",
    "5g masts are spreading corona!!",
    "shark on the highway in houston after the flood",
    "drink hot water every 15 min to kill the virus",
    "gates microchips in the vaccine",
    "lovely afternoon at the beach with my dog",
    "new album out friday, so excited",
]


@pytest.fixture(scope="module")
def student() -> QueryStudent:
    # WordLlama (a core dependency) stands in for MiniLM as the teacher.
    return distil("wordllama", CLAIMS, POSTS)


def test_student_reproduces_the_teacher_on_what_it_learned(student):
    teacher = get_embedder("wordllama").encode(POSTS, query=True)
    mine = student.encode(POSTS)
    assert mine.shape == teacher.shape
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    assert float(np.median((mine * teacher).sum(axis=1))) > 0.9
    assert student.encode([]).shape == (0, teacher.shape[1])


def test_student_file_round_trip(student, tmp_path):
    path = tmp_path / "s.npz"
    student.save(path)
    loaded = QueryStudent.load(path)
    assert loaded.teacher == "wordllama"
    assert np.allclose(loaded.encode(POSTS), student.encode(POSTS), atol=2e-3)


def test_unreadable_student_files_are_refused(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(StudentFileError):
        QueryStudent.load(bad)
    with pytest.raises(StudentFileError):
        QueryStudent.load(tmp_path / "missing.npz")
    np.savez(tmp_path / "other.npz", header=np.frombuffer(b'{"format": "x"}', dtype=np.uint8))
    with pytest.raises(StudentFileError):
        QueryStudent.load(tmp_path / "other.npz")


def test_claims_keep_teacher_vectors_posts_get_the_students(student, tmp_path):
    path = tmp_path / "s.npz"
    student.save(path)
    embedder = embedder_for("wordllama", str(path))
    teacher = get_embedder("wordllama")
    assert np.allclose(embedder.encode(CLAIMS), teacher.encode(CLAIMS))
    assert np.allclose(embedder.encode(POSTS, query=True), student.encode(POSTS), atol=2e-3)
    with pytest.raises(ValueError, match="distilled from"):
        embedder_for("minilm", str(path))


def test_model_with_a_student_moves_with_its_file(student, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    student.save(first / "m.student.npz")
    model = fixed_model(student=str(first / "m.student.npz"))
    model.save(first / "m.json")
    assert json.loads((first / "m.json").read_text())["student"] == "m.student.npz"
    shutil.copytree(first, second)
    loaded = FusionModel.load(second / "m.json")
    assert loaded.student == str(second / "m.student.npz")
    matcher = ClaimMatcher.build(
        [ClaimRecord(f"c{i}", t) for i, t in enumerate(CLAIMS)],
        loaded,
        MatcherConfig(multilingual=False),
    )
    hits = matcher.search(["the covid vaccine makes women infertile, they admit it"])
    assert hits[0][0].claim_id == "c0"
    (second / "m.student.npz").unlink()
    with pytest.raises(ModelFileError, match="missing"):
        FusionModel.load(second / "m.json")


def test_background_reader_formats_and_errors(tmp_path):
    csv_file = tmp_path / "tweets.csv"
    csv_file.write_text("screen_name;text;label\na;first tweet;human\nb;second tweet;bot\nc;;x\n")
    jsonl = tmp_path / "posts.jsonl"
    jsonl.write_text('{"text": "third"}\n\n{"text": "first tweet"}\n')
    txt = tmp_path / "posts.txt"
    txt.write_text("fourth\nfifth\n")
    assert read_background([csv_file, jsonl, txt]) == [
        "first tweet",
        "second tweet",
        "third",
        "fourth",
        "fifth",
    ]
    assert read_background([csv_file, txt], limit=3) == ["first tweet", "second tweet", "fourth"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{"nope": 1}\n')
    with pytest.raises(BackgroundFormatError, match=r"bad.jsonl:2"):
        read_background([bad])
    no_column = tmp_path / "x.csv"
    no_column.write_text("a,b\n1,2\n")
    with pytest.raises(BackgroundFormatError, match="no text column"):
        read_background([no_column])


def test_background_split_is_stable_and_disjoint():
    posts = [f"post number {i}" for i in range(500)]
    train, held = split_background(posts)
    again_train, again_held = split_background(list(reversed(posts)))
    assert set(train) == set(again_train) and set(held) == set(again_held)
    assert not set(train) & set(held) and len(train) + len(held) == 500
    assert 60 < len(held) < 140  # about a fifth


def test_large_training_sets_are_sampled_down(monkeypatch):
    from veracity.detect.misinfo.matching import student as student_module

    monkeypatch.setattr(student_module, "MAX_TEXTS", 10)
    texts = [*CLAIMS, *POSTS] * 2  # 28 texts, more than the cap
    targets = get_embedder("wordllama").encode(texts)
    fitted = QueryStudent.fit(texts, targets, "wordllama")
    assert fitted.encode(POSTS).shape == (len(POSTS), targets.shape[1])
    with pytest.raises(ValueError, match="two texts"):
        QueryStudent.fit(texts[:1], targets[:1], "wordllama")
