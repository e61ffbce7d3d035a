"""A real local[2] SparkSession from the venv's pyspark with the shaded jobs jar, and a small world
made by the project's own command line (generate-benchmark, simulate).

Under CI=true a missing prerequisite (java, the jar, pyspark 3.5) fails the tests; elsewhere it
skips them with the reason. Wall times of the slow steps are printed in pytest's summary.
"""
from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import time

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
JAR_GLOB = os.path.join(REPO, "jobs", "target", "metarouter-jobs-*-spark.jar")
LAUNCHER = os.path.join(REPO, "scripts", "metarouter")

TIMINGS: dict[str, float] = {}

#: Small settings for the CLI jobs that make the world.
SMALL_CONF = 'metarouter.spark { "spark.sql.shuffle.partitions" = "4", "spark.default.parallelism" = "2" }\n'


def _require(missing: list[str]) -> None:
    if not missing:
        return
    message = "prerequisite missing: " + "; ".join(missing)
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _java17_opens() -> str:
    """The --add-opens flags Spark needs on Java 17, from the launchers' list (scripts/lib/java17-opens.sh)."""
    with open(os.path.join(REPO, "scripts", "lib", "java17-opens.sh"), encoding="utf-8") as f:
        return " ".join(re.findall(r"--add-opens=\S+", f.read()))


def _timed(label: str, started: float) -> None:
    TIMINGS[label] = round(time.monotonic() - started, 1)


@pytest.fixture(scope="session")
def jobs_jar() -> str:
    jars = sorted(glob.glob(JAR_GLOB))
    missing = []
    if len(jars) != 1:
        missing.append(f"exactly one shaded jobs jar {JAR_GLOB} (found {len(jars)}; build: mvn -B -DskipTests package)")
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and os.access(os.path.join(java_home, "bin", "java"), os.X_OK)):
        missing.append("java (Java 17) on PATH or in JAVA_HOME")
    try:
        import pyspark
        if not pyspark.__version__.startswith("3.5."):
            missing.append(f"pyspark 3.5 (found {pyspark.__version__}; run the tests with the venv of scripts/python-env)")
    except ImportError:
        missing.append("pyspark (run the tests with the venv of scripts/python-env)")
    _require(missing)
    return jars[0]


@pytest.fixture(scope="session")
def spark(jobs_jar):
    from pyspark.sql import SparkSession

    started = time.monotonic()
    session = (SparkSession.builder.master("local[2]").appName("metarouter-spark-tests")
               .config("spark.jars", jobs_jar)
               .config("spark.driver.extraJavaOptions", _java17_opens())
               .config("spark.driver.memory", "1g")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.default.parallelism", "2")
               .config("spark.sql.session.timeZone", "UTC")
               .getOrCreate())
    _timed("spark session", started)
    yield session
    session.stop()


def _metarouter(*args: str) -> None:
    env = {**os.environ, "METAROUTER_HEAP": "1g", "MR_BUILD": "never"}
    started = time.monotonic()
    done = subprocess.run([LAUNCHER, *args], capture_output=True, text=True, env=env, timeout=600, check=False)
    _timed(args[0], started)
    if done.returncode != 0:
        raise RuntimeError(f"scripts/metarouter {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")


@pytest.fixture(scope="session")
def world(jobs_jar, tmp_path_factory):
    """An outcome dataset (5 models, 200 queries) and the interaction log of 60 simulated users."""
    root = tmp_path_factory.mktemp("world")
    conf = root / "small.conf"
    conf.write_text(SMALL_CONF)
    common = ["--master", "local[2]", "--conf", str(conf)]
    outcomes, logs = root / "outcomes", root / "logs"
    _metarouter("generate-benchmark", "--output", str(outcomes), "--queries", "200", "--models", "5", "--seed", "3",
                *common)
    _metarouter("simulate", "--outcomes", str(outcomes), "--output", str(logs), "--users", "60", "--contexts", "12",
                "--routes", "4", "--seed", "11", *common)
    with open(outcomes / "models.json", encoding="utf-8") as f:
        catalog = [m["id"] for m in json.load(f)["models"]]
    return {"outcomes": str(outcomes), "logs": str(logs), "catalog": catalog}


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.write_line("metarouter_spark wall times (s): "
                                    + ", ".join(f"{k} {v}" for k, v in TIMINGS.items()))
