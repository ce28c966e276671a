"""coursekit grade --scheduler: a class graded on a real Dask cluster on 127.0.0.1.

A ``dask scheduler`` and two ``dask worker`` processes (each with its nanny,
one thread; the first started with coursekit's preload, which starts its
grading process with it, the second without) are started for this file; a
small class in nbgrader's layout is built from solutions/ and notebooks/. The
cluster's grades must be the local
``--jobs 2`` ones row for row, whatever happens to a worker or to the client.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

distributed = pytest.importorskip("distributed")

from coursekit.grading import api  # noqa: E402
from coursekit.grading.backends.dask_worker import expect_batch, grade_task  # noqa: E402
from coursekit.grading.results import Grade  # noqa: E402
from coursekit.grading.sandbox import forks  # noqa: E402
from grading import hostile  # noqa: E402
from grading import submissions as build  # noqa: E402

NB01, NB02 = "01_random_baseline", "02_average_image"
PRELOAD = "coursekit.grading.backends.dask_preload"
BIN = Path(sys.executable).parent
START_TIMEOUT = 60
RUN_TIMEOUT = 600
# This file's workers carry it in their environment, and so do the grading processes they
# start: the checks below count those alone, not another cluster's on the same machine.
TAG = ("COURSEKIT_TEST_CLUSTER", uuid.uuid4().hex)


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    return rows


def by_label(rows):
    labels = [row["submission"] for row in rows]
    assert len(labels) == len(set(labels)), f"a row written twice: {labels}"
    return {row["submission"]: row for row in rows}


def by_place(rows, root):
    """Rows by their file's place under ``root``, without the label that names the root."""
    return {Path(row["submission"]).resolve().relative_to(Path(root).resolve()):
            {key: value for key, value in row.items() if key != "submission"} for row in rows}


def _wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two workers; yields (address, client)."""
    folder = tmp_path_factory.mktemp("cluster")
    scheduler_file = folder / "scheduler.json"
    # One retry after a worker dies, so that a submission killing its worker is
    # given up on after two deaths (the default is 3 retries).
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1", TAG[0]: TAG[1]}
    common = ["--no-dashboard", "--scheduler-file", str(scheduler_file)]
    logs = [open(folder / f"{name}.log", "w") for name in ("scheduler", "worker1", "worker2")]
    processes = [subprocess.Popen(
        [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", *common],
        env=env, stdout=subprocess.DEVNULL, stderr=logs[0])]
    try:
        _wait_for(scheduler_file.exists, START_TIMEOUT, "the scheduler")
        for number, preload in ((1, ["--preload", PRELOAD]), (2, [])):
            processes.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", "--nthreads", "1", "--nworkers", "1",
                 "--host", "127.0.0.1", *preload, *common], env=env,
                stdout=subprocess.DEVNULL, stderr=logs[number]))
        address = json.loads(scheduler_file.read_text())["address"]
        with distributed.Client(address, timeout=START_TIMEOUT) as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT)
            yield address, client
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
    left = grading_processes()
    for process in left:
        process.kill()
    assert not left, "grading processes outlived their workers"


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """nbgrader's submitted/<student>/<assignment>/<notebook>.ipynb, and the local grades."""
    root = tmp_path_factory.mktemp("course")
    submitted = root / "submitted"
    build.save(build.solution(NB01), submitted / "alice" / "01" / f"{NB01}.ipynb")
    build.save(build.solution(NB02), submitted / "alice" / "02" / f"{NB02}.ipynb")
    build.save(build.student(NB01), submitted / "bob" / "01" / f"{NB01}.ipynb")
    build.save(build.partial(NB02)[0], submitted / "carol" / "02" / f"{NB02}.ipynb")
    (submitted / "dave" / "01").mkdir(parents=True)
    (submitted / "dave" / "01" / f"{NB01}.ipynb").write_text("", encoding="utf-8")
    local = root / "local.csv"
    api.grade([submitted], local, jobs=2, progress=False)
    return submitted, by_label(read_rows(local))


def grade_command(submitted, out, address, *extra):
    return [sys.executable, "-m", "coursekit.cli", "grade", str(submitted), "--out", str(out),
            "--scheduler", address, *extra]


