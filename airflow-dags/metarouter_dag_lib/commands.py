"""Command lines of the nightly flow, built as plain data from the DAG's params.

Nothing here imports Airflow: the functions take a NightlySettings (the DAG params, validated) and
the run's date partition (``ds``) and return argument lists. The DAG hands them to
SparkSubmitOperator (``application_args``) and to subprocesses; tests call them directly.

Layout of one run (``work_root`` must be a local path of the Airflow worker; data, outcomes and
registry may be any Hadoop URI the Spark driver can reach):

    <raw_logs>/dt=<ds>/events-*.jsonl   serve's complete log files of the day, then <ready_marker>
    <work_root>/ingested/<ds>/          ingest output: dt= Parquet, quarantine/, ingest-report.json
    <work_root>/runs/<ds>/              candidate-version, eval-candidate/, eval-current/ (or, when
                                        the registry has no LATEST, no-latest.json), gate-report.json,
                                        self-check.json
    <alerts_dir>/alerts.jsonl           one JSON line per alert
"""
from __future__ import annotations

import dataclasses
import datetime
import glob
import os
import re
from collections.abc import Mapping
from typing import Any

#: The jobs' entry point inside the shaded jar.
JAVA_CLASS = "ai.metarouter.jobs.cli.MetaRouterCli"

#: What Spark needs opened on Java 17 (the same list as scripts/metarouter).
ADD_OPENS = (
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
)

#: The gate's exit code for a rejected candidate (GateCommand.REJECTED).
GATE_REJECTED_EXIT_CODE = 3

#: The repository the DAG file sits in (airflow-dags/..), the default METAROUTER_HOME.
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_DS = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KS = re.compile(r"^\d+(,\d+)*$")
_ESTIMATORS = ("ips", "snips", "dm", "dr", "none")


def spark_conf() -> dict[str, str]:
    """Spark properties every MetaRouter spark-submit needs: the Java 17 --add-opens options."""
    opens = " ".join(ADD_OPENS)
    return {"spark.driver.extraJavaOptions": opens, "spark.executor.extraJavaOptions": opens}


def _text(params: Mapping[str, Any], name: str, required: bool) -> str:
    value = params.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(f"param {name} must be a string, got {value!r}")
    value = value.strip()
    if required and not value:
        raise ValueError(f"param {name} is empty: set it in the DAG run conf or its METAROUTER_* environment default")
    return value


def _number(params: Mapping[str, Any], name: str, kind: type, minimum: float | None = None,
            maximum: float | None = None, optional: bool = False) -> Any:
    value = params.get(name)
    if value is None or value == "":
        if optional:
            return None
        raise ValueError(f"param {name} is missing")
    if isinstance(value, bool):
        raise ValueError(f"param {name} must be a number, got {value!r}")
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"param {name} must be a {kind.__name__}, got {value!r}") from None
    if kind is int and float(value) != number:
        raise ValueError(f"param {name} must be a whole number, got {value!r}")
    if minimum is not None and number < minimum or maximum is not None and number > maximum:
        raise ValueError(f"param {name} must be in [{minimum}, {maximum}], got {value!r}")
    return number


@dataclasses.dataclass(frozen=True)
class NightlySettings:
    """The DAG's params, checked once. Empty optional strings mean "not set"; None tolerances
    mean "the gate's defaults from conf/metarouter.conf (metarouter.gate)"."""

    registry: str
    outcomes: str
    raw_logs: str
    work_root: str
    ope_logs: str
    alerts_dir: str
    jobs_jar: str
    metarouter_home: str
    job_conf: str
    train_conf: str
    eval_users: int
    eval_seed: int
    eval_ks: str
    gate_k: int | None
    gate_utility_tolerance: float | None
    gate_pgc_tolerance: float | None
    gate_off_policy_estimator: str | None
    gate_off_policy_tolerance: float | None
    max_quarantined_share: float
    min_events: int
    ready_marker: str

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> NightlySettings:
        work_root = _text(params, "work_root", True)
        estimator = _text(params, "gate_off_policy_estimator", False).lower() or None
        if estimator is not None and estimator not in _ESTIMATORS:
            raise ValueError(f"param gate_off_policy_estimator must be one of {', '.join(_ESTIMATORS)}, got {estimator!r}")
        settings = cls(
            registry=_text(params, "registry", True),
            outcomes=_text(params, "outcomes", True),
            raw_logs=_text(params, "raw_logs", True),
            work_root=work_root,
            ope_logs=_text(params, "ope_logs", False),
            alerts_dir=_text(params, "alerts_dir", False) or os.path.join(work_root, "alerts"),
            jobs_jar=_text(params, "jobs_jar", False)
            or os.path.join(REPO_ROOT, "jobs", "target", "metarouter-jobs-*-spark.jar"),
            metarouter_home=_text(params, "metarouter_home", False) or REPO_ROOT,
            job_conf=_text(params, "job_conf", False),
            train_conf=_text(params, "train_conf", False),
            eval_users=_number(params, "eval_users", int, minimum=1),
            eval_seed=_number(params, "eval_seed", int),
            eval_ks=_text(params, "eval_ks", True).replace(" ", ""),
            gate_k=_number(params, "gate_k", int, minimum=0, optional=True),
            gate_utility_tolerance=_number(params, "gate_utility_tolerance", float, minimum=0, optional=True),
            gate_pgc_tolerance=_number(params, "gate_pgc_tolerance", float, minimum=0, optional=True),
            gate_off_policy_estimator=estimator,
            gate_off_policy_tolerance=_number(params, "gate_off_policy_tolerance", float, minimum=0, optional=True),
            max_quarantined_share=_number(params, "max_quarantined_share", float, minimum=0, maximum=1),
            min_events=_number(params, "min_events", int, minimum=0),
            ready_marker=_text(params, "ready_marker", False),
        )
        if not _KS.match(settings.eval_ks):
            raise ValueError(f"param eval_ks must be comma-separated whole numbers, got {settings.eval_ks!r}")
        if settings.gate_k is not None and str(settings.gate_k) not in settings.eval_ks.split(","):
            raise ValueError(f"param gate_k={settings.gate_k} is not among eval_ks={settings.eval_ks}: the gate reads "
                             "metrics at k, so evaluate must score it")
        if not os.path.isabs(_local(work_root)):
            raise ValueError(f"param work_root must be an absolute local path, got {work_root!r}")
        return settings


