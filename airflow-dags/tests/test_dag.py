"""The DAG as Airflow loads it: no import errors, the task graph, operator types and settings."""
from __future__ import annotations

import datetime

import pytest

from conftest import DAGS_FOLDER

TASKS = {
    "wait_for_logs": [],
    "ingest_and_validate": ["wait_for_logs"],
    "train": ["ingest_and_validate"],
    "candidate_version": ["train"],
    "evaluate_candidate": ["candidate_version"],
    "evaluate_current": ["ingest_and_validate"],
    "gate": ["evaluate_candidate", "evaluate_current"],
    "promote": ["gate"],
    "self_check": ["promote"],
}
SPARK_TASKS = {"ingest_and_validate", "train", "evaluate_candidate", "evaluate_current", "gate", "promote"}


@pytest.fixture(scope="module")
def dagbag():
    from airflow.models.dagbag import DagBag

    return DagBag(dag_folder=DAGS_FOLDER, include_examples=False)


@pytest.fixture(scope="module")
def dag(dagbag):
    return dagbag.dags["metarouter_nightly"]


def test_the_dag_folder_loads_without_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert list(dagbag.dag_ids) == ["metarouter_nightly"]
    parsed = [stat.file for stat in dagbag.dagbag_stats]
    assert [f.split("/")[-1] for f in parsed] == ["metarouter_nightly.py"], ".airflowignore keeps tests and the lib out"


def test_the_task_graph(dag):
    assert set(dag.task_ids) == set(TASKS)
    for task_id, upstream in TASKS.items():
        assert sorted(dag.get_task(task_id).upstream_task_ids) == sorted(upstream), task_id
    assert sorted(dag.get_task("ingest_and_validate").downstream_task_ids) == ["evaluate_current", "train"]
    assert dag.get_task("self_check").downstream_task_ids == set()
    # Nothing reaches promote except through the gate.
    assert dag.get_task("promote").upstream_task_ids == {"gate"}


def test_the_first_night_skips_evaluate_current_and_the_gate_still_decides(dag):
    """With no LATEST, evaluate_current ends skipped; the gate must run then (none_failed) but
    never after a failed evaluation, and everything after the gate needs the gate's success. (The
    skip itself runs in the end-to-end test's first night.)"""
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    current = dag.get_task("evaluate_current")
    assert type(current).__name__ == "EvaluateLatestOperator" and isinstance(current, SparkSubmitOperator)
    assert dag.get_task("gate").trigger_rule == "none_failed"
    for task_id in set(TASKS) - {"gate"}:
        assert dag.get_task(task_id).trigger_rule == "all_success", task_id


def test_operator_types(dag):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.providers.standard.sensors.python import PythonSensor

    for task_id in SPARK_TASKS:
        assert isinstance(dag.get_task(task_id), SparkSubmitOperator), task_id
    assert isinstance(dag.get_task("wait_for_logs"), PythonSensor)
    assert isinstance(dag.get_task("candidate_version"), PythonOperator)
    assert isinstance(dag.get_task("self_check"), PythonOperator)


def test_spark_steps_submit_the_jobs_jar_with_the_java17_options(dag):
    from metarouter_dag_lib import commands

    for task_id in SPARK_TASKS:
        t = dag.get_task(task_id)
        assert t._java_class == "ai.metarouter.jobs.cli.MetaRouterCli"
        assert t._conn_id == "metarouter_spark"
        assert t.application == "{{ mr.jar(params) }}"
        assert t.conf == commands.spark_conf()
        assert "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" in t.conf["spark.driver.extraJavaOptions"]
        assert isinstance(t.application_args, str) and t.application_args.startswith("{{ mr."), task_id


def test_dag_settings(dag):
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert set(dag.tags) == {"metarouter", "retraining", "spark"}
    assert dag.render_template_as_native_obj is True
    assert "mr" in dag.user_defined_macros
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable"
    assert dag.dagrun_timeout == datetime.timedelta(hours=12)


def test_retries_alerts_and_the_sensor(dag):
    from metarouter_dag_lib import alerts

    expected_retries = {"wait_for_logs": 0, "gate": 0, "self_check": 1}
    for task in dag.tasks:
        assert task.retries == expected_retries.get(task.task_id, 2), task.task_id
        assert task.retry_delay > datetime.timedelta(0)
        callbacks = task.on_failure_callback if isinstance(task.on_failure_callback, list) else [task.on_failure_callback]
        assert alerts.on_failure in callbacks, task.task_id
    sensor = dag.get_task("wait_for_logs")
    assert sensor.mode == "reschedule"
    assert sensor.timeout == 6 * 3600
    assert sensor.poke_interval == 300


def test_params_have_the_documented_defaults(dag):
    p = dag.params
    assert p["eval_ks"] == "0,2,6"
    assert p["ready_marker"] == "_SUCCESS"
    assert p["max_quarantined_share"] == 0.05
    assert p["gate_k"] is None and p["gate_utility_tolerance"] is None


def test_the_spark_arguments_render_to_the_builders_lists(dag, tmp_path):
    """Templates render, as native objects, to exactly what the command builders return."""
    from metarouter_dag_lib import commands

    params = dict(dag.params)
    params.update(registry=str(tmp_path / "reg"), outcomes=str(tmp_path / "out"), raw_logs=str(tmp_path / "raw"),
                  work_root=str(tmp_path / "work"), ope_logs="", gate_pgc_tolerance=0.3)
    env = dag.get_template_env()
    context = {"params": params, "ds": "2025-03-02"}
    s = commands.NightlySettings.from_params(params)
    for task_id, expected in [("ingest_and_validate", commands.ingest_args(s, "2025-03-02")),
                              ("train", commands.train_args(s, "2025-03-02")),
                              ("evaluate_current", commands.evaluate_args(s, "2025-03-02", "latest")),
                              ("gate", commands.gate_args(s, "2025-03-02"))]:
        t = dag.get_task(task_id)
        rendered = t.render_template(t.application_args, context, jinja_env=env)
        assert rendered == expected, task_id
    assert (tmp_path / "work" / "runs" / "2025-03-02").is_dir(), "train's rendering makes the run directory"
