"""The reader reproduces the Java router on the golden set (data-schemas/golden/router/): user states,
expected outcomes, scores to 1e-6, greedy choices exactly, every exploration's distribution and its
seeded choice exactly. The Java side (core's GoldenRouterSetTest) proves the committed outputs are
what the Java router computes today."""

import math

import pytest

from conftest import GOLDEN_REGISTRY, PARITY
from metarouter_reader import (EpsilonGreedy, Greedy, Softmax, decision_seed, load_router,
                               splittable_random_double)

TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def routers(golden_inputs):
    return {v: load_router(GOLDEN_REGISTRY, v) for v in golden_inputs["versions"]}


@pytest.fixture(scope="module")
def states(routers, golden_inputs):
    feedback = {u["id"]: u["feedback"] for u in golden_inputs["users"]}
    return {(v, uid): r.adapt(fb) for v, r in routers.items() for uid, fb in feedback.items()}


def exploration(spec, router, state):
    strategy = spec["strategy"]
    if strategy == "greedy":
        return Greedy(spec["min_propensity"])
    if strategy == "softmax":
        return Softmax(spec["tau"], spec["min_propensity"])
    if strategy == "epsilon-greedy":
        return EpsilonGreedy(spec["epsilon"], spec["min_propensity"])
    if strategy == "training-policy":
        return router.training_policy(state)
    raise AssertionError(f"unknown strategy {strategy}")


def test_latest_is_version_2_and_the_versions_differ_in_shape(routers, golden_inputs):
    assert load_router(GOLDEN_REGISTRY).version == 2
    v1, v2 = routers[1], routers[2]
    assert v1.dimensions["basis_dim"] == 7 and v2.dimensions["basis_dim"] == 5
    assert v1.config.normalize_inner_step and not v2.config.normalize_inner_step
    assert v1.arm_ids != v2.arm_ids and sorted(v1.arm_ids) == sorted(v2.arm_ids)
    assert max(len(u["feedback"]) for u in golden_inputs["users"]) == 8


def test_user_states_match(routers, states, golden_inputs, golden_outputs):
    feedback = {u["id"]: u["feedback"] for u in golden_inputs["users"]}
    worst = 0.0
    for u in golden_outputs["users"]:
        router = routers[u["version"]]
        state = states[(u["version"], u["user"])]
        where = f"v{u['version']} {u['user']}"
        assert state.contexts == u["contexts"], where
        assert len(state.theta) == len(u["theta"]), where
        for got, want in zip(state.theta, u["theta"]):
            assert got == pytest.approx(want, abs=TOLERANCE), f"{where}: theta"
            worst = max(worst, abs(got - want))
        for got, want in zip(router.latent(feedback[u["user"]]), u["latent"]):
            assert got == pytest.approx(want, abs=TOLERANCE), f"{where}: latent z"
        assert router.policy_temperature(state) == pytest.approx(u["policy_temperature"], abs=TOLERANCE), where
    PARITY["max_theta_diff"] = worst
    PARITY["users"] = len(golden_outputs["users"])


def test_scores_choices_and_decisions_match(routers, states, golden_inputs, golden_outputs):
    queries = golden_inputs["queries"]
    cases_in = golden_inputs["cases"]
    cases_out = golden_outputs["cases"]
    assert len(cases_in) == len(cases_out) >= 100
    max_score = max_prob = 0.0
    choices = decisions = decision_total = 0
    for c_in, c in zip(cases_in, cases_out):
        router = routers[c["version"]]
        state = states[(c["version"], c["user"])]
        where = f"{c['event_id']}"
        query = queries[c["query"]]
        x = router.featurize(query)

        q, cost = router.predict(x, c_in["candidates"])
        assert q == pytest.approx(c["expected_quality"], abs=TOLERANCE), where
        assert cost == pytest.approx(c["expected_cost_usd"], rel=1e-9), where

        result = router.route(x, c_in["candidates"], state)
        assert result.candidates == c["candidates"], where
        for got, want in zip(result.scores, c["scores"]):
            assert got == pytest.approx(want, abs=TOLERANCE), f"{where}: scores {result.scores} vs {c['scores']}"
            max_score = max(max_score, abs(got - want))
        assert result.choice == c["choice"], f"{where}: greedy choice"
        choices += 1

        seed = decision_seed(c["event_id"])
        assert seed == c["decision_seed"], where
        assert splittable_random_double(seed) == c["draw"], where
        for spec in golden_inputs["explorations"]:
            want = c["decisions"][spec["name"]]
            got = router.route(x, c_in["candidates"], state, exploration(spec, router, state), event_id=c["event_id"])
            assert got.probabilities == pytest.approx(want["probabilities"], abs=TOLERANCE), f"{where}: {spec['name']}"
            max_prob = max(max_prob, max(abs(a - b) for a, b in zip(got.probabilities, want["probabilities"])))
            assert got.model == want["chosen"], f"{where}: {spec['name']} chose {got.model}, Java chose {want['chosen']}"
            assert got.propensity == pytest.approx(want["propensity"], abs=TOLERANCE), f"{where}: {spec['name']}"
            decisions += 1
            decision_total += 1
    PARITY.update(cases=len(cases_out), max_score_diff=max_score, max_prob_diff=max_prob, choices=choices,
                  decisions=decisions, decision_total=decision_total)
    PARITY.setdefault("users", 0)
    PARITY.setdefault("max_theta_diff", math.nan)


