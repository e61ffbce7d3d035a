"""The tensor bundle and manifest codecs: the format's own golden version directory (core's
GoldenArtifactTest values) loads exactly, and every damage the format names is refused with a
message saying which."""

import os
import struct
import zlib

import pytest

from conftest import FORMAT_GOLDEN_V1, GOLDEN_REGISTRY
from metarouter_reader import (ArtifactFormatError, TensorBundle, UnsupportedFormatError, decode_bundle,
                               parse_manifest)
from metarouter_reader.bundle import encode


def read(path):
    with open(path, "rb") as f:
        return f.read()


def bits(x):
    return struct.pack("<d", float(x))


def test_format_golden_weights_decode_to_exactly_these_values():
    b = decode_bundle(read(os.path.join(FORMAT_GOLDEN_V1, "weights.mrt")), "golden/weights.mrt")
    assert b.names() == ["encoder.w", "encoder.b", "policy.temperature", "arm.embedding", "empty"]
    w = b.require("encoder.w", 2, 3)
    for got, want in zip(w.ravel(), [0.5, -1.25, 3.0, 1e-3, -0.0, 123456.789]):
        assert bits(got) == bits(want)
    assert [bits(v) for v in b.require("encoder.b", 3)] == [bits(0.1), bits(0.2), bits(0.3)]
    t = b.tensors["policy.temperature"]
    assert t.shape == () and bits(t) == bits(0.75)
    arm = b.require("arm.embedding", 2, 1, 2).ravel()
    assert [bits(v) for v in arm] == [bits(5e-324), bits(-1.7976931348623157e308), bits(3.141592653589793),
                                      bits(-2.718281828459045)]
    assert b.require("empty", 0).size == 0
    assert b.metadata == {"model": "golden", "note": "artifact format v1 golden file \u2713"}


def test_format_golden_manifest_parses_to_exactly_these_values():
    m = parse_manifest(read(os.path.join(FORMAT_GOLDEN_V1, "manifest.json")), "golden/manifest.json")
    assert (m.format_version, m.artifact_version, m.created_at) == (1, 1, "2024-05-08T03:00:00Z")
    assert m.feature_spec["featurizer"] == "hashed-ngrams"
    assert [e.id for e in m.catalog] == ["gpt-4-1106-preview", "mistral-7b-chat", "in-house"]
    assert (m.catalog[0].input_price, m.catalog[0].output_price, m.catalog[0].mean_cost_usd) == (10.0, 30.0, 0.0123)
    assert m.catalog[2].input_price is None
    assert str(m.training_data["from"]) == "2024-05-01" and m.training_data["events"] == 42
    assert m.training_config["optimizer"] == "adam" and m.metrics["loss"] == 0.25
    assert [f.path for f in m.files] == ["training-log.json", "weights.mrt"]


@pytest.mark.parametrize("path", [os.path.join(FORMAT_GOLDEN_V1, "weights.mrt"),
                                  os.path.join(GOLDEN_REGISTRY, "v1", "weights.mrt"),
                                  os.path.join(GOLDEN_REGISTRY, "v2", "weights.mrt")])
def test_encoding_is_byte_identical_to_the_java_writer(path):
    data = read(path)
    assert encode(decode_bundle(data)) == data


def recrc(body: bytes) -> bytes:
    """``body`` (everything before the CRC) with a correct CRC-32 appended."""
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)


def raw_bundle(tensors, metadata=()):
    """Bundle bytes written by hand, so that invalid ones (duplicates, bad UTF-8) can be made."""
    out = bytearray(b"\x89MRT\r\n\x1a\n") + struct.pack("<II", 1, len(tensors))
    for name, shape, values in tensors:
        out += struct.pack("<I", len(name)) + name + struct.pack("<I", len(shape)) + struct.pack(f"<{len(shape)}I", *shape)
        out += struct.pack(f"<{len(values)}d", *values)
    out += struct.pack("<I", len(metadata))
    for k, v in metadata:
        out += struct.pack("<I", len(k)) + k + struct.pack("<I", len(v)) + v
    return recrc(bytes(out))


