"""METEOR, two named implementations.

``meteor-1.5-jar``
    pycocoevalcap's METEOR 1.5 (``java -jar -Xmx2G meteor-1.5.jar - - -stdio -l en
    -norm``): one ``SCORE`` line per sample gives a statistics line, one ``EVAL``
    line over all statistics gives per-sample scores and the corpus score (from
    aggregated statistics, not a mean). The JVM (~20 s start: it loads the 61 MB
    paraphrase table) is started once per process (lazy singleton, closed at exit).
``nltk``
    ``nltk.translate.meteor_score.meteor_score`` (alpha 0.9, beta 3, gamma 0.5,
    WordNet synonyms) on whitespace tokens, corpus value = mean over samples.

Deviations from pycocoevalcap (which would hang or mis-parse): newlines and
``|||`` are removed from references as well as hypotheses.
"""

from __future__ import annotations

import atexit
import importlib.util
import logging
import math
import shutil
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gazex_bench.errors import UsageError

logger = logging.getLogger(__name__)

METEOR_JAR = "meteor-1.5-jar"
METEOR_NLTK = "nltk"
METEOR_CHOICES = ("auto", "jar", "nltk", "none")
METEOR_LABELS = {METEOR_JAR: "METEOR (meteor-1.5-jar)", METEOR_NLTK: "METEOR (nltk)"}


@dataclass(frozen=True)
class MeteorResult:
    """Corpus METEOR plus per-sample values.

    Attributes:
        implementation: ``meteor-1.5-jar`` or ``nltk``.
        corpus: Corpus score (jar: from aggregated statistics; nltk: mean).
        per_sample: (N,) per-sample scores.
        stats: jar only: (N, K) per-sample METEOR statistics (summable), else None.
    """

    implementation: str
    corpus: float
    per_sample: np.ndarray
    stats: np.ndarray | None = None


def jar_path() -> Path | None:
    """Path of pycocoevalcap's ``meteor-1.5.jar`` if importable, else None."""
    spec = importlib.util.find_spec("pycocoevalcap")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "meteor" / "meteor-1.5.jar"
    return path if path.is_file() else None


def resolve_meteor(choice: str) -> str | None:
    """Map a user choice (auto/jar/nltk/none) to an implementation name or None."""
    if choice not in METEOR_CHOICES:
        raise UsageError(f"unknown METEOR choice {choice!r}; choose one of {', '.join(METEOR_CHOICES)}")
    if choice == "none":
        return None
    jar_ok = shutil.which("java") is not None and jar_path() is not None
    if choice == "jar":
        if not jar_ok:
            raise UsageError("METEOR jar needs `java` on PATH and pycocoevalcap installed")
        return METEOR_JAR
    if choice == "nltk":
        return METEOR_NLTK
    return METEOR_JAR if jar_ok else METEOR_NLTK


def _clean(text: str) -> str:
    return (
        " ".join(text.replace("|||", "").split(" ")).replace("\n", " ").replace("\r", " ").replace("  ", " ")
    )


class _MeteorProcess:
    """One long-lived METEOR 1.5 JVM speaking pycocoevalcap's stdio protocol."""

    def __init__(self, jar: Path) -> None:
        cmd = ["java", "-jar", "-Xmx2G", jar.name, "-", "-", "-stdio", "-l", "en", "-norm"]
        logger.info("starting METEOR 1.5 JVM (%s)", jar)
        self.proc = subprocess.Popen(
            cmd, cwd=jar.parent, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.lock = threading.Lock()

    def _write_all(self, lines: list[str]) -> None:
        assert self.proc.stdin is not None
        for line in lines:
            self.proc.stdin.write((line + "\n").encode("utf-8"))
        self.proc.stdin.flush()

    def _exchange(self, lines: list[str], n_out: int) -> list[str]:
        writer = threading.Thread(target=self._write_all, args=(lines,), daemon=True)
        writer.start()
        assert self.proc.stdout is not None
        out = [self.proc.stdout.readline().decode("utf-8").strip() for _ in range(n_out)]
        writer.join()
        return out

    def score(
        self, hyps: Sequence[str], refs: Sequence[Sequence[str]]
    ) -> tuple[float, list[float], list[str]]:
        """(corpus, per-sample, per-sample statistics lines)."""
        score_lines = [
            " ||| ".join(("SCORE", " ||| ".join(_clean(r) for r in rs), _clean(h)))
            for h, rs in zip(hyps, refs)
        ]
        with self.lock:
            stats = self._exchange(score_lines, len(score_lines))
            out = self._exchange(["EVAL ||| " + " ||| ".join(stats)], len(stats) + 1)
        return float(out[-1]), [float(x) for x in out[:-1]], stats

    def close(self) -> None:
        if self.proc.poll() is None:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.kill()
            self.proc.wait()


_PROCESS: _MeteorProcess | None = None
_PROCESS_LOCK = threading.Lock()


def _get_process() -> _MeteorProcess:
    global _PROCESS
    with _PROCESS_LOCK:
        if _PROCESS is None or _PROCESS.proc.poll() is not None:
            jar = jar_path()
            if jar is None or shutil.which("java") is None:
                raise UsageError("METEOR jar needs `java` on PATH and pycocoevalcap installed")
            _PROCESS = _MeteorProcess(jar)
            atexit.register(_PROCESS.close)
        return _PROCESS


def meteor_jar(hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> MeteorResult:
    """METEOR 1.5 via the jar (pycocoevalcap ``Meteor.compute_score`` semantics)."""
    if not hyps:
        return MeteorResult(METEOR_JAR, math.nan, np.zeros(0), np.zeros((0, 0)))
    corpus, per, stats = _get_process().score(hyps, refs)
    mat = np.asarray([[float(x) for x in s.split()] for s in stats], dtype=np.float64)
    return MeteorResult(METEOR_JAR, corpus, np.asarray(per), mat)


def meteor_nltk(hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> MeteorResult:
    """nltk ``meteor_score`` per sample on whitespace tokens; corpus = mean."""
    from nltk.translate.meteor_score import meteor_score

    per = np.asarray(
        [meteor_score([r.split() for r in rs], h.split()) for h, rs in zip(hyps, refs, strict=True)],
        dtype=np.float64,
    )
    return MeteorResult(METEOR_NLTK, float(per.mean()) if len(per) else math.nan, per)


def compute_meteor(hyps: Sequence[str], refs: Sequence[Sequence[str]], implementation: str) -> MeteorResult:
    """Dispatch to :func:`meteor_jar` or :func:`meteor_nltk` by implementation name."""
    if implementation == METEOR_JAR:
        return meteor_jar(hyps, refs)
    if implementation == METEOR_NLTK:
        return meteor_nltk(hyps, refs)
    raise UsageError(f"unknown METEOR implementation {implementation!r}")
