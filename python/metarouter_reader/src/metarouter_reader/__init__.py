"""metarouter_reader: load a MetaRouter artifact version and route like the Java router, without a JVM.

    from metarouter_reader import load_router, Softmax
    router = load_router("/srv/metarouter/registry")          # the version LATEST names
    state = router.adapt([{"query": "...", "a": {"model": "m1", "quality": 0.9, "cost_usd": 0.01},
                           "b": {"model": "m2", "quality": 0.7, "cost_usd": 0.001}, "preferred": "b"}])
    result = router.route("Prove that sqrt(2) is irrational", ["m1", "m2"], state)
    result.choice, result.scores_by_model()

The format is data-schemas/artifact-format.md; python/metarouter_reader/README.md has the details.
"""

from .bundle import TensorBundle, decode as decode_bundle
from .errors import (ArtifactError, ArtifactFormatError, ChecksumMismatchError, LatestMissingError,
                     NoSuchVersionError, UnsupportedFormatError)
from .exploration import (Decision, EpsilonGreedy, Exploration, Greedy, Softmax, decision_seed,
                          splittable_random_double, stable_hash64)
from .featurize import FeatureSpec, HashedNgramFeaturizer, QueryFeatures
from .manifest import Manifest, parse_manifest
from .registry import LoadedArtifact, latest_version, list_versions, load_version, load_version_dir
from .router import (Elicitation, Outcome, Pairwise, Reward, RouteResult, Router, UserState, feedback_from_json)

__version__ = "0.1.0"


def load_router(path, version=None) -> Router:
    """The router of a verified artifact version.

    ``path`` is a registry directory (``version``: None or ``"latest"`` for the version LATEST names,
    or a number such as ``3`` or ``"v3"``) or, with ``version`` None, a version directory ``v<N>``.
    Raises :class:`ArtifactError` subclasses when the version is missing, damaged or of an
    unsupported format.
    """
    return Router(load_version(path, version))


__all__ = [
    "ArtifactError", "ArtifactFormatError", "ChecksumMismatchError", "Decision", "Elicitation", "EpsilonGreedy", "Exploration",
    "FeatureSpec", "Greedy", "HashedNgramFeaturizer", "LatestMissingError", "LoadedArtifact", "Manifest",
    "NoSuchVersionError", "Outcome", "Pairwise", "QueryFeatures", "Reward", "RouteResult", "Router", "Softmax",
    "TensorBundle", "UnsupportedFormatError", "UserState", "decision_seed", "decode_bundle", "feedback_from_json",
    "latest_version", "list_versions", "load_router", "load_version", "load_version_dir", "parse_manifest",
    "splittable_random_double", "stable_hash64",
]
