"""A hostile class against ``coursekit grade`` with its default sandbox, ``--jobs 2``.

Every attack of the issue "Grading that holds against a hostile class", and
others, built at test time from solutions/ and notebooks/
(tests/grading/attacks.py), graded together with honest classmates in three
command-line runs: the class (default limits), a rerun of it after a
resubmission, and a run with tight limits. Each test asserts no false pass,
no false fail for a classmate, no lost or duplicated row, the grader alive,
and no process left behind.

Skipped where bubblewrap does not work, except under CI (``CI`` set), where
that fails.
"""

import csv
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import mistune
import pytest
import zmq

import coursekit
from coursekit.grading import GradeSettings, sandbox
from coursekit.grading.gradebook import unescape_cell
from grading import attacks, submissions as build
from grading.needs import require_bubblewrap

NB01, NB02, NB03 = attacks.NB01, attacks.NB02, attacks.NB03
ROOT = Path(__file__).resolve().parents[1]
FULL = {stem: {e.id: e.points for e in build.exercises(stem)} for stem in (NB01, NB02)}
#: Limits of the run that tests them: short, so that it ends quickly.
CELL_LIMIT, NOTEBOOK_LIMIT, MEMORY_LIMIT = 5, 20, 1024


def _require_bubblewrap():
    require_bubblewrap("the attack suite")


def read_rows(path):
    # Read back as the grader does: a cell escaped against formulas is unescaped.
    with open(path, encoding="utf-8", newline="") as stream:
        return [{key: unescape_cell(value) for key, value in row.items()}
                for row in csv.DictReader(stream)]


def _watched_files():
    package = Path(coursekit.__file__).parent
    files = [package / "checks" / "spec.py", package / "checks" / "wire.py",
             package / "judging" / "base.py", Path(zmq.__file__).parent / "utils" / "garbage.py"]
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def _our_processes(root):
    """Processes still running that belong to this suite's graders or attacks."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8",
                                                                                  "replace")
        except OSError:
            continue
        if attacks.MARKER in cmdline or str(root) in cmdline:
            found.append((int(entry.name), cmdline[:200]))
    return found


def _cgroups(pids):
    """cgroups the graders ``pids`` made that still exist."""
    return {path.name for pid in pids for pattern in (f"coursekit-grade-{pid}-*",
                                                        f"*/coursekit-grade-{pid}-*")
            for path in Path("/sys/fs/cgroup").glob(pattern)}


class _PeakMemory(threading.Thread):
    """The grader's peak resident size (VmHWM), read until it exits."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak_kb = pid, 0

    def run(self):
        status = Path(f"/proc/{self.pid}/status")
        while True:
            try:
                text = status.read_text()
            except OSError:
                return
            for line in text.splitlines():
                if line.startswith("State:") and "Z" in line.split()[1]:
                    return
                if line.startswith("VmHWM:"):
                    self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            time.sleep(0.2)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    rows: list
    peak_mb: float = 0.0

    def row(self, label):
        matching = self.attempts(label)
        assert len(matching) == 1, (label, [r["submission"] for r in self.rows])
        return matching[0]

    def attempts(self, label):
        """Every row of ``label``: the gradebook keeps each attempt (content) of a file."""
        return [row for row in self.rows if row["submission"] == label]


