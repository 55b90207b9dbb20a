"""Prove a Lineage proof tree on a Ray cluster.

    python deploy/ray/lineage_ray.py PLAN (--dev-srs | --srs FILE) [--address ADDR]
        [--lineage BIN] [--cache DIR] [--output ATTESTATION] [--artifacts DIR]
        [--max-retries N] [--num-cpus N] [--json]

PLAN is the `plan.json` that `lineage prove --plan-only` writes into its work folder, beside
one witness file per chunk. Every task of the plan becomes one Ray task that runs
`lineage prove-task` on a worker, so the proving code is the one `lineage prove` runs; this
module only moves bytes and watches.

Design (the README's "Proving on a cluster" says how to run it):

- Resources. A task asks Ray for the plan's `cpus` and its measured peak `mem_gb` as the
  `memory` resource, so Ray never places two tasks on a node whose stated memory they do not
  both fit. (Ray counts `memory` logically: start each node with `--memory`, or it advertises
  the whole machine and the accounting protects nothing.)
- No shared file system. The driver reads the plan and the witness files, hands them to the
  tasks through Ray's object store, and writes every task's output (the same file names as
  the work folder's) back into the plan's folder as it arrives: a worker needs only the
  `lineage` binary and the keys. `--artifacts` copies each output to a second folder too
  (a mounted volume); a `file://` URI names one.
- Lost workers. A task whose worker process or node dies is retried by Ray (`max_retries`).
  The `lineage` child is started with the parent-death signal (SIGKILL), so it dies with its
  worker and no orphan keeps its gigabytes. A `lineage` that exits non-zero is a task failure:
  the task returns it as a value (Ray retries only lost workers and raised exceptions, and
  retries no exceptions by default), and the driver stops the plan with that task's message.
- Resumption. Outputs are written atomically; a task whose output is already in the plan's
  folder is not run, nor is any task needed only by finished ones. So a driver restarted on
  the same plan reproves nothing it finished, and a run can pick up after `lineage prove` or
  `lineage prove-task` (the same files). The consumer of an output checks it: `prove-task`
  verifies every child proof before it aggregates, and the root's attestation is verified.
- Progress. A line on stderr at every change and every 30 s: tasks done of those to run,
  running, failed and retried, and an ETA from the plan's estimates scaled by the pace
  measured on each kind of task. `--json` prints a summary on stdout (tasks proven and
  reused, retries, seconds in all and per task, from its first start).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

PLAN_FORMAT = "lineage-plan-v1"
GIB = 1 << 30
PR_SET_PDEATHSIG = 1


class PlanError(Exception):
    """A plan that cannot be run (unreadable, another format, a missing input file)."""


class TaskFailed(Exception):
    """A task that stops the plan: `lineage prove-task` exited non-zero (the task's own
    failure), or Ray gave up on it (its worker lost more than --max-retries times)."""

    def __init__(self, task: str, why: str):
        super().__init__(f"task {task}: {why}")


# ---- the plan -----------------------------------------------------------------------------


@dataclass
class Plan:
    path: Path
    doc: dict
    tasks: dict = field(default_factory=dict)

    @staticmethod
    def read(path: Path) -> "Plan":
        try:
            doc = json.loads(path.read_text())
        except (OSError, ValueError) as e:
            raise PlanError(f"{path}: {e}") from e
        if doc.get("format") != PLAN_FORMAT:
            raise PlanError(f"{path}: format {doc.get('format')!r}, not {PLAN_FORMAT!r}")
        plan = Plan(path, doc, {t["id"]: t for t in doc["tasks"]})
        if "root" not in plan.tasks:
            raise PlanError(f"{path}: no root task")
        return plan

    @property
    def folder(self) -> Path:
        return self.path.parent

    def order(self) -> list[str]:
        """Task ids, dependencies first (the plan lists them so; checked here)."""
        seen: set[str] = set()
        for t in self.doc["tasks"]:
            missing = [d for d in t["deps"] if d not in seen]
            if missing:
                raise PlanError(f"task {t['id']} is listed before its dependencies {missing}")
            seen.add(t["id"])
        return [t["id"] for t in self.doc["tasks"]]


def needed(plan: Plan, finished: set[str]) -> list[str]:
    """The tasks to run, dependencies first: those the root needs through unfinished tasks.

    A finished task is never run again, and nor is a task whose every consumer is finished.
    """
    want: set[str] = set()
    stack = ["root"]
    while stack:
        tid = stack.pop()
        if tid in want or tid in finished:
            continue
        want.add(tid)
        stack.extend(plan.tasks[tid]["deps"])
    return [t for t in plan.order() if t in want]


def eta_seconds(plan: Plan, remaining: list[str], pace: dict[str, float], slots: int,
                running: dict[str, float] | None = None) -> float:
    """Seconds left: the longer of the remaining critical path and the remaining work spread
    over `slots` tasks at once, each task's estimate scaled by the pace measured on its kind
    (`pace[kind]`: seconds taken per second estimated; 1 when none finished yet), less the
    seconds each `running` task has already run."""
    left, running = set(remaining), running or {}

    def cost(tid: str) -> float:
        t = plan.tasks[tid]
        return max(t["est_s"] * pace.get(t["kind"], 1.0) - running.get(tid, 0.0), 0.0)

    path: dict[str, float] = {}
    for tid in plan.order():
        if tid in left:
            deps = plan.tasks[tid]["deps"]
            path[tid] = cost(tid) + max((path.get(d, 0.0) for d in deps), default=0.0)
    total = sum(cost(t) for t in left)
    return max(max(path.values(), default=0.0), total / max(slots, 1))


# ---- files ----------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def artifacts_dir(uri: str | None) -> Path | None:
    if uri is None:
        return None
    u = urlparse(uri)
    if u.scheme in ("", "file"):
        return Path(u.path if u.scheme else uri)
    raise SystemExit(f"--artifacts {uri}: only a folder or a file:// URI (a mounted volume)")


# ---- the worker side ----------------------------------------------------------------------


def die_with(parent: int):
    """For `preexec_fn`: in the forked child, before exec, ask for SIGKILL when its parent
    dies. If `parent` (the caller's pid, taken before the fork) died between fork and prctl,
    the child has already been reparented and exits at once."""

    def arm() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0 or os.getppid() != parent:
            os._exit(127)

    return arm


@dataclass
class Failure:
    """What a task returns when `lineage prove-task` exits non-zero (returned, not raised: a
    value crosses Ray unchanged, and Ray must not retry it)."""

    code: int
    message: str


def prove_task(plan_bytes: bytes, task_id: str, lineage: str, opts: list[str],
               inputs: list[bytes]) -> bytes | Failure:
    """Runs `lineage prove-task OPTS` for one task from bytes, in a private folder; returns the
    output file's bytes, or the Failure when lineage exits non-zero."""
    plan = json.loads(plan_bytes)
    spec = next(t for t in plan["tasks"] if t["id"] == task_id)
    with tempfile.TemporaryDirectory(prefix=f"lineage-{task_id}-") as tmp:
        d = Path(tmp)
        (d / "plan.json").write_bytes(plan_bytes)
        args = [lineage, "prove-task", *opts, str(d / "plan.json"), task_id]
        for name, data in zip(spec["inputs"], inputs):
            (d / name).write_bytes(data)
            args += ["--input", str(d / name)]
        out = d / "out" / Path(spec["output"]).name
        out.parent.mkdir()
        args += ["--output", str(out)]
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, preexec_fn=die_with(os.getpid()))
        if proc.returncode != 0:
            err = proc.stderr.decode(errors="replace").strip().splitlines()
            first = next((i for i, line in enumerate(err) if line.startswith("error")), None)
            lines = err[first:] if first is not None else err[-8:]
            return Failure(proc.returncode, "\n".join(lines) or "(no message)")
        return out.read_bytes()


