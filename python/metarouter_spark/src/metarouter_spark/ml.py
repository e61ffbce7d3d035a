"""PySpark wrappers of MetaRouter's MLlib stages ``ai.metarouter.jobs.ml.MetaRouterEstimator`` and
``ai.metarouter.jobs.ml.MetaRouterModel`` (the jobs jar), in PySpark's ``JavaEstimator`` /
``JavaModel`` pattern.

Everything runs in the JVM: ``fit`` is the ``train`` command's meta-training, ``transform`` routes as
``serve`` does, ``save`` writes the registry format and every Param is validated by the Java Param's
own validator. This module only declares the Params on the Python side (names and docs as in
Java; defaults are read from the Java stage, i.e. from conf/metarouter.conf in the jar) and tells
PySpark where the Java classes are.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, Optional

from pyspark import keyword_only
from pyspark.errors import IllegalArgumentException
from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.util import JavaMLReadable, JavaMLReader, JavaMLWritable
from pyspark.ml.wrapper import JavaEstimator, JavaModel

__all__ = ["MetaRouterEstimator", "MetaRouterModel", "JAVA_PACKAGE"]

#: The Java package of the wrapped stages. PySpark's PipelineModel/Pipeline readers look a Java
#: stage's Python wrapper up as a module named after the Java package; ``metarouter_spark``
#: registers this module under that name when it is imported (see ``__init__.py``).
JAVA_PACKAGE = "ai.metarouter.jobs.ml"

_str = TypeConverters.toString
_int = TypeConverters.toInt
_float = TypeConverters.toFloat


def _param(name: str, doc: str, converter) -> Param:
    return Param(Params._dummy(), name, doc, converter)


def _with_accessors(cls):
    """Adds ``getX()`` and ``setX(value)`` for every Param declared in ``cls`` itself (PySpark's
    naming; the setter validates through the Java Param, see ``_JavaValidatedParams._set_checked``)."""
    for name, param in list(vars(cls).items()):
        if not isinstance(param, Param):
            continue
        suffix = name[0].upper() + name[1:]

        def getter(self, _name=name):
            return self.getOrDefault(_name)

        def setter(self, value, _name=name):
            return self._set_checked(**{_name: value})

        getter.__name__, setter.__name__ = "get" + suffix, "set" + suffix
        getter.__doc__ = f"Gets the value of {name} or its default: {param.doc}"
        setter.__doc__ = f"Sets {name}: {param.doc}"
        setattr(cls, getter.__name__, getter)
        setattr(cls, setter.__name__, setter)
    return cls


class _JavaValidatedParams(Params):
    """Setting a Param runs the Java Param's validator first, so a bad value fails where it is set,
    with a one-line message, and leaves the stage unchanged."""

    def _set_checked(self, **kwargs: Any):
        checked: Dict[str, Any] = {}
        for name, value in kwargs.items():
            if not self.hasParam(name):
                raise TypeError(f"{type(self).__name__}: no Param {name!r} (explainParams() lists them)")
            param = self.getParam(name)
            if value is None:
                raise ValueError(f"{type(self).__name__}: {name} needs a value ({param.doc})")
            try:
                value = param.typeConverter(value)
            except TypeError as e:
                raise TypeError(f"{type(self).__name__}: {name} = {value!r}: {e}") from None
            try:
                self._make_java_param_pair(param, value)  # ParamPair's constructor validates
            except IllegalArgumentException as e:
                raise ValueError(f"{type(self).__name__}: {name} = {value!r} is invalid ({param.doc}): "
                                 f"{e.desc}") from e
            checked[name] = value
        self._set(**checked)
        return self


@_with_accessors
class _RoutingParams(_JavaValidatedParams):
    """The Params both stages have (Java: ``RoutingParams``): input and output columns of
    ``transform``, exploration, and what to do with rows that cannot be routed."""

    userCol = _param("userCol", "user id column (string); in fit, the log's user_id", _str)
    queryCol = _param("queryCol", "query text column (string); in fit, the log's query", _str)
    eventIdCol = _param("eventIdCol", "optional event id column (string): seeds each decision's exploration draw as the "
                        "server does; in fit, the log's event_id", _str)
    candidatesCol = _param("candidatesCol", "optional candidate models column (array<string>; null = every model); in "
                           "fit, the log's candidates", _str)
    contextsCol = _param("contextsCol", "optional feedback contexts column: array<struct> of pairwise comparisons "
                         "(model_a, quality_a, cost_usd_a, model_b, quality_b, cost_usd_b, preferred) and/or rewards "
                         "(model, quality, cost_usd, reward), in arrival order", _str)
    predictionCol = _param("predictionCol", "output column: the chosen model (string)", _str)
    propensityCol = _param("propensityCol", "output column: the probability the chosen model was drawn with (double)",
                           _str)
    scoresCol = _param("scoresCol", "output column: every candidate's estimated utility for the user "
                       "(map<string,double>)", _str)
    errorCol = _param("errorCol", "output column with handleInvalid=keep: why a row could not be routed (null if it "
                      "was)", _str)
    exploration = _param("exploration", "exploration of decisions: softmax (explorationTau), epsilon-greedy "
                         "(explorationEpsilon) or greedy", _str)
    explorationTau = _param("explorationTau", "softmax temperature in utility units (> 0)", _float)
    explorationEpsilon = _param("explorationEpsilon", "epsilon-greedy's probability of a uniform draw, in [0, 1]",
                                _float)
    minPropensity = _param("minPropensity", "floor on every candidate's probability, in [0, 1] (off-policy learning "
                           "divides by it)", _float)
    maxContexts = _param("maxContexts", "the user is adapted from the most recent this many contexts (>= 1), as the "
                         "server keeps its most recent feedback-per-user", _int)
    handleInvalid = _param("handleInvalid", "a row that cannot be routed (null user or query, unknown or repeated "
                           "candidate, bad context): error = fail naming the row, skip = drop it, keep = null outputs "
                           "and the reason in errorCol", _str)


class _MetaRouterReader(JavaMLReader):
    """Loads with the Java class of the same name in ``ai.metarouter.jobs.ml`` (PySpark's reader
    would look under ``org.apache.spark``)."""

    @classmethod
    def _java_loader_class(cls, clazz) -> str:
        return clazz._java_class


class _MetaRouterStage(JavaMLReadable, JavaMLWritable):
    """Persistence of both stages: Java's writer and reader (the model's is the registry format)."""

    _java_class: str
    #: Until JavaWrapper.__init__ sets it: a constructor that fails early (positional arguments)
    #: must not make JavaWrapper.__del__ raise as well.
    _java_obj = None

    @classmethod
    def read(cls):
        return _MetaRouterReader(cls)

    @classmethod
    def _from_java(cls, java_stage):
        """Wraps a Java stage of this class (Params, set values and defaults, from Java)."""
        stage = cls()
        stage._java_obj = java_stage
        stage._resetUid(java_stage.uid())
        stage._transfer_params_from_java()
        return stage


@_with_accessors
class MetaRouterEstimator(_MetaRouterStage, JavaEstimator, _RoutingParams):
    """MetaRouter's distributed meta-training (the ``train`` command) as an MLlib Estimator.

    ``fit(log)`` takes an interaction-log DataFrame (data-schemas/interaction-log.schema.json, e.g.
    ``spark.read.parquet(<simulate or ingest output>)``) and the outcome dataset at ``outcomesPath``
    and returns a :class:`MetaRouterModel`. The training Params default to ``metarouter.train`` of
    conf/metarouter.conf (read from the Java stage); ``explainParams()`` lists them with their docs.
    Every Param has ``getX()`` and ``setX(value)``; a value the Java Param rejects raises
    ``ValueError`` when it is set. Keyword arguments left at ``None`` keep their defaults.
    """

    _java_class = JAVA_PACKAGE + ".MetaRouterEstimator"

    outcomesPath = _param("outcomesPath", "outcome dataset directory (outcomes/ + models.json, as import-routerbench or "
                          "generate-benchmark write it) the outcome predictor is fitted on; required", _str)
    optimizer = _param("optimizer", "outer optimiser: adam (over sampled users) or lbfgs (Breeze L-BFGS, all users)",
                       _str)
    maxIter = _param("maxIter", "outer iterations (>= 0)", _int)
    usersPerIteration = _param("usersPerIteration", "users per Adam iteration (>= 0; 0 = all users)", _int)
    userSampleRate = _param("userSampleRate", "when > 0: each user is kept with this probability per iteration instead "
                            "of usersPerIteration, in [0, 1]", _float)
    seed = _param("seed", "seed of initialisation, user sampling and noise", _int)
    stepSize = _param("stepSize", "Adam learning rate (> 0)", _float)
    maxGradNorm = _param("maxGradNorm", "Adam's meta-gradient norm clip (>= 0; 0 = none)", _float)
    tol = _param("tol", "L-BFGS relative convergence tolerance (>= 0)", _float)
    lbfgsMemory = _param("lbfgsMemory", "L-BFGS history size (>= 1)", _int)
    aggregationDepth = _param("aggregationDepth", "treeAggregate depth of the meta-gradient (>= 1)", _int)
    numPartitions = _param("numPartitions", "Spark partitions of the per-user tasks (>= 0; 0 = automatic)", _int)
    checkpointInterval = _param("checkpointInterval", "checkpoint every this many iterations when checkpointDir is set "
                                "(>= 0; 0 = never)", _int)
    checkpointDir = _param("checkpointDir", "directory (any Hadoop file system) of resumable training checkpoints; "
                           "empty = none", _str)
    maxEventsPerUser = _param("maxEventsPerUser", "at most this many events per user, a reproducible sample (>= 1)",
                              _int)
    minEventsPerUser = _param("minEventsPerUser", "users with fewer usable events are skipped (>= 1)", _int)
    userWeighting = _param("userWeighting", "user: every user weighs 1; events: a user weighs its event count", _str)
    entropyWeight = _param("entropyWeight", "entropy regularisation of the policy (>= 0)", _float)
    pairWeight = _param("pairWeight", "weight of the pairwise log-likelihood on query sets (>= 0)", _float)
    ipsWeight = _param("ipsWeight", "weight of the IPS utility of logged route events (>= 0)", _float)
    kMax = _param("kMax", "largest context-set size drawn per user (>= 0)", _int)
    contextNoise = _param("contextNoise", "noise injection: std of perturbed contexts (>= 0)", _float)
    flipProbability = _param("flipProbability", "noise injection: probability of a flipped comparison label, in "
                             "[0, 0.5]", _float)
    zNoise = _param("zNoise", "noise injection: std of the noise on the latent z (>= 0)", _float)
    hiddenSize = _param("hiddenSize", "hidden width of the preference encoder (>= 1)", _int)
    latentDim = _param("latentDim", "dimension of the latent preference z (>= 1)", _int)
    innerSteps = _param("innerSteps", "inner-loop adaptation steps, in [0, 100]", _int)
    numFeatures = _param("numFeatures", "hashed n-gram feature dimension (a power of two in [2, 2^22])", _int)
    maxNgram = _param("maxNgram", "longest word n-gram hashed, in [1, 5]", _int)
    outcomeRank = _param("outcomeRank", "rank of the outcome predictor's query projection (>= 1)", _int)
    outcomeMaxIter = _param("outcomeMaxIter", "epochs of the outcome predictor's fit (>= 0)", _int)
    outcomeStepSize = _param("outcomeStepSize", "learning rate of the outcome predictor's fit (> 0)", _float)
    trainConfig = _param("trainConfig", "any other metarouter.train settings, as HOCON (e.g. \"adam.beta2 = 0.99\"); "
                         "keys that have a Param are set through the Param", _str)

    @keyword_only
    def __init__(self, *, outcomesPath: Optional[str] = None, optimizer: Optional[str] = None,
                 maxIter: Optional[int] = None, usersPerIteration: Optional[int] = None,
                 userSampleRate: Optional[float] = None, seed: Optional[int] = None, stepSize: Optional[float] = None,
                 maxGradNorm: Optional[float] = None, tol: Optional[float] = None, lbfgsMemory: Optional[int] = None,
                 aggregationDepth: Optional[int] = None, numPartitions: Optional[int] = None,
                 checkpointInterval: Optional[int] = None, checkpointDir: Optional[str] = None,
                 maxEventsPerUser: Optional[int] = None, minEventsPerUser: Optional[int] = None,
                 userWeighting: Optional[str] = None, entropyWeight: Optional[float] = None,
                 pairWeight: Optional[float] = None, ipsWeight: Optional[float] = None, kMax: Optional[int] = None,
                 contextNoise: Optional[float] = None, flipProbability: Optional[float] = None,
                 zNoise: Optional[float] = None, hiddenSize: Optional[int] = None, latentDim: Optional[int] = None,
                 innerSteps: Optional[int] = None, numFeatures: Optional[int] = None, maxNgram: Optional[int] = None,
                 outcomeRank: Optional[int] = None, outcomeMaxIter: Optional[int] = None,
                 outcomeStepSize: Optional[float] = None, trainConfig: Optional[str] = None,
                 userCol: Optional[str] = None, queryCol: Optional[str] = None, eventIdCol: Optional[str] = None,
                 candidatesCol: Optional[str] = None, contextsCol: Optional[str] = None,
                 predictionCol: Optional[str] = None, propensityCol: Optional[str] = None,
                 scoresCol: Optional[str] = None, errorCol: Optional[str] = None, exploration: Optional[str] = None,
                 explorationTau: Optional[float] = None, explorationEpsilon: Optional[float] = None,
                 minPropensity: Optional[float] = None, maxContexts: Optional[int] = None,
                 handleInvalid: Optional[str] = None):
        super().__init__()
        self._java_obj = self._new_java_obj(self._java_class, self.uid)
        self._transfer_params_from_java()  # the defaults, as the Java stage has them
        self.setParams(**self._input_kwargs)

    @keyword_only
    def setParams(self, **params: Any) -> "MetaRouterEstimator":
        """Sets the Params given, with the constructor's keyword arguments (``None`` leaves a Param
        as it is)."""
        return self._set_checked(**{k: v for k, v in self._input_kwargs.items() if v is not None})

    def _create_model(self, java_model) -> "MetaRouterModel":
        return MetaRouterModel(java_model)


# setParams takes exactly the constructor's keywords: help() and inspect show them.
MetaRouterEstimator.setParams.__signature__ = inspect.signature(MetaRouterEstimator.__init__).replace(
    return_annotation="MetaRouterEstimator")


class MetaRouterModel(_MetaRouterStage, JavaModel, _RoutingParams):
    """A fitted MetaRouter (a Transformer): ``transform(df)`` routes a DataFrame of ``user_id``,
    ``query``, optional ``contexts``, ``candidates`` and ``event_id`` (column names are Params) and
    adds ``routed_model``, ``routed_propensity`` and ``routed_scores``, each row decided as ``serve``
    decides it.

    ``model.write().overwrite().save(dir)`` makes ``dir`` a registry (``LATEST``, ``v<N>/``) that
    ``metarouter serve --registry dir`` serves; ``MetaRouterModel.load(path)`` reads such a
    directory, any registry (its LATEST) or a version directory ``<registry>/v<N>``.
    """

    _java_class = JAVA_PACKAGE + ".MetaRouterModel"

    def __init__(self, java_model=None):
        super().__init__(java_model)
        if java_model is not None:
            self._transfer_params_from_java()
