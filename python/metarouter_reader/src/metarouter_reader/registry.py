"""Registry layout and version loading, data-schemas/artifact-format.md section 1.

Mirrors ``ai.metarouter.core.artifact.ArtifactRegistry`` (resolve, load) and ``VersionReader``
for local directories (a serving tier syncs a registry or one version directory from HDFS/S3 to
local disk first): a version is loaded only after its manifest, the size and SHA-256 of every
listed file and the weights bundle have all been checked.
"""

import hashlib
import os
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Union

from .bundle import TensorBundle, decode
from .errors import (ArtifactFormatError, ChecksumMismatchError, LatestMissingError,
                     NoSuchVersionError)
from .manifest import MANIFEST_FILE, WEIGHTS_FILE, Manifest, parse_manifest

LATEST_FILE = "LATEST"
LATEST_REF = "latest"
_VERSION_DIR = re.compile(r"v([1-9][0-9]{0,9})")
_LATEST_CONTENT = re.compile(r"v?([1-9][0-9]{0,9})")
_INT_MAX = 2**31 - 1


@dataclass(frozen=True)
class LoadedArtifact:
    """A verified version: its number, directory, manifest, decoded weights and the bytes of every listed file."""

    version: int
    directory: str
    manifest: Manifest
    weights: TensorBundle
    files: Dict[str, bytes]


def parse_version_dir(name: str) -> Optional[int]:
    """N if ``name`` is a version directory name ``v<N>`` (no leading zeros, N <= 2^31-1), else None."""
    m = _VERSION_DIR.fullmatch(name)
    if not m or int(m.group(1)) > _INT_MAX:
        return None
    return int(m.group(1))


def parse_latest(content: bytes, source: str = LATEST_FILE) -> int:
    """The version a LATEST file names: surrounding whitespace stripped, an optional leading ``v`` accepted."""
    text = content.decode("utf-8", errors="replace").strip()
    m = _LATEST_CONTENT.fullmatch(text)
    if not m or int(m.group(1)) > _INT_MAX:
        shown = text[:40] + "..." if len(text) > 40 else text
        raise ArtifactFormatError(f"{source}: expected a version number like '3', found '{shown}'")
    return int(m.group(1))


def list_versions(registry: Union[str, os.PathLike]) -> List[int]:
    """Committed versions, ascending: ``v<N>`` directories holding a manifest (``_`` names are bookkeeping)."""
    root = os.fspath(registry)
    out = []
    for name in os.listdir(root):
        n = parse_version_dir(name)
        if n is not None and os.path.isfile(os.path.join(root, name, MANIFEST_FILE)):
            out.append(n)
    return sorted(out)


def latest_version(registry: Union[str, os.PathLike]) -> int:
    """The version LATEST points at; :class:`LatestMissingError` when nothing was promoted."""
    root = os.fspath(registry)
    path = os.path.join(root, LATEST_FILE)
    try:
        with open(path, "rb") as f:
            content = f.read()
    except FileNotFoundError:
        raise LatestMissingError(f"registry {root} has no {LATEST_FILE} pointer: no version has been promoted yet "
                                 f"(versions: {list_versions(root) or 'none'})") from None
    return parse_latest(content, path)


def resolve(registry: Union[str, os.PathLike], ref: Union[int, str, None] = None) -> int:
    """A version reference: None or ``"latest"`` (what LATEST points at), or a number (``3``, ``"3"``, ``"v3"``), checked to exist."""
    root = os.fspath(registry)
    if ref is None or (isinstance(ref, str) and ref.strip().lower() == LATEST_REF):
        n = latest_version(root)
        if not os.path.isfile(os.path.join(root, f"v{n}", MANIFEST_FILE)):
            raise NoSuchVersionError(f"registry {root}: {LATEST_FILE} points at version {n}, which does not exist "
                                     f"(versions: {list_versions(root) or 'none'})")
        return n
    if isinstance(ref, bool):
        raise ValueError(f"a version is 'latest' or a positive number, got {ref!r}")
    text = str(ref).strip()
    n = parse_version_dir(text if text.startswith("v") else "v" + text)
    if n is None:
        raise ValueError(f"a version is 'latest' or a positive number, got {ref!r}")
    if not os.path.isfile(os.path.join(root, f"v{n}", MANIFEST_FILE)):
        raise NoSuchVersionError(f"registry {root} has no version {n} (versions: {list_versions(root) or 'none'})")
    return n


def _read_manifest(directory: str, expected_version: int) -> Manifest:
    path = os.path.join(directory, MANIFEST_FILE)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ArtifactFormatError(f"{directory} has no {MANIFEST_FILE} (an incomplete copy, or not a version directory)") from None
    manifest = parse_manifest(data, path)
    if manifest.artifact_version != expected_version:
        raise ArtifactFormatError(f"{path} says artifact_version {manifest.artifact_version} "
                                  f"but is in the directory of version {expected_version}")
    if manifest.file(WEIGHTS_FILE) is None:
        raise ArtifactFormatError(f"{path} does not list {WEIGHTS_FILE}")
    return manifest


def load_version_dir(directory: Union[str, os.PathLike], expected_version: Optional[int] = None) -> LoadedArtifact:
    """Loads and verifies one version directory.

    ``expected_version`` is the N the manifest must state; by default the N of the directory's name
    ``v<N>`` (pass it when a copy lives under another name).
    """
    directory = os.fspath(directory)
    if expected_version is None:
        expected_version = parse_version_dir(os.path.basename(os.path.normpath(directory)))
        if expected_version is None:
            raise ValueError(f"{directory} is not named v<N>: pass expected_version (the artifact_version it must hold)")
    manifest = _read_manifest(directory, expected_version)
    files: Dict[str, bytes] = {}
    for entry in manifest.files:
        path = os.path.join(directory, entry.path)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise ArtifactFormatError(f"{path} is listed in the manifest but missing") from None
        if len(data) != entry.bytes:
            raise ChecksumMismatchError(path, f"{path}: size mismatch: manifest says {entry.bytes} bytes, file has "
                                              f"{len(data)} (damaged or replaced after publishing)")
        actual = hashlib.sha256(data).hexdigest()
        if actual != entry.sha256:
            raise ChecksumMismatchError(path, f"{path}: checksum mismatch: manifest says sha256 {entry.sha256}, file has "
                                              f"{actual} (damaged or replaced after publishing)")
        files[entry.path] = data
    weights = decode(files[WEIGHTS_FILE], os.path.join(directory, WEIGHTS_FILE))
    return LoadedArtifact(expected_version, directory, manifest, weights, files)


def load_version(path: Union[str, os.PathLike], version: Union[int, str, None] = None) -> LoadedArtifact:
    """Loads and verifies a version: ``path`` is a registry directory (``version`` None/``"latest"`` for
    what LATEST names, or a number) or, with ``version`` None, a version directory ``v<N>`` itself."""
    path = os.fspath(path)
    if version is None and os.path.isfile(os.path.join(path, MANIFEST_FILE)):
        return load_version_dir(path)
    n = resolve(path, version)
    return load_version_dir(os.path.join(path, f"v{n}"), n)
