"""Shared set-up of the DAG tests.

Airflow reads its home and settings when first imported, so a throw-away AIRFLOW_HOME (and
no example DAGs) is set here, before any test module imports Airflow; nothing is written to
~/airflow. ``prerequisite`` turns a missing prerequisite into a failure under CI=true (CI must
never pass by skipping) and into a skip with the reason elsewhere. Wall times of the heavy tests
are collected in ``TIMINGS`` and printed in pytest's terminal summary.
"""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest

DAGS_FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(DAGS_FOLDER)

_HOME = tempfile.mkdtemp(prefix="metarouter-airflow-home-")
os.environ["AIRFLOW_HOME"] = _HOME
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = DAGS_FOLDER

TIMINGS: dict[str, str] = {}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def prerequisite(ok: bool, what: str) -> None:
    """Fails under CI=true, skips elsewhere, when a prerequisite is missing."""
    if ok:
        return
    message = f"prerequisite missing: {what}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if TIMINGS:
        terminalreporter.section("MetaRouter DAG test wall times")
        for name, value in TIMINGS.items():
            terminalreporter.write_line(f"{name}: {value}")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_HOME, ignore_errors=True)
