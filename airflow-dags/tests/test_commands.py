"""The command builders of the nightly flow, on their own (no Airflow)."""
from __future__ import annotations

import json
import os
import re
import types

import pytest

from metarouter_dag_lib import alerts, commands, runtime
from conftest import REPO

DS = "2025-03-02"


def params(tmp_path, **overrides):
    p = {
        "registry": "hdfs:///metarouter/registry",
        "outcomes": "hdfs:///metarouter/outcomes",
        "raw_logs": str(tmp_path / "raw"),
        "work_root": str(tmp_path / "work"),
        "ope_logs": "hdfs:///metarouter/ope",
        "alerts_dir": "",
        "jobs_jar": "",
        "metarouter_home": "/opt/metarouter",
        "job_conf": "",
        "train_conf": "",
        "eval_users": 500,
        "eval_seed": 7,
        "eval_ks": "0,2,6",
        "gate_k": None,
        "gate_utility_tolerance": None,
        "gate_pgc_tolerance": None,
        "gate_off_policy_estimator": "",
        "gate_off_policy_tolerance": None,
        "max_quarantined_share": 0.05,
        "min_events": 1000,
        "ready_marker": "_SUCCESS",
    }
    p.update(overrides)
    return p


def settings(tmp_path, **overrides):
    return commands.NightlySettings.from_params(params(tmp_path, **overrides))


def flag(args, name):
    """The value after --name (exactly one occurrence)."""
    assert args.count(name) == 1, args
    return args[args.index(name) + 1]


def test_defaults_fill_in_alerts_dir_and_the_repositorys_jar_and_home(tmp_path):
    s = settings(tmp_path, metarouter_home="")
    assert s.alerts_dir == str(tmp_path / "work" / "alerts")
    assert s.metarouter_home == REPO
    assert s.jobs_jar == os.path.join(REPO, "jobs", "target", "metarouter-jobs-*-spark.jar")
    assert s.gate_off_policy_estimator is None and s.gate_k is None