# ---- the driver ---------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="lineage_ray",
        description="Prove a lineage proof-tree plan (lineage prove --plan-only) on a Ray cluster.")
    p.add_argument("plan", type=Path, help="plan.json in the work folder of lineage prove --plan-only")
    p.add_argument("--address", default=os.environ.get("RAY_ADDRESS", "auto"),
                   help="the Ray cluster [default: $RAY_ADDRESS or auto: the local node's]")
    p.add_argument("--lineage", default=os.environ.get("LINEAGE_BIN", "lineage"),
                   help="the lineage binary on the workers [default: $LINEAGE_BIN or lineage on PATH]")
    srs = p.add_mutually_exclusive_group(required=True)
    srs.add_argument("--dev-srs", action="store_true",
                     help="the deterministic development SRS (INSECURE; tests and demos)")
    srs.add_argument("--srs", help="a ceremony SRS file, at this path on every worker")
    p.add_argument("--cache", help="the workers' key cache [default: theirs, ~/.cache/lineage]")
    p.add_argument("--output", type=Path,
                   help="where to write the attestation [default: the root's file in the plan's folder]")
    p.add_argument("--artifacts", help="also copy every output here (a folder or file:// URI)")
    p.add_argument("--max-retries", type=int, default=3,
                   help="retries of a task whose worker was lost [default: 3]")
    p.add_argument("--num-cpus", type=float,
                   help="CPUs a task asks for [default: the plan's]; memory is always the plan's")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    return p.parse_args(argv)