def test_serving_feedback_bound_keeps_the_most_recent(routers, golden_inputs):
    router = routers[1]
    feedback = next(u["feedback"] for u in golden_inputs["users"] if len(u["feedback"]) == 8)
    kept = router.adapt(feedback, max_feedback=3)
    assert kept.contexts == 3
    assert list(kept.theta) == list(router.adapt(feedback[-3:]).theta)
    assert list(router.adapt(feedback, max_feedback=64).theta) == list(router.adapt(feedback).theta)


def test_requests_are_checked_as_serving_checks_them(routers):
    router = routers[1]
    with pytest.raises(ValueError, match="unknown model in candidates: 'gpt-5'"):
        router.route("q", ["gpt-5"])
    with pytest.raises(ValueError, match="appears twice"):
        router.route("q", ["claude-v2", "claude-v2"])
    with pytest.raises(ValueError, match="must not be empty"):
        router.route("q", [])
    with pytest.raises(ValueError, match="needs event_id"):
        router.route("q", None, exploration=Softmax(0.05, 0.01))
    with pytest.raises(ValueError, match="quality must be in"):
        router.adapt([{"query": "q", "model": "claude-v2", "quality": 1.5, "cost_usd": 0.1, "reward": 1.0}])


ELICIT_TOLERANCE = 1e-9


def test_posteriors_match(routers, golden_inputs, golden_outputs):
    feedback = {u["id"]: u["feedback"] for u in golden_inputs["users"]}
    assert len(golden_outputs["posteriors"]) >= 4
    worst = 0.0
    for p in golden_outputs["posteriors"]:
        where = f"v{p['version']} {p['user']}"
        mean, cov = routers[p["version"]].posterior(feedback[p["user"]])
        d = len(mean)
        assert list(mean) == pytest.approx(p["mean"], abs=TOLERANCE), f"{where}: mean"
        assert cov.shape == (d, d) and len(p["covariance"]) == d * d, where
        for got, want in zip(cov.reshape(-1), p["covariance"]):
            assert got == pytest.approx(want, abs=ELICIT_TOLERANCE), f"{where}: covariance"
            worst = max(worst, abs(got - want))
    PARITY["max_covariance_diff"] = worst


def test_most_informative_comparisons_match(routers, golden_inputs, golden_outputs):
    feedback = {u["id"]: u["feedback"] for u in golden_inputs["users"]}
    queries = golden_inputs["queries"]
    elicitations = golden_inputs["elicitations"]
    assert len(elicitations) == len(golden_outputs["elicitations"]) >= 10
    assert {len(feedback[e["user"]]) for e in elicitations} >= {0, 1, 8}
    worst = 0.0
    for e, out in zip(elicitations, golden_outputs["elicitations"]):
        router = routers[e["version"]]
        asked = [(x["query_index"], x["model_a"], x["model_b"]) for x in e["exclude"]]
        qs = [queries[i] for i in e["queries"]]
        for key, pass_fail in (("pass_fail", True), ("graded", False)):
            want = out[key]
            where = f"v{e['version']} {e['user']} {key}"
            got = router.most_informative(feedback[e["user"]], qs, e["candidates"], pass_fail, asked)
            assert (got.query_index, got.model_a, got.model_b) == (want["query_index"], want["model_a"], want["model_b"]), where
            assert got.information_bits == pytest.approx(want["information"], abs=ELICIT_TOLERANCE), where
            worst = max(worst, abs(got.information_bits - want["information"]))
        # The default outcomes: graded, as both golden bases have quality knots.
        assert router.basis.quality_knots
        default = router.most_informative(feedback[e["user"]], qs, e["candidates"], asked=asked)
        assert (default.query_index, default.model_a, default.model_b) == (
            out["graded"]["query_index"], out["graded"]["model_a"], out["graded"]["model_b"])
    PARITY["max_information_diff"] = worst
    PARITY["elicitations"] = 2 * len(elicitations)


def test_most_informative_checks_requests_as_serving_does(routers, golden_inputs):
    router = routers[1]
    with pytest.raises(ValueError, match="at least 2 models"):
        router.most_informative([], ["q"], ["claude-v2"])
    with pytest.raises(ValueError, match="non-empty"):
        router.most_informative([], [])
    with pytest.raises(ValueError, match="repeats queries"):
        router.most_informative([], ["q", "q"])
    with pytest.raises(ValueError, match="with itself"):
        router.most_informative([], ["q"], asked=[(0, "claude-v2", "claude-v2")])
    with pytest.raises(ValueError, match="exclude covers every comparison"):
        router.most_informative([], ["q"], ["claude-v2", "llama-70b-chat"], asked=[{"query_index": 0, "model_a": "llama-70b-chat",
                                                                                     "model_b": "claude-v2"}])
    # Skipping the best comparison gives the next one.
    best = router.most_informative([], ["q", "r"])
    nxt = router.most_informative([], ["q", "r"], asked=[(best.query_index, best.model_b, best.model_a)])
    assert (nxt.query_index, nxt.model_a, nxt.model_b) != (best.query_index, best.model_a, best.model_b)
    assert nxt.information_bits <= best.information_bits
