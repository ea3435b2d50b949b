"""A distilled post encoder: MiniLM's embedding of a post, approximated without running MiniLM.

MiniLM makes the claim matcher accurate enough for CLEF's MAP goal, but embedding a post takes
~6-16 ms on 2 cores, so it cannot serve hundreds of posts per second. Claims are few and
arrive slowly, so they keep their exact MiniLM vectors; only posts need to be fast. The
student maps a post's character 2-5-gram TF-IDF vector linearly onto MiniLM's space, with the
map fitted by kernel ridge regression (in the dual: n texts, not 60k features) on texts whose
MiniLM vectors are computed once at training time: the claim base, training posts and
ordinary background posts. No relevance label is used, so the student sees no evaluation
answer; it never sees the posts it is evaluated on.

On CLEF 2021 test ("Dev-Test") queries, raw dense retrieval with student post vectors against
MiniLM claim vectors reaches recall@5 0.931-0.936 against MiniLM's own 0.946, at a cost of
tens of microseconds per post (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

FORMAT = "veracity-query-student"
NGRAMS = (2, 5)
DEFAULT_FEATURES = 60_000
DEFAULT_ALPHA = 0.3
# The dual solve holds a texts x texts float64 kernel (18k texts: 2.6 GB) and LAPACK crashed
# (SIGSEGV) on 21k-25k here; larger training sets are sampled down to this many texts.
MAX_TEXTS = 18_000


class StudentFileError(ValueError):
    """A student file that cannot be used."""


class QueryStudent:
    """Character n-gram TF-IDF (sublinear tf, l2) times a learned (features x dim) map."""

    def __init__(self, terms: Sequence[str], idf: np.ndarray, weights: np.ndarray, teacher: str):
        if len(terms) != len(idf) or weights.shape[0] != len(terms):
            raise StudentFileError("student terms, idf and weights disagree in size")
        self.teacher = teacher
        self.terms = list(terms)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self._vectorizer = _counter(self.terms)

    @property
    def dim(self) -> int:
        return int(self.weights.shape[1])

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        counts = self._vectorizer.transform(list(texts)).astype(np.float32)
        counts.data = 1.0 + np.log(counts.data)
        tfidf = counts @ sp.diags(self.idf)
        norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ tfidf)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self.features(texts) @ self.weights, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        targets: np.ndarray,
        teacher: str,
        *,
        alpha: float = DEFAULT_ALPHA,
        max_features: int = DEFAULT_FEATURES,
    ) -> QueryStudent:
        """Kernel ridge regression of ``targets`` (the teacher's vectors of ``texts``)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        if len(texts) != len(targets) or len(texts) < 2:
            raise ValueError("need at least two texts, each with its teacher vector")
        if len(texts) > MAX_TEXTS:
            keep = np.sort(np.random.default_rng(0).choice(len(texts), MAX_TEXTS, replace=False))
            texts = [texts[i] for i in keep]
            targets = np.asarray(targets)[keep]
        fitter = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=NGRAMS,
            min_df=3,
            sublinear_tf=True,
            max_features=max_features,
            dtype=np.float32,
        )
        fitter.fit(list(texts))
        terms = fitter.get_feature_names_out().tolist()
        student = cls(terms, fitter.idf_, np.zeros((len(terms), targets.shape[1])), teacher)
        x = student.features(texts)
        kernel = (x @ x.T).toarray().astype(np.float64)
        kernel[np.diag_indices_from(kernel)] += alpha
        dual = np.linalg.solve(kernel, np.asarray(targets, dtype=np.float64))
        student.weights = np.ascontiguousarray(x.T @ dual, dtype=np.float32)
        return student

    def save(self, path: str | Path) -> None:
        header = {"format": FORMAT, "teacher": self.teacher, "ngrams": list(NGRAMS)}
        with Path(path).open("wb") as fh:
            np.savez_compressed(
                fh,
                header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
                terms=np.frombuffer("\n".join(self.terms).encode(), dtype=np.uint8),
                idf=self.idf,
                weights=self.weights.astype(np.float16),
            )

    @classmethod
    def load(cls, path: str | Path) -> QueryStudent:
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                header = json.loads(bytes(data["header"]).decode())
                terms = bytes(data["terms"]).decode().split("\n")
                idf, weights = data["idf"], data["weights"]
        except (OSError, KeyError, ValueError, json.JSONDecodeError) as exc:
            raise StudentFileError(f"{path}: cannot read the student: {exc}") from exc
        if header.get("format") != FORMAT or header.get("ngrams") != list(NGRAMS):
            raise StudentFileError(f"{path}: not a {FORMAT} file")
        return cls(terms, idf, weights, str(header.get("teacher", "")))


def distil(
    teacher_name: str,
    claim_texts: Sequence[str],
    post_texts: Sequence[str],
    *,
    alpha: float = DEFAULT_ALPHA,
) -> QueryStudent:
    """Fit a student of ``teacher_name`` on claims (as documents) and posts (as queries)."""
    from veracity.detect.misinfo.matching.embedders import get_embedder
    from veracity.detect.misinfo.matching.text import clean_post

    teacher = get_embedder(teacher_name)
    claims = [c for c in dict.fromkeys(clean_post(t) for t in claim_texts) if c]
    posts = [p for p in dict.fromkeys(clean_post(t) for t in post_texts) if p]
    targets = np.vstack([teacher.encode(claims), teacher.encode(posts, query=True)])
    return QueryStudent.fit([*claims, *posts], targets, teacher_name, alpha=alpha)


def _counter(terms: list[str]):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAMS,
        vocabulary={t: i for i, t in enumerate(terms)},
        dtype=np.float32,
    )


class StudentEmbedder:
    """The teacher's vectors for claims (documents), the student's for posts (queries)."""

    def __init__(self, teacher: object, student: QueryStudent, name: str) -> None:
        self._teacher = teacher
        self._student = student
        self.name = name
        self.dim = student.dim

    def encode(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        if query:
            return self._student.encode(texts)
        return self._teacher.encode(texts)  # type: ignore[attr-defined]
