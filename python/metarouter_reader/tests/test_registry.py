"""Registry resolution (LATEST, numbers, version directories) and refusal of damaged or unknown
versions: a reader never routes with a version that failed a check."""

import hashlib
import json
import os

import numpy as np
import pytest

from conftest import GOLDEN_REGISTRY
from metarouter_reader import (ArtifactFormatError, ChecksumMismatchError, LatestMissingError, NoSuchVersionError,
                               Router, TensorBundle, UnsupportedFormatError, decode_bundle, latest_version,
                               list_versions, load_router, load_version)
from metarouter_reader.bundle import encode


def rewrite_weights(version_dir, bundle: TensorBundle):
    """Replaces weights.mrt by ``bundle`` and updates its manifest entry."""
    vouch_for_weights(version_dir, encode(bundle))


def vouch_for_weights(version_dir, data: bytes):
    """Replaces weights.mrt by ``data`` and updates its manifest entry: a version that passes every checksum."""
    with open(os.path.join(version_dir, "weights.mrt"), "wb") as f:
        f.write(data)
    path = os.path.join(version_dir, "manifest.json")
    with open(path, "r", encoding="utf-8") as f:
        manifest = json.load(f)
    for entry in manifest["files"]:
        if entry["path"] == "weights.mrt":
            entry["sha256"] = hashlib.sha256(data).hexdigest()
            entry["bytes"] = len(data)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)


def edit_manifest(version_dir, edit):
    path = os.path.join(version_dir, "manifest.json")
    with open(path, "r", encoding="utf-8") as f:
        manifest = json.load(f)
    edit(manifest)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)


def weights_of(version_dir):
    with open(os.path.join(version_dir, "weights.mrt"), "rb") as f:
        return decode_bundle(f.read())


def test_versions_and_latest():
    assert list_versions(GOLDEN_REGISTRY) == [1, 2]
    assert latest_version(GOLDEN_REGISTRY) == 2
    assert load_version(GOLDEN_REGISTRY).version == 2
    assert load_version(GOLDEN_REGISTRY, "latest").version == 2
    assert load_version(GOLDEN_REGISTRY, 1).version == 1
    assert load_version(GOLDEN_REGISTRY, "v1").version == 1
    assert load_version(os.path.join(GOLDEN_REGISTRY, "v1")).version == 1


def test_latest_written_by_hand_and_bookkeeping_are_tolerated(registry_copy):
    (registry_copy / "LATEST").write_text("  v1 \n")
    (registry_copy / "_staging" / "abc").mkdir(parents=True)
    (registry_copy / "v3").mkdir()  # no manifest: not a version
    assert latest_version(registry_copy) == 1
    assert list_versions(registry_copy) == [1, 2]
    assert load_router(registry_copy).version == 1


def test_missing_latest_and_missing_versions(registry_copy):
    with pytest.raises(NoSuchVersionError, match="has no version 3"):
        load_version(registry_copy, 3)
    with pytest.raises(ValueError, match="'latest' or a positive number"):
        load_version(registry_copy, "v01")
    (registry_copy / "LATEST").write_text("7\n")
    with pytest.raises(NoSuchVersionError, match="points at version 7, which does not exist"):
        load_version(registry_copy)
    (registry_copy / "LATEST").write_text("seven\n")
    with pytest.raises(ArtifactFormatError, match="expected a version number"):
        load_version(registry_copy)
    (registry_copy / "LATEST").unlink()
    with pytest.raises(LatestMissingError, match="no version has been promoted"):
        load_router(registry_copy)


def test_a_corrupted_weights_file_is_refused(registry_copy):
    path = registry_copy / "v1" / "weights.mrt"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(ChecksumMismatchError, match="weights.mrt: checksum mismatch") as e:
        load_router(registry_copy, 1)
    assert e.value.path.endswith("weights.mrt")
    assert load_router(registry_copy, 2).version == 2  # the other version is unaffected


