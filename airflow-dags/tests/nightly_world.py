"""A small, real MetaRouter world for the DAG's end-to-end test: generated outcomes, simulated
users whose interaction log spans several days, the days' logs written back into serve's
JSON-lines form (what the nightly flow ingests), a held-out log for the off-policy estimate, and an
empty registry (the first night trains, gates and promotes v1 itself). Every step runs the project's own command line
(scripts/metarouter) on local Spark; the JSON-lines conversion uses the pyspark of the venv."""
from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

#: Small settings for every job of the test: few iterations, few held-out users, small Spark.
SMALL_CONF = """
metarouter.spark { "spark.sql.shuffle.partitions" = "4", "spark.default.parallelism" = "2" }
metarouter.train {
  iterations = 30
  users-per-iteration = 100
  checkpoint-every = 0
  outcome.epochs = 10
}
metarouter.evaluate {
  population-users = 64
  bootstrap = 50
}
"""

#: What deliberately ruins a model: Adam with a step size 500 times the default and no gradient
#: clipping makes the meta-parameters (warm-started from LATEST) overshoot in every one of the 30
#: iterations, so the adapted preferences no longer track the users' feedback, far beyond the
#: gate's tolerances on MetaRouter's held-out utility at k=6 and the SNIPS estimate of the logged
#: route events.
RUIN_CONF = """
metarouter.train.adam.learning-rate = 5.0
metarouter.train.adam.max-grad-norm = 1e9
"""


@dataclass(frozen=True)
class World:
    root: str
    outcomes: str
    sim: str
    ope: str
    registry: str
    raw_logs: str
    work: str
    small_conf: str
    ruin_conf: str
    days: tuple[str, ...]
    timings: dict


def metarouter(*args: str, timings: dict | None = None, label: str | None = None) -> str:
    """Runs scripts/metarouter on local[2] with a 1 GB heap; returns stdout; raises with stderr's tail."""
    env = {**os.environ, "METAROUTER_HEAP": "1g", "MR_BUILD": "never"}
    t0 = time.monotonic()
    done = subprocess.run([os.path.join(REPO, "scripts", "metarouter"), *args], capture_output=True, text=True,
                          env=env, timeout=900, check=False)
    if timings is not None:
        timings[label or args[0]] = round(time.monotonic() - t0, 1)
    if done.returncode != 0:
        raise RuntimeError(f"metarouter {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def write_serve_logs(sim_dir: str, raw_root: str, days: tuple[str, ...], marker: str) -> dict[str, int]:
    """Writes each day's partition of a simulate output as serve's complete log files
    (<raw_root>/dt=<day>/events-<stamp>-sim-<seq>.jsonl, the JSON-lines form of core's
    InteractionEventJson: schema column names, nulls left out, ts an ISO-8601 UTC instant with
    milliseconds) and then the day's ready marker. Returns the events written per day."""
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("metarouter-test-serve-logs")
             .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false").getOrCreate())
    counts = {}
    try:
        logs = spark.read.parquet(sim_dir)
        for day in days:
            day_df = logs.where(logs.dt == day).orderBy("ts", "event_id")
            staging = os.path.join(raw_root, f"_staging-{day}")
            day_df.coalesce(2).write.mode("overwrite").option("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX") \
                .option("ignoreNullFields", "true").json(staging)
            target = os.path.join(raw_root, f"dt={day}")
            os.makedirs(target, exist_ok=True)
            stamp = day.replace("-", "") + "T000000Z"
            n = 0
            for seq, part in enumerate(sorted(glob.glob(os.path.join(staging, "part-*.json"))), start=1):
                with open(part, encoding="utf-8") as f:
                    n += sum(1 for line in f if line.strip())
                shutil.move(part, os.path.join(target, f"events-{stamp}-sim-{seq:06d}.jsonl"))
            shutil.rmtree(staging)
            if marker:
                open(os.path.join(target, marker), "w").close()
            counts[day] = n
    finally:
        spark.stop()
    return counts


def build(root: str, days: tuple[str, ...] = ("2025-03-02", "2025-03-03"), users: int = 240,
          marker: str = "_SUCCESS") -> World:
    """The world: every day is what one nightly run ingests; the registry starts empty (nothing is
    trained or promoted by hand)."""
    timings: dict = {}
    os.makedirs(root, exist_ok=True)
    small = os.path.join(root, "small.conf")
    with open(small, "w") as f:
        f.write(SMALL_CONF)
    ruin = os.path.join(root, "ruin.conf")
    with open(ruin, "w") as f:
        f.write(RUIN_CONF)
    outcomes = os.path.join(root, "outcomes")
    sim = os.path.join(root, "sim")
    ope = os.path.join(root, "ope")
    registry = os.path.join(root, "registry")
    raw = os.path.join(root, "raw-logs")
    work = os.path.join(root, "work")
    common = ["--master", "local[2]", "--conf", small]
    metarouter("generate-benchmark", "--output", outcomes, "--queries", "400", "--models", "6", "--seed", "3", *common,
               timings=timings)
    # Every user is active on every day: 24 comparisons and 12 routed queries each, over the days.
    metarouter("simulate", "--outcomes", outcomes, "--output", sim, "--users", str(users), "--contexts", "24",
               "--routes", "12", "--seed", "11", "--start-date", days[0], "--days", str(len(days)), *common,
               timings=timings)
    # Held-out users' logged route events (uniform logging policy, test-split queries) for the off-policy estimate.
    metarouter("simulate", "--outcomes", outcomes, "--output", ope, "--users", "100", "--contexts", "8", "--routes", "16",
               "--seed", "99", "--query-split", "test", "--start-date", "2025-02-01", "--days", "1", *common,
               timings=timings, label="simulate-ope")
    t0 = time.monotonic()
    # In a child process: pyspark's JVM and its py4j gateway outlive spark.stop() in the process that started them.
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "serve-logs", sim, raw, marker, *days],
                          capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"writing serve logs failed:\n{done.stderr[-3000:]}")
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    timings["serve-logs"] = round(time.monotonic() - t0, 1)
    timings["events_per_day"] = counts
    return World(root, outcomes, sim, ope, registry, raw, work, small, ruin, days, timings)


def latest(registry: str) -> int | None:
    """The version LATEST names, None when there is no LATEST."""
    path = os.path.join(registry, "LATEST")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return int(f.read().strip())


def versions(registry: str) -> list[int]:
    return sorted(int(d[1:]) for d in os.listdir(registry) if d.startswith("v") and d[1:].isdigit())


def read_json(path: str) -> dict:
    with open(path) as f:
        return json.load(f)


if __name__ == "__main__":
    # python nightly_world.py serve-logs <simulate output> <raw logs root> <marker> <day>...
    if len(sys.argv) < 6 or sys.argv[1] != "serve-logs":
        sys.exit("usage: nightly_world.py serve-logs <sim dir> <raw root> <marker> <day>...")
    print(json.dumps(write_serve_logs(sys.argv[2], sys.argv[3], tuple(sys.argv[5:]), sys.argv[4])))
