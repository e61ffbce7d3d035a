"""The hashed word n-gram featuriser, bit-identical to ``ai.metarouter.core.featurize.HashedNgramFeaturizer``
(algorithm version 1; data-schemas/artifact-format.md section 5.2).

What makes it bit-identical rather than merely similar:

* Token characters and lower-casing are the JVM's ``Character.isLetterOrDigit(int)`` and
  ``Character.toLowerCase(int)``, read from ``java_character_tables.json`` (generated from the JVM,
  checked by core's ``JavaCharacterTablesTest``), not Python's ``unicodedata``/``str.lower()``: those
  are of another Unicode version and ``str.lower()`` applies full case mappings (``"İ".lower()`` is
  two code points).
* Text is iterated by code point as Java iterates a UTF-16 string: a surrogate pair is one code
  point, an unpaired surrogate is a separator (Python strings may hold either; a high surrogate
  followed by a low one is combined, as Java's ``codePointAt`` does).
* ``log1p`` is fdlibm's (``_fdlibm``), as Java's ``Math.log1p``; the L2 norm sums squares in
  increasing index order and divides (no reciprocal), as Java does.
"""

import bisect
import json
import math
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Tuple

from ._fdlibm import log1p as _java_log1p
from .errors import ArtifactFormatError

ALGORITHM_VERSION = 1
TYPE = "hashed_ngram"
MAX_DIM = 1 << 22
_M32 = 0xFFFFFFFF


# ----------------------------------------------------------------------------- MurmurHash3

