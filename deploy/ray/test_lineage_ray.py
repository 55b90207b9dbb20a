"""Unit tests of the driver's logic around Ray (which tasks run, the ETA, files). The driver
itself is tested on a real local Ray cluster by tests/ray.sh."""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

from lineage_ray import (Driver, Plan, PlanError, artifacts_dir, eta_seconds, needed,
                         write_atomic)


def task(tid, kind, deps, est):
    return {"id": tid, "kind": kind, "deps": deps, "inputs": [], "output": f"{tid}.json",
            "mem_gb": 1.0, "cpus": 1, "est_s": est}


# Four chunks, two height-1 nodes, one height-2 node, the root.
TASKS = [
    task("chunk.00000", "chunk", [], 10),
    task("chunk.00001", "chunk", [], 10),
    task("chunk.00002", "chunk", [], 10),
    task("chunk.00003", "chunk", [], 10),
    task("node.h01.00000", "node", ["chunk.00000", "chunk.00001"], 100),
    task("node.h01.00001", "node", ["chunk.00002", "chunk.00003"], 100),
    task("node.h02.00000", "node", ["node.h01.00000", "node.h01.00001"], 100),
    task("root", "root", ["node.h02.00000"], 50),
]


def plan_of(tasks):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "plan.json"
        path.write_text(json.dumps({"format": "lineage-plan-v1", "tasks": tasks}))
        return Plan.read(path)


class NeededTest(unittest.TestCase):
    def setUp(self):
        self.plan = plan_of(TASKS)

    def test_nothing_finished_runs_everything_in_order(self):
        self.assertEqual(needed(self.plan, set()), [t["id"] for t in TASKS])

    def test_a_finished_node_spares_its_subtree(self):
        todo = needed(self.plan, {"node.h01.00000", "chunk.00002"})
        self.assertEqual(todo, ["chunk.00003", "node.h01.00001", "node.h02.00000", "root"])

    def test_a_finished_root_runs_nothing(self):
        self.assertEqual(needed(self.plan, {"root"}), [])

    def test_a_plan_out_of_order_or_of_another_format_is_refused(self):
        with self.assertRaises(PlanError):
            needed(plan_of(list(reversed(TASKS))), set())
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "plan.json"
            path.write_text(json.dumps({"format": "lineage-plan-v0", "tasks": TASKS}))
            with self.assertRaises(PlanError):
                Plan.read(path)
            path.write_text(json.dumps({"format": "lineage-plan-v1", "tasks": TASKS[:4]}))
            with self.assertRaisesRegex(PlanError, "no root task"):
                Plan.read(path)


class EtaTest(unittest.TestCase):
    def test_the_critical_path_bounds_it_below(self):
        plan = plan_of(TASKS)
        left = [t["id"] for t in TASKS]
        # Many slots: one chunk, two nodes and the root in a row.
        self.assertEqual(eta_seconds(plan, left, {}, 100), 10 + 100 + 100 + 50)
        # One slot: all the work, nodes at twice their estimate, chunks at theirs.
        self.assertEqual(eta_seconds(plan, left, {"node": 2.0}, 1), 40 + 2 * 300 + 50)
        self.assertEqual(eta_seconds(plan, [], {}, 1), 0)
        # Running for 40 s: the root has 10 s left, and never less than nothing.
        self.assertEqual(eta_seconds(plan, ["root"], {}, 1, {"root": 40.0}), 10)
        self.assertEqual(eta_seconds(plan, ["root"], {}, 1, {"root": 90.0}), 0)


class FilesTest(unittest.TestCase):
    def test_write_atomic_replaces_and_leaves_no_temporary(self):
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "sub" / "out.json"
            write_atomic(path, b"one")
            write_atomic(path, b"two")
            self.assertEqual(path.read_bytes(), b"two")
            self.assertEqual([p.name for p in path.parent.iterdir()], ["out.json"])

    def test_outputs_land_in_the_plan_folder_and_the_artifacts_copy(self):
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            (d / "work").mkdir()
            path = d / "work" / "plan.json"
            path.write_text(json.dumps({"format": "lineage-plan-v1", "tasks": TASKS}))
            args = argparse.Namespace(artifacts=f"file://{d}/copy", output=d / "att.json")
            driver = Driver(args, Plan.read(path))
            driver.save("node.h01.00001", b"node")
            driver.save("root", b"attestation")
            self.assertEqual((d / "work" / "node.h01.00001.json").read_bytes(), b"node")
            self.assertEqual((d / "copy" / "node.h01.00001.json").read_bytes(), b"node")
            self.assertEqual((d / "att.json").read_bytes(), b"attestation")
            self.assertEqual(driver.finished(), {"node.h01.00001", "root"})
            self.assertEqual(needed(driver.plan, driver.finished()), [])

    def test_a_missing_witness_is_a_plan_error(self):
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "plan.json"
            tasks = [dict(TASKS[0], inputs=["chunk.00000.in.json"]), *TASKS[1:]]
            path.write_text(json.dumps({"format": "lineage-plan-v1", "tasks": tasks}))
            args = argparse.Namespace(artifacts=None, output=None)
            with self.assertRaisesRegex(PlanError, "chunk.00000: its input"):
                Driver(args, Plan.read(path)).input_bytes("chunk.00000")

    def test_artifacts_only_on_a_mounted_folder(self):
        self.assertEqual(artifacts_dir("file:///mnt/x"), Path("/mnt/x"))
        self.assertEqual(artifacts_dir("/mnt/x"), Path("/mnt/x"))
        with self.assertRaises(SystemExit):
            artifacts_dir("s3://bucket/x")


class DieWithParentTest(unittest.TestCase):
    """The child a task starts dies when its parent (the Ray worker) is killed."""

    def test_a_child_dies_with_its_killed_parent(self):
        parent = subprocess.Popen(
            [sys.executable, "-c", (
                "import os, subprocess, sys\n"
                "from lineage_ray import die_with\n"
                "c = subprocess.Popen(['sleep', '60'], preexec_fn=die_with(os.getpid()))\n"
                "print(c.pid, flush=True)\n"
                "c.wait()\n")],
            cwd=Path(__file__).parent, stdout=subprocess.PIPE, text=True)
        child = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        for _ in range(50):
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        os.kill(child, signal.SIGKILL)
        self.fail("the child outlived its parent")


if __name__ == "__main__":
    unittest.main()
