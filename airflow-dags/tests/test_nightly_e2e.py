"""The whole nightly DAG under real Airflow (`airflow dags test`, SQLite, a fresh AIRFLOW_HOME)
against local Spark (spark-submit of the pyspark wheel's Spark 3.5.7, connection local[2] given as
AIRFLOW_CONN_METAROUTER_SPARK), on a small generated world (nightly_world.py) whose registry
starts EMPTY: nothing is trained or promoted by hand.

Night 1 (2025-03-02), the first night: the day's serve logs are ingested, train finds no LATEST
and starts from the seeded initialisation, evaluate_current finds nothing to evaluate and ends
skipped, the gate judges the candidate alone on the first-version checks (`gate --no-baseline`:
finite metrics, PGC at k=6 >= 0 in ID and OOD, i.e. not worse than the population router) and
passes it, it is promoted, and the serving library's self-check loads it: LATEST absent -> 1.

Night 2 (2025-03-03): the run's conf lays nightly_world.RUIN_CONF over training (Adam's step 500x
the default, no clipping): the candidate v2, warm-started from v1, is published but far worse;
the gate rejects it against v1, the gate task fails, promote and self_check never run, the alert
hook writes a gate_rejected record, and LATEST stays 1.

Both nights use gate tolerances sized for 100 held-out users per split (utility 0.03, PGC 0.5,
SNIPS 0.05: a few standard errors of a paired difference; night 1 has no use for them), the same
for both nights, so the only difference between them is the training overlay.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

import nightly_world
from conftest import DAGS_FOLDER, REPO, TIMINGS, prerequisite

pytestmark = pytest.mark.e2e

VENV_BIN = os.path.dirname(sys.executable)
GATE_TOLERANCES = {"gate_utility_tolerance": 0.03, "gate_pgc_tolerance": 0.5, "gate_off_policy_tolerance": 0.05}


def _jar_built() -> bool:
    target = os.path.join(REPO, "jobs", "target")
    return os.path.isdir(target) and any(f.endswith("-spark.jar") for f in os.listdir(target))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    prerequisite(shutil.which("java") is not None, "java (a Java 17 runtime) on PATH")
    prerequisite(_jar_built(), "jobs/target/metarouter-jobs-*-spark.jar (run `mvn -B verify` or `mvn -DskipTests package` first)")
    prerequisite(os.path.isfile(os.path.join(REPO, "jobs", "target", "spark-classpath.txt")),
                 "jobs/target/spark-classpath.txt (written by the jobs build)")
    prerequisite(os.path.isfile(os.path.join(REPO, "core", "target", "runtime-classpath.txt")),
                 "core/target/runtime-classpath.txt (written by the core build; self-check runs on it)")
    prerequisite(os.access(os.path.join(VENV_BIN, "spark-submit"), os.X_OK),
                 f"{VENV_BIN}/spark-submit (pyspark's Spark distribution: run scripts/python-env)")
    prerequisite(os.access(os.path.join(VENV_BIN, "airflow"), os.X_OK), f"{VENV_BIN}/airflow (run scripts/python-env)")
    root = str(tmp_path_factory.mktemp("nightly"))
    t0 = time.monotonic()
    w = nightly_world.build(root)
    TIMINGS["e2e set-up (generate, simulate, serve logs)"] = f"{time.monotonic() - t0:.0f} s {w.timings}"
    return w


@pytest.fixture(scope="module")
def airflow(world):
    """Runs the airflow CLI of the venv with its own home, SQLite database and connection."""
    home = os.path.join(world.root, "airflow-home")
    os.makedirs(home)
    env = {
        **os.environ,
        "AIRFLOW_HOME": home,
        "AIRFLOW__CORE__DAGS_FOLDER": DAGS_FOLDER,
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW_CONN_METAROUTER_SPARK": json.dumps({"conn_type": "spark", "host": "local[2]"}),
        "PATH": VENV_BIN + os.pathsep + os.environ.get("PATH", ""),
        "METAROUTER_REGISTRY": world.registry,
        "METAROUTER_OUTCOMES": world.outcomes,
        "METAROUTER_RAW_LOGS": world.raw_logs,
        "METAROUTER_WORK": world.work,
        "METAROUTER_OPE_LOGS": world.ope,
        "METAROUTER_JOB_CONF": world.small_conf,
        "METAROUTER_EVAL_USERS": "100",
        "METAROUTER_MIN_EVENTS": "500",
        "METAROUTER_SPARK_DRIVER_MEMORY": "1g",
        "METAROUTER_RETRY_DELAY_SECONDS": "5",
    }
    env.pop("AIRFLOW__CORE__UNIT_TEST_MODE", None)

    def run(*args: str, log_name: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        out = open(os.path.join(world.root, log_name), "w") if log_name else subprocess.PIPE
        try:
            done = subprocess.run([os.path.join(VENV_BIN, "airflow"), *args], env=env, cwd=world.root, text=True,
                                  stdout=out, stderr=subprocess.STDOUT, timeout=1800, check=False)
        finally:
            if log_name:
                out.close()
        if check and done.returncode != 0:
            tail = done.stdout if not log_name else open(os.path.join(world.root, log_name)).read()
            raise AssertionError(f"airflow {' '.join(args)} exited {done.returncode}:\n{tail[-4000:]}")
        return done

    t0 = time.monotonic()
    run("db", "migrate")
    TIMINGS["airflow db migrate"] = f"{time.monotonic() - t0:.0f} s"
    return run


def _states(airflow, logical_day: str) -> tuple[str, dict[str, str]]:
    runs = json.loads(airflow("dags", "list-runs", "metarouter_nightly", "-o", "json").stdout.strip().splitlines()[-1])
    run = [r for r in runs if r["logical_date"].startswith(logical_day)]
    assert len(run) == 1, runs
    tasks = json.loads(airflow("tasks", "states-for-dag-run", "metarouter_nightly", run[0]["run_id"], "-o", "json")
                       .stdout.strip().splitlines()[-1])
    return run[0]["state"], {t["task_id"]: t["state"] for t in tasks}


def _alerts(world) -> list[dict]:
    path = os.path.join(world.work, "alerts", "alerts.jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f]


def _log_tail(world, name: str) -> str:
    with open(os.path.join(world.root, name)) as f:
        return f.read()[-6000:]


def test_night_one_on_an_empty_registry_promotes_a_first_version(world, airflow):
    assert nightly_world.latest(world.registry) is None, "the world's registry starts without LATEST"
    conf = json.dumps(GATE_TOLERANCES)
    t0 = time.monotonic()
    done = airflow("dags", "test", "metarouter_nightly", "2025-03-02", "--conf", conf, log_name="night-1.log", check=False)
    TIMINGS["night 1: airflow dags test metarouter_nightly 2025-03-02 (empty registry, promotes v1)"] = \
        f"{time.monotonic() - t0:.0f} s"
    assert done.returncode == 0, _log_tail(world, "night-1.log")

    state, tasks = _states(airflow, "2025-03-02")
    assert state == "success", tasks
    assert tasks.pop("evaluate_current") == "skipped", "no LATEST: nothing to evaluate"
    assert set(tasks.values()) == {"success"} and len(tasks) == 8, tasks

    run_dir = os.path.join(world.work, "runs", "2025-03-02")
    assert nightly_world.read_json(os.path.join(run_dir, "no-latest.json"))["latest"] is None
    assert not os.path.exists(os.path.join(run_dir, "eval-current"))
    report = nightly_world.read_json(os.path.join(run_dir, "gate-report.json"))
    assert report["decision"] == "pass", report
    assert report["mode"] == "first_version" and report["baseline"] is None and report["latest_at_gate"] is None
    assert report["candidate"]["artifact_version"] == 1
    checked = {(c["metric"], c["split"]) for c in report["checks"]}
    assert checked == {("utility", "id"), ("pgc", "id"), ("utility", "ood"), ("pgc", "ood"), ("off_policy_snips", "logged")}
    for c in report["checks"]:
        if c["metric"] == "pgc":
            assert c["minimum"] == 0.0 and c["candidate"] >= 0.0, c
    ingest = nightly_world.read_json(os.path.join(world.work, "ingested", "2025-03-02", "ingest-report.json"))
    assert ingest["events_by_dt"] == {"2025-03-02": world.timings["events_per_day"]["2025-03-02"]}
    assert ingest["lines_quarantined"] == 0

    assert nightly_world.versions(world.registry) == [1]
    assert nightly_world.latest(world.registry) == 1, "LATEST now names the first version"
    check = nightly_world.read_json(os.path.join(run_dir, "self-check.json"))
    assert check["version"] == 1 and check["latest"] == 1
    assert check["probe"]["model"] in check["probe"]["scores"]
    manifest = nightly_world.read_json(os.path.join(world.registry, "v1", "manifest.json"))
    assert '"warm_start_version": null' in json.dumps(manifest), "v1 started from the seeded initialisation"
    assert _alerts(world) == []
    TIMINGS["night 1 gate"] = "; ".join(f"{c['metric']} {c['split']} {c['candidate']:.3f}" for c in report["checks"])


def test_night_two_stops_a_ruined_candidate_at_the_gate_and_leaves_latest(world, airflow):
    if nightly_world.latest(world.registry) != 1:
        pytest.fail("night 1 did not promote v1", pytrace=False)
    conf = json.dumps({**GATE_TOLERANCES, "train_conf": world.ruin_conf})
    t0 = time.monotonic()
    done = airflow("dags", "test", "metarouter_nightly", "2025-03-03", "--conf", conf, log_name="night-2.log", check=False)
    TIMINGS["night 2: airflow dags test metarouter_nightly 2025-03-03 (gate rejects)"] = f"{time.monotonic() - t0:.0f} s"
    assert done.returncode != 0, "a failed run makes `airflow dags test` fail"

    state, tasks = _states(airflow, "2025-03-03")
    assert state == "failed", tasks
    assert tasks["gate"] == "failed", tasks
    for t in ("wait_for_logs", "ingest_and_validate", "train", "candidate_version", "evaluate_candidate", "evaluate_current"):
        assert tasks[t] == "success", (t, tasks)
    assert tasks["promote"] == "upstream_failed" and tasks["self_check"] == "upstream_failed", tasks

    assert nightly_world.versions(world.registry) == [1, 2], "the ruined candidate was published, not promoted"
    assert nightly_world.latest(world.registry) == 1, "LATEST unchanged"
    report = nightly_world.read_json(os.path.join(world.work, "runs", "2025-03-03", "gate-report.json"))
    assert report["decision"] == "reject"
    assert report["mode"] == "against_latest"
    assert report["candidate"]["artifact_version"] == 2 and report["baseline"]["artifact_version"] == 1
    failed = {(c["metric"], c["split"]) for c in report["checks"] if not c["passed"]}
    assert ("utility", "id") in failed and ("off_policy_snips", "logged") in failed, report["checks"]
    assert not os.path.exists(os.path.join(world.work, "runs", "2025-03-03", "self-check.json"))
    assert not os.path.exists(os.path.join(world.work, "runs", "2025-03-03", "no-latest.json"))
    manifest = nightly_world.read_json(os.path.join(world.registry, "v2", "manifest.json"))
    assert '"warm_start_version": 1' in json.dumps(manifest), "v2 was warm-started from v1"

    alerts = _alerts(world)
    assert [(a["kind"], a["task_id"], a["ds"]) for a in alerts] == [("gate_rejected", "gate", "2025-03-03")], alerts
    assert alerts[0]["message"].startswith("candidate v2 rejected against LATEST v1; LATEST unchanged")
    assert alerts[0]["gate_report"] == report
    TIMINGS["night 2 gate"] = "; ".join(f"{c['metric']} {c['split']} {c['candidate']:.3f} vs {c['baseline']:.3f}"
                                       for c in report["checks"])