@pytest.mark.parametrize("overrides, message", [
    ({"registry": "  "}, "param registry is empty"),
    ({"work_root": "relative/work"}, "work_root must be an absolute local path"),
    ({"work_root": "hdfs:///work"}, "not a local path"),
    ({"eval_users": 0}, "eval_users must be in"),
    ({"eval_users": 2.5}, "eval_users must be a whole number"),
    ({"eval_ks": "0,two"}, "eval_ks must be comma-separated"),
    ({"gate_k": 4}, "gate_k=4 is not among eval_ks=0,2,6"),
    ({"gate_off_policy_estimator": "magic"}, "gate_off_policy_estimator must be one of"),
    ({"max_quarantined_share": 1.5}, "max_quarantined_share must be in"),
    ({"gate_pgc_tolerance": -0.1}, "gate_pgc_tolerance must be in"),
    ({"min_events": True}, "min_events must be a number"),
])
def test_bad_params_are_named_in_one_error(tmp_path, overrides, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        settings(tmp_path, **overrides)


@pytest.mark.parametrize("ds", ["2025-02-30", "20250302", "2025-3-2", None])
def test_the_date_partition_must_be_a_real_yyyy_mm_dd_date(ds):
    with pytest.raises(ValueError):
        commands.check_ds(ds)


def test_run_paths_of_a_day(tmp_path):
    p = commands.RunPaths.of(settings(tmp_path, work_root=f"file://{tmp_path}/work"), DS)
    assert p.day_logs == f"{tmp_path}/raw/dt={DS}"
    assert p.ingested == f"{tmp_path}/work/ingested/{DS}"
    assert p.run_dir == f"{tmp_path}/work/runs/{DS}"
    assert p.version_file == f"{p.run_dir}/candidate-version"
    assert p.gate_report == f"{p.run_dir}/gate-report.json"
    assert p.no_latest == f"{p.run_dir}/no-latest.json"
    assert {p.eval_candidate, p.eval_current} == {f"{p.run_dir}/eval-candidate", f"{p.run_dir}/eval-current"}


def test_ingest_reads_the_day_and_validates_it(tmp_path):
    s = settings(tmp_path, job_conf="/etc/metarouter/prod.conf")
    args = commands.ingest_args(s, DS)
    assert args[0] == "ingest"
    assert flag(args, "--input") == f"{tmp_path}/raw/dt={DS}"
    assert flag(args, "--output") == f"{tmp_path}/work/ingested/{DS}"
    assert "--overwrite" in args, "a retried attempt replaces the failed one's output"
    assert flag(args, "--dt") == DS
    assert flag(args, "--max-quarantined-share") == "0.05"
    assert flag(args, "--min-events") == "1000"
    assert flag(args, "--conf") == "/etc/metarouter/prod.conf"


def test_train_is_warm_started_and_writes_its_version_to_the_run_directory(tmp_path):
    s = settings(tmp_path, job_conf="/c/job.conf", train_conf="/c/train.conf")
    args = commands.train_args(s, DS)
    assert args[:3] == ["train", "--logs", f"{tmp_path}/work/ingested/{DS}"]
    assert flag(args, "--warm-start") == "latest"
    assert flag(args, "--registry") == "hdfs:///metarouter/registry"
    assert flag(args, "--outcomes") == "hdfs:///metarouter/outcomes"
    assert flag(args, "--version-file") == f"{tmp_path}/work/runs/{DS}/candidate-version"
    confs = [args[i + 1] for i, a in enumerate(args) if a == "--conf"]
    assert confs == ["/c/job.conf", "/c/train.conf"], "the train overlay is laid over the job overlay"
    assert "/c/train.conf" not in commands.ingest_args(s, DS)
    assert "/c/train.conf" not in commands.evaluate_args(s, DS, "latest")


def test_candidate_and_latest_are_evaluated_on_the_same_users_and_seed(tmp_path):
    s = settings(tmp_path)
    cand = commands.evaluate_args(s, DS, 7)
    cur = commands.evaluate_args(s, DS, "latest")
    assert flag(cand, "--version") == "7" and flag(cur, "--version") == "latest"
    assert flag(cand, "--report") != flag(cur, "--report")
    for name in ("--users", "--seed", "--ks", "--outcomes", "--registry", "--logs"):
        assert flag(cand, name) == flag(cur, name), name
    assert flag(cand, "--users") == "500" and flag(cand, "--seed") == "7" and flag(cand, "--ks") == "0,2,6"
    assert "--no-sweeps" in cand and "--overwrite" in cand
    no_ope = commands.evaluate_args(settings(tmp_path, ope_logs=""), DS, 7)
    assert "--logs" not in no_ope


def test_only_latest_is_evaluated_with_the_no_latest_marker(tmp_path):
    s = settings(tmp_path)
    p = commands.RunPaths.of(s, DS)
    assert flag(commands.evaluate_args(s, DS, "latest"), "--no-latest-marker") == p.no_latest
    assert "--no-latest-marker" not in commands.evaluate_args(s, DS, 7), "a missing candidate is a failure"


@pytest.mark.parametrize("version", [0, -1, True, "7", None, 1.0])
def test_a_candidate_version_must_be_a_positive_whole_number(tmp_path, version):
    s = settings(tmp_path)
    with pytest.raises(ValueError, match="positive whole number"):
        commands.evaluate_args(s, DS, version)
    with pytest.raises(ValueError):
        commands.promote_args(s, version)


def test_gate_passes_only_the_tolerances_that_are_set(tmp_path):
    p = commands.RunPaths.of(settings(tmp_path), DS)
    plain = commands.gate_args(settings(tmp_path), DS)
    assert plain == ["gate", "--candidate", p.eval_candidate, "--baseline", p.eval_current, "--report", p.gate_report,
                     "--registry", "hdfs:///metarouter/registry"], "defaults come from metarouter.gate"
    tuned = commands.gate_args(settings(tmp_path, gate_k=2, gate_utility_tolerance=0.02, gate_pgc_tolerance=0.25,
                                        gate_off_policy_estimator="DR", gate_off_policy_tolerance=0.01), DS)
    assert flag(tuned, "--k") == "2"
    assert flag(tuned, "--utility-tolerance") == "0.02"
    assert flag(tuned, "--pgc-tolerance") == "0.25"
    assert flag(tuned, "--off-policy-estimator") == "dr"
    assert flag(tuned, "--off-policy-tolerance") == "0.01"
    without_logs = commands.gate_args(settings(tmp_path, ope_logs="", gate_off_policy_estimator="snips"), DS)
    assert flag(without_logs, "--off-policy-estimator") == "none", "no logs, no off-policy estimate to compare"


def test_a_first_version_is_gated_without_baseline_and_without_the_tolerances(tmp_path):
    tuned = settings(tmp_path, gate_k=2, gate_utility_tolerance=0.02, gate_pgc_tolerance=0.25,
                     gate_off_policy_estimator="DR", gate_off_policy_tolerance=0.01, job_conf="/c/job.conf")
    p = commands.RunPaths.of(tuned, DS)
    args = commands.gate_args(tuned, DS, first_version=True)
    assert args[:7] == ["gate", "--candidate", p.eval_candidate, "--no-baseline", "--report", p.gate_report, "--registry"]
    assert "--baseline" not in args
    assert flag(args, "--k") == "2" and flag(args, "--off-policy-estimator") == "dr"
    for tolerance in ("--utility-tolerance", "--pgc-tolerance", "--off-policy-tolerance"):
        assert tolerance not in args, "no baseline, nothing to tolerate a drop from"
    assert flag(args, "--conf") == "/c/job.conf", "metarouter.gate.first-version may come from the job overlay"
    no_ope = commands.gate_args(settings(tmp_path, ope_logs=""), DS, first_version=True)
    assert flag(no_ope, "--off-policy-estimator") == "none"


def test_the_gate_is_rendered_without_baseline_only_after_evaluate_found_no_latest(tmp_path):
    p = params(tmp_path)
    paths = commands.RunPaths.of(commands.NightlySettings.from_params(p), DS)
    assert runtime.SparkArgs.evaluate_current(p, DS) == commands.evaluate_args(commands.NightlySettings.from_params(p), DS, "latest")
    assert runtime.no_latest(p, DS) is None
    assert "--baseline" in runtime.SparkArgs.gate(p, DS)
    with open(paths.no_latest, "w") as f:
        json.dump({"registry": p["registry"], "latest": None, "reason": "the registry has no LATEST: nothing to evaluate"}, f)
    assert runtime.no_latest(p, DS).startswith("hdfs:///metarouter/registry has no LATEST: nothing to evaluate")
    assert "--no-baseline" in runtime.SparkArgs.gate(p, DS)
    # A retried evaluate_current starts afresh: the marker of an earlier attempt is removed when it renders.
    runtime.SparkArgs.evaluate_current(p, DS)
    assert not os.path.exists(paths.no_latest)
    assert "--baseline" in runtime.SparkArgs.gate(p, DS)


def test_promote_and_self_check(tmp_path):
    s = settings(tmp_path)
    assert commands.promote_args(s, 3) == ["promote", "--registry", "hdfs:///metarouter/registry", "--version", "3"]
    assert commands.self_check_argv(s, 3) == ["/opt/metarouter/scripts/metarouter", "self-check", "--registry",
                                              "hdfs:///metarouter/registry", "--version", "3", "--require-latest"]


def test_the_add_opens_options_are_the_launchers(tmp_path):
    # The launchers (scripts/metarouter, scripts/cluster) source the list from scripts/lib/java17-opens.sh.
    with open(os.path.join(REPO, "scripts", "lib", "java17-opens.sh"), encoding="utf-8") as f:
        launcher = f.read()
    block = re.search(r"ADD_OPENS=\((.*?)\)", launcher, re.S).group(1)
    assert tuple(block.split()) == commands.ADD_OPENS
    conf = commands.spark_conf()
    assert conf["spark.driver.extraJavaOptions"] == conf["spark.executor.extraJavaOptions"] == " ".join(commands.ADD_OPENS)


def test_the_jobs_jar_is_one_existing_file(tmp_path):
    pattern = str(tmp_path / "metarouter-jobs-*-spark.jar")
    with pytest.raises(FileNotFoundError, match="matches 0 files"):
        commands.jobs_jar(settings(tmp_path, jobs_jar=pattern))
    (tmp_path / "metarouter-jobs-1.0-spark.jar").write_bytes(b"PK")
    assert commands.jobs_jar(settings(tmp_path, jobs_jar=pattern)) == str(tmp_path / "metarouter-jobs-1.0-spark.jar")
    (tmp_path / "metarouter-jobs-2.0-spark.jar").write_bytes(b"PK")
    with pytest.raises(FileNotFoundError, match="matches 2 files"):
        commands.jobs_jar(settings(tmp_path, jobs_jar=pattern))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        commands.jobs_jar(settings(tmp_path, jobs_jar=str(tmp_path / "nope.jar")))


def test_the_version_file_holds_one_positive_number(tmp_path):
    f = tmp_path / "candidate-version"
    with pytest.raises(FileNotFoundError, match="train did not publish"):
        commands.read_version_file(str(f))
    f.write_text("12\n")
    assert commands.read_version_file(str(f)) == 12
    for bad in ("", "v12", "0", "1 2", "-3"):
        f.write_text(bad)
        with pytest.raises(ValueError, match="not a version number"):
            commands.read_version_file(str(f))


def test_the_day_is_ready_with_complete_log_files_and_the_marker(tmp_path):
    s = settings(tmp_path)
    day = tmp_path / "raw" / f"dt={DS}"
    assert commands.day_logs_ready(s, DS) == (False, f"{day} does not exist yet")
    day.mkdir(parents=True)
    (day / "events-20250302T000000Z-a-000001.jsonl.inprogress").write_text("{}\n")
    ready, why = commands.day_logs_ready(s, DS)
    assert not ready and "no complete events-*.jsonl" in why
    (day / "events-20250302T000000Z-a-000001.jsonl").write_text("{}\n")
    ready, why = commands.day_logs_ready(s, DS)
    assert not ready and "no _SUCCESS marker" in why
    assert commands.day_logs_ready(settings(tmp_path, ready_marker=""), DS)[0], "without a marker, complete files suffice"
    (day / "_SUCCESS").write_text("")
    assert commands.day_logs_ready(s, DS) == (True, f"{day}: 1 complete log files and _SUCCESS")


def test_a_failed_gate_with_a_rejecting_report_is_a_gate_rejected_alert(tmp_path):
    p = params(tmp_path)
    paths = commands.RunPaths.of(commands.NightlySettings.from_params(p), DS)
    os.makedirs(paths.run_dir)
    report = {"decision": "reject", "candidate": {"artifact_version": 5}, "baseline": {"artifact_version": 4},
              "reasons": ["utility id: candidate 0.45 vs LATEST 0.60: dropped by 0.15"]}
    with open(paths.gate_report, "w") as f:
        json.dump(report, f)
    ti = types.SimpleNamespace(task_id="gate", dag_id="metarouter_nightly", run_id="r1", try_number=1)
    context = {"ti": ti, "ds": DS, "params": p, "exception": RuntimeError("Error code is: 3.")}
    record = alerts.alert_record(context)
    assert record["kind"] == "gate_rejected"
    assert record["message"].startswith("candidate v5 rejected against LATEST v4; LATEST unchanged: utility id")
    assert record["gate_report"] == report
    alerts.on_failure(context)
    with open(os.path.join(tmp_path, "work", "alerts", "alerts.jsonl")) as f:
        lines = [json.loads(line) for line in f]
    assert [r["kind"] for r in lines] == ["gate_rejected"]

    other = alerts.alert_record({**context, "ti": types.SimpleNamespace(task_id="train", dag_id="d", run_id="r1", try_number=3)})
    assert other["kind"] == "task_failed" and other["message"] == "Error code is: 3."


def test_a_rejected_first_version_is_a_gate_rejected_alert_with_latest_still_absent(tmp_path):
    p = params(tmp_path)
    paths = commands.RunPaths.of(commands.NightlySettings.from_params(p), DS)
    os.makedirs(paths.run_dir)
    report = {"decision": "reject", "mode": "first_version", "candidate": {"artifact_version": 1}, "baseline": None,
              "reasons": ["pgc ood: candidate -0.2000: below the minimum 0.0000 by 0.2000"]}
    with open(paths.gate_report, "w") as f:
        json.dump(report, f)
    ti = types.SimpleNamespace(task_id="gate", dag_id="metarouter_nightly", run_id="r1", try_number=1)
    record = alerts.alert_record({"ti": ti, "ds": DS, "params": p})
    assert record["kind"] == "gate_rejected"
    assert record["message"] == ("candidate v1 rejected by the first-version checks (no LATEST); LATEST still absent: "
                                 "pgc ood: candidate -0.2000: below the minimum 0.0000 by 0.2000")
    assert record["gate_report"] == report


def test_a_failed_sensor_with_the_day_still_missing_is_a_logs_missing_alert(tmp_path):
    p = params(tmp_path)
    ti = types.SimpleNamespace(task_id="wait_for_logs", dag_id="metarouter_nightly", run_id="r1", try_number=1)
    record = alerts.alert_record({"ti": ti, "ds": DS, "params": p})
    assert record["kind"] == "logs_missing"
    assert record["message"] == f"the logs of {DS} did not arrive in time: {tmp_path}/raw/dt={DS} does not exist yet"