def _local(path: str) -> str:
    """A plain path for a ``file:`` URI or a plain path; other schemes are not local."""
    if path.startswith("file://"):
        return path[len("file://"):]
    if path.startswith("file:"):
        return path[len("file:"):]
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", path):
        raise ValueError(f"{path!r} is not a local path (the sensor and the run directory must be local)")
    return path


def check_ds(ds: str) -> str:
    """The run's date partition, yyyy-MM-dd (a real date)."""
    if not isinstance(ds, str) or not _DS.match(ds):
        raise ValueError(f"ds must be yyyy-MM-dd, got {ds!r}")
    datetime.date.fromisoformat(ds)
    return ds


@dataclasses.dataclass(frozen=True)
class RunPaths:
    """Where one run reads and writes."""

    day_logs: str
    ingested: str
    run_dir: str
    version_file: str
    eval_candidate: str
    eval_current: str
    no_latest: str
    gate_report: str
    self_check: str

    @classmethod
    def of(cls, s: NightlySettings, ds: str) -> RunPaths:
        check_ds(ds)
        run_dir = os.path.join(_local(s.work_root), "runs", ds)
        return cls(
            day_logs=f"{s.raw_logs.rstrip('/')}/dt={ds}",
            ingested=os.path.join(_local(s.work_root), "ingested", ds),
            run_dir=run_dir,
            version_file=os.path.join(run_dir, "candidate-version"),
            eval_candidate=os.path.join(run_dir, "eval-candidate"),
            eval_current=os.path.join(run_dir, "eval-current"),
            no_latest=os.path.join(run_dir, "no-latest.json"),
            gate_report=os.path.join(run_dir, "gate-report.json"),
            self_check=os.path.join(run_dir, "self-check.json"),
        )


def _conf_flags(*files: str) -> list[str]:
    out: list[str] = []
    for f in files:
        if f:
            out += ["--conf", f]
    return out


def _version(version: Any) -> str:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"an artifact version is a positive whole number, got {version!r}")
    return str(version)


def ingest_args(s: NightlySettings, ds: str) -> list[str]:
    """The day's serve logs -> dt= Parquet, validated: quarantined share and events of the day.
    --overwrite makes a retry of the task replace what a failed attempt left."""
    p = RunPaths.of(s, ds)
    return ["ingest", "--input", p.day_logs, "--output", p.ingested, "--overwrite", "--dt", ds,
            "--max-quarantined-share", repr(s.max_quarantined_share), "--min-events", str(s.min_events),
            *_conf_flags(s.job_conf)]


def train_args(s: NightlySettings, ds: str) -> list[str]:
    """Meta-training on the ingested day, warm-started from LATEST; the new version goes to the
    run's version file (train publishes, it never promotes)."""
    p = RunPaths.of(s, ds)
    return ["train", "--logs", p.ingested, "--outcomes", s.outcomes, "--registry", s.registry,
            "--warm-start", "latest", "--version-file", p.version_file, *_conf_flags(s.job_conf, s.train_conf)]


