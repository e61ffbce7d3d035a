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
