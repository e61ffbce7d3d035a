"""The tensor bundle codec (``weights.mrt``), data-schemas/artifact-format.md section 3.

Mirrors ``ai.metarouter.core.artifact.TensorBundleCodec.decode``: the same checks in the same
order, so a file one reader refuses the other refuses too, with a message saying why.
"""

import struct
import zlib
from dataclasses import dataclass, field
from typing import Dict

import numpy as np

from .errors import ArtifactFormatError, UnsupportedFormatError

MAGIC = b"\x89MRT\r\n\x1a\n"
#: Bundle format versions this reader implements.
SUPPORTED_VERSIONS = frozenset({1})
MAX_RANK = 16
MAX_NAME_BYTES = 4096
MAX_METADATA_VALUE_BYTES = 16 * 1024 * 1024
_HEADER_BYTES = len(MAGIC) + 4 + 4
_TRAILER_BYTES = 4
_INT_MAX = 2**31 - 1


@dataclass(frozen=True)
class TensorBundle:
    """Named float64 tensors (read-only NumPy arrays in file order) and string metadata."""

    tensors: Dict[str, np.ndarray] = field(default_factory=dict)
    metadata: Dict[str, str] = field(default_factory=dict)

    def names(self):
        return list(self.tensors)

    def require(self, name: str, *shape: int) -> np.ndarray:
        """The tensor ``name`` after checking its shape; a one-line error names the tensor otherwise."""
        t = self.tensors.get(name)
        if t is None:
            raise ArtifactFormatError(f"parameter block {name} is missing")
        if tuple(t.shape) != tuple(shape):
            raise ArtifactFormatError(f"parameter block {name} has shape {list(t.shape)}, expected {list(shape)}")
        return t


class _Reader:
    """Bounds-checked little-endian reads whose errors name the source, the offset and the field."""

    def __init__(self, data: bytes, source: str):
        self.data = data
        self.source = source
        self.pos = 0

    def remaining(self) -> int:
        return len(self.data) - self.pos

    def truncated(self, what: str, needed: int) -> ArtifactFormatError:
        return ArtifactFormatError(
            f"{self.source}: truncated or corrupt: {what} needs {needed} bytes at offset {self.pos} "
            f"but only {self.remaining()} remain (file is {len(self.data)} bytes)")

    def corrupt(self, what: str) -> ArtifactFormatError:
        return ArtifactFormatError(f"{self.source}: corrupt at offset {self.pos}: {what}")

    def need(self, n: int, what: str) -> None:
        if n > self.remaining():
            raise self.truncated(what, n)

    def u32(self, what: str) -> int:
        self.need(4, what)
        (v,) = struct.unpack_from("<I", self.data, self.pos)
        self.pos += 4
        return v

    def count(self, what: str, min_bytes_per_item: int) -> int:
        """A count whose every item needs at least ``min_bytes_per_item``: absurd counts fail early."""
        n = self.u32(what)
        if n > _INT_MAX or n * min_bytes_per_item > self.remaining():
            raise self.truncated(f"{what} {n} (items of at least {min_bytes_per_item} bytes)", n * min_bytes_per_item)
        return n

    def string(self, what: str, min_bytes: int, max_bytes: int) -> str:
        n = self.u32("length of " + what)
        if n < min_bytes or n > max_bytes:
            raise self.corrupt(f"{what} is {n} bytes long (allowed {min_bytes} to {max_bytes})")
        self.need(n, what)
        try:
            s = self.data[self.pos:self.pos + n].decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            raise self.corrupt(f"{what} is not valid UTF-8") from None
        self.pos += n
        return s

    def doubles(self, n: int, what: str) -> np.ndarray:
        self.need(8 * n, what)
        a = np.frombuffer(self.data, dtype="<f8", count=n, offset=self.pos).astype(np.float64)
        self.pos += 8 * n
        return a


