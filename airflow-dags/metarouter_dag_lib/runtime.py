"""What the DAG's tasks call at run time.

SparkSubmitOperator's ``application_args`` is a template that renders (the DAG renders templates as
native Python objects) to the list the command builders return, e.g.
``"{{ mr.ingest(params, ds) }}"``; ``mr`` is :data:`MACROS`. The Python tasks (the log sensor, the
candidate version, the self-check) are the functions below, and :func:`no_latest` tells the
evaluation of LATEST that the registry had none (the first night).
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
from collections.abc import Mapping
from typing import Any

from metarouter_dag_lib import commands

log = logging.getLogger(__name__)

#: Task ids other tasks refer to.
CANDIDATE_VERSION_TASK = "candidate_version"
GATE_TASK = "gate"
EVALUATE_CURRENT_TASK = "evaluate_current"
WAIT_TASK = "wait_for_logs"
INGEST_TASK = "ingest_and_validate"


def settings(params: Mapping[str, Any]) -> commands.NightlySettings:
    return commands.NightlySettings.from_params(params)


class SparkArgs:
    """The Jinja macro ``mr``: application arguments and jar of each Spark step."""

    @staticmethod
    def jar(params: Mapping[str, Any]) -> str:
        return commands.jobs_jar(settings(params))

    @staticmethod
    def ingest(params: Mapping[str, Any], ds: str) -> list[str]:
        return commands.ingest_args(settings(params), ds)

    @staticmethod
    def train(params: Mapping[str, Any], ds: str) -> list[str]:
        os.makedirs(commands.RunPaths.of(settings(params), ds).run_dir, exist_ok=True)
        return commands.train_args(settings(params), ds)

    @staticmethod
    def evaluate_candidate(params: Mapping[str, Any], ds: str, version: Any) -> list[str]:
        return commands.evaluate_args(settings(params), ds, version)

    @staticmethod
    def evaluate_current(params: Mapping[str, Any], ds: str) -> list[str]:
        s = settings(params)
        paths = commands.RunPaths.of(s, ds)
        os.makedirs(paths.run_dir, exist_ok=True)
        # Only this attempt's evaluate may say that the registry has no LATEST.
        if os.path.exists(paths.no_latest):
            os.remove(paths.no_latest)
        return commands.evaluate_args(s, ds, "latest")

    @staticmethod
    def gate(params: Mapping[str, Any], ds: str) -> list[str]:
        s = settings(params)
        paths = commands.RunPaths.of(s, ds)
        # A report of an earlier attempt must not be mistaken for this attempt's decision.
        if os.path.exists(paths.gate_report):
            os.remove(paths.gate_report)
        return commands.gate_args(s, ds, first_version=os.path.isfile(paths.no_latest))

    @staticmethod
    def promote(params: Mapping[str, Any], version: Any) -> list[str]:
        return commands.promote_args(settings(params), version)


MACROS = {"mr": SparkArgs}


def wait_for_logs(params: Mapping[str, Any], ds: str, **_: Any) -> bool:
    """PythonSensor callable: True once the day's logs are complete."""
    ready, why = commands.day_logs_ready(settings(params), ds)
    log.info("day logs %s: %s", "ready" if ready else "not ready", why)
    return ready


def no_latest(params: Mapping[str, Any], ds: str) -> str | None:
    """Why evaluate_current evaluated nothing (its no-latest.json: the registry has no LATEST),
    or None when it evaluated LATEST."""
    path = commands.RunPaths.of(settings(params), ds).no_latest
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        marker = json.load(f)
    return (f"{marker.get('registry')} has no LATEST: nothing to evaluate; the gate judges the candidate on the "
            f"first-version checks (gate --no-baseline)")


def candidate_version(params: Mapping[str, Any], ds: str, **_: Any) -> int:
    """The version train published in this run (its --version-file), pushed as the task's XCom."""
    version = commands.read_version_file(commands.RunPaths.of(settings(params), ds).version_file)
    log.info("candidate: v%d", version)
    return version


def self_check(params: Mapping[str, Any], ds: str, ti: Any, **_: Any) -> dict[str, Any]:
    """Runs ``scripts/metarouter self-check`` on the promoted version (core's class path, no
    Spark); keeps its JSON summary in the run directory and as XCom; fails on a failed check."""
    s = settings(params)
    version = ti.xcom_pull(task_ids=CANDIDATE_VERSION_TASK)
    argv = commands.self_check_argv(s, version)
    log.info("running %s", " ".join(argv))
    # MR_BUILD=never: a worker without the built core jar fails here instead of starting a Maven build.
    env = {**os.environ, "MR_BUILD": "never"}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600, check=False)
    for line in done.stderr.splitlines():
        log.info("self-check: %s", line)
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit code {done.returncode}"
        raise RuntimeError(f"self-check of v{version} failed: {last}")
    summary = json.loads(done.stdout)
    path = commands.RunPaths.of(s, ds).self_check
    with open(path, "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
    log.info("self-check of v%s passed: %s", version, path)
    return summary
