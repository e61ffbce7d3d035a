"""The PySpark wrappers against the jobs jar on local[2]: Params as Java declares them, validation,
fit in a Pipeline, routing, save as a registry, load, and the same routing after the load."""
from __future__ import annotations

import inspect
import os
import time

import pytest

from conftest import TIMINGS
from metarouter_spark import MetaRouterEstimator, MetaRouterModel

#: Few iterations and small shapes: the test checks the plumbing, not the quality of the router.
SMALL = dict(maxIter=4, usersPerIteration=10, numFeatures=512, outcomeMaxIter=3, outcomeRank=4, hiddenSize=6,
             latentDim=2, maxEventsPerUser=64, numPartitions=2)
ROUTED = ["event_id", "routed_model", "routed_propensity", "routed_scores"]


def _values(stage) -> dict:
    return {p.name: (stage.isSet(p), stage.getOrDefault(p)) for p in stage.params}


def _java_params(stage) -> dict:
    return {p.name(): p.doc() for p in stage._java_obj.params()}


def test_python_params_are_the_java_params_with_the_java_defaults(spark):
    estimator = MetaRouterEstimator()
    assert {p.name: p.doc for p in estimator.params} == _java_params(estimator)
    fresh = estimator._java_obj.copy(estimator._empty_java_param_map())
    for p in estimator.params:
        assert not estimator.isSet(p)
        assert estimator.getOrDefault(p) == fresh.getOrDefault(fresh.getParam(p.name)), p.name
    # The keyword arguments of the constructor and of setParams are the Params.
    keywords = inspect.signature(MetaRouterEstimator.__init__).parameters
    assert set(keywords) - {"self"} == {p.name for p in estimator.params}
    assert inspect.signature(MetaRouterEstimator.setParams).parameters == keywords
    # The generated accessors follow PySpark's (and the Java class's) names.
    assert estimator.setKMax(3) is estimator and estimator.getKMax() == 3
    assert estimator.setZNoise(0.25).getZNoise() == 0.25


def test_a_bad_param_value_fails_where_it_is_set_and_changes_nothing(spark):
    estimator = MetaRouterEstimator()
    before = _values(estimator)
    with pytest.raises(ValueError, match=r"optimizer = 'sgd' is invalid \(outer optimiser: adam .* or lbfgs"):
        estimator.setOptimizer("sgd")
    with pytest.raises(ValueError, match=r"maxIter = -1 is invalid"):
        estimator.setParams(maxIter=-1)
    with pytest.raises(ValueError, match=r"trainConfig sets \[adam.learning-rate\], which Params set"):
        MetaRouterEstimator(trainConfig="adam.learning-rate = 0.1")
    with pytest.raises(ValueError, match=r"not keys of metarouter.train"):
        estimator.setTrainConfig("adam.betta2 = 0.9")
    with pytest.raises(ValueError, match=r"userCol = '  ' is invalid"):
        estimator.setUserCol("  ")
    with pytest.raises(TypeError, match=r"maxIter = 'many'"):
        estimator.setMaxIter("many")
    with pytest.raises(TypeError, match=r"no Param 'maxIters'"):
        estimator.setParams(maxIters=3)
    with pytest.raises(TypeError, match=r"forces keyword arguments"):
        MetaRouterEstimator("/data/outcomes")
    assert _values(estimator) == before


def test_params_round_trip_through_a_saved_pipeline(spark, tmp_path):
    from pyspark.ml import Pipeline

    estimator = MetaRouterEstimator(outcomesPath="/data/outcomes", optimizer="lbfgs", seed=2**40 + 7, tol=1e-7,
                                    trainConfig="adam.beta2 = 0.99\nmodel.cost-knots = [0.3, 0.6]", userCol="uid",
                                    exploration="epsilon-greedy", explorationEpsilon=0.2, **SMALL)
    Pipeline(stages=[estimator]).write().overwrite().save(str(tmp_path / "pipeline"))
    loaded = Pipeline.load(str(tmp_path / "pipeline")).getStages()[0]
    assert isinstance(loaded, MetaRouterEstimator)
    assert loaded.uid == estimator.uid
    assert _values(loaded) == _values(estimator)
    assert loaded.getSeed() == 2**40 + 7 and loaded.getOptimizer() == "lbfgs"

    estimator.save(str(tmp_path / "estimator"))
    assert _values(MetaRouterEstimator.load(str(tmp_path / "estimator"))) == _values(estimator)