def grading_processes():
    """The processes this file's workers grade in (one per worker thread)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        command = process.info["cmdline"] or []
        if api.GRADING_PROCESS_MODULE not in command:
            continue
        try:
            if process.environ().get(TAG[0]) == TAG[1]:
                found.append(process)
        except (psutil.AccessDenied, psutil.NoSuchProcess):
            pass
    return found


def orphans(client):
    """Grading processes whose parent is not a live worker (none may be)."""
    # A worker its nanny restarts starts its grading process (the preload) before it
    # joins the scheduler: until then it is not among the workers client.run reaches.
    client.wait_for_workers(2, timeout=START_TIMEOUT)
    workers = set(client.run(os.getpid).values())
    return [p for p in grading_processes() if p.ppid() not in workers]


def test_a_preloaded_worker_grades_in_the_warm_process_it_started_before_joining(
        cluster, classroom):
    _, client = cluster
    submitted, _ = classroom
    # Started with the worker, before it joined: its fork server is running already.
    [warm] = [p for p in grading_processes() if "--warm" in p.cmdline()]
    assert [c for c in warm.children() if str(forks.PROGRAM) in c.cmdline()]
    worker = next(where for where, pid in client.run(os.getpid).items() if pid == warm.ppid())
    submission = api.read_submission(submitted / "alice" / "01" / f"{NB01}.ipynb")
    settings = api.GradeSettings(figures=False).to_data()

    def sandboxes():
        return [c for c in warm.children(recursive=True) if c.name() == "bwrap"]

    # Told what the batch's first submissions answer, as the client tells every worker
    # before it submits, it starts their kernel before the first comes.
    assert sandboxes() == []
    client.run(expect_batch, settings, NB01, workers=[worker])
    _wait_for(sandboxes, START_TIMEOUT, "the batch's first kernel, started ahead")
    data = client.submit(grade_task, submission.to_data(), settings, workers=[worker],
                         allow_other_workers=False, pure=False).result()
    grade = Grade.from_data(data, submission)
    assert (grade.status, grade.total) == ("ok", 4)
    # It graded there: the worker started no other grading process.
    assert warm.is_running()
    assert [p.pid for p in grading_processes() if p.ppid() == warm.ppid()] == [warm.pid]


def test_the_cluster_gives_the_local_grades_row_for_row(cluster, classroom, tmp_path):
    address, _ = cluster
    submitted, local = classroom
    out = tmp_path / "cluster.csv"
    report = api.grade([submitted], out, scheduler=address, progress=False)
    assert len(report.graded) == len(local) == 5
    assert by_label(read_rows(out)) == local
    students = {row["submission"].split("/submitted/")[1]: row["student"]
                for row in local.values()}
    assert students == {f"alice/01/{NB01}.ipynb": "alice", f"alice/02/{NB02}.ipynb": "alice",
                        f"bob/01/{NB01}.ipynb": "bob", f"carol/02/{NB02}.ipynb": "carol",
                        f"dave/01/{NB01}.ipynb": "dave"}
    totals = {row["student"] + row["notebook"][:2]: (row["total"], row["status"])
              for row in local.values()}
    assert totals == {"alice01": ("4", "ok"), "alice02": ("4", "ok"), "bob01": ("0", "ok"),
                      "carol02": ("1", "ok"), "dave01": ("0", "invalid")}
    assert not orphans(cluster[1])


def test_a_worker_killed_mid_submission_loses_no_row_and_repeats_none(cluster, classroom,
                                                                      tmp_path):
    address, client = cluster
    submitted, local = classroom
    out = tmp_path / "killed.csv"
    client.wait_for_workers(2, timeout=START_TIMEOUT)
    grader = subprocess.Popen(grade_command(submitted, out, address), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # A worker well into grading a submission (its grading process started).
        busy = _wait_for(lambda: [a for a, keys in client.processing().items() if keys]
                         and grading_processes(), START_TIMEOUT, "a busy worker")
        time.sleep(2)
        pids = client.run(os.getpid)
        victim = next(a for a, keys in client.processing().items() if keys)
        rows_before = len(read_rows(out)) if out.exists() else 0
        os.kill(pids[victim], signal.SIGKILL)
        stdout, stderr = grader.communicate(timeout=RUN_TIMEOUT)
    finally:
        if grader.poll() is None:
            grader.kill()
    assert busy and rows_before < len(local)
    assert grader.returncode == 0, stderr
    assert by_label(read_rows(out)) == local
    # The killed worker's grading process (and so its kernel) died with it.
    assert not [p for p in grading_processes() if p.ppid() == pids[victim]]
    assert not orphans(client)
    # Its sandbox's cgroup is left: the next grading process removes it.
    stale = [p for p in Path("/sys/fs/cgroup").glob("**/coursekit-grade-*")
             if not psutil.pid_exists(int(p.name.split("-")[2]))]
    api.remove_stale_cgroups()
    assert not [p for p in stale if p.exists()]


def test_an_interrupted_client_rerun_grades_the_rest_once(cluster, classroom, tmp_path):
    address, client = cluster
    source, local = classroom
    # One slow submission beside the class, so that the interrupt always lands while a
    # grade is still running (without it, a quick class could finish first).
    submitted = tmp_path / "submitted"
    shutil.copytree(source, submitted)
    slow = build.solution(NB01)
    build.insert(slow, build.first_code_cell(slow), "import time\ntime.sleep(20)")
    build.save(slow, submitted / "erin" / "01" / f"{NB01}.ipynb")
    out = tmp_path / "interrupted.csv"
    client.wait_for_workers(2, timeout=START_TIMEOUT)
    first = subprocess.Popen(grade_command(submitted, out, address), text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # The invalid file's row comes first, with no worker; wait for a graded one.
        _wait_for(lambda: out.exists() and len(read_rows(out)) >= 2, RUN_TIMEOUT,
                  "a graded row")
        first.send_signal(signal.SIGINT)
        _, stderr = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 130, stderr
    written = by_label(read_rows(out))
    assert 2 <= len(written) <= len(local)
    rerun = subprocess.run(grade_command(submitted, out, address), text=True,
                           capture_output=True, timeout=RUN_TIMEOUT)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(written)} submissions already in" in rerun.stdout
    rows = by_place(read_rows(out), submitted)
    assert rows.pop(Path("erin", "01", f"{NB01}.ipynb"))["status"] == "ok"
    assert rows == by_place(local.values(), source)
    _wait_for(lambda: not any(client.processing().values()), RUN_TIMEOUT,
              "the cancelled tasks to end")
    assert not orphans(client)


KILL_MY_WORKER = """\
import os
import signal

