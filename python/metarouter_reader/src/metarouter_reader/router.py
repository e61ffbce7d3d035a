"""The MetaRouter model of an artifact version, computing what the Java router computes at serving
time (data-schemas/artifact-format.md sections 5 and 6). Each piece names the Java it mirrors:

* loading: ``ai.metarouter.core.model.RouterArtifacts.fromParts`` (+ ``MetaDimensions.fromBlocks``,
  ``OutcomePredictor.fromBlocks``, ``MetaParameters.fromBlocks``, ``ModelConfig/UtilityBasis/FeatureSpec.fromMap``);
* outcome prediction: ``OutcomePredictor.predict``; cost normalisation: ``data.CostScale.scale``;
  utility basis: ``UtilityBasis.value/utility``; scores: ``MetaRouterModel.scores``;
* feedback contexts: ``FeedbackContexts.of``; encoder: ``PreferenceEncoder.encode``;
  inner loop: ``learn.InnerLoop.adapt/gradient/stepScale``; adaptation: ``MetaRouterModel.adapt``;
* policy temperature: ``MetaRouterModel.policyTemperature``; exploration: ``bandit.*`` (``exploration.py``);
* Laplace posterior: ``MetaRouterModel.posterior``, ``PreferencePosterior``; which comparison to ask next:
  ``elicit.ComparisonPlanner`` (``candidate``, ``expectedInformation``, ``mostInformative``), ``serve.RouterService.elicit``;
* request checks and the feedback bound: ``serve.RouterService.route``, ``serve.state.UserStates.addFeedback``.
"""

import json
import math
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from ._fdlibm import log1p as _java_log1p
from .bundle import TensorBundle
from .errors import ArtifactFormatError
from .exploration import Decision, Exploration, Greedy, Softmax, decision_seed
from .featurize import FeatureSpec, HashedNgramFeaturizer, QueryFeatures
from .registry import LoadedArtifact, load_version

MODEL_KEY = "metarouter.model"
MODEL_FORMAT_KEY = "metarouter.model_format"
#: The model mapping (``RouterArtifacts.MODEL_FORMAT``) this reader implements.
MODEL_FORMAT = 1
#: Costs below this (including 0) count as this many USD (``CostScale.FLOOR_USD``).
COST_FLOOR_USD = 1e-7
#: serve's default bound on the feedback kept per user (``metarouter.serve.feedback-per-user``).
SERVE_FEEDBACK_PER_USER = 64

BLOCK_PROJECTION = "outcome.queryProjection"
BLOCK_EMBEDDINGS = "outcome.armEmbeddings"
BLOCK_COST = "outcome.armCostCoefficients"
META_BLOCKS = ("W1", "b1", "W1r", "b1r", "W2", "b2", "theta0", "A", "logAlpha", "logRho", "logRewardScale",
               "logPairSharpness")


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _typed(m: Mapping[str, Any], key: str, ok, what: str, where: str):
    """``m[key]`` if ``ok`` accepts it, else a one-line error naming the key."""
    v = m.get(key)
    if not ok(v):
        raise ArtifactFormatError(f"{where}: '{key}' must be {what}, got {v}")
    return v


def _recent(feedback, max_feedback: Optional[int]) -> list:
    """The most recent ``max_feedback`` items (all of them for None), oldest first, as serving keeps them."""
    feedback = list(feedback)
    if max_feedback is not None and len(feedback) > max_feedback:
        feedback = feedback[len(feedback) - max_feedback:]
    return feedback