def evaluate_args(s: NightlySettings, ds: str, version: int | str) -> list[str]:
    """Evaluation of one version on the held-out users of (eval_users, eval_seed) and, with
    ope_logs, the off-policy estimate of its logged route events. The candidate and LATEST get the
    same users and seed, so the gate compares like with like. ``version`` is a number
    (the candidate) or "latest" (the current LATEST). A registry without LATEST (the first night)
    has nothing to evaluate: evaluate then writes the run's no-latest.json and succeeds."""
    p = RunPaths.of(s, ds)
    if version == "latest":
        report, ref, marker = p.eval_current, "latest", ["--no-latest-marker", p.no_latest]
    else:
        report, ref, marker = p.eval_candidate, _version(version), []
    args = ["evaluate", "--registry", s.registry, "--outcomes", s.outcomes, "--report", report, "--version", ref,
            "--users", str(s.eval_users), "--seed", str(s.eval_seed), "--ks", s.eval_ks, "--no-sweeps", "--overwrite", *marker]
    if s.ope_logs:
        args += ["--logs", s.ope_logs]
    return args + _conf_flags(s.job_conf)


def gate_args(s: NightlySettings, ds: str, first_version: bool = False) -> list[str]:
    """The gate: candidate vs LATEST, and LATEST must still be the evaluated one. With
    ``first_version`` (the registry had no LATEST to evaluate) the candidate is judged alone on
    metarouter.gate.first-version's absolute checks (``--no-baseline``; LATEST must still be
    absent), so the tolerances do not apply. Without ope_logs the off-policy criterion is switched
    off (evaluate had no logs to estimate from)."""
    p = RunPaths.of(s, ds)
    baseline = ["--no-baseline"] if first_version else ["--baseline", p.eval_current]
    args = ["gate", "--candidate", p.eval_candidate, *baseline, "--report", p.gate_report, "--registry", s.registry]
    if s.gate_k is not None:
        args += ["--k", str(s.gate_k)]
    if s.gate_utility_tolerance is not None and not first_version:
        args += ["--utility-tolerance", repr(s.gate_utility_tolerance)]
    if s.gate_pgc_tolerance is not None and not first_version:
        args += ["--pgc-tolerance", repr(s.gate_pgc_tolerance)]
    estimator = s.gate_off_policy_estimator if s.ope_logs else "none"
    if estimator is not None:
        args += ["--off-policy-estimator", estimator]
    if s.gate_off_policy_tolerance is not None and not first_version:
        args += ["--off-policy-tolerance", repr(s.gate_off_policy_tolerance)]
    return args + _conf_flags(s.job_conf)


def promote_args(s: NightlySettings, version: int) -> list[str]:
    """Moves LATEST to the candidate (verified first by promote itself)."""
    return ["promote", "--registry", s.registry, "--version", _version(version)]


def self_check_argv(s: NightlySettings, version: int) -> list[str]:
    """The serving library, on core's class path (no Spark), loads the promoted version, routes a
    probe and adapts to one feedback; LATEST must name the version."""
    return [os.path.join(s.metarouter_home, "scripts", "metarouter"), "self-check", "--registry", s.registry,
            "--version", _version(version), "--require-latest"]


def jobs_jar(s: NightlySettings) -> str:
    """The shaded jobs jar: jobs_jar as given, or the one file its glob pattern matches."""
    if not glob.has_magic(s.jobs_jar):
        if not os.path.isfile(s.jobs_jar):
            raise FileNotFoundError(f"jobs jar {s.jobs_jar} does not exist (build it with: mvn -DskipTests package)")
        return s.jobs_jar
    found = sorted(f for f in glob.glob(s.jobs_jar) if os.path.isfile(f))
    if len(found) != 1:
        raise FileNotFoundError(f"jobs jar: {s.jobs_jar} matches {len(found)} files {found}; build it with "
                                "`mvn -DskipTests package` or set METAROUTER_JOBS_JAR to one file")
    return found[0]


def read_version_file(path: str) -> int:
    """The version train published (its --version-file): one positive whole number."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} does not exist: train did not publish a version in this run") from None
    token = text.strip()
    if not token.isdigit() or int(token) < 1:
        raise ValueError(f"{path} holds {text!r}, not a version number")
    return int(token)


#: serve's complete log files (core LogFileNames): events-<...>.jsonl; .inprogress files are not.
_COMPLETE_LOG = re.compile(r"^events-[A-Za-z0-9._-]+\.jsonl$")


def day_logs_ready(s: NightlySettings, ds: str) -> tuple[bool, str]:
    """Whether the day's logs have arrived: the day directory holds at least one complete serve log
    file and, when ready_marker is set, the marker file the log shipper writes last."""
    day = _local(RunPaths.of(s, ds).day_logs)
    if not os.path.isdir(day):
        return False, f"{day} does not exist yet"
    names = os.listdir(day)
    complete = [n for n in names if _COMPLETE_LOG.match(n)]
    if not complete:
        return False, f"{day} has no complete events-*.jsonl file yet"
    if s.ready_marker and s.ready_marker not in names:
        return False, f"{day} has {len(complete)} log files but no {s.ready_marker} marker yet"
    return True, f"{day}: {len(complete)} complete log files" + (f" and {s.ready_marker}" if s.ready_marker else "")