@pytest.fixture(scope="module")
def fitted(spark, world):
    from pyspark.ml import Pipeline

    log = spark.read.parquet(world["logs"])
    started = time.monotonic()
    model = Pipeline(stages=[MetaRouterEstimator(outcomesPath=world["outcomes"], seed=5, **SMALL)]).fit(log)
    TIMINGS["fit"] = round(time.monotonic() - started, 1)
    return model


@pytest.fixture(scope="module")
def backlog(spark, world):
    """Four logged users with their comparisons (oldest first) and a newcomer without feedback,
    three test-split prompts each; every other row names a candidate subset."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    contexts = (spark.read.parquet(world["logs"]).where("event_type = 'preference'").groupBy("user_id")
                .agg(F.expr("transform(sort_array(collect_list(struct(ts, event_id, struct(model_a, quality_a, "
                            "cost_usd_a, model_b, quality_b, cost_usd_b, preferred, query) AS c))), x -> x.c)")
                     .alias("contexts")))
    users = [(r.user_id, r.contexts) for r in contexts.orderBy("user_id").limit(4).collect()] + [("newcomer", None)]
    prompts = [r.prompt for r in spark.read.parquet(os.path.join(world["outcomes"], "outcomes"))
               .where("split = 'test'").select("query_id", "prompt").distinct().orderBy("query_id").limit(15).collect()]
    catalog = world["catalog"]
    subset = [catalog[-1], catalog[0], catalog[2]]
    rows = []
    for i, prompt in enumerate(prompts):
        user, feedback = users[i // 3]
        rows.append((f"batch-{i}", user, prompt, feedback, subset if i % 2 else None))
    schema = StructType([StructField("event_id", StringType()), StructField("user_id", StringType()),
                         StructField("query", StringType()), StructField("contexts", contexts.schema["contexts"].dataType),
                         StructField("candidates", ArrayType(StringType()))])
    return spark.createDataFrame(rows, schema)


def _routed(model, frame) -> list:
    return [tuple(r) for r in model.transform(frame).select(*ROUTED).orderBy("event_id").collect()]


def test_fit_in_a_pipeline_route_save_load_and_route_the_same(spark, world, fitted, backlog, tmp_path):
    from pyspark.ml import PipelineModel

    model = fitted.stages[0]
    assert isinstance(model, MetaRouterModel)
    assert {p.name: p.doc for p in model.params} == _java_params(model)
    model.setExplorationTau(0.5).setMinPropensity(0.02).setMaxContexts(32)

    routed = _routed(fitted, backlog)
    requests = {r.event_id: r for r in backlog.collect()}
    assert len(routed) == len(requests) == 15
    for event_id, chosen, propensity, scores in routed:
        candidates = requests[event_id].candidates or world["catalog"]
        assert chosen in world["catalog"] and chosen in candidates, event_id
        assert 0.0 < propensity <= 1.0, event_id
        assert sorted(scores) == sorted(candidates), event_id

    path = str(tmp_path / "router-pipeline")
    fitted.write().overwrite().save(path)
    (stage_dir,) = [os.path.join(path, "stages", d) for d in os.listdir(os.path.join(path, "stages"))]
    # The stage directory is a registry: LATEST names v1, whose manifest is there.
    with open(os.path.join(stage_dir, "LATEST"), encoding="utf-8") as f:
        assert f.read().strip() == "1"
    assert os.path.isfile(os.path.join(stage_dir, "v1", "manifest.json"))

    started = time.monotonic()
    reloaded = PipelineModel.load(path)
    TIMINGS["load"] = round(time.monotonic() - started, 1)
    loaded_model = reloaded.stages[0]
    assert isinstance(loaded_model, MetaRouterModel)
    assert _values(loaded_model) == _values(model)
    assert loaded_model.getExplorationTau() == 0.5 and loaded_model.getMaxContexts() == 32
    assert _routed(reloaded, backlog) == routed

    # The stage on its own, through the package's reader: the same Params and decisions.
    direct = MetaRouterModel.load(stage_dir)
    assert _values(direct) == _values(model)
    assert _routed(direct, backlog) == routed

    # A version directory holds the artifact without MLlib's Params: set them again, same decisions.
    version = MetaRouterModel.load(os.path.join(stage_dir, "v1"))
    version.setExplorationTau(0.5).setMinPropensity(0.02).setMaxContexts(32)
    assert _routed(version, backlog) == routed

    with pytest.raises(ValueError, match=r"exploration = 'boltzmann' is invalid"):
        direct.setExploration("boltzmann")