def sigmoid(x: float) -> float:
    """Numerically safe logistic function (``OutcomePredictor.sigmoid``)."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


#: Newton's method of the MAP inner solver stops when every gradient coordinate is at most this (``InnerLoop.NEWTON_TOLERANCE``).
NEWTON_TOLERANCE = 1e-11


#: The probit approximation sigmoid(t) ~ Phi(t sqrt(pi/8)) (``ComparisonPlanner.PROBIT_SCALE``).
PROBIT_SCALE = math.sqrt(math.pi / 8.0)
#: sqrt(pi ln 2 / 2), the expected-entropy constant of BALD's probit form (``ComparisonPlanner.C``).
BALD_C = math.sqrt(math.pi * math.log(2.0) / 2.0)


def normal_cdf(x: float) -> float:
    """Standard normal CDF by the Abramowitz-Stegun 7.1.26 erf polynomial (``ComparisonPlanner.normalCdf``)."""
    z = abs(x) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * math.exp(-z * z)
    return 0.5 * (1.0 + erf) if x >= 0 else 0.5 * (1.0 - erf)


def binary_entropy_bits(p: float) -> float:
    """H(p) in bits, 0 outside (0, 1) (``ComparisonPlanner.binaryEntropyBits``)."""
    if p <= 0 or p >= 1:
        return 0.0
    return -(p * math.log(p) + (1 - p) * math.log1p(-p)) / math.log(2.0)


def comparison_information(mean: float, variance: float) -> float:
    """I(y; theta) in bits for y ~ Bernoulli(sigmoid(f)), f ~ N(mean, variance), both BALD terms by the
    probit approximation (``ComparisonPlanner.information``)."""
    mu = mean * PROBIT_SCALE
    s2 = variance * PROBIT_SCALE * PROBIT_SCALE
    predictive = normal_cdf(mu / math.sqrt(1.0 + s2))
    expected_entropy = BALD_C / math.sqrt(s2 + BALD_C * BALD_C) * math.exp(-mu * mu / (2.0 * (s2 + BALD_C * BALD_C)))
    return max(0.0, binary_entropy_bits(predictive) - expected_entropy)


def _cholesky_solve(m: List[float], b: List[float], d: int) -> None:
    """Solves ``m x = b`` in place of b for a symmetric positive definite m, destroying m (``InnerLoop.choleskySolve``)."""
    for j in range(d):
        s = m[j * d + j]
        for k in range(j):
            s -= m[j * d + k] * m[j * d + k]
        if not s > 0:
            raise ValueError(f"inner-loop Hessian is not positive definite (pivot {s})")
        l = math.sqrt(s)
        m[j * d + j] = l
        for i in range(j + 1, d):
            t = m[i * d + j]
            for k in range(j):
                t -= m[i * d + k] * m[j * d + k]
            m[i * d + j] = t / l
    for i in range(d):
        t = b[i]
        for k in range(i):
            t -= m[i * d + k] * b[k]
        b[i] = t / m[i * d + i]
    for i in range(d - 1, -1, -1):
        t = b[i]
        for k in range(i + 1, d):
            t -= m[k * d + i] * b[k]
        b[i] = t / m[i * d + i]


def _softplus(x: float) -> float:
    """``log(1 + e^x)`` without overflow (``InnerLoop.softplus``)."""
    return x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))


# ----------------------------------------------------------------------------- settings

@dataclass(frozen=True)
class ModelConfig:
    """``ModelConfig``: inner steps K, reward weight w_r, policy tau, step normalisation, policy score normalisation."""

    inner_steps: int
    reward_weight: float
    tau: float
    normalize_inner_step: bool
    normalize_policy_scores: bool
    #: "gradient_steps" (K Meta-SGD steps) or "newton_map" (the exact MAP, ``inner_steps`` caps Newton's iterations);
    #: absent in the manifest = "gradient_steps" (``ModelConfig.InnerSolver``).
    inner_solver: str = "gradient_steps"

    @staticmethod
    def from_map(m: Mapping[str, Any]) -> "ModelConfig":
        def num(key):
            return _typed(m, key, _is_number, "a number", "model config")

        def flag(key):
            return _typed(m, key, lambda v: isinstance(v, bool), "a boolean", "model config")

        solver = m.get("inner_solver", "gradient_steps")
        if solver not in ("gradient_steps", "newton_map"):
            raise ArtifactFormatError(f"model config: unknown inner solver {solver!r} (gradient_steps | newton_map)")
        c = ModelConfig(int(num("inner_steps")), float(num("reward_weight")), float(num("tau")),
                        flag("normalize_inner_step"), flag("normalize_policy_scores"), solver)
        if not 0 <= c.inner_steps <= 100:
            raise ArtifactFormatError(f"model config: innerSteps must be in [0, 100], got {c.inner_steps}")
        if not (c.reward_weight >= 0) or math.isinf(c.reward_weight):
            raise ArtifactFormatError("model config: rewardWeight must be >= 0")
        if not (c.tau > 0) or math.isinf(c.tau):
            raise ArtifactFormatError("model config: tau must be > 0")
        return c


@dataclass(frozen=True)
class CostScale:
    """``cs(c) = (ln max(c, 1e-7) - ln_lo) / (ln_hi - ln_lo)`` (``data.CostScale``)."""

    ln_lo: float
    ln_hi: float

    def scale(self, cost_usd: float) -> float:
        return (math.log(max(cost_usd, COST_FLOOR_USD)) - self.ln_lo) / (self.ln_hi - self.ln_lo)


@dataclass(frozen=True)
class UtilityBasis:
    """``psi(q, cs) = [q, cs, relu(cs - k) for k in cost_knots, relu(k - q) for k in quality_knots]`` (``UtilityBasis``)."""

    cost_knots: Tuple[float, ...]
    quality_knots: Tuple[float, ...]

    @property
    def dimension(self) -> int:
        return 2 + len(self.cost_knots) + len(self.quality_knots)

    def value(self, q: float, cs: float) -> np.ndarray:
        psi = [q, cs]
        psi += [cs - k if cs > k else 0.0 for k in self.cost_knots]
        psi += [k - q if q < k else 0.0 for k in self.quality_knots]
        return np.array(psi, dtype=np.float64)

    def utility(self, theta: np.ndarray, q: float, cs: float) -> float:
        """``theta . psi(q, cs)`` summed in Java's order."""
        u = theta[0] * q + theta[1] * cs
        j = 2
        for k in self.cost_knots:
            if cs > k:
                u += theta[j] * (cs - k)
            j += 1
        for k in self.quality_knots:
            if q < k:
                u += theta[j] * (k - q)
            j += 1
        return float(u)


# ----------------------------------------------------------------------------- feedback and user state