class Driver:
    def __init__(self, args: argparse.Namespace, plan: Plan):
        self.args, self.plan = args, plan
        self.copy_to = artifacts_dir(args.artifacts)
        self.t0 = self.printed = time.monotonic()
        self.last = ""

    def output_path(self, tid: str) -> Path:
        if tid == "root" and self.args.output:
            return self.args.output
        return self.plan.folder / self.plan.tasks[tid]["output"]

    def finished(self) -> set[str]:
        return {t for t in self.plan.tasks if self.output_path(t).is_file()}

    def input_bytes(self, tid: str) -> list[bytes]:
        spec, out = self.plan.tasks[tid], []
        for name in spec["inputs"]:
            path = self.plan.folder / name
            try:
                out.append(path.read_bytes())
            except OSError as e:
                raise PlanError(f"task {tid}: its input {path}: {e.strerror}") from e
        return out

    def save(self, tid: str, data: bytes) -> None:
        write_atomic(self.output_path(tid), data)
        if self.copy_to is not None:
            write_atomic(self.copy_to / self.plan.tasks[tid]["output"], data)

    def report(self, done: int, total: int, running: int, failed: int, retried: int,
               eta: float | None) -> None:
        line = (f"[{done}/{total}] running {running}, failed {failed}, retried {retried}"
                + (f", ETA {eta / 60:.1f} min" if eta is not None else ""))
        counts = line.split(", ETA")[0]
        now = time.monotonic()
        # On every change of the counts, and every 30 s for the ETA.
        if counts != self.last or now - self.printed >= 30:
            print(f"{line} (elapsed {now - self.t0:.0f} s)", file=sys.stderr, flush=True)
            self.last, self.printed = counts, now

    def run(self) -> dict:
        import ray

        plan, args = self.plan, self.args
        plan_bytes = plan.path.read_bytes()
        finished = self.finished()
        todo = needed(plan, finished)
        print(f"plan {plan.path}: {len(plan.tasks)} tasks, {len(plan.tasks) - len(todo)} "
              f"finished or not needed, {len(todo)} to run", file=sys.stderr, flush=True)
        summary = {"plan": str(plan.path), "output": str(self.output_path("root")),
                   "tasks": len(plan.tasks), "proven": [], "reused": len(plan.tasks) - len(todo),
                   "retried": 0}
        if not todo:
            summary["seconds"] = 0.0
            return summary

        lineage_opts = ["--dev-srs"] if args.dev_srs else ["--srs", args.srs]
        if args.cache:
            lineage_opts += ["--cache", args.cache]

        ray.init(address=args.address, log_to_driver=False, logging_level="WARNING")

        @ray.remote(num_cpus=0)
        class Attempts:
            """Counts each task's starts: a second start is a retry after a lost worker."""

            def __init__(self):
                self.starts: dict[str, int] = {}

            def started(self, tid: str) -> None:
                self.starts[tid] = self.starts.get(tid, 0) + 1

            def get(self) -> dict:
                return self.starts

        @ray.remote
        def run(attempts, plan_bytes, tid, lineage, opts, *inputs):
            # A failed dependency's Failure is passed on: the driver stops on the first.
            failed = next((i for i in inputs if isinstance(i, Failure)), None)
            if failed is not None:
                return failed
            ray.get(attempts.started.remote(tid))
            return prove_task(plan_bytes, tid, lineage, opts, list(inputs))

        attempts = Attempts.remote()
        # Once in the object store, not once per task: a plan of 10^5 records is ~1 MB.
        plan_ref = ray.put(plan_bytes)
        refs: dict[str, object] = {}
        for tid in todo:
            spec = plan.tasks[tid]
            if spec["kind"] == "chunk":
                ins = [ray.put(b) for b in self.input_bytes(tid)]
            else:
                ins = [refs[d] if d in refs else ray.put(self.output_path(d).read_bytes())
                       for d in spec["deps"]]
            refs[tid] = run.options(
                name=tid,
                num_cpus=args.num_cpus if args.num_cpus is not None else spec["cpus"],
                memory=int(spec["mem_gb"] * GIB),
                max_retries=args.max_retries,
            ).remote(attempts, plan_ref, tid, args.lineage, lineage_opts, *ins)

        pending = {ref: tid for tid, ref in refs.items()}
        done: list[str] = []
        spent: dict[str, float] = {}  # seconds taken and estimated, by kind of task
        estimated: dict[str, float] = {}
        slots = 1
        started_at: dict[str, float] = {}
        took: dict[str, float] = {}  # seconds from a task's first start to its output
        try:
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1, timeout=2.0)
                starts = ray.get(attempts.get.remote())
                now = time.monotonic()
                for tid in starts:
                    started_at.setdefault(tid, now)
                for ref in ready:
                    tid = pending.pop(ref)
                    try:
                        data = ray.get(ref)
                    except ray.exceptions.RayError as e:
                        # A worker lost more than --max-retries times, or Ray's own failure.
                        self.report(len(done), len(todo), 0, 1, retried(starts), None)
                        raise TaskFailed(tid, f"Ray: {str(e).strip().splitlines()[-1]}") from None
                    if isinstance(data, Failure):
                        self.report(len(done), len(todo), 0, 1, retried(starts), None)
                        raise TaskFailed(tid, f"lineage prove-task exited {data.code}: {data.message}")
                    self.save(tid, data)
                    done.append(tid)
                    secs = now - started_at.get(tid, self.t0)
                    took[tid] = round(secs, 1)
                    kind = plan.tasks[tid]["kind"]
                    spent[kind] = spent.get(kind, 0.0) + secs
                    estimated[kind] = estimated.get(kind, 0.0) + plan.tasks[tid]["est_s"]
                running = {t: now - started_at[t] for t in starts if t not in done}
                slots = max(slots, len(running))
                pace = {k: spent[k] / max(estimated[k], 1.0) for k in spent}
                left = [t for t in todo if t not in done]
                eta = eta_seconds(plan, left, pace, slots, running) if left else 0.0
                self.report(len(done), len(todo), len(running), 0, retried(starts), eta)
        except BaseException:
            for ref in pending:
                ray.cancel(ref, force=True)
            raise
        summary["proven"] = done
        summary["task_seconds"] = took
        summary["retried"] = retried(ray.get(attempts.get.remote()))
        summary["seconds"] = round(time.monotonic() - self.t0, 1)
        return summary


def retried(starts: dict) -> int:
    return sum(n - 1 for n in starts.values())


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # Ray prints its own messages (a lost worker's, say) on stdout: keep the real stdout for
    # the JSON summary alone and send everything else to stderr.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    try:
        plan = Plan.read(args.plan)
        summary = Driver(args, plan).run()
    except PlanError as e:
        print(f"lineage_ray: {e}", file=sys.stderr)
        return 2
    except TaskFailed as e:
        print(f"lineage_ray: the plan stopped: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, indent=2), file=out, flush=True)
    else:
        print(f"lineage_ray: {len(summary['proven'])} tasks proven, {summary['reused']} reused, "
              f"{summary['retried']} retried -> {summary['output']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
