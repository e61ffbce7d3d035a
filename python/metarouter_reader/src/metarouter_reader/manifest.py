"""``manifest.json`` (format_version 1), data-schemas/artifact-format.md section 2.

Mirrors ``ai.metarouter.core.artifact.ManifestCodec.fromJson``: duplicate keys and trailing
content are errors, ``format_version`` is checked before anything else is interpreted, every
error names the key (e.g. ``catalog[2].mean_cost_usd``), unknown keys are ignored.
"""

import datetime as _dt
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from .errors import ArtifactFormatError, UnsupportedFormatError

#: Manifest format versions this reader implements.
SUPPORTED_FORMAT_VERSIONS = frozenset({1})
MANIFEST_FILE = "manifest.json"
WEIGHTS_FILE = "weights.mrt"
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class ModelEntry:
    """One catalog model: prices in USD per million tokens (None when unknown), mean cost of a query in USD."""

    id: str
    input_price: Optional[float]
    output_price: Optional[float]
    mean_cost_usd: float


@dataclass(frozen=True)
class FileEntry:
    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Manifest:
    format_version: int
    artifact_version: int
    created_at: str
    feature_spec: Dict[str, Any]
    catalog: List[ModelEntry]
    training_data: Dict[str, Any]
    training_config: Dict[str, Any]
    metrics: Dict[str, Any]
    files: List[FileEntry]

    def file(self, path: str) -> Optional[FileEntry]:
        for f in self.files:
            if f.path == path:
                return f
        return None


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key '{k}'")
        out[k] = v
    return out


def _no_constants(name):
    raise ValueError(f"{name} is not valid JSON")


class _Fields:
    def __init__(self, source: str):
        self.source = source

    def error(self, key: str, problem: str) -> ArtifactFormatError:
        what = f"key '{key}'" if key else "manifest"
        return ArtifactFormatError(f"{self.source}: {what} {problem}")

    def required(self, o: dict, key: str, at: str = "") -> Any:
        if key not in o:
            raise self.error(at + key, "is missing")
        return o[key]

    @staticmethod
    def describe(v: Any) -> str:
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "boolean"
        if isinstance(v, (int, float)):
            return "number"
        if isinstance(v, str):
            return "string"
        if isinstance(v, list):
            return "array"
        return "object"

    def integer(self, o: dict, key: str, at: str = "", bits: int = 31) -> int:
        v = self.required(o, key, at)
        if isinstance(v, bool) or not isinstance(v, int) or not -(2**bits) <= v < 2**bits:
            raise self.error(at + key, f"must be an integer, found {self.describe(v)}")
        return v

    def number(self, o: dict, key: str, at: str = "") -> float:
        v = self.required(o, key, at)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.error(at + key, f"must be a number, found {self.describe(v)}")
        return float(v)

    def nullable_number(self, o: dict, key: str, at: str = "") -> Optional[float]:
        v = self.required(o, key, at)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.error(at + key, f"must be a number or null, found {self.describe(v)}")
        return float(v)

    def text(self, o: dict, key: str, at: str = "") -> str:
        v = self.required(o, key, at)
        if not isinstance(v, str):
            raise self.error(at + key, f"must be a string, found {self.describe(v)}")
        return v

    def obj(self, o: dict, key: str, at: str = "") -> dict:
        v = self.required(o, key, at)
        if not isinstance(v, dict):
            raise self.error(at + key, f"must be a JSON object, found {self.describe(v)}")
        return v

    def array(self, o: dict, key: str) -> list:
        v = self.required(o, key)
        if not isinstance(v, list):
            raise self.error(key, f"must be a JSON array, found {self.describe(v)}")
        return v

    def objects(self, o: dict, key: str):
        """``(prefix, element)`` of an array of objects, the prefix naming the element in errors (``catalog[2].``)."""
        for i, v in enumerate(self.array(o, key)):
            if not isinstance(v, dict):
                raise self.error(f"{key}[{i}]", f"must be a JSON object, found {self.describe(v)}")
            yield f"{key}[{i}].", v


