"""`coursekit grade` with real sandboxed kernels, SIGKILLed at random moments, then resumed.

The store's own loop survives a kill (tests/test_gradebook_store.py); here the
whole grader does: its process group is killed while kernels start, while they
run, and just as a grade is recorded and grades.csv written; the same command
run again must finish the class with every submission graded once, nothing
torn, grades.csv whole and the store's view, and no kernel, sandbox or claim
of the killed graders left behind.
"""

import csv
import os
import random
import signal
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from coursekit.grading import api
from coursekit.grading.sandbox.launcher import launch_command
from coursekit.grading.store import Store
from grading import submissions as build

NB01 = "01_random_baseline"
#: Seeded, so that a failure can be run again as it happened.
CHANCE = random.Random(2026_12_05)
RUN_TIMEOUT = 180

pytestmark = pytest.mark.skipif(bool(api.bwrap_problem()),
                                reason="needs bubblewrap: the kernels run sandboxed")


@pytest.fixture
def classroom(tmp_path):
    """Three notebook 01 submissions, one folder per student, and the points each earns."""
    points = {"alice": 4, "bob": 0, "carol": 1}
    build.save(build.solution(NB01), tmp_path / "class" / "alice" / f"{NB01}.ipynb")
    build.save(build.student(NB01), tmp_path / "class" / "bob" / f"{NB01}.ipynb")
    carol = build.student(NB01)
    build.solve(carol, NB01, "01-scale-pixels")
    build.save(carol, tmp_path / "class" / "carol" / f"{NB01}.ipynb")
    return tmp_path, points


def command(root):
    return [sys.executable, "-m", "coursekit.cli", "grade", str(root / "class"),
            "--out", str(root / "grades.csv"), "--store", str(root / "gradebook.db"),
            "--jobs", "2", "--sandbox", "bwrap"]


def descendants(process):
    """Every process ``process`` started (kernels, their sandboxes), with its start time."""
    try:
        return {(p.pid, p.create_time()) for p in psutil.Process(process.pid).children(True)}
    except psutil.NoSuchProcess:
        return set()


def alive(processes):
    """Those of ``processes`` (pid, start time) still running (a reused pid is not one)."""
    left = []
    for pid, started in processes:
        try:
            process = psutil.Process(pid)
            if process.create_time() == started and process.status() != psutil.STATUS_ZOMBIE:
                left.append((pid, process.name()))
        except psutil.NoSuchProcess:
            continue
    return left


def graded_count(root):
    try:
        with Store(root / "gradebook.db", timeout=5) as store:
            return sum(a.state == "graded" for a in store.attempts())
    except Exception:  # not made yet, or being made
        return 0


def environment(root):
    """The grader's, with a temporary folder of this test's own: where its kernels' are."""
    (root / "tmp").mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(root / "tmp")}


def cgroups_of(pids):
    """The sandbox cgroups of the graders ``pids`` that are still there."""
    return [path for pid in pids for pattern in (f"coursekit-grade-{pid}-*",
                                                 f"*/coursekit-grade-{pid}-*")
            for path in Path("/sys/fs/cgroup").glob(pattern)]


def kill_at(root, moment, graders):
    """Run the grader, SIGKILL its process group at ``moment``; return what it had started.

    ``moment`` is ``("kernels", seconds)``: that long after its first sandbox
    appeared, or sooner if a grade lands first (a fast machine grades a submission
    of 01 in about a second: the kill must still find kernels running); or
    ``("recording", 0)``: as soon as a grade is in the store.
    """
    grader = subprocess.Popen(command(root), stdout=subprocess.DEVNULL, env=environment(root),
                              stderr=subprocess.DEVNULL, start_new_session=True)
    graders.append(grader.pid)
    started, deadline = set(), time.monotonic() + RUN_TIMEOUT
    before, first_sandbox = graded_count(root), None
    kind, delay = moment
    while grader.poll() is None and time.monotonic() < deadline:
        started |= descendants(grader)
        if first_sandbox is None and cgroups_of([grader.pid]):
            first_sandbox = time.monotonic()
        if kind == "kernels" and first_sandbox and (
                time.monotonic() >= first_sandbox + delay or graded_count(root) > before):
            break
        if kind == "recording" and graded_count(root) > before:
            break  # a grade has just been recorded: grades.csv is being written
        time.sleep(0.05)
    started |= descendants(grader)
    assert grader.poll() is None, f"the grader finished before the kill at {moment}"
    os.killpg(grader.pid, signal.SIGKILL)
    grader.wait()
    return started


