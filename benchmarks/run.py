"""Run every benchmark, print one table and write benchmarks/results.json.

Each figure is measured side by side in one run, so that a noisy machine slows
both sides of a ratio alike. `python benchmarks/run.py NAME...` runs only the
named benchmarks (evaluation, training, course, grading, grading_profile,
grading_overhead, nbgrader_peer, similarity).
"""

import importlib
import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

BENCHMARKS = {
    "evaluation": "evaluation",
    "training": "train_nn",
    "course": "course",
    "grading": "grading",
    "grading_profile": "grading_profile",
    "grading_overhead": "grading_overhead",
    "nbgrader_peer": "nbgrader_peer",
    "similarity": "similarity",
}


def machine():
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(names):
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        sys.exit(f"unknown benchmark(s) {sorted(unknown)}; choose from {sorted(BENCHMARKS)}")
    rows = []
    for name in names or BENCHMARKS:
        print(f"== {name}", flush=True)
        rows.extend(importlib.import_module(BENCHMARKS[name]).run())
    width = max(len(row["name"]) for row in rows)
    print(f"\n{'benchmark':<{width}}  {'value':>9}  {'unit':<4}  {'target':<8}  met")
    for row in rows:
        print(f"{row['name']:<{width}}  {row['value']:>9}  {row['unit']:<4}  "
              f"{str(row['target']):<8}  {'yes' if row['met'] else 'NO'}")
    print(f"\nmachine: {machine()}; load average (1, 5, 15 min) at the end: "
          f"{', '.join(f'{value:.1f}' for value in os.getloadavg())}")
    if not names:
        (HERE / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
        print(f"wrote {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
