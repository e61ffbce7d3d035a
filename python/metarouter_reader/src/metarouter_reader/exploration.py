"""Exploration: candidate scores to probabilities and a seeded, replayable choice, as
``ai.metarouter.core.bandit`` (``Exploration``, ``Greedy``, ``Softmax``, ``EpsilonGreedy``) computes
them, plus the two pieces of Java randomness a decision depends on: ``StableHash.decisionSeed``
(event id -> seed) and ``java.util.SplittableRandom(seed).nextDouble()`` (seed -> draw).
"""

import math
from dataclasses import dataclass
from typing import List, Sequence

from .featurize import code_points, murmur3_32

_M64 = (1 << 64) - 1
_GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def _mix64(z: int) -> int:
    """SplitMix64's finaliser (``StableHash.mix64``, ``SplittableRandom.mix64``) on unsigned 64-bit ints."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def _signed64(z: int) -> int:
    return z - (1 << 64) if z >= 1 << 63 else z


def stable_hash64(s: str) -> int:
    """``StableHash.hash64``: two MurmurHash3 words of the UTF-8 bytes, SplitMix64-mixed; a signed Java long."""
    # As Java's String.getBytes(UTF_8): a surrogate pair is one code point, a lone surrogate becomes '?'.
    b = "".join(map(chr, code_points(s))).encode("utf-8", errors="replace")
    hi = murmur3_32(b, 0x5BD1E995)
    lo = murmur3_32(b, 0x2F8B6D1B)
    return _signed64(_mix64((hi << 32) | lo))


def decision_seed(event_id: str) -> int:
    """The seed serving draws a route decision with (``StableHash.decisionSeed``): logged decisions replay."""
    return stable_hash64(event_id)


def splittable_random_double(seed: int) -> float:
    """``new java.util.SplittableRandom(seed).nextDouble()``: uniform in [0, 1) with 53 bits."""
    state = (seed + _GOLDEN_GAMMA) & _M64
    return (_mix64(state) >> 11) * 2.0**-53


@dataclass(frozen=True)
class Decision:
    """The chosen candidate's index, its probability (propensity) and the whole distribution."""

    chosen_index: int
    propensity: float
    probabilities: List[float]


def _argmax_shares(scores: Sequence[float]) -> List[float]:
    """Mass 1 on the best score; exact ties share it equally (``Exploration.argmaxInto``)."""
    best = -math.inf
    ties = 0
    for s in scores:
        if s > best or ties == 0:
            best = s
            ties = 1
        elif s == best:
            ties += 1
    share = 1.0 / ties
    return [share if s == best else 0.0 for s in scores]


class Exploration:
    """Base: ``raw`` gives the strategy's distribution, ``probabilities`` applies the propensity floor."""

    min_propensity: float = 0.0

    def raw(self, scores: Sequence[float]) -> List[float]:
        raise NotImplementedError

    def probabilities(self, scores: Sequence[float]) -> List[float]:
        """The distribution with the floor: ``p' = pMin + (1 - m pMin) p``, ``pMin = min(floor, 1/m)``."""
        scores = [float(s) for s in scores]
        if not scores:
            raise ValueError("no available candidate to choose from")
        for i, s in enumerate(scores):
            if math.isnan(s):
                raise ValueError(f"score of available candidate {i} is NaN")
        p = self.raw(scores)
        if self.min_propensity > 0:
            m = len(scores)
            p_min = min(self.min_propensity, 1.0 / m)
            keep = 1.0 - m * p_min
            p = [p_min + keep * x for x in p]
        return p

    def decide(self, scores: Sequence[float], seed: int) -> Decision:
        """A seeded choice: one ``SplittableRandom(seed).nextDouble()`` inverted through the cumulative distribution."""
        p = self.probabilities(scores)
        u = splittable_random_double(seed)
        chosen = -1
        cumulative = 0.0
        for i, x in enumerate(p):
            if x <= 0:
                continue
            chosen = i
            cumulative += x
            if u < cumulative:
                break
        return Decision(chosen, p[chosen], p)


def _check_floor(v: float) -> None:
    if not 0 <= v <= 1:
        raise ValueError(f"minProbability must be in [0, 1], got {v}")


@dataclass(frozen=True)
class Greedy(Exploration):
    """All mass on the best score (exact ties share); with a floor, "best, plus pMin everywhere"."""

    min_propensity: float = 0.0

    def __post_init__(self):
        _check_floor(self.min_propensity)

    def raw(self, scores):
        return _argmax_shares(scores)


@dataclass(frozen=True)
class Softmax(Exploration):
    """``p_i`` proportional to ``exp(score_i / tau)``; tau in utility units (serving's default: 0.05, floor 0.01)."""

    tau: float
    min_propensity: float = 0.0

    def __post_init__(self):
        if not (self.tau > 0) or math.isinf(self.tau):
            raise ValueError(f"softmax tau must be > 0, got {self.tau}")
        _check_floor(self.min_propensity)

    def raw(self, scores):
        best = max(scores)
        if math.isinf(best):
            return _argmax_shares(scores)
        e = [math.exp((s - best) / self.tau) for s in scores]
        inv = 1.0 / sum(e)
        return [x * inv for x in e]


@dataclass(frozen=True)
class EpsilonGreedy(Exploration):
    """The best with probability ``1 - epsilon`` (ties share), uniform otherwise."""

    epsilon: float
    min_propensity: float = 0.0

    def __post_init__(self):
        if not 0 <= self.epsilon <= 1:
            raise ValueError(f"epsilon must be in [0, 1], got {self.epsilon}")
        _check_floor(self.min_propensity)

    def raw(self, scores):
        uniform = self.epsilon / len(scores)
        return [(1.0 - self.epsilon) * x + uniform for x in _argmax_shares(scores)]


def from_config(strategy: str, tau: float = 0.05, epsilon: float = 0.05, min_propensity: float = 0.0) -> Exploration:
    """The exploration a ``metarouter.serve.exploration`` block names (``softmax`` | ``epsilon-greedy`` | ``greedy``)."""
    if strategy == "softmax":
        return Softmax(tau, min_propensity)
    if strategy == "epsilon-greedy":
        return EpsilonGreedy(epsilon, min_propensity)
    if strategy == "greedy":
        return Greedy(min_propensity)
    raise ValueError(f"exploration strategy must be softmax, epsilon-greedy or greedy, got '{strategy}'")