def test_a_grader_killed_at_random_moments_resumes_each_submission_graded_once(classroom):
    root, points = classroom
    # While the kernels start (the first seconds), while they run, and as a grade lands.
    moments = [("kernels", CHANCE.uniform(0, 1.5)), ("kernels", CHANCE.uniform(1.5, 4)),
               ("recording", 0)]
    started, graders = set(), []
    for moment in moments:
        started |= kill_at(root, moment, graders)
        time.sleep(0.5)  # what --die-with-parent kills goes within moments
        assert not alive(started), f"left running after a kill at {moment}"
    assert started, "the kills must land while kernels run"
    resumed = subprocess.run(command(root), capture_output=True, text=True,
                             timeout=RUN_TIMEOUT, env=environment(root))
    assert resumed.returncode == 0, resumed.stderr
    assert "being graded by another grader" not in resumed.stdout + resumed.stderr
    with Store(root / "gradebook.db") as store:
        assert store.check() == "ok"
        attempts = store.attempts()
        assert sorted(a.student for a in attempts) == sorted(points)
        graded = {}
        for attempt in attempts:
            assert attempt.state == "graded", attempt
            [grading] = store.gradings(attempt.id)  # once: never twice, never torn
            assert len(grading.verdicts) == len(build.exercises(NB01)), grading
            graded[attempt.student] = grading
    assert {student: g.total for student, g in graded.items()} == points
    with open(root / "grades.csv", encoding="utf-8", newline="") as stream:
        text = stream.read()
    assert text.endswith("\n")
    rows = list(csv.DictReader(text.splitlines()))
    assert {row["student"]: float(row["total"]) for row in rows} == points
    assert {row["student"]: row["status"] for row in rows} == {
        student: g.status for student, g in graded.items()}
    # Nothing the killed graders wrote halfway, nor a copy of a grades.csv "edited" by one.
    assert sorted(p.name for p in root.iterdir()) == [
        "class", "gradebook.db", "grades.csv", "tmp"]
    # No kernel, sandbox, cgroup or kernel folder of the killed graders' is left.
    assert not alive(started)
    assert not cgroups_of(graders)
    assert list((root / "tmp").iterdir()) == []


KILLED_WRITER = """\
import os, signal, sys
from coursekit.grading import exports
from coursekit.grading.sandbox.launcher import launch_command
from coursekit.grading.store import Store

replace = os.replace

def killed(source, target):
    if sys.argv[3] == "after":
        replace(source, target)
    os.kill(os.getpid(), signal.SIGKILL)

exports.os.replace = killed
with Store(sys.argv[1]) as store:
    exports.write_view(store, sys.argv[2])
"""


def rows_in(path):
    return len(list(csv.DictReader(path.read_text(encoding="utf-8").splitlines())))


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_grades_file_written_when_its_grader_was_killed_is_not_taken_for_edited(tmp_path,
                                                                                  when):
    from coursekit.grading.exports import write_view
    from coursekit.grading.store import Verdict

    path, out = tmp_path / "gradebook.db", tmp_path / "grades.csv"
    with Store(path) as store:
        for name in ("a", "b"):
            store.add(str(tmp_path / name), name * 64, student=name, notebook=NB01)
        first, second = store.claim(limit=2)
        store.finish(first.id, status="ok", reason="", verdicts=[Verdict("x", 1, 1, "correct")])
        assert write_view(store, out) is None
        store.finish(second.id, status="ok", reason="", verdicts=[Verdict("x", 0, 1, "wrong")])
    # Killed as the new grades.csv replaces the old one: just before, or just after.
    writer = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path), str(out), when])
    assert writer.returncode == -signal.SIGKILL
    assert rows_in(out) == (2 if when == "after" else 1)
    with Store(path) as store:
        assert write_view(store, out) is None  # no copy kept: the file was the grader's
    assert rows_in(out) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gradebook.db", "grades.csv"]