def decode(data: bytes, source: str = "weights.mrt") -> TensorBundle:
    """Decodes a tensor bundle; ``source`` (e.g. ``v3/weights.mrt``) prefixes every error message.

    Raises :class:`UnsupportedFormatError` for a format version other than 1 and
    :class:`ArtifactFormatError` for anything else wrong (magic, truncation, lengths, duplicate
    names, invalid UTF-8, non-finite values, trailing bytes, CRC-32).
    """
    data = bytes(data)
    r = _Reader(data, source)
    head = data[:len(MAGIC)]
    if len(data) < len(MAGIC) and MAGIC.startswith(head):
        raise r.truncated("the magic bytes", len(MAGIC))
    if head != MAGIC:
        raise ArtifactFormatError(
            f"{source}: not a MetaRouter tensor bundle (magic bytes are {head.hex(' ')}, expected {MAGIC.hex(' ')})")
    r.pos = len(MAGIC)
    version = r.u32("format version")
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedFormatError(
            f"{source}: tensor bundle format version {version} is not supported by this reader "
            f"(supports {sorted(SUPPORTED_VERSIONS)}); upgrade metarouter_reader")
    if len(data) < _HEADER_BYTES + _TRAILER_BYTES:
        raise r.truncated("the header and trailer", _HEADER_BYTES + _TRAILER_BYTES)
    # The structure is parsed before the CRC is checked, so that a cut-off file is reported as
    # truncated rather than as a generic checksum failure (as the Java reader does).
    tensors: Dict[str, np.ndarray] = {}
    tensor_count = r.count("tensor count", 4 + 4)
    for i in range(tensor_count):
        name = r.string(f"name of tensor #{i}", 1, MAX_NAME_BYTES)
        if name in tensors:
            raise r.corrupt(f"tensor name '{name}' appears twice")
        rank = r.u32(f"rank of tensor '{name}'")
        if rank > MAX_RANK:
            raise r.corrupt(f"tensor '{name}' has rank {rank} (at most {MAX_RANK})")
        shape = []
        size = 1
        for axis in range(rank):
            dim = r.u32(f"dimension {axis} of tensor '{name}'")
            if dim > _INT_MAX:
                raise r.corrupt(f"tensor '{name}' has dimension {dim}")
            shape.append(dim)
            size *= dim
            if size > _INT_MAX - 8:
                raise r.corrupt(f"tensor '{name}' is impossibly large")
        values = r.doubles(size, f"data of tensor '{name}'")
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            k = int(bad[0])
            raise r.corrupt(f"tensor '{name}' has non-finite value {values[k]} at flat index {k}")
        values = values.reshape(shape)  # rank 0 gives a 0-d array holding the one value
        values.setflags(write=False)
        tensors[name] = values
    metadata: Dict[str, str] = {}
    metadata_count = r.count("metadata count", 4 + 4)
    for i in range(metadata_count):
        key = r.string(f"metadata key #{i}", 1, MAX_NAME_BYTES)
        value = r.string(f"value of metadata '{key}'", 0, MAX_METADATA_VALUE_BYTES)
        if key in metadata:
            raise r.corrupt(f"metadata key '{key}' appears twice")
        metadata[key] = value
    body_end = r.pos
    stored = r.u32("CRC-32 trailer")
    if r.remaining() != 0:
        raise r.corrupt(f"{r.remaining()} unexpected bytes after the CRC-32 trailer")
    computed = zlib.crc32(data[:body_end]) & 0xFFFFFFFF
    if computed != stored:
        raise ArtifactFormatError(f"{source}: corrupt: CRC-32 mismatch (stored {stored:08x}, computed {computed:08x})")
    return TensorBundle(tensors, metadata)


def encode(bundle: TensorBundle) -> bytes:
    """Encodes in format version 1 (for tests and tools; byte-identical to the Java writer)."""
    out = bytearray(MAGIC)
    out += struct.pack("<II", 1, len(bundle.tensors))

    def string(s: str) -> None:
        b = s.encode("utf-8")
        out.extend(struct.pack("<I", len(b)))
        out.extend(b)

    for name, t in bundle.tensors.items():
        a = np.asarray(t, dtype=np.float64)
        string(name)
        out += struct.pack("<I", a.ndim)
        out += struct.pack(f"<{a.ndim}I", *a.shape)
        out += a.astype("<f8").tobytes(order="C")
    out += struct.pack("<I", len(bundle.metadata))
    for k, v in bundle.metadata.items():
        string(k)
        string(v)
    out += struct.pack("<I", zlib.crc32(bytes(out)) & 0xFFFFFFFF)
    return bytes(out)