def test_a_truncated_or_missing_file_is_refused(registry_copy):
    path = registry_copy / "v2" / "weights.mrt"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ChecksumMismatchError, match="size mismatch"):
        load_router(registry_copy)
    path.unlink()
    with pytest.raises(ArtifactFormatError, match="listed in the manifest but missing"):
        load_router(registry_copy)


def test_a_corruption_the_manifest_vouches_for_is_still_refused_by_the_crc(registry_copy):
    v1 = registry_copy / "v1"
    data = bytearray((v1 / "weights.mrt").read_bytes())
    data[100] ^= 0x01
    vouch_for_weights(v1, bytes(data))
    with pytest.raises(ArtifactFormatError, match="CRC-32 mismatch"):
        load_router(registry_copy, 1)


def test_unknown_format_versions_are_refused(registry_copy):
    v1, v2 = registry_copy / "v1", registry_copy / "v2"
    edit_manifest(v1, lambda m: m.update(format_version=2))
    with pytest.raises(UnsupportedFormatError, match="manifest format_version 2 is not supported"):
        load_router(registry_copy, 1)
    # A bundle of format version 2 whose checksums the manifest vouches for.
    data = bytearray((v2 / "weights.mrt").read_bytes())
    data[8:12] = (2).to_bytes(4, "little")
    vouch_for_weights(v2, bytes(data))
    with pytest.raises(UnsupportedFormatError, match="tensor bundle format version 2 is not supported"):
        load_router(registry_copy, 2)


def test_an_unknown_model_format_is_refused(registry_copy):
    v1 = registry_copy / "v1"
    b = weights_of(v1)
    rewrite_weights(v1, TensorBundle(b.tensors, {**b.metadata, "metarouter.model_format": "2"}))
    with pytest.raises(ArtifactFormatError, match="model format 2 is not supported"):
        load_router(registry_copy, 1)


def test_a_version_in_the_wrong_directory_is_refused(registry_copy):
    edit_manifest(registry_copy / "v1", lambda m: m.update(artifact_version=5))
    with pytest.raises(ArtifactFormatError, match="says artifact_version 5 but is in the directory of version 1"):
        load_router(registry_copy, 1)


def test_manifest_and_weights_must_agree(registry_copy):
    v1 = registry_copy / "v1"
    edit_manifest(v1, lambda m: m["catalog"].reverse())
    with pytest.raises(ArtifactFormatError, match="differs from the weights' arms"):
        load_router(registry_copy, 1)
    v2 = registry_copy / "v2"
    edit_manifest(v2, lambda m: m["feature_spec"].update(dim=512))
    with pytest.raises(ArtifactFormatError, match="manifest feature spec .* differs from the weights'"):
        load_router(registry_copy, 2)


@pytest.mark.parametrize("tensor", ["meta.A", "outcome.armEmbeddings", "meta.logPairSharpness"])
def test_a_missing_or_misshapen_block_is_refused(registry_copy, tensor):
    v1 = registry_copy / "v1"
    b = weights_of(v1)
    tensors = dict(b.tensors)
    tensors[tensor] = np.ones((1, 1))
    rewrite_weights(v1, TensorBundle(tensors, b.metadata))
    with pytest.raises(ArtifactFormatError, match=f"not a valid MetaRouter model: parameter block {tensor} has shape"):
        Router.load(registry_copy, 1)
    del tensors[tensor]
    rewrite_weights(v1, TensorBundle(tensors, b.metadata))
    with pytest.raises(ArtifactFormatError, match=f"{tensor} is missing"):
        Router.load(registry_copy, 1)


def test_a_version_directory_copied_under_another_name(tmp_path, registry_copy):
    copy = tmp_path / "served-model"
    (registry_copy / "v2").rename(copy)
    with pytest.raises(ValueError, match="pass expected_version"):
        load_router(copy)
    from metarouter_reader import load_version_dir
    assert Router(load_version_dir(copy, expected_version=2)).version == 2