def parse_manifest(data: bytes, source: str = MANIFEST_FILE) -> Manifest:
    """Parses and validates a manifest; ``source`` (e.g. ``registry/v3/manifest.json``) prefixes every error.

    Raises :class:`UnsupportedFormatError` for a ``format_version`` other than 1 and
    :class:`ArtifactFormatError` for anything else.
    """
    try:
        root = json.loads(bytes(data).decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError) as e:
        raise ArtifactFormatError(f"{source}: not valid JSON: {str(e).splitlines()[0]}") from None
    f = _Fields(source)
    if not isinstance(root, dict):
        raise ArtifactFormatError(f"{source}: manifest must be a JSON object")
    format_version = f.integer(root, "format_version")
    if format_version not in SUPPORTED_FORMAT_VERSIONS:
        raise UnsupportedFormatError(
            f"{source}: manifest format_version {format_version} is not supported by this reader "
            f"(supports {sorted(SUPPORTED_FORMAT_VERSIONS)}); upgrade metarouter_reader")
    artifact_version = f.integer(root, "artifact_version")
    if artifact_version <= 0:
        raise ArtifactFormatError(f"{source}: artifact_version must be positive, got {artifact_version}")
    created_at = f.text(root, "created_at")
    if not _INSTANT.fullmatch(created_at):
        raise f.error("created_at", f"must be an ISO-8601 UTC instant like 2024-05-01T12:00:00Z, found '{created_at}'")
    feature_spec = f.obj(root, "feature_spec")

    catalog = []
    for at, o in f.objects(root, "catalog"):
        model_id = f.text(o, "id", at)
        if not model_id.strip():
            raise ArtifactFormatError(f"{source}: catalog model id is empty")
        entry = ModelEntry(model_id, f.nullable_number(o, "input_price", at), f.nullable_number(o, "output_price", at),
                           f.number(o, "mean_cost_usd", at))
        for what, price in (("input_price", entry.input_price), ("output_price", entry.output_price)):
            if price is not None and (not math.isfinite(price) or price < 0):
                raise ArtifactFormatError(f"{source}: model '{model_id}': {what} must be null or finite and >= 0, got {price}")
        if not math.isfinite(entry.mean_cost_usd) or entry.mean_cost_usd < 0:
            raise ArtifactFormatError(
                f"{source}: model '{model_id}': mean_cost_usd must be finite and >= 0, got {entry.mean_cost_usd}")
        catalog.append(entry)

    td = f.obj(root, "training_data")
    training_data = {}
    for key in ("from", "to"):
        s = f.text(td, key, "training_data.")
        try:
            if not _DATE.fullmatch(s):
                raise ValueError(s)
            training_data[key] = _dt.date.fromisoformat(s)
        except ValueError:
            raise f.error("training_data." + key, f"must be a date like 2024-05-01, found '{s}'") from None
    for key in ("users", "events"):
        training_data[key] = f.integer(td, key, "training_data.", bits=63)
        if training_data[key] < 0:
            raise ArtifactFormatError(f"{source}: training_data users and events must be >= 0")
    if training_data["to"] < training_data["from"]:
        raise ArtifactFormatError(f"{source}: training_data.to {training_data['to']} is before from {training_data['from']}")

    training_config = f.obj(root, "training_config")
    metrics = f.obj(root, "metrics")

    files = []
    for at, o in f.objects(root, "files"):
        path = f.text(o, "path", at)
        sha = f.text(o, "sha256", at)
        size = f.integer(o, "bytes", at, bits=63)
        if not _FILE_NAME.fullmatch(path):
            raise ArtifactFormatError(f"{source}: not a valid artifact file name: '{path}'")
        if path == MANIFEST_FILE:
            raise ArtifactFormatError(f"{source}: the manifest does not list itself")
        if not _SHA256.fullmatch(sha):
            raise ArtifactFormatError(f"{source}: file '{path}': sha256 must be 64 lowercase hex digits, got '{sha}'")
        if size < 0:
            raise ArtifactFormatError(f"{source}: file '{path}': bytes must be >= 0, got {size}")
        files.append(FileEntry(path, sha, size))

    for what, values in (("catalog model id", [m.id for m in catalog]), ("file path", [x.path for x in files])):
        seen = set()
        for v in values:
            if v in seen:
                raise ArtifactFormatError(f"{source}: duplicate {what} '{v}'")
            seen.add(v)
    return Manifest(format_version, artifact_version, created_at, feature_spec, catalog, training_data,
                    training_config, metrics, files)
