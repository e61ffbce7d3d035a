"""MetaRouter nightly retraining (README: "Operating MetaRouter").

For the run's date partition ``ds``: wait for the day's serve logs -> ingest and validate them ->
train a candidate warm-started from LATEST -> evaluate the candidate and the current LATEST on the
same held-out users and seed (and the off-policy estimate of logged route events) -> gate -> promote
-> self-check the promoted version with the Spark-free serving library.

A candidate worse than LATEST beyond the gate's tolerances fails the ``gate`` task (exit code 3 of
``metarouter gate``, no retries: the decision is deterministic); ``promote`` and ``self_check`` then
never run, so LATEST stays where it was, and the alert hook writes a ``gate_rejected`` record.

The first night on an empty registry needs no manual step: ``train`` starts from the seeded
initialisation, ``evaluate_current`` finds no LATEST and ends *skipped*, and the gate (trigger rule
``none_failed``) judges the candidate alone on the absolute checks of
``metarouter.gate.first-version`` (``gate --no-baseline``); a pass promotes v1, a rejection leaves
the registry without LATEST.

Everything a run needs comes from params (defaults from METAROUTER_* environment variables read
when the file is parsed; a DAG run's conf overrides them); no Variable or Connection is read at
the top level. The Spark steps run the shaded jobs jar through the Apache Spark provider's
SparkSubmitOperator on the connection METAROUTER_SPARK_CONN_ID (default ``metarouter_spark``).
The command lines are built by metarouter_dag_lib.commands (plain functions, unit tested).
"""
from __future__ import annotations

import datetime
import os

import pendulum
from airflow.exceptions import AirflowSkipException
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.providers.standard.sensors.python import PythonSensor
from airflow.sdk import DAG, Param
from airflow.timetables.interval import CronDataIntervalTimetable

from metarouter_dag_lib import alerts, commands, runtime

DAG_ID = "metarouter_nightly"
env = os.environ.get


def _env_float(name: str, default: float) -> float:
    return float(env(name, str(default)))


SPARK_CONN_ID = env("METAROUTER_SPARK_CONN_ID", "metarouter_spark")
WAIT_TIMEOUT = datetime.timedelta(seconds=_env_float("METAROUTER_WAIT_TIMEOUT_SECONDS", 6 * 3600))
WAIT_POKE = datetime.timedelta(seconds=_env_float("METAROUTER_WAIT_POKE_SECONDS", 300))
RETRY_DELAY = datetime.timedelta(seconds=_env_float("METAROUTER_RETRY_DELAY_SECONDS", 300))
SPARK_OPTIONS = {
    "conn_id": SPARK_CONN_ID,
    "java_class": commands.JAVA_CLASS,
    "application": "{{ mr.jar(params) }}",
    "conf": commands.spark_conf(),
    "driver_memory": env("METAROUTER_SPARK_DRIVER_MEMORY") or None,
    "verbose": False,
}



def spark_step(task_id: str, application_args: str, operator: type = SparkSubmitOperator, **kwargs) -> SparkSubmitOperator:
    """One `metarouter <command>` through spark-submit; application_args renders to the command
    builder's list (the DAG renders templates as native objects)."""
    return operator(task_id=task_id, name=f"metarouter-{task_id}-{{{{ ds }}}}",
                    application_args=application_args, **SPARK_OPTIONS, **kwargs)


class EvaluateLatestOperator(SparkSubmitOperator):
    """``evaluate --version latest --no-latest-marker ...``: when the registry has no LATEST yet,
    evaluate writes the marker instead of an evaluation and this task ends skipped (there was
    nothing to evaluate); the gate then decides without a baseline."""

    def execute(self, context):
        super().execute(context)
        why = runtime.no_latest(context["params"], context["ds"])
        if why is not None:
            raise AirflowSkipException(why)


def _env_text(var: str, description: str) -> Param:
    """A text Param whose default is the environment variable ``var`` (empty when unset), read at parse time."""
    return Param(env(var, ""), type="string", description=description)