def _rotl32(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & _M32


def _fmix32(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _M32
    h ^= h >> 16
    return h


def murmur3_32(data: bytes, seed: int) -> int:
    """MurmurHash3 x86_32 of ``data`` (blocks read little-endian), as an unsigned 32-bit int.

    ``seed`` may be given as a Java int (negative) or unsigned; only its low 32 bits count.
    """
    h1 = seed & _M32
    n = len(data)
    end = n & ~3
    c1, c2 = 0xCC9E2D51, 0x1B873593
    for i in range(0, end, 4):
        k1 = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
        k1 = (k1 * c1) & _M32
        k1 = _rotl32(k1, 15)
        k1 = (k1 * c2) & _M32
        h1 ^= k1
        h1 = _rotl32(h1, 13)
        h1 = (h1 * 5 + 0xE6546B64) & _M32
    tail = n & 3
    if tail:
        k1 = 0
        if tail == 3:
            k1 ^= data[end + 2] << 16
        if tail >= 2:
            k1 ^= data[end + 1] << 8
        k1 ^= data[end]
        k1 = (k1 * c1) & _M32
        k1 = _rotl32(k1, 15)
        k1 = (k1 * c2) & _M32
        h1 ^= k1
    h1 ^= n & _M32
    return _fmix32(h1)


# ----------------------------------------------------------------------------- the JVM's character tables

class JavaCharacters:
    """``Character.isLetterOrDigit(int)`` and ``Character.toLowerCase(int)`` of the JVM that wrote the tables."""

    def __init__(self, tables: Mapping[str, Any]):
        ranges = [(int(a), int(b)) for a, b in tables["letter_or_digit"]]
        self._starts = [a for a, _ in ranges]
        self._ends = [b for _, b in ranges]
        self.lower: Dict[int, int] = {}
        for first, last, step, delta in tables["lowercase"]:
            for cp in range(int(first), int(last) + 1, int(step)):
                self.lower[cp] = cp + int(delta)
        self.java_version = str(tables.get("java_specification_version", "?"))

    def is_letter_or_digit(self, cp: int) -> bool:
        i = bisect.bisect_right(self._starts, cp) - 1
        return i >= 0 and cp <= self._ends[i]

    def to_lower(self, cp: int) -> int:
        return self.lower.get(cp, cp)


_TABLES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "java_character_tables.json")
_CHARACTERS = None


def java_characters() -> JavaCharacters:
    """The packaged tables (loaded once)."""
    global _CHARACTERS
    if _CHARACTERS is None:
        with open(_TABLES_FILE, "r", encoding="utf-8") as f:
            _CHARACTERS = JavaCharacters(json.load(f))
    return _CHARACTERS


def code_points(text: str) -> List[int]:
    """The code points Java's ``String.codePointAt`` walk sees: surrogate pairs combined, lone surrogates kept."""
    cps = [ord(ch) for ch in text]
    if not any(0xD800 <= c <= 0xDFFF for c in cps):
        return cps
    out = []
    i = 0
    n = len(cps)
    while i < n:
        c = cps[i]
        if 0xD800 <= c <= 0xDBFF and i + 1 < n and 0xDC00 <= cps[i + 1] <= 0xDFFF:
            out.append(0x10000 + ((c - 0xD800) << 10) + (cps[i + 1] - 0xDC00))
            i += 2
        else:
            out.append(c)
            i += 1
    return out


# ----------------------------------------------------------------------------- spec and featuriser

@dataclass(frozen=True)
class FeatureSpec:
    """``FeatureSpec``: ``dim`` buckets (a power of two in [2, 2^22]), n-grams 1..``max_ngram`` (<= 5),
    MurmurHash3 ``hash_seed`` (a Java int), ``lowercase``, algorithm ``version`` (1)."""

    dim: int
    max_ngram: int
    hash_seed: int
    lowercase: bool
    version: int = ALGORITHM_VERSION

    def __post_init__(self):
        if self.dim < 2 or self.dim > MAX_DIM or self.dim & (self.dim - 1):
            raise ValueError(f"feature dim must be a power of two in [2, 2^22], got {self.dim}")
        if not 1 <= self.max_ngram <= 5:
            raise ValueError(f"maxNgram must be in [1, 5], got {self.max_ngram}")
        if self.version != ALGORITHM_VERSION:
            raise ValueError(f"unsupported featuriser version {self.version} (this reader implements {ALGORITHM_VERSION})")
        if not -(2**31) <= self.hash_seed < 2**31:
            raise ValueError(f"hash_seed must be a 32-bit signed integer, got {self.hash_seed}")

    @staticmethod
    def from_map(m: Mapping[str, Any]) -> "FeatureSpec":
        """Reads the manifest form (``FeatureSpec.toMap``); a missing or mistyped key is a one-line error naming it."""
        if m.get("type") != TYPE:
            raise ArtifactFormatError(f'feature spec: type must be "{TYPE}", got {m.get("type")}')

        def integer(key):
            v = m.get(key)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or float(v) != int(v):
                raise ArtifactFormatError(f"feature spec: '{key}' must be an integer, got {v}")
            return int(v)

        lowercase = m.get("lowercase")
        if not isinstance(lowercase, bool):
            raise ArtifactFormatError(f"feature spec: 'lowercase' must be a boolean, got {lowercase}")
        try:
            return FeatureSpec(integer("dim"), integer("max_ngram"), integer("hash_seed"), lowercase, integer("version"))
        except ValueError as e:
            raise ArtifactFormatError(f"feature spec: {e}") from None

    def to_map(self) -> Dict[str, Any]:
        return {"type": TYPE, "version": self.version, "dim": self.dim, "max_ngram": self.max_ngram,
                "hash_seed": self.hash_seed, "lowercase": self.lowercase}


@dataclass(frozen=True)
class QueryFeatures:
    """A sparse, L2-normalised feature vector (indices strictly increasing) plus the query's token
    count (the cost model's input) and code point count."""

    indices: Tuple[int, ...]
    values: Tuple[float, ...]
    token_count: int
    char_count: int


class HashedNgramFeaturizer:
    """Query text to :class:`QueryFeatures`, exactly as the Java featuriser. Thread-safe (no state)."""

    def __init__(self, spec: FeatureSpec, characters: JavaCharacters = None):
        self.spec = spec
        self.chars = characters or java_characters()

    def tokens(self, text: str) -> Tuple[List[bytes], int]:
        """The UTF-8 tokens (lower-cased if the spec says so) and the number of code points."""
        cps = code_points(text)
        is_word = self.chars.is_letter_or_digit
        lower = self.chars.to_lower if self.spec.lowercase else None
        tokens: List[bytes] = []
        current: List[int] = []
        for cp in cps:
            if cp < 128:
                word = (48 <= cp <= 57) or (65 <= cp <= 90) or (97 <= cp <= 122)
            else:
                word = is_word(cp)
            if word:
                current.append(lower(cp) if lower else cp)
            elif current:
                tokens.append("".join(map(chr, current)).encode("utf-8"))
                current = []
        if current:
            tokens.append("".join(map(chr, current)).encode("utf-8"))
        return tokens, len(cps)

    def featurize(self, text: str) -> QueryFeatures:
        spec = self.spec
        tokens, char_count = self.tokens(text)
        mask = spec.dim - 1
        seed = spec.hash_seed
        counts: Dict[int, int] = {}
        for n in range(1, spec.max_ngram + 1):
            for i in range(len(tokens) - n + 1):
                h = murmur3_32(b" ".join(tokens[i:i + n]), seed)
                bucket = h & mask
                counts[bucket] = counts.get(bucket, 0) + (-1 if h & 0x80000000 else 1)
        indices = sorted(b for b, c in counts.items() if c != 0)
        values = []
        for b in indices:
            c = counts[b]
            v = _java_log1p(abs(c))
            values.append(-v if c < 0 else v)
        sq = 0.0
        for v in values:
            sq += v * v
        if sq > 0:
            norm = math.sqrt(sq)
            values = [v / norm for v in values]
        return QueryFeatures(tuple(indices), tuple(values), len(tokens), char_count)