def _start(root, arguments, scratch):
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(scratch), "GRADER_API_TOKEN": attacks.SECRET}
    return subprocess.Popen([sys.executable, "-m", "coursekit.cli", "grade", *arguments],
                            cwd=root, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _finish(process, out, watch=None):
    started = time.monotonic()
    stdout, stderr = process.communicate(timeout=900)
    if os.environ.get("ATTACK_TIMING"):
        print(f"\n{process.args[5:7]}: {time.monotonic() - started:.0f} s more\n{stderr}")
    if watch is not None:
        watch.join(timeout=5)
    return Run(process.returncode, stdout, stderr, read_rows(out),
               watch.peak_kb / 1024 if watch else 0.0)


@dataclass
class Attacks:
    root: Path
    expected: dict  # label -> points by exercise id (the first run)
    victims: list
    first: Run
    rerun: Run
    limits: Run
    limits_expected: dict
    files_before: dict
    files_after: dict
    left_behind: list
    cgroups_left: set
    pool: Run
    pool_expected: dict


def _class(root):
    """The folder of the class: honest students and attackers, interleaved."""
    folder = root / "class"
    expected, victims = {}, []

    def add(name, notebook, points, victim=False):
        path = build.save(notebook, folder / name)
        label = os.path.relpath(path, root)
        expected[label] = points
        if victim:
            victims.append(label)
        return path

    alice = add(f"a1_alice_{NB01}.ipynb", build.solution(NB01), FULL[NB01], victim=True)
    add(f"a2_sabotage_{NB01}.ipynb", *attacks.sabotage())
    add(f"a3_alice_{NB02}.ipynb", build.solution(NB02), FULL[NB02], victim=True)
    add(f"a4_escape_{NB01}.ipynb", *attacks.escaping())
    add(f"a5_carol_{NB01}.ipynb", build.solution(NB01), FULL[NB01], victim=True)
    add(f"a6_poison_{NB01}.ipynb", *attacks.poisoning())
    add(f"a7_reference_{NB03}.ipynb", *attacks.reference_import())
    add(f"a8_solutions_{NB01}.ipynb", *attacks.reading_solutions())
    add(f"a9_leak_{NB01}.ipynb", *attacks.leaking())
    add(f"b1_flood_{NB01}.ipynb", *attacks.flooding())
    add(f"b2_forks_{NB01}.ipynb", *attacks.fork_bomb())
    add(f"b3_disk_{NB01}.ipynb", *attacks.disk_filler())
    add(f"b4_html_{NB01}.ipynb", *attacks.html_in_a_cell())
    add(f"b5_bob_{NB01}.ipynb", build.student(NB01), attacks.zero(NB01), victim=True)
    # Upper case still counts as a notebook (cut short: found, and no kernel spent).
    (folder / f"B6_DAVE_{NB02}.IPYNB").write_text('{"cells": [', encoding="utf-8")
    expected[f"class/B6_DAVE_{NB02}.IPYNB"] = attacks.zero(NB02)
    # Refused with a reason, no kernel: links, a pipe, odd metadata.
    for name, target in ((f"c1_link_{NB01}.ipynb", alice),
                         (f"c2_solution_link_{NB01}.ipynb", ROOT / "solutions" / f"{NB01}.ipynb")):
        (folder / name).symlink_to(target)
        expected[os.path.relpath(folder / name, root)] = attacks.zero(NB01)
    os.mkfifo(folder / f"c3_pipe_{NB01}.ipynb")
    expected[f"class/c3_pipe_{NB01}.ipynb"] = attacks.zero(NB01)
    build.save(attacks.foreign_metadata(), folder / "c4_foreign.ipynb")
    expected["class/c4_foreign.ipynb"] = {}
    # Its feedback folder (student "blocked"'s) cannot be made: a file is in the way.
    (folder / "blocked").mkdir()
    (folder / "blocked" / f"x_{NB01}.ipynb").write_text("{", encoding="utf-8")
    expected[f"class/blocked/x_{NB01}.ipynb"] = attacks.zero(NB01)
    blocker = root / "feedback" / "blocked"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("in the way", encoding="utf-8")
    # Met and not graded.
    (folder / "notes.txt").write_text("notes", encoding="utf-8")
    build.save(build.solution(NB01), folder / f".hidden_{NB01}.ipynb")
    # A formula, at the top where the label starts with it.
    formula = root / f"=1+2_{NB01}.ipynb"
    formula.write_text("not a notebook", encoding="utf-8")
    expected[formula.name] = attacks.zero(NB01)
    return folder, formula, expected, victims, blocker


def _limits(root):
    folder = root / "limits"
    expected = {}
    for name, (notebook, points) in {
        f"sleeper_{NB01}.ipynb": attacks.notebook_sleeper(CELL_LIMIT),
        f"shared_memory_{NB01}.ipynb": attacks.shared_memory(),
    }.items():
        expected[os.path.relpath(build.save(notebook, folder / name), root)] = points
    return folder, expected


def _pool_attack(root):
    """The next submission's kernel, started while an attack runs (``--pool 1``)."""
    folder = root / "pool"
    expected = {}
    for name, (notebook, points) in {
        f"p0_socket_folder_{NB01}.ipynb": attacks.socket_folder_filler(),
        f"p1_reach_{NB01}.ipynb": attacks.reaching_the_next_kernel(),
        f"p2_next_{NB01}.ipynb": attacks.next_in_line(),
        f"p3_trace_{NB01}.ipynb": attacks.next_in_line_with_a_trace(),
        f"p4_decoy_{NB01}.ipynb": attacks.reaching_a_decoy(),
    }.items():
        expected[os.path.relpath(build.save(notebook, folder / name), root)] = points
    return folder, expected


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    _require_bubblewrap()
    root = tmp_path_factory.mktemp("attacks")
    folder, formula, expected, victims, blocker = _class(root)
    limits_folder, limits_expected = _limits(root)
    pool_folder, pool_expected = _pool_attack(root)
    files_before = _watched_files()
    out = root / "grades.csv"
    # The folder three times, spelt three ways: graded once.
    first_arguments = ["class", "./class", str(folder), formula.name, "--out", str(out),
                       "--feedback", "feedback", "--jobs", "2", "--timeout", "60"]
    first = _start(root, first_arguments, root / "scratch")
    watch = _PeakMemory(first.pid)
    watch.start()
    limits = _start(root, ["limits", "--out", "limits.csv", "--jobs", "2",
                           "--timeout", str(CELL_LIMIT), "--notebook-timeout",
                           str(NOTEBOOK_LIMIT), "--memory-limit", str(MEMORY_LIMIT)],
                    root / "scratch_limits")
    first_run = _finish(first, out, watch)
    limits_run = _finish(limits, root / "limits.csv")
    # One job, one kernel started ahead: each submission's kernel waits while the
    # one before runs.
    pooled = _start(root, ["pool", "--out", "pool.csv", "--jobs", "1", "--pool", "1",
                           "--timeout", "60"], root / "scratch_pool")
    pool_run = _finish(pooled, root / "pool.csv")
    # A resubmission, a late blank notebook (would a poisoned grader pass it?),
    # and the feedback folder unblocked.
    shutil.copy(build.STUDENT / f"{NB01}.ipynb", folder / f"a5_carol_{NB01}.ipynb")
    shutil.copy(build.STUDENT / f"{NB01}.ipynb", folder / f"b7_late_{NB01}.ipynb")
    blocker.unlink()
    second = _start(root, first_arguments, root / "scratch")
    rerun = _finish(second, out)
    time.sleep(2)  # the escaped grandchild would wake up after the grader is gone
    left = _our_processes(root)
    for pid, _ in left:  # leave the machine clean even when the test fails
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return Attacks(root=root, expected=expected, victims=victims, first=first_run,
                   rerun=rerun, limits=limits_run, limits_expected=limits_expected,
                   files_before=files_before, files_after=_watched_files(),
                   left_behind=left,
                   cgroups_left=_cgroups([first.pid, limits.pid, second.pid, pooled.pid]),
                   pool=pool_run, pool_expected=pool_expected)


def points(row, exercise_ids):
    return {exercise_id: int(row[exercise_id]) for exercise_id in exercise_ids}


def feedback_text(hostile, label):
    name = label[: -len(".ipynb")] if label.lower().endswith(".ipynb") else label
    return (hostile.root / "feedback" / f"{name}.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the whole class

def test_the_grader_survives_every_attack(hostile):
    # Exit 1: the one row whose feedback could not be written is status error.
    assert hostile.first.returncode == 1, hostile.first.stderr[-3000:]
    assert "Traceback" not in hostile.first.stderr, hostile.first.stderr[-3000:]
    assert hostile.rerun.returncode == 0, hostile.rerun.stderr[-3000:]
    assert hostile.limits.returncode == 0, hostile.limits.stderr[-3000:]


def test_every_attempt_has_exactly_one_row(hostile):
    labels = [row["submission"] for row in hostile.first.rows]
    assert sorted(labels) == sorted(hostile.expected)
    # The rerun adds the file handed in late and carol's changed resubmission, a second
    # attempt of the same file; nothing else is graded twice.
    after = [row["submission"] for row in hostile.rerun.rows]
    assert sorted(after) == sorted([*hostile.expected, f"class/b7_late_{NB01}.ipynb",
                                    f"class/a5_carol_{NB01}.ipynb"])


def test_no_attack_earns_a_point(hostile):
    for label, expected in hostile.expected.items():
        row = hostile.first.row(label)
        assert points(row, expected) == expected, row
        assert int(row["total"]) == sum(expected.values()), row


def test_every_classmate_gets_full_marks_whatever_ran_beside_them(hostile):
    for label in hostile.victims:
        row = hostile.first.row(label)
        assert row["status"] == "ok" and row["reason"] == "", row
    assert int(hostile.first.row(f"class/a1_alice_{NB01}.ipynb")["total"]) == 4


def test_an_attack_cannot_reach_the_kernel_started_ahead_for_the_next_submission(hostile):
    # The attack saw no other kernel (no process, no connection file, no cgroup) and
    # left nothing the next kernel found, though that kernel was running beside it;
    # the controls show both looks can succeed.
    assert hostile.pool.returncode == 0, hostile.pool.stderr[-3000:]
    for label, expected in hostile.pool_expected.items():
        row = hostile.pool.row(label)
        assert points(row, expected) == expected, row
        assert row["status"] == ("crashed" if "socket_folder" in label else "ok"), row
    assert list((hostile.root / "scratch_pool").iterdir()) == []


def test_the_socket_folder_cannot_fill_the_graders_disk(hostile):
    # The kernel's one writable folder of the grader's is watched: past 16 MB the
    # kernel is stopped, and the folder removed with it.
    row = hostile.pool.row(f"pool/p0_socket_folder_{NB01}.ipynb")
    assert "more than 16 MB into the grader's socket folder" in row["reason"], row


def test_no_process_or_cgroup_is_left_behind(hostile):
    assert hostile.left_behind == []
    assert hostile.cgroups_left == set()


# ---------------------------------------------------------------- points without an answer

def test_the_reference_implementation_is_out_of_reach(hostile):
    row = hostile.first.row(f"class/a7_reference_{NB03}.ipynb")
    assert row["total"] == "0" and row["status"] == "ok", row


def test_solutions_cannot_be_read(hostile):
    assert hostile.first.row(f"class/a8_solutions_{NB01}.ipynb")["total"] == "0"


def test_a_symbolic_link_is_refused_and_its_target_keeps_its_row(hostile):
    for name in (f"c1_link_{NB01}.ipynb", f"c2_solution_link_{NB01}.ipynb"):
        row = hostile.first.row(f"class/{name}")
        assert row["status"] == "invalid" and "symbolic link" in row["reason"], row
    assert hostile.first.row(f"class/a1_alice_{NB01}.ipynb")["total"] == "4"


def test_a_pipe_is_refused_without_hanging_the_grader(hostile):
    row = hostile.first.row(f"class/c3_pipe_{NB01}.ipynb")
    assert row["status"] == "invalid" and "not a regular file" in row["reason"], row


# ---------------------------------------------------------------- poisoning, escapes

def test_nothing_the_grader_imports_can_be_changed(hostile):
    assert hostile.files_after == hostile.files_before
    site_packages = Path(zmq.__file__).parents[1]
    assert not (site_packages / "coursekit-poison.pth").exists()
    # A blank notebook graded in a later run still earns nothing.
    row = hostile.rerun.row(f"class/b7_late_{NB01}.ipynb")
    assert row["total"] == "0" and row["status"] == "ok", row


def test_a_process_that_escapes_the_kernel_changes_no_grade(hostile):
    assert hostile.first.row(f"class/a4_escape_{NB01}.ipynb")["total"] == "0"
    text = (hostile.root / "grades.csv").read_text(encoding="utf-8")
    assert "escaped" not in text


def test_signals_and_sibling_kernels_are_out_of_reach(hostile):
    # The sabotage ran while classmates were graded: they are intact (above), and
    # the batch was neither interrupted nor stopped.
    row = hostile.first.row(f"class/a2_sabotage_{NB01}.ipynb")
    assert row["total"] == "0", row
    assert "interrupted" not in hostile.first.stderr


def test_the_graders_environment_does_not_leak(hostile):
    everything = (hostile.root / "grades.csv").read_text(encoding="utf-8")
    for path in (hostile.root / "feedback").rglob("*.md"):
        everything += path.read_text(encoding="utf-8")
    assert attacks.SECRET not in everything
    assert "GRADER_API_TOKEN" not in everything
    # The error message did reach the feedback: the check is not vacuous.
    assert "RuntimeError" in feedback_text(hostile, f"class/a9_leak_{NB01}.ipynb")


# ---------------------------------------------------------------- resources

def test_printing_hundreds_of_megabytes_leaves_the_grader_small(hostile):
    row = hostile.first.row(f"class/b1_flood_{NB01}.ipynb")
    assert row["total"] == "0", row
    assert 0 < hostile.first.peak_mb < 1024, hostile.first.peak_mb


def test_a_fork_bomb_and_a_full_disk_stay_in_their_sandbox(hostile):
    for name in (f"b2_forks_{NB01}.ipynb", f"b3_disk_{NB01}.ipynb"):
        row = hostile.first.row(f"class/{name}")
        assert row["total"] == "0", row


def test_a_notebook_past_its_wall_clock_limit_is_stopped(hostile):
    row = [r for r in hostile.limits.rows if r["submission"].startswith("limits/sleeper")][0]
    assert row["status"] == "timeout", row
    assert f"ran past its {NOTEBOOK_LIMIT} s limit" in row["reason"], row


def test_memory_shared_out_over_processes_is_capped(hostile):
    row = [r for r in hostile.limits.rows if r["submission"].startswith("limits/shared")][0]
    assert row["status"] == "memory", row


# ---------------------------------------------------------------- rows

def test_files_met_and_not_graded_are_listed_with_the_reason(hostile):
    out = hostile.first.stdout
    assert "class/notes.txt: not a notebook (*.ipynb) file name" in out
    assert f"class/.hidden_{NB01}.ipynb: a hidden file" in out


def test_a_changed_resubmission_is_graded_again_and_the_first_attempt_kept(hostile):
    label = f"class/a5_carol_{NB01}.ipynb"
    before = hostile.first.row(label)
    attempts = {row["sha256"]: row for row in hostile.rerun.attempts(label)}
    assert len(attempts) == 2 and before["sha256"] in attempts, attempts
    (after,) = [row for sha, row in attempts.items() if sha != before["sha256"]]
    assert before["total"] == attempts[before["sha256"]]["total"] == "4"
    assert after["total"] == "0", after
    # The unchanged ones are not graded again.
    assert "unchanged, were skipped" in hostile.rerun.stdout


def test_a_feedback_that_cannot_be_written_is_that_rows_note_and_a_rerun_writes_it(hostile):
    label = f"class/blocked/x_{NB01}.ipynb"
    row = hostile.first.row(label)
    assert row["status"] == "error" and "feedback could not be written" in row["reason"], row
    assert hostile.rerun.row(label)["status"] == "invalid"
    text = (hostile.root / "feedback" / "blocked" / f"{NB01}.md").read_text(encoding="utf-8")
    assert "0 of 4 points" in text and "not a notebook" in text


# ---------------------------------------------------------------- output

def test_a_cell_that_starts_with_a_formula_is_escaped(hostile):
    text = (hostile.root / "grades.csv").read_text(encoding="utf-8")
    assert f"\n'=1+2_{NB01}.ipynb," in text
    assert "\n=1+2" not in text
    # And read back as the label it is: the rerun did not grade it again.
    assert hostile.rerun.row(f"=1+2_{NB01}.ipynb")["status"] == "invalid"


def test_student_text_in_feedback_is_escaped(hostile):
    for label in (f"class/b4_html_{NB01}.ipynb", "class/c4_foreign.ipynb"):
        text = feedback_text(hostile, label)
        # The reason is quoted verbatim in a fenced block: a renderer that passes HTML
        # through (mistune's default) still shows it as text.
        assert attacks.HTML in text and "<img" not in mistune.html(text), text


# ---------------------------------------------------------------- no kernel needed

def test_auto_refuses_to_grade_without_a_working_sandbox(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    sandbox.bwrap_problem.cache_clear()
    try:
        with pytest.raises(sandbox.SandboxError, match="--sandbox none"):
            sandbox.choose("auto")
        with pytest.raises(sandbox.SandboxError, match="not installed"):
            sandbox.choose("bwrap")
        assert sandbox.choose("none") == "none"
        with pytest.raises(ValueError, match="sandbox must be one of"):
            sandbox.choose("docker")
    finally:
        sandbox.bwrap_problem.cache_clear()


def test_sandbox_none_warns_on_every_run(tmp_path, capsys):
    from coursekit.cli import main

    (tmp_path / f"x_{NB01}.ipynb").write_text("{", encoding="utf-8")
    for _ in range(2):
        assert main(["grade", str(tmp_path), "--out", str(tmp_path / "g.csv"), "--redo",
                     "--sandbox", "none"]) == 0
        assert "WARNING: --sandbox none" in capsys.readouterr().err


ORDER = [NB01, NB02, NB03, "04_mlp_scikit_learn"]
#: A bubblewrap sandbox of 1 GB and 256 processes, for the kernels these tests start by hand.
LIMITS = GradeSettings(sandbox="bwrap", memory_limit=1024, process_limit=256)

#: Run in a graded kernel's sandbox: what it can import and read of coursekit.
PROBE = """\
import importlib, json, os, sys
sys.path.insert(0, sys.argv[1])
import coursekit
from coursekit.checks import check, progress
folder = os.path.dirname(coursekit.__file__)
found = {"imported": {}, "listed": {}, "read": {}}
for name in json.loads(sys.argv[2]):
    try:
        importlib.import_module(name)
        found["imported"][name] = "imported"
    except ImportError as exc:
        found["imported"][name] = str(exc)
for name in ("judging", os.path.join("judging", "__pycache__")):
    try:
        found["listed"][name] = sorted(os.listdir(os.path.join(folder, name)))
    except OSError as exc:
        found["listed"][name] = type(exc).__name__
for path in json.loads(sys.argv[3]):
    try:
        with open(path, "rb") as stream:
            found["read"][path] = stream.read().hex()
    except OSError as exc:
        found["read"][path] = type(exc).__name__
check(sys.argv[4], None)
progress(sys.argv[5], namespace={})
print(json.dumps(found))
"""


def _in_graded_kernel(tmp_path, view, notebook, modules, paths, exercise_id, source=""):
    """What ``PROBE`` finds in a bwrap sandbox showing ``view`` for ``notebook``."""
    import json

    private = tmp_path / f"private-{notebook}"
    private.mkdir()
    box = sandbox.Sandbox(LIMITS, private, notebook, view, ORDER)
    try:
        argv = [sandbox.INTERPRETER, "-c", PROBE, str(source), json.dumps(modules),
                json.dumps([str(p) for p in paths]), exercise_id, notebook]
        result = subprocess.run(box.command(argv), capture_output=True, text=True, timeout=120)
    finally:
        box.close()
    assert result.returncode == 0, result.stderr[-3000:]
    *printed, found = result.stdout.strip().splitlines()
    return printed, json.loads(found)


def _trusted_files(package):
    """Every file of the judges and of notebook 03's reference, compiled copies included."""
    import compileall

    # Compiled copies exist once the grader has imported them; make sure they do.
    compileall.compile_dir(package / "judging", quiet=1)
    compileall.compile_file(package / "nn.py", quiet=1)
    files = sorted(p for p in (package / "judging").rglob("*") if p.is_file())
    files += [package / "nn.py", *sorted(package.glob("__pycache__/nn.*"))]
    assert any(p.suffix == ".pyc" for p in files) and len(files) > 20
    return files


def test_a_graded_kernel_cannot_import_or_read_the_judges_or_the_references(tmp_path):
    _require_bubblewrap()
    import pkgutil

    import coursekit.judging

    package = Path(coursekit.__file__).resolve().parent
    judges = ["coursekit.judging"] + [info.name for info in pkgutil.walk_packages(
        coursekit.judging.__path__, "coursekit.judging.")]
    assert {"coursekit.judging.nb03.networks", "coursekit.judging.nb06.search",
            "coursekit.judging.nb07.replay"} <= set(judges)
    files = _trusted_files(package)
    stand_in = sandbox.STAND_IN.read_bytes().hex()
    view = sandbox.KernelView()
    for notebook, nn_hidden in ((NB03, True), ("04_mlp_scikit_learn", False)):
        printed, found = _in_graded_kernel(tmp_path, view, notebook, judges + ["coursekit.nn"],
                                           files, "03-sigmoid")
        for name in judges:
            assert "not available while a notebook is graded" in found["imported"][name], name
        assert (found["imported"]["coursekit.nn"] != "imported") == nn_hidden
        # The judges' folder holds the stand-in alone: no module, no compiled copy.
        assert found["listed"] == {"judging": ["__init__.py"],
                                   str(Path("judging", "__pycache__")): "FileNotFoundError"}
        for path in files:
            seen = found["read"][str(path)]
            if package / "judging" not in path.parents and not nn_hidden:
                assert seen == path.read_bytes().hex()  # notebook 04 imports coursekit.nn
                continue
            # Nothing of a real file: gone, /dev/null (unreadable there) or the stand-in.
            assert seen in ("FileNotFoundError", "PermissionError", "", stand_in), path
            assert seen != path.read_bytes().hex() or path == package / "judging" / "__init__.py"
        # The check cells still run, and say who judges.
        assert printed == ["Exercise 2 (the sigmoid): the grader judges this answer.",
                           f"{notebook}: the grader judges these answers."]


SPEC_08 = '''"""A notebook added after the sandbox was written."""

from .spec import ExerciseSpec


class Double(ExerciseSpec):
    id, notebook, number, title = "08-double", "08_new_notebook", 1, "double a number"
    answer_name, kind = "double", "function"


EXERCISES = [Double()]
'''

JUDGE_08 = '''"""Its judge, as any other."""

from ..checks import nb08 as specs
from ..checks.results import correct, wrong
from .base import Judge


class Double(Judge, specs.Double):
    def cases(self, seed):
        return [(1,), (seed % 100 + 2,)]

    def judge(self, payload, cases):
        if all(out == 2 * x for (x,), out in zip(cases, payload["outputs"])):
            return correct("doubled.")
        return wrong("not doubled.", "multiply by 2.")


EXERCISES = [Double()]
'''

CHECK_08 = """\
import sys
sys.path.insert(0, sys.argv[1])
from coursekit.checks import check
check("08-double", lambda x: 2 * x)
check("08-double", lambda x: x + 1)
import coursekit.judging.nb08
"""


def test_a_new_exercise_needs_no_sandbox_change(tmp_path):
    _require_bubblewrap()
    source = tmp_path / "source"
    package = Path(coursekit.__file__).resolve().parent
    shutil.copytree(package, source / "coursekit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (source / "coursekit" / "checks" / "nb08.py").write_text(SPEC_08, encoding="utf-8")
    (source / "coursekit" / "judging" / "nb08.py").write_text(JUDGE_08, encoding="utf-8")
    # Where the judges are, the new check judges: right and wrong answers apart.
    outside = subprocess.run([sys.executable, "-c", CHECK_08, str(source)],
                             capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert outside.returncode == 0, outside.stderr[-3000:]
    assert outside.stdout.splitlines() == [
        "✅ Exercise 1 (double a number): doubled.",
        "❌ Exercise 1 (double a number): not doubled.", "   Hint: multiply by 2."]
    # The same view as for every notebook hides its judge, and names neither module.
    view = sandbox.KernelView(source / "coursekit")
    arguments = view.arguments("08_new_notebook", ORDER + ["08_new_notebook"])
    named = [a for a in arguments if a.startswith(str(source))]
    judges = source / "coursekit" / "judging"
    assert named == [str(source / "coursekit")] * 2 + [str(judges), str(judges / "__init__.py"),
                                                      str(judges)]
    printed, found = _in_graded_kernel(
        tmp_path, view, "08_new_notebook", ["coursekit.judging.nb08", "coursekit.checks.nb08"],
        [source / "coursekit" / "judging" / "nb08.py"], "08-double", source)
    assert "not available while a notebook" in found["imported"]["coursekit.judging.nb08"]
    assert found["imported"]["coursekit.checks.nb08"] == "imported"
    assert found["read"][str(source / "coursekit" / "judging" / "nb08.py")] == "FileNotFoundError"
    assert printed == ["Exercise 1 (double a number): the grader judges this answer.",
                       "08_new_notebook: the grader judges these answers."]


def test_a_right_answer_still_passes_through_the_view(tmp_path):
    # 03-feedforward-batch calls the answer on row-counting images, a class of the
    # spec module: the kernel must have it whole, or every right answer would earn 0.
    _require_bubblewrap()
    from coursekit import judging
    from coursekit.checks import wire

    exercise = judging.get("03-feedforward-batch")
    cases = exercise.cases(12345)
    (tmp_path / "cases.txt").write_text(wire.encode(cases), encoding="utf-8")
    code = """\
import sys
import numpy as np
from coursekit.checks import get, spec, wire

def evaluate_batch(weights, biases, X):
    A = np.asarray(X, dtype=float)
    for W, b in zip(weights, biases):
        A = 1 / (1 + np.exp(-(A @ W.T + b)))
    return A

cases = [tuple(case) for case in wire.decode(open(sys.argv[1]).read())]
print(wire.encode(spec.collect_safely(get("03-feedforward-batch"), evaluate_batch, cases)))
"""
    private = tmp_path / "private"
    private.mkdir()
    box = sandbox.Sandbox(LIMITS, private, NB03, sandbox.KernelView(), ORDER)
    try:
        command = box.command([sandbox.INTERPRETER, "-c", code, str(private / "ipc" / "cases.txt")])
        shutil.copy(tmp_path / "cases.txt", private / "ipc" / "cases.txt")
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        box.close()
    assert result.returncode == 0, result.stderr[-3000:]
    payload = wire.decode(result.stdout)
    assert [output["rows_read"] for output in payload["outputs"]] == [0, 0, 0]
    assert judging.judge_safely(exercise, payload, cases).passed
