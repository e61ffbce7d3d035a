"""The alert hook of the nightly DAG: every task's ``on_failure_callback`` (called once a task has
failed for good, after its retries) appends one JSON record to ``<alerts_dir>/alerts.jsonl`` and
logs it at ERROR, where a log-based alerting system or an operator picks it up.

Record fields: ``ts`` (UTC, ISO-8601), ``dag_id``, ``run_id``, ``ds``, ``task_id``, ``try_number``,
``kind``, ``message``, ``registry``, ``run_dir``, and for a rejected candidate ``gate_report`` (the
gate's report: every check with both values). Kinds:

- ``gate_rejected``: the candidate was worse than LATEST beyond the tolerances, or (a first night,
  no LATEST yet) failed the first-version checks; LATEST was not touched (promote never ran);
- ``logs_missing``: the day's logs did not arrive before the sensor's timeout;
- ``task_failed``: anything else (the message says what; the task log has the detail); for a
  failed ``ingest_and_validate`` whose report was written (a day that did not validate), the
  record carries the report's counts as ``ingest_report``.
"""
from __future__ import annotations

import datetime
import json
import logging
import os
from collections.abc import Mapping
from typing import Any

from metarouter_dag_lib import commands, runtime

log = logging.getLogger(__name__)

ALERTS_FILE = "alerts.jsonl"


def alert_record(context: Mapping[str, Any]) -> dict[str, Any]:
    """The alert for a failed task, from the Airflow callback context."""
    ti = context.get("ti") or context.get("task_instance")
    task_id = getattr(ti, "task_id", None) or "?"
    ds = context.get("ds")
    params = context.get("params") or {}
    exception = context.get("exception")
    record: dict[str, Any] = {
        "ts": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "dag_id": getattr(ti, "dag_id", None),
        "run_id": context.get("run_id") or getattr(ti, "run_id", None),
        "ds": ds,
        "task_id": task_id,
        "try_number": getattr(ti, "try_number", None),
        "kind": "task_failed",
        # `airflow dags test` runs callbacks without the exception; the task log has it.
        "message": str(exception) if exception is not None else "task failed (see the task log)",
        "registry": params.get("registry"),
    }
    try:
        settings = runtime.settings(params)
        paths = commands.RunPaths.of(settings, ds)
        record["run_dir"] = paths.run_dir
    except (ValueError, TypeError) as e:
        record["params_problem"] = str(e)
        return record
    if task_id == runtime.GATE_TASK and os.path.isfile(paths.gate_report):
        with open(paths.gate_report, encoding="utf-8") as f:
            report = json.load(f)
        if report.get("decision") == "reject":
            record["kind"] = "gate_rejected"
            candidate = report["candidate"]["artifact_version"]
            if report.get("baseline") is None:
                verdict = f"candidate v{candidate} rejected by the first-version checks (no LATEST); LATEST still absent: "
            else:
                verdict = (f"candidate v{candidate} rejected against LATEST v{report['baseline']['artifact_version']}; "
                           "LATEST unchanged: ")
            record["message"] = verdict + "; ".join(report.get("reasons", []))
            record["gate_report"] = report
    elif task_id == runtime.WAIT_TASK:
        ready, why = commands.day_logs_ready(settings, ds)
        if not ready:
            record["kind"] = "logs_missing"
            record["message"] = f"the logs of {ds} did not arrive in time: {why}"
    elif task_id == runtime.INGEST_TASK and os.path.isfile(os.path.join(paths.ingested, "ingest-report.json")):
        # The day was ingested but did not validate (or failed after writing): the counts say why.
        with open(os.path.join(paths.ingested, "ingest-report.json"), encoding="utf-8") as f:
            report = json.load(f)
        record["ingest_report"] = {k: report.get(k) for k in
                                   ("lines_in", "events_accepted", "lines_quarantined", "quarantined_by_reason", "events_by_dt")}
    return record


def write_alert(alerts_dir: str, record: Mapping[str, Any]) -> str:
    """Appends the record as one line; returns the file."""
    os.makedirs(alerts_dir, exist_ok=True)
    path = os.path.join(alerts_dir, ALERTS_FILE)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, sort_keys=True) + "\n")
    return path


def on_failure(context: Mapping[str, Any]) -> None:
    """on_failure_callback of every task."""
    record = alert_record(context)
    params = context.get("params") or {}
    try:
        alerts_dir = runtime.settings(params).alerts_dir
    except (ValueError, TypeError):
        alerts_dir = os.environ.get("METAROUTER_ALERTS_DIR", "")
    if alerts_dir:
        path = write_alert(alerts_dir, record)
        log.error("METAROUTER ALERT %s (%s): %s [%s]", record["kind"], record["task_id"], record["message"], path)
    else:
        log.error("METAROUTER ALERT %s (%s): %s [no alerts_dir to write to]", record["kind"], record["task_id"],
                  record["message"])
