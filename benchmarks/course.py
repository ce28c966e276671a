"""The whole course: every solution notebook executed one after another, then in parallel,
and the full nbval run that CI makes.
"""

import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from coursekit.authoring.execute import EncryptedKernelManager
from coursekit.threads import kernel_environment

try:
    from common import entry
except ImportError:
    from .common import entry

ROOT = Path(__file__).resolve().parents[1]
NBVAL_TARGET = 60.0


def execute(path):
    """Execute one notebook in a fresh kernel, in a scratch copy; return its wall time."""
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:
        client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                kernel_manager_class=EncryptedKernelManager,
                                resources={"metadata": {"path": scratch}})
        start = time.perf_counter()
        client.execute(env=kernel_environment())
        return time.perf_counter() - start


def run():
    paths = sorted((ROOT / "solutions").glob("*.ipynb"))
    cores = os.cpu_count() or 1

    start = time.perf_counter()
    each = {path.stem: execute(path) for path in paths}
    sequential = time.perf_counter() - start
    for name, seconds in sorted(each.items(), key=lambda item: -item[1]):
        print(f"  {name:<32} {seconds:6.1f} s")

    start = time.perf_counter()
    # Processes, not threads: nbclient's synchronous API runs an event loop per call,
    # and threads of one process end up taking turns.
    with ProcessPoolExecutor(max_workers=cores) as pool:
        list(pool.map(execute, paths))
    parallel = time.perf_counter() - start

    start = time.perf_counter()
    nbval = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "solutions/"], cwd=ROOT,
        capture_output=True, text=True,
    )
    full = time.perf_counter() - start
    if nbval.returncode != 0:
        print(nbval.stdout[-2000:])
    slowest = max(each, key=each.get)
    return [
        entry(f"course, {len(paths)} notebooks one after another", round(sequential, 1),
              "-", "s", True),
        entry(f"course, {len(paths)} notebooks on {cores} cores at once", round(parallel, 1),
              "-", "s", True),
        entry(f"slowest notebook ({slowest})", round(each[slowest], 1), "-", "s", True),
        entry("pytest --nbval solutions/ (strict)", round(full, 1), f"< {NBVAL_TARGET:g}", "s",
              nbval.returncode == 0 and full < NBVAL_TARGET),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