@dataclass(frozen=True)
class Outcome:
    """What one model produced for one query as the user saw it: quality in [0, 1], cost in USD (>= 0)."""

    model: str
    quality: float
    cost_usd: float

    def __post_init__(self):
        if not isinstance(self.model, str) or not self.model.strip():
            raise ValueError("outcome needs a model id")
        if not 0 <= self.quality <= 1:
            raise ValueError(f"quality must be in [0, 1], got {self.quality}")
        if not (self.cost_usd >= 0) or math.isinf(self.cost_usd):
            raise ValueError(f"cost_usd must be finite and >= 0, got {self.cost_usd}")


@dataclass(frozen=True)
class Pairwise:
    """The user compared ``a`` and ``b`` for ``query`` and preferred ``a`` (or ``b``)."""

    query: str
    a: Outcome
    b: Outcome
    preferred_a: bool

    @property
    def winner(self) -> Outcome:
        return self.a if self.preferred_a else self.b

    @property
    def loser(self) -> Outcome:
        return self.b if self.preferred_a else self.a


@dataclass(frozen=True)
class Reward:
    """The user gave ``reward`` (their own utility scale) to one outcome."""

    query: str
    outcome: Outcome
    reward: float

    def __post_init__(self):
        if not math.isfinite(self.reward):
            raise ValueError("reward must be finite")


Feedback = Union[Pairwise, Reward]


def _outcome(d: Mapping[str, Any], where: str) -> Outcome:
    try:
        return Outcome(d["model"], float(d["quality"]), float(d["cost_usd"]))
    except KeyError as e:
        raise ValueError(f"{where}: missing '{e.args[0]}'") from None


def feedback_from_json(d: Mapping[str, Any]) -> Feedback:
    """A feedback item in the HTTP API's ``/v1/feedback`` form (without ``user_id``):
    ``{"query", "a": {"model", "quality", "cost_usd"}, "b": {...}, "preferred": "a"|"b"}`` or
    ``{"query", "model", "quality", "cost_usd", "reward"}``."""
    if isinstance(d, (Pairwise, Reward)):
        return d
    query = d.get("query", "")
    if "a" in d or "b" in d:
        preferred = d.get("preferred")
        if preferred not in ("a", "b"):
            raise ValueError(f"preferred must be \"a\" or \"b\", got {preferred!r}")
        return Pairwise(query, _outcome(d["a"], "a"), _outcome(d["b"], "b"), preferred == "a")
    if "reward" not in d:
        raise ValueError("feedback is neither a comparison (a, b, preferred) nor a reward (model, quality, cost_usd, reward)")
    return Reward(query, _outcome(d, "reward"), float(d["reward"]))


@dataclass(frozen=True)
class UserState:
    """A user's adapted utility weights theta' (length d) and how many feedback contexts produced them."""

    theta: np.ndarray
    contexts: int


@dataclass(frozen=True)
class FeedbackContexts:
    """Feedback in the utility basis (``FeedbackContexts``): comparison differences
    ``v = psi(winner) - psi(loser)`` (pairs x d), reward outcomes' ``psi`` (rewards x d) and reward values."""

    pair_diffs: np.ndarray
    reward_psi: np.ndarray
    reward_values: np.ndarray

    @property
    def size(self) -> int:
        return len(self.pair_diffs) + len(self.reward_values)


class Elicitation(NamedTuple):
    """The comparison to ask a user next (``RouterService.elicit``): query ``query_index`` (into the
    request's queries) answered by ``model_a`` and ``model_b`` (a before b in candidate order), and the
    expected information of the user's preference about their utility weights, in bits."""

    query_index: int
    model_a: str
    model_b: str
    information_bits: float


@dataclass(frozen=True)
class RouteResult:
    """A routing result: candidates in request order, their scores, the greedy choice (highest score,
    first on exact ties) and the exploration's decision (chosen model, propensity, distribution)."""

    candidates: List[str]
    scores: List[float]
    choice: str
    model: str
    propensity: float
    probabilities: List[float]

    def scores_by_model(self) -> Dict[str, float]:
        return dict(zip(self.candidates, self.scores))


# ----------------------------------------------------------------------------- the model