def test_only_the_kernel_folders_of_graders_that_are_gone_are_removed(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (tmp_path / f"coursekit-grade-{gone.pid}-k3x9" / "ipc").mkdir(parents=True)
    (tmp_path / f"coursekit-grade-{os.getppid()}-a1b2").mkdir()  # a live grader's
    (tmp_path / "coursekit-grade-12345678").mkdir()  # not named for its grader
    mine = api.private_folder()  # in /tmp instead when tmp_path is too long for a socket
    try:
        api.remove_stale_folders()
        assert mine.is_dir() and mine.name.startswith(f"coursekit-grade-{os.getpid()}-")
        assert sorted(p.name for p in tmp_path.iterdir() if p != mine) == sorted(
            [f"coursekit-grade-{os.getppid()}-a1b2", "coursekit-grade-12345678"])
    finally:
        shutil.rmtree(mine, ignore_errors=True)


def test_a_dead_graders_cgroup_is_removed_with_what_still_runs_in_it(monkeypatch):
    # Whatever still runs in a dead grader's cgroup (a sandbox that outlived it, for
    # whatever reason) the next grader kills.
    from coursekit.grading.sandbox import cgroups

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with monkeypatch.context() as patch:
        patch.setattr(cgroups.os, "getpid", lambda: gone.pid)
        group = cgroups.Cgroup.create(0, 0)
    if group is None:
        pytest.skip("no cgroup may be made here")
    left = subprocess.Popen(group.join_command(["sleep", "600"]), start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while not group.processes() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert group.processes()
        api.remove_stale_cgroups()
        assert left.wait(timeout=10) == -signal.SIGKILL
        assert not any(folder.exists() for folder in group.folders)
    finally:
        group.close()


# A child that builds the launcher's command itself, starts it in a session of its own (as
# jupyter_client starts kernels), prints its pid, and waits.
SPAWNING_GRADER = """
import subprocess, sys, time
from coursekit.grading.sandbox.launcher import launch_command
child = subprocess.Popen(launch_command(sys.argv[1:]), start_new_session=True)
print(child.pid, flush=True)
time.sleep(600)
"""

# What bubblewrap does as it sets a sandbox up: its sandbox side, started in a session of
# its own, asks to die with it only later (here: never), and would outlive it.
LATE_ASKER = """
import subprocess, sys, time
side = subprocess.Popen(["sleep", "600"], start_new_session=True)
print(side.pid, flush=True)
time.sleep(600)
"""


def started_by_a_grader(*command):
    """A grader (a child of ours) and the launcher it started with ``command``, running."""
    grader = subprocess.Popen([sys.executable, "-c", SPAWNING_GRADER, *command],
                              stdout=subprocess.PIPE, text=True)
    return grader, psutil.Process(int(grader.stdout.readline()))


def children_named(process, name):
    """The descendants of ``process`` called ``name``, once there is one."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if found := [p for p in process.children(True) if p.name() == name]:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{name} did not start under {process}")


def test_a_sandbox_outside_the_grader_s_process_group_dies_with_the_grader():
    # The launcher hears of its grader's death (SIGKILLed as a process group, which
    # reaches no other session, or by the OOM killer) and ends what it started.
    grader, launcher = started_by_a_grader("sleep", "600")
    try:
        [sandbox] = children_named(launcher, "sleep")
        assert launcher.ppid() == grader.pid and sandbox.ppid() == launcher.pid
        grader.kill()
        grader.wait()
        assert launcher.wait(timeout=5) in (None, -signal.SIGTERM)  # gone, or reaped by us
        assert not sandbox.is_running()
    finally:
        grader.kill()
        grader.stdout.close()


def test_what_a_sandbox_left_behind_dies_with_the_grader_too():
    # bubblewrap's sandbox side asks to die with bubblewrap only once the sandbox is set up:
    # a grader killed before then killed bubblewrap and left the sandbox running (in 4 of 15
    # kills 0 to 0.15 s after the first sandbox appeared). It comes to the launcher, which
    # kills it, and does not wait for it to ask.
    grader, launcher = started_by_a_grader(sys.executable, "-c", LATE_ASKER)
    try:
        [side] = children_named(launcher, "sleep")
        late_asker = side.parent()
        assert late_asker.ppid() == launcher.pid
        grader.kill()
        grader.wait()
        launcher.wait(timeout=5)
        assert not late_asker.is_running() and not side.is_running()
    finally:
        grader.kill()
        grader.stdout.close()
        for process in psutil.Process().children(True):
            if process.name() == "sleep" and process.cmdline() == ["sleep", "600"]:
                process.kill()


def test_a_sandbox_ending_by_itself_ends_its_launcher_the_same_way():
    # The grader reads how a kernel ended from the process it started: the launcher's
    # exit is bubblewrap's, code or signal.
    for code in (0, 3):
        assert subprocess.run(launch_command([sys.executable, "-c",
                                              f"raise SystemExit({code})"])).returncode == code
    for number in (signal.SIGSEGV, signal.SIGKILL):
        killed = launch_command([sys.executable, "-c",
                                 f"import os; os.kill(os.getpid(), {int(number)})"])
        assert subprocess.run(killed).returncode == -number
    missing = launch_command(["/no/such/program"])
    assert subprocess.run(missing, stderr=subprocess.DEVNULL).returncode == 127


def test_a_sandbox_whose_grader_is_gone_before_it_starts_runs_nothing(tmp_path):
    # The launcher is not the child of the process that built its command (its grader
    # died, and it went to another parent before asking to die with it): it stops.
    marker = tmp_path / "ran"
    command = launch_command(["touch", str(marker)])
    step_parent = [sys.executable, "-c",
                   "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"]
    assert subprocess.run([*step_parent, *command]).returncode == 1
    assert not marker.exists()
    assert subprocess.run(command).returncode == 0 and marker.exists()


def test_without_a_cgroup_the_sandbox_s_processes_are_what_its_launcher_started(tmp_path):
    # Where no cgroup may be made, the memory watch counts the launcher's descendants:
    # the launcher itself (an interpreter of its own) is not the submission's to pay for.
    from coursekit.grading import GradeSettings, sandbox

    box = sandbox.Sandbox(GradeSettings(sandbox="bwrap"), tmp_path, NB01, sandbox.KernelView())
    box.close()  # its cgroup, where it has one: the sandbox has none now
    launcher = subprocess.Popen(launch_command(["sleep", "600"]))
    try:
        [sleep] = children_named(psutil.Process(launcher.pid), "sleep")
        assert box.processes(launcher.pid) == [sleep.pid]
    finally:
        launcher.terminate()
        assert launcher.wait(timeout=5) == -signal.SIGTERM
    assert not sleep.is_running()