# The kernel's parent is the process grading it; that one's parent is the worker.
with open(f"/proc/{os.getppid()}/stat") as stream:
    worker = int(stream.read().rsplit(")", 1)[1].split()[1])
os.kill(worker, signal.SIGKILL)"""


def test_a_submission_that_kills_its_worker_is_crashed_not_retried_forever(cluster,
                                                                           tmp_path):
    address, client = cluster
    client.wait_for_workers(2, timeout=START_TIMEOUT)
    notebook = build.solution(NB01)
    build.insert(notebook, build.first_code_cell(notebook), KILL_MY_WORKER)
    path = build.save(notebook, tmp_path / "mallory" / f"{NB01}.ipynb")
    out = tmp_path / "killer.csv"
    # Only without the sandbox can a kernel see its worker at all.
    run = subprocess.run(grade_command(path, out, address, "--sandbox", "none"),
                         text=True, capture_output=True, timeout=RUN_TIMEOUT)
    assert run.returncode == 0, run.stderr
    (row,) = read_rows(out)
    assert row["status"] == "crashed" and row["total"] == "0"
    assert "worker" in row["reason"]
    # The nannies bring the workers back for the next batch.
    client.wait_for_workers(2, timeout=START_TIMEOUT)


STATUS_LIMITS = {"memory_limit": 1024, "timeout": 15}


def _statuses(rows):
    return {Path(row["submission"]).name: (row["status"], row["total"],
                                           tuple(row[e] for e in EXERCISES01))
            for row in rows}


EXERCISES01 = [e.id for e in build.exercises(NB01)]


def test_local_and_cluster_give_each_hostile_submission_one_status(cluster, tmp_path):
    # Issue 20: a memory-filling loop was `memory` here and `crashed` ("Invalid
    # Signature") on the cluster: a kernel left at its memory limit failed at random.
    address, client = cluster
    client.wait_for_workers(2, timeout=START_TIMEOUT)
    folder = tmp_path / "class"
    expected = {}
    for name, (notebook, status) in hostile.statuses_class().items():
        build.save(notebook, folder / name)
        expected[name] = status
    api.grade([folder], tmp_path / "local.csv", jobs=2, progress=False, **STATUS_LIMITS)
    api.grade([folder], tmp_path / "cluster.csv", scheduler=address, progress=False,
              **STATUS_LIMITS)
    local = _statuses(read_rows(tmp_path / "local.csv"))
    remote = _statuses(read_rows(tmp_path / "cluster.csv"))
    assert set(local) == set(expected)
    assert remote == local
    assert {name: local[name][0] for name, status in expected.items() if status} == {
        name: status for name, status in expected.items() if status}
    assert local["honest.ipynb"][1] == "4" and local["memory_kept.ipynb"][1] == "1"
    assert "too near its limit" in next(
        row["reason"] for row in read_rows(tmp_path / "cluster.csv")
        if row["submission"].endswith("memory_kept.ipynb"))
    assert not orphans(client)