class Router:
    """A loaded MetaRouter version: featuriser, outcome predictor, cost scale, utility basis, encoder,
    inner loop and policy, as ``MetaRouterModel``. Immutable; safe to share between threads."""

    def __init__(self, artifact: LoadedArtifact):
        self.artifact = artifact
        self.version = artifact.version
        manifest = artifact.manifest
        weights = artifact.weights
        source = f"{artifact.directory}: "
        try:
            self._load(manifest, weights)
        except ArtifactFormatError as e:
            raise ArtifactFormatError(source + str(e)) from None
        except (ValueError, KeyError, TypeError) as e:
            raise ArtifactFormatError(f"{source}not a valid MetaRouter model: {e}") from None

    # -- loading (RouterArtifacts.fromParts)

    def _load(self, manifest, weights: TensorBundle) -> None:
        fmt = weights.metadata.get(MODEL_FORMAT_KEY)
        if fmt is None:
            raise ArtifactFormatError(f"weights have no '{MODEL_FORMAT_KEY}' metadata: not a MetaRouter model")
        if fmt != str(MODEL_FORMAT):
            raise ArtifactFormatError(f"model format {fmt} is not supported (this reader reads {MODEL_FORMAT})")
        if MODEL_KEY not in weights.metadata:
            raise ArtifactFormatError(f"weights have no '{MODEL_KEY}' metadata")
        try:
            desc = json.loads(weights.metadata[MODEL_KEY])
        except ValueError as e:
            raise ArtifactFormatError(f"'{MODEL_KEY}' metadata is not a JSON object: {e}") from None
        if not isinstance(desc, dict):
            raise ArtifactFormatError(f"'{MODEL_KEY}' metadata is not a JSON object")

        def section(key):
            return _typed(desc, key, lambda v: isinstance(v, dict), "an object", "model description")

        def listing(key):
            return _typed(desc, key, lambda v: isinstance(v, list), "a list", "model description")

        spec = FeatureSpec.from_map(manifest.feature_spec)
        described = FeatureSpec.from_map(section("feature_spec"))
        if spec != described:
            raise ArtifactFormatError(f"manifest feature spec {spec} differs from the weights' {described}")
        arms = listing("arms")
        if any(a is None for a in arms):
            raise ArtifactFormatError("model description: arms has a null entry")
        arms = [str(a) for a in arms]
        queries = listing("arm_queries")
        for q in queries:
            if not _is_number(q):
                raise ArtifactFormatError(f"model description: 'arm_queries' has a non-number {q}")
        catalog_ids = [m.id for m in manifest.catalog]
        if arms != catalog_ids:
            raise ArtifactFormatError(f"manifest catalog {catalog_ids} differs from the weights' arms {arms}")
        if len(queries) != len(arms):
            raise ArtifactFormatError(f"arm_queries has {len(queries)} entries for {len(arms)} arms")
        for a, q in zip(arms, queries):
            if int(q) < 0:
                raise ValueError(f"model {a}: queries must be >= 0")
        cs = section("cost_scale")
        cost_scale = CostScale(*(float(_typed(cs, k, _is_number, "a number", "model description")) for k in ("ln_lo", "ln_hi")))
        if not (math.isfinite(cost_scale.ln_lo) and math.isfinite(cost_scale.ln_hi) and cost_scale.ln_hi > cost_scale.ln_lo):
            raise ValueError(f"cost scale needs finite lnLo < lnHi, got {cost_scale.ln_lo}, {cost_scale.ln_hi}")
        ub = section("utility_basis")
        knots = []
        for key in ("cost_knots", "quality_knots"):
            v = ub.get(key)
            if not isinstance(v, list):
                raise ValueError(f"utility basis: '{key}' must be a list of numbers")
            for i, k in enumerate(v):
                if not _is_number(k):
                    raise ValueError(f"utility basis: '{key}'[{i}] is not a number")
                if not math.isfinite(k):
                    raise ValueError("knots must be finite")
            knots.append(tuple(float(k) for k in v))
        basis = UtilityBasis(knots[0], knots[1])
        config = ModelConfig.from_map(section("model_config"))

        def require(name, *shape):
            t = weights.tensors.get(name)
            if t is None:
                raise ValueError(f"parameter block {name} is missing")
            if tuple(t.shape) != shape:
                raise ValueError(f"parameter block {name} has shape {list(t.shape)}, expected {list(shape)}")
            return t

        # Outcome predictor (OutcomePredictor.fromBlocks): U^T [dim, r], E [arms, r+1], K [arms, 2].
        proj = weights.tensors.get(BLOCK_PROJECTION)
        if proj is None:
            raise ValueError(f"parameter block {BLOCK_PROJECTION} is missing")
        if proj.ndim != 2:
            raise ValueError(f"parameter block {BLOCK_PROJECTION} must be a matrix")
        dim, rank = proj.shape
        n = len(arms)
        emb = require(BLOCK_EMBEDDINGS, n, rank + 1)
        cost = require(BLOCK_COST, n, 2)
        if dim != spec.dim:
            raise ValueError(f"outcome predictor expects {dim} features, feature spec gives {spec.dim}")

        # Meta-parameters (MetaDimensions.fromBlocks, MetaParameters.fromBlocks).
        def vector_length(name):
            t = weights.tensors.get("meta." + name)
            if t is None:
                raise ValueError(f"parameter block meta.{name} is missing")
            if t.ndim != 1:
                raise ValueError(f"parameter block meta.{name} must be a vector")
            return t.shape[0]

        d, h, z = vector_length("theta0"), vector_length("b1"), vector_length("b2")
        if d < 1 or h < 1 or z < 1:
            raise ValueError(f"meta dimensions must be >= 1, got d={d} H={h} Z={z}")
        shapes = {"W1": (h, d), "b1": (h,), "W1r": (h, 2 * d + 1), "b1r": (h,), "W2": (z, h + 1), "b2": (z,),
                  "theta0": (d,), "A": (d, z), "logAlpha": (d,), "logRho": (d,), "logRewardScale": (1,),
                  "logPairSharpness": (1,)}
        meta = {name: require("meta." + name, *shapes[name]) for name in META_BLOCKS}
        if basis.dimension != d:
            raise ValueError(f"utility basis has dimension {basis.dimension}, meta-parameters expect {d}")

        self.manifest = manifest
        self.feature_spec = spec
        self.featurizer = HashedNgramFeaturizer(spec)
        self.arm_ids: List[str] = arms
        self.arm_index: Dict[str, int] = {a: i for i, a in enumerate(arms)}
        if len(self.arm_index) != len(arms):
            raise ValueError("duplicate arm")
        self.catalog = list(manifest.catalog)
        self.arm_queries = [int(q) for q in queries]
        self.cost_scale = cost_scale
        self.basis = basis
        self.config = config
        self.dimensions = {"basis_dim": d, "hidden": h, "latent": z, "outcome_rank": rank, "feature_dim": dim}
        self.projection_t = proj  # U^T: row j = the r weights of feature j
        self.rank = rank
        self.embeddings = emb
        self.cost_intercepts = cost[:, 0]
        self.cost_slopes = cost[:, 1]
        self.meta = meta
        self.alpha = np.exp(meta["logAlpha"])
        self.rho = np.exp(meta["logRho"])
        self.reward_scale = math.exp(float(meta["logRewardScale"][0]))
        self.prior = self.adapt([])

    @staticmethod
    def load(path, version: Union[int, str, None] = None) -> "Router":
        """Loads and verifies a version (see :func:`registry.load_version`) and maps it to a router."""
        return Router(load_version(path, version))

    # -- outcome prediction and scores

    def featurize(self, query: str) -> QueryFeatures:
        return self.featurizer.featurize(query)

    def resolve(self, candidates: Optional[Sequence[str]]) -> Tuple[List[str], List[int]]:
        """Candidate ids and their arm rows, checked as serving checks them (non-empty, known, no repeats).
        None means every arm, in the artifact's row order."""
        if candidates is None:
            return list(self.arm_ids), list(range(len(self.arm_ids)))
        candidates = list(candidates)
        if not candidates:
            raise ValueError("candidates must not be empty (omit it to route among all models)")
        rows = []
        seen = set()
        for c in candidates:
            if not isinstance(c, str):
                raise ValueError("candidates must be model ids (strings)")
            if c not in self.arm_index:
                raise ValueError(f"unknown model in candidates: '{c}' (artifact version {self.version} routes among {self.arm_ids})")
            if c in seen:
                raise ValueError(f"model '{c}' appears twice in candidates")
            seen.add(c)
            rows.append(self.arm_index[c])
        return candidates, rows

    def query_representation(self, x: QueryFeatures) -> np.ndarray:
        """``h(x) = [U phi(x); 1]`` (feature indices beyond dim are ignored)."""
        h = np.zeros(self.rank + 1)
        idx = np.asarray(x.indices, dtype=np.int64)
        val = np.asarray(x.values, dtype=np.float64)
        keep = idx < self.projection_t.shape[0]
        if keep.any():
            h[:self.rank] = val[keep] @ self.projection_t[idx[keep]]
        h[self.rank] = 1.0
        return h

    def predict(self, x: Union[str, QueryFeatures], candidates: Optional[Sequence[str]] = None):
        """Expected quality ``sigmoid(h(x) . e_a)`` and cost ``exp(k_a0 + k_a1 log1p(tokens))`` (USD) per candidate."""
        if isinstance(x, str):
            x = self.featurize(x)
        _, rows = self.resolve(candidates)
        h = self.query_representation(x)
        lt = _java_log1p(x.token_count)
        q = [sigmoid(float(self.embeddings[a] @ h)) for a in rows]
        c = [math.exp(float(self.cost_intercepts[a]) + float(self.cost_slopes[a]) * lt) for a in rows]
        return q, c

    def scores(self, query: Union[str, QueryFeatures], candidates: Optional[Sequence[str]] = None,
               state: Optional[UserState] = None) -> List[float]:
        """The user's estimated utility ``theta' . psi(q^, cs(c^))`` of each candidate (``MetaRouterModel.scores``)."""
        state = self.prior if state is None else state
        q, c = self.predict(query, candidates)
        return [self.basis.utility(state.theta, qi, self.cost_scale.scale(ci)) for qi, ci in zip(q, c)]

    # -- adaptation

    def contexts(self, feedback: Sequence[Union[Feedback, Mapping[str, Any]]]) -> FeedbackContexts:
        """Feedback in the utility basis, costs normalised with the artifact's cost scale (``FeedbackContexts.of``)."""
        d = self.basis.dimension
        pairs, psis, rewards = [], [], []
        for f in (feedback_from_json(f) for f in feedback):
            if isinstance(f, Pairwise):
                w, l = f.winner, f.loser
                pairs.append(self.basis.value(w.quality, self.cost_scale.scale(w.cost_usd))
                             - self.basis.value(l.quality, self.cost_scale.scale(l.cost_usd)))
            else:
                psis.append(self.basis.value(f.outcome.quality, self.cost_scale.scale(f.outcome.cost_usd)))
                rewards.append(f.reward)
        return FeedbackContexts(np.array(pairs, dtype=np.float64).reshape(len(pairs), d),
                                np.array(psis, dtype=np.float64).reshape(len(psis), d),
                                np.array(rewards, dtype=np.float64))

    def encode(self, ctx: FeedbackContexts) -> Tuple[np.ndarray, np.ndarray]:
        """``(theta_init, z)`` of the permutation-invariant encoder (``PreferenceEncoder.encode``)."""
        p = self.meta
        d = self.basis.dimension
        hidden = []
        if len(ctx.pair_diffs):
            hidden.append(np.tanh(ctx.pair_diffs @ p["W1"].T + p["b1"]))
        if len(ctx.reward_values):
            r = ctx.reward_values[:, None]
            w = p["W1r"]
            pre = (r * ctx.reward_psi) @ w[:, :d].T + ctx.reward_psi @ w[:, d:2 * d].T + r * w[:, 2 * d] + p["b1r"]
            hidden.append(np.tanh(pre))
        n = ctx.size
        pool = np.zeros(p["b1"].shape[0] + 1)
        if n:
            pool[:-1] = np.concatenate(hidden).sum(axis=0) / n
        pool[-1] = _java_log1p(n)
        z = p["W2"] @ pool + p["b2"]
        return p["theta0"] + p["A"] @ z, z

    def step_scale(self, ctx: FeedbackContexts) -> float:
        """``s = 1 / L``, ``L = 1 + sum_pairs |v|^2 / 4 + w_r sum_rewards |psi|^2`` with step normalisation, else 1."""
        if not self.config.normalize_inner_step:
            return 1.0
        bound = 1.0 + 0.25 * float(np.sum(ctx.pair_diffs ** 2)) + self.config.reward_weight * float(np.sum(ctx.reward_psi ** 2))
        return 1.0 / bound

    def context_gradient(self, theta: np.ndarray, theta_init: np.ndarray, ctx: FeedbackContexts) -> np.ndarray:
        """``grad L_c(theta) = rho (theta - theta_init) - sum_pairs (1 - sigmoid(theta . v)) v
        + w_r sum_rewards (theta . psi - kappa r) psi`` (``InnerLoop.gradient``)."""
        g = self.rho * (theta - theta_init)
        for v in ctx.pair_diffs:
            g = g - (1.0 - sigmoid(float(theta @ v))) * v
        for psi, r in zip(ctx.reward_psi, ctx.reward_values):
            g = g + self.config.reward_weight * (float(theta @ psi) - self.reward_scale * r) * psi
        return g

    def context_loss(self, theta: np.ndarray, theta_init: np.ndarray, ctx: FeedbackContexts) -> float:
        """``L_c(theta)`` (``InnerLoop.contextLoss``)."""
        loss = 0.0
        for v in ctx.pair_diffs:
            loss += _softplus(-float(theta @ v))
        for psi, r in zip(ctx.reward_psi, ctx.reward_values):
            e = float(theta @ psi) - self.reward_scale * r
            loss += 0.5 * self.config.reward_weight * e * e
        diff = theta - theta_init
        return loss + 0.5 * float(np.sum(self.rho * diff * diff))

    def context_hessian(self, theta: np.ndarray, ctx: FeedbackContexts) -> np.ndarray:
        """``H = diag(rho) + sum_pairs s(1-s) v v^T + w_r sum_rewards psi psi^T`` (``InnerLoop.hessian``)."""
        # Each element gains (w v_a) v_b, in Java's order (addOuter), so a posterior built on it is Java's to rounding.
        h = np.diag(self.rho).astype(float)
        for v in ctx.pair_diffs:
            sg = sigmoid(float(theta @ v))
            h += np.outer(sg * (1.0 - sg) * v, v)
        for psi in ctx.reward_psi:
            h += np.outer(self.config.reward_weight * psi, psi)
        return h

    def newton_map(self, theta_init: np.ndarray, ctx: FeedbackContexts) -> np.ndarray:
        """argmin L_c by Newton's method with Armijo backtracking, at most ``inner_steps`` iterations,
        stopping at ``max |grad| <= 1e-11`` (``InnerLoop.newtonMap``)."""
        theta = theta_init.copy()
        if ctx.size == 0:
            return theta
        g = self.context_gradient(theta, theta_init, ctx)
        loss = self.context_loss(theta, theta_init, ctx)
        for _ in range(self.config.inner_steps):
            if float(np.max(np.abs(g))) <= NEWTON_TOLERANCE:
                break
            delta = np.linalg.solve(self.context_hessian(theta, ctx), g)
            slope = float(g @ delta)
            step = 1.0
            while True:
                trial = theta - step * delta
                trial_loss = self.context_loss(trial, theta_init, ctx)
                if trial_loss <= loss - 1e-4 * step * slope or step < 1e-8 or slope < 1e-24:
                    break
                step *= 0.5
            theta = trial
            loss = trial_loss
            g = self.context_gradient(theta, theta_init, ctx)
        return theta

    def adapt(self, feedback: Sequence[Union[Feedback, Mapping[str, Any]]], max_feedback: Optional[int] = None) -> UserState:
        """The user state after ``feedback`` (oldest first): encoder, then K inner-loop steps
        ``theta <- theta - s alpha * grad L_c(theta)`` from ``theta_init`` (``MetaRouterModel.adapt``).

        ``max_feedback`` keeps only the most recent items, as serving does
        (:data:`SERVE_FEEDBACK_PER_USER` by default there); None uses all of them.
        """
        ctx = self.contexts(_recent(feedback, max_feedback))
        return UserState(self._adapted_theta(ctx), ctx.size)

    def _adapted_theta(self, ctx: FeedbackContexts) -> np.ndarray:
        """theta' for these contexts: encoder, then the inner loop (read-only array)."""
        theta_init, _ = self.encode(ctx)
        if self.config.inner_solver == "newton_map" and self.config.inner_steps > 0:
            theta = self.newton_map(theta_init, ctx)
        else:
            s = self.step_scale(ctx)
            theta = theta_init.copy()
            for _ in range(self.config.inner_steps):
                theta = theta - s * self.alpha * self.context_gradient(theta, theta_init, ctx)
        if not np.all(np.isfinite(theta)):
            raise ValueError("user state has a non-finite weight")
        theta.setflags(write=False)
        return theta

    def latent(self, feedback: Sequence[Union[Feedback, Mapping[str, Any]]]) -> np.ndarray:
        """The latent preference z of a user's feedback (``MetaRouterModel.latent``)."""
        return self.encode(self.contexts(feedback))[1]

    def policy_temperature(self, state: UserState) -> float:
        """The training policy's softmax temperature: ``tau |theta'|`` with normalised policy scores, else ``tau``."""
        if not self.config.normalize_policy_scores:
            return self.config.tau
        return self.config.tau * math.sqrt(sum(float(t) * float(t) for t in state.theta))

    def training_policy(self, state: UserState) -> Softmax:
        """Softmax at :meth:`policy_temperature`, the policy meta-training optimised (no floor)."""
        return Softmax(self.policy_temperature(state), 0.0)

    # -- routing

    def route(self, query: Union[str, QueryFeatures], candidates: Optional[Sequence[str]] = None,
              state: Optional[UserState] = None, exploration: Optional[Exploration] = None,
              event_id: Optional[str] = None, seed: Optional[int] = None) -> RouteResult:
        """Scores the candidates for the user and decides as ``RouterService.route`` does.

        ``exploration`` defaults to greedy. The draw is seeded by ``seed``, or by
        ``decision_seed(event_id)`` as serving seeds it (so a logged decision replays); one of the
        two is required unless the exploration is greedy without a floor.
        """
        state = self.prior if state is None else state
        names, _ = self.resolve(candidates)
        scores = self.scores(query, names, state)
        best = 0
        for i in range(1, len(scores)):
            if scores[i] > scores[best]:
                best = i
        exploration = Greedy() if exploration is None else exploration
        if seed is None and event_id is not None:
            seed = decision_seed(event_id)
        if seed is None:
            if not (isinstance(exploration, Greedy) and exploration.min_propensity == 0):
                raise ValueError("an exploring decision needs event_id (serving seeds the draw with it) or seed")
            seed = 0
        decision: Decision = exploration.decide(scores, seed)
        return RouteResult(names, scores, names[best], names[decision.chosen_index], decision.propensity,
                           decision.probabilities)

    # -- which comparison to ask next

    def posterior(self, feedback: Sequence[Union[Feedback, Mapping[str, Any]]],
                  max_feedback: Optional[int] = None) -> Tuple[np.ndarray, np.ndarray]:
        """The Laplace posterior of the user's theta after ``feedback``: ``(mean, covariance)``, mean =
        :meth:`adapt`'s theta', covariance = the inverse of the inner loop's loss Hessian at theta'
        (``MetaRouterModel.posterior``, ``PreferencePosterior.fromPrecision``: one Cholesky solve per
        column, then symmetrised)."""
        ctx = self.contexts(_recent(feedback, max_feedback))
        theta = self._adapted_theta(ctx)
        d = len(theta)
        precision = [float(v) for v in self.context_hessian(theta, ctx).reshape(-1)]
        cov = [0.0] * (d * d)
        for j in range(d):
            col = [0.0] * d
            col[j] = 1.0
            _cholesky_solve(list(precision), col, d)
            for i in range(d):
                cov[i * d + j] = col[i]
        for i in range(d):
            for j in range(i + 1, d):
                m = 0.5 * (cov[i * d + j] + cov[j * d + i])
                cov[i * d + j] = m
                cov[j * d + i] = m
        covariance = np.array(cov, dtype=np.float64).reshape(d, d)
        if not np.all(np.isfinite(covariance)):
            raise ValueError("posterior covariance is not finite")
        mean = np.array(theta, dtype=np.float64)
        mean.setflags(write=False)
        covariance.setflags(write=False)
        return mean, covariance

    def comparison_information(self, mean: Sequence[float], covariance, pass_fail: bool,
                               q_a: float, cost_a: float, q_b: float, cost_b: float) -> float:
        """The expected information (bits) about theta ~ N(mean, covariance) of the user's preference
        between outcomes of expected quality q and cost (USD) a and b (``ComparisonPlanner.candidate`` +
        ``expectedInformation``): one scenario at q^, or with ``pass_fail`` the four pass/fail outcome
        pairs weighted by q^ (normalised), the information the scenario-weighted mean."""
        d = self.basis.dimension
        m = [float(v) for v in mean]
        cov = [float(v) for v in np.asarray(covariance, dtype=np.float64).reshape(-1)]
        cs_a = self.cost_scale.scale(cost_a)
        cs_b = self.cost_scale.scale(cost_b)
        if not pass_fail:
            scenarios = [(self.basis.value(q_a, cs_a) - self.basis.value(q_b, cs_b), 1.0)]
        else:
            scenarios = []
            for qa in (0, 1):
                for qb in (0, 1):
                    w = (q_a if qa == 1 else 1 - q_a) * (q_b if qb == 1 else 1 - q_b)
                    if not w > 0:
                        continue
                    scenarios.append((self.basis.value(qa, cs_a) - self.basis.value(qb, cs_b), w))
            if not scenarios:
                raise ValueError(f"predicted qualities must be in [0, 1], got {q_a}, {q_b}")
            total = 0.0
            for _, w in scenarios:
                total += w
            scenarios = [(v, w / total) for v, w in scenarios]
        info = 0.0
        for v, w in scenarios:
            x = [float(t) for t in v]
            mean_dot = 0.0
            for j in range(d):
                mean_dot += m[j] * x[j]
            var = 0.0
            for i in range(d):
                if x[i] == 0:
                    continue
                row = 0.0
                for j in range(d):
                    row += cov[i * d + j] * x[j]
                var += x[i] * row
            info += w * comparison_information(mean_dot, max(var, 0.0))
        return info

    def most_informative(self, feedback: Sequence[Union[Feedback, Mapping[str, Any]]], queries: Sequence[str],
                         candidates: Optional[Sequence[str]] = None, pass_fail: Optional[bool] = None,
                         asked: Iterable[Any] = (), max_feedback: Optional[int] = None) -> Elicitation:
        """The comparison to ask the user next, as the Java router's ``POST /v1/elicit`` chooses it
        (``RouterService.elicit``, ``ComparisonPlanner.mostInformative``; artifact-format.md section 5.6).

        The user's Laplace posterior from ``feedback`` (:meth:`posterior`); every query x unordered pair
        of ``candidates`` (None = every model, in the artifact's order; at least 2) described by the
        predictor's q^ and expected cost, enumerated by query, then a, then b > a in candidate order;
        the first with the largest expected information wins. ``pass_fail`` None means pass/fail exactly
        when the utility basis has no quality knots. ``asked``: comparisons to skip, as
        ``(query_index, model_a, model_b)`` or ``{"query_index", "model_a", "model_b"}`` in either
        model order (a model outside the candidates skips nothing). Raises ValueError for a bad
        request or when ``asked`` covers every comparison.
        """
        if isinstance(queries, str) or not isinstance(queries, Sequence) or len(queries) == 0:
            raise ValueError("queries must be a non-empty array of query texts")
        first: Dict[str, int] = {}
        for i, q in enumerate(queries):
            if not isinstance(q, str):
                raise ValueError(f"queries[{i}] must be a string")
            if q in first:
                raise ValueError(f"queries[{i}] repeats queries[{first[q]}]; send each query once")
            first[q] = i
        names = list(self.arm_ids) if candidates is None else list(candidates)
        if len(names) < 2:
            raise ValueError("candidates must name at least 2 models to compare (omit it to compare all models)")
        names, _ = self.resolve(names)
        n = len(names)
        skip = set()
        for i, e in enumerate(asked):
            if isinstance(e, Mapping):
                e = (e.get("query_index"), e.get("model_a"), e.get("model_b"))
            qi, ma, mb = e
            if isinstance(qi, bool) or not isinstance(qi, int) or not 0 <= qi < len(queries):
                raise ValueError(f"asked[{i}].query_index must be in [0, {len(queries) - 1}], got {qi}")
            for key, model in (("model_a", ma), ("model_b", mb)):
                if model not in self.arm_index:
                    raise ValueError(f"asked[{i}].{key}: unknown model '{model}'")
            if ma == mb:
                raise ValueError(f"asked[{i}] compares '{ma}' with itself")
            if ma in names and mb in names:
                pa, pb = names.index(ma), names.index(mb)
                skip.add((qi, min(pa, pb), max(pa, pb)))
        if pass_fail is None:
            pass_fail = len(self.basis.quality_knots) == 0
        mean, covariance = self.posterior(feedback, max_feedback)
        best = None
        for qi, query in enumerate(queries):
            q_hat, cost = self.predict(query, names)
            for a in range(n):
                if math.isnan(q_hat[a]):
                    continue
                for b in range(a + 1, n):
                    if math.isnan(q_hat[b]) or (qi, a, b) in skip:
                        continue
                    info = self.comparison_information(mean, covariance, pass_fail, q_hat[a], cost[a], q_hat[b], cost[b])
                    if best is None or info > best[3]:
                        best = (qi, a, b, info)
        if best is None:
            raise ValueError("exclude covers every comparison of these queries and candidates; send other queries or candidates")
        return Elicitation(best[0], names[best[1]], names[best[2]], best[3])
