"""What every benchmark shares: side-by-side timing, processor time, the result entry format."""

import os
import subprocess
import time
from pathlib import Path

CGROUPS = Path("/sys/fs/cgroup")


def entry(name, value, target, unit, met):
    """One line of ``results.json``."""
    return {"name": name, "value": value, "target": target, "unit": unit, "met": bool(met)}


def best_times(functions, repeat=5, number=None):
    """Best wall time of each function, run in turns so that machine noise hits all alike.

    Parameters
    ----------
    functions : dict of str to callable
    repeat : int
        Rounds; in each round every function runs, in the order given.
    number : dict of str to int, optional
        Calls per round of each function (default 1); a fast function needs many
        calls per round to be timed above the clock's noise.

    Returns
    -------
    dict of str to float
        Seconds per call, from the fastest round of each.
    """
    number = number or {}
    best = {name: float("inf") for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            calls = number.get(name, 1)
            start = time.perf_counter()
            for _ in range(calls):
                function()
            best[name] = min(best[name], (time.perf_counter() - start) / calls)
    return best


def _accounting_group(name):
    """A new cgroup that counts the processor time of every process in it and below it.

    Returns (folder, file with the count, its unit in seconds), or None where this
    process may make none. The sandboxes' own cgroups are made in the memory, pids
    and cpu hierarchies (cgroup v1), or below the grader's (v2): the kernels' time
    is counted either way, as rusage would not (they are not all waited for).
    """
    suffix = f"coursekit-bench-{os.getpid()}-{name}"
    if (CGROUPS / "cpuacct").is_dir() and os.access(CGROUPS / "cpuacct", os.W_OK):
        folder, counter, unit = CGROUPS / "cpuacct" / suffix, "cpuacct.usage", 1e-9
    elif (CGROUPS / "cgroup.controllers").exists():
        own = next((line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines()
                    if line.startswith("0::")), "/")
        folder, counter, unit = CGROUPS / own.lstrip("/") / suffix, "cpu.stat", 1e-6
    else:
        return None
    try:
        folder.mkdir()
    except OSError:
        return None
    return folder, folder / counter, unit


def _used(group):
    folder, counter, unit = group
    text = counter.read_text().split()
    value = text[text.index("usage_usec") + 1] if "usage_usec" in text else text[0]
    return int(value) * unit


def run_counted(command, cwd, env):
    """Run ``command``; its wall seconds and processor seconds, all its processes counted.

    Processor time is what a loaded machine inflates least: wall time there
    depends on what else runs, processor time mostly on the work done. None where
    no cgroup may be made to count it. A failed command raises RuntimeError with
    the end of its output.
    """
    group = _accounting_group(f"{time.monotonic_ns()}")
    joined = command if group is None else [
        "/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(group[0] / "cgroup.procs"),
        *map(str, command)]
    start = time.perf_counter()
    result = subprocess.run(joined, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    cpu = _used(group) if group is not None else None
    if group is not None:
        try:
            group[0].rmdir()
        except OSError:  # a process of the run not yet reaped: the folder is empty later
            pass
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command[:3]))} failed:\n"
                           f"{(result.stdout + result.stderr)[-3000:]}")
    return seconds, cpu