GOOD = raw_bundle([(b"w", (2,), (1.0, 2.0))], [(b"k", b"v")])


def test_the_hand_written_bundle_is_valid():
    b = decode_bundle(GOOD)
    assert list(b.tensors["w"]) == [1.0, 2.0] and b.metadata == {"k": "v"}


@pytest.mark.parametrize("data, error, message", [
    (GOOD[:3], ArtifactFormatError, "truncated or corrupt: the magic bytes"),
    (b"PK\x03\x04" + GOOD[4:], ArtifactFormatError, "not a MetaRouter tensor bundle"),
    (GOOD.replace(b"\r\n", b"\n", 1), ArtifactFormatError, "not a MetaRouter tensor bundle"),
    (recrc(GOOD[:8] + struct.pack("<I", 2) + GOOD[12:-4]), UnsupportedFormatError, "format version 2 is not supported"),
    (GOOD[:-9], ArtifactFormatError, "truncated"),
    (GOOD + b"\x00", ArtifactFormatError, "unexpected bytes after the CRC-32 trailer"),
    (GOOD[:20] + bytes([GOOD[20] ^ 0x40]) + GOOD[21:], ArtifactFormatError, "CRC-32 mismatch"),
    (raw_bundle([(b"w", (1,), (float("nan"),))]), ArtifactFormatError, "non-finite value"),
    (raw_bundle([(b"w", (1,), (1.0,)), (b"w", (1,), (2.0,))]), ArtifactFormatError, "appears twice"),
    (raw_bundle([(b"\xff\xfe", (1,), (1.0,))]), ArtifactFormatError, "not valid UTF-8"),
    (raw_bundle([(b"w", (1,) * 17, (1.0,))]), ArtifactFormatError, "rank 17"),
    (raw_bundle([], [(b"k", b"1"), (b"k", b"2")]), ArtifactFormatError, "metadata key 'k' appears twice"),
    (recrc(GOOD[:12] + struct.pack("<I", 0x7FFFFFFF) + GOOD[16:-4]), ArtifactFormatError, "tensor count"),
])
def test_damaged_bundles_are_refused_saying_why(data, error, message):
    with pytest.raises(error, match=message) as e:
        decode_bundle(data, "v9/weights.mrt")
    assert str(e.value).startswith("v9/weights.mrt: ")


def test_require_names_the_tensor():
    with pytest.raises(ArtifactFormatError, match=r"w has shape \[2\], expected \[3\]"):
        TensorBundle({"w": decode_bundle(GOOD).tensors["w"]}).require("w", 3)


MANIFEST = read(os.path.join(FORMAT_GOLDEN_V1, "manifest.json")).decode()


@pytest.mark.parametrize("text, error, message", [
    (MANIFEST.replace('"format_version" : 1', '"format_version" : 2'), UnsupportedFormatError,
     "manifest format_version 2 is not supported"),
    (MANIFEST.replace('"format_version" : 1', '"format_version" : 1.0'), ArtifactFormatError,
     "key 'format_version' must be an integer"),
    (MANIFEST.replace('"artifact_version" : 1,', '"artifact_version" : 1, "artifact_version" : 2,'), ArtifactFormatError,
     "duplicate key"),
    (MANIFEST + "{}", ArtifactFormatError, "not valid JSON"),
    (MANIFEST.replace('"mean_cost_usd" : 0.002', '"mean_cost_usd" : "cheap"'), ArtifactFormatError,
     r"key 'catalog\[2\].mean_cost_usd' must be a number"),
    (MANIFEST.replace('"bytes" : 72', '"bytes" : -1'), ArtifactFormatError, "bytes must be >= 0"),
    (MANIFEST.replace('"path" : "training-log.json"', '"path" : "../etc/passwd"'), ArtifactFormatError,
     "not a valid artifact file name"),
    (MANIFEST.replace('"created_at" : "2024-05-08T03:00:00Z"', '"created_at" : "yesterday"'), ArtifactFormatError,
     "created_at"),
])
def test_damaged_manifests_are_refused_saying_why(text, error, message):
    with pytest.raises(error, match=message):
        parse_manifest(text.encode(), "v1/manifest.json")