params = {
    "registry": _env_text("METAROUTER_REGISTRY", "artifact registry URI"),
    "outcomes": _env_text("METAROUTER_OUTCOMES", "outcome dataset directory"),
    "raw_logs": _env_text("METAROUTER_RAW_LOGS",
                          "root of the shipped serve logs: <raw_logs>/dt=<ds>/events-*.jsonl (local)"),
    "work_root": _env_text("METAROUTER_WORK", "local working directory: ingested/<ds>, runs/<ds>"),
    "ope_logs": _env_text("METAROUTER_OPE_LOGS",
                          "logged route events with users.parquet for the off-policy estimate; empty = none"),
    "alerts_dir": _env_text("METAROUTER_ALERTS_DIR", "where alerts.jsonl is appended; empty = <work_root>/alerts"),
    "jobs_jar": _env_text("METAROUTER_JOBS_JAR",
                          "shaded jobs jar (a glob is allowed); empty = the repository's jobs/target jar"),
    "metarouter_home": _env_text("METAROUTER_HOME",
                                 "MetaRouter installation for scripts/metarouter self-check; empty = this repository"),
    "job_conf": _env_text("METAROUTER_JOB_CONF", "HOCON overlay (--conf) for every job; empty = none"),
    "train_conf": _env_text("METAROUTER_TRAIN_CONF",
                            "HOCON overlay (--conf) for train only, after job_conf; empty = none"),
    "eval_users": Param(int(env("METAROUTER_EVAL_USERS", "2000")), type="integer", minimum=1,
                        description="held-out users per split, the same for candidate and LATEST"),
    "eval_seed": Param(int(env("METAROUTER_EVAL_SEED", "20250101")), type="integer",
                       description="seed of the held-out users, the same for candidate and LATEST"),
    "eval_ks": Param(env("METAROUTER_EVAL_KS", "0,2,6"), type="string", description="feedback counts evaluated"),
    "gate_k": Param(None, type=["null", "integer"], description="k the gate reads; null = metarouter.gate.k"),
    "gate_utility_tolerance": Param(None, type=["null", "number"],
                                    description="allowed utility drop; null = metarouter.gate.utility-tolerance"),
    "gate_pgc_tolerance": Param(None, type=["null", "number"], description="allowed PGC drop; null = conf"),
    "gate_off_policy_estimator": Param("", type="string", description="ips|snips|dm|dr|none; empty = conf"),
    "gate_off_policy_tolerance": Param(None, type=["null", "number"],
                                       description="allowed drop of the off-policy estimate; null = conf"),
    "max_quarantined_share": Param(float(env("METAROUTER_MAX_QUARANTINED_SHARE", "0.05")), type="number",
                                   minimum=0, maximum=1, description="validation: largest share of quarantined lines"),
    "min_events": Param(int(env("METAROUTER_MIN_EVENTS", "1000")), type="integer", minimum=0,
                        description="validation: fewest accepted events of the day"),
    "ready_marker": Param(env("METAROUTER_READY_MARKER", "_SUCCESS"), type="string",
                          description="file the log shipper writes into the day directory last; empty = none"),
}

with DAG(
    dag_id=DAG_ID,
    description="ingest the day's serve logs, retrain warm, evaluate against LATEST (if any), gate, promote, self-check",
    doc_md=__doc__,
    # Run for day D at 03:00 UTC of D+1: the data interval is [D 03:00, D+1 03:00), so ds = D.
    schedule=CronDataIntervalTimetable("0 3 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=datetime.timedelta(hours=12),
    tags=["metarouter", "retraining", "spark"],
    params=params,
    user_defined_macros=runtime.MACROS,
    # application_args templates render to the Python lists the command builders return.
    render_template_as_native_obj=True,
    default_args={
        "owner": "metarouter",
        "retries": 2,
        "retry_delay": RETRY_DELAY,
        "retry_exponential_backoff": True,
        "on_failure_callback": alerts.on_failure,
    },
) as dag:
    wait_for_logs = PythonSensor(
        task_id=runtime.WAIT_TASK,
        python_callable=runtime.wait_for_logs,
        mode="reschedule",
        poke_interval=WAIT_POKE,
        timeout=WAIT_TIMEOUT,
        retries=0,
    )
    ingest = spark_step(runtime.INGEST_TASK, "{{ mr.ingest(params, ds) }}")
    train = spark_step("train", "{{ mr.train(params, ds) }}")
    candidate_version = PythonOperator(
        task_id=runtime.CANDIDATE_VERSION_TASK,
        python_callable=runtime.candidate_version,
    )
    evaluate_candidate = spark_step(
        "evaluate_candidate", "{{ mr.evaluate_candidate(params, ds, ti.xcom_pull(task_ids='candidate_version')) }}")
    evaluate_current = spark_step(runtime.EVALUATE_CURRENT_TASK, "{{ mr.evaluate_current(params, ds) }}",
                                  operator=EvaluateLatestOperator)
    # A rejection is a decision, not a transient fault: retrying cannot change it. none_failed:
    # the gate also runs when evaluate_current was skipped (no LATEST yet: gate --no-baseline).
    gate = spark_step(runtime.GATE_TASK, "{{ mr.gate(params, ds) }}", retries=0, trigger_rule="none_failed")
    promote = spark_step("promote", "{{ mr.promote(params, ti.xcom_pull(task_ids='candidate_version')) }}")
    self_check = PythonOperator(
        task_id="self_check",
        python_callable=runtime.self_check,
        retries=1,
    )

    wait_for_logs >> ingest >> [train, evaluate_current]
    train >> candidate_version >> evaluate_candidate
    [evaluate_candidate, evaluate_current] >> gate >> promote >> self_check
