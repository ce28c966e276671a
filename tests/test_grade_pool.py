"""The kernel pool (coursekit/grading/pool.py): kernels started ahead, never shared.

What is tested is behaviour, not speed (benchmarks/grading_overhead.py measures
that): every submission gets a kernel process of its own that saw nothing of
the submission before it, a kernel that dies while it waits is replaced, the
grades are the same row for row with and without the pool, and no kernel or
sandbox is left after a batch. Ctrl-C with a kernel waiting in the pool is in
tests/test_grade.py (test_ctrl_c_keeps_the_rows_written_and_stops_every_kernel).
"""

import asyncio
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

import psutil
import pytest

from coursekit import grading as grade
from coursekit.grading import kernel
from grading import submissions as build

SANDBOX = "auto" if os.environ.get("CI") or not grade.bwrap_problem() else "none"
NB01 = "01_random_baseline"
NB02 = "02_average_image"
FULL01 = {e.id: e.points for e in build.exercises(NB01)}
TIMEOUT, MEMORY_LIMIT = 60, 2048

#: First cell of a probe: did anything of an earlier submission reach this kernel?
#: Then it leaves its own traces, for the next one to find.
PROBE = """\
import os
import pathlib
import sys

probe_places = [pathlib.Path(os.path.expandvars(os.path.expanduser(place)))
                for place in {places!r}]
kernel_was_fresh = (
    not any((place / "pool-probe.txt").exists() for place in probe_places)
    and os.listdir(".") == []
    and not hasattr(sys, "pool_probe")
    and "pool_probe_global" not in globals()
)
for place in probe_places:
    try:
        (place / "pool-probe.txt").write_text("left by an earlier submission")
    except OSError:
        pass
sys.pool_probe = True
pool_probe_global = True"""


def _places():
    # The kernel's home and TMPDIR always; /tmp and /dev/shm are its own only in
    # bubblewrap (without a sandbox they are this machine's, shared by design).
    return ["~", "$TMPDIR"] + (["/tmp", "/dev/shm"] if _kind() == "bwrap" else [])


def _kind():
    return grade.choose_sandbox(SANDBOX)


def _pool(size):
    """A pool as a batch makes one, with a view of coursekit of its own (removed by the
    caller: ``pool.view.remove()``)."""
    kind = _kind()
    view = grade.KernelView.create() if kind == "bwrap" else None
    return grade.pool_for(grade.GradeSettings(pool=size, timeout=TIMEOUT,
                                              memory_limit=MEMORY_LIMIT, process_limit=256,
                                              sandbox=kind), view)


def probed(times=1):
    """Solution 01 whose exercise 2 is right only if its kernel started fresh."""
    notebook = build.solution(NB01)
    source = PROBE.format(places=_places())
    for _ in range(times):
        build.insert(notebook, 0, source)
    index = build.find(notebook, "01-which-digit", "exercise")
    notebook.cells[index].source += (
        f"\npredicted_digit = predicted_digit if kernel_was_fresh else {build.NOT_AN_ANSWER}")
    return notebook


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as stream:
        return {row["submission"]: row for row in csv.DictReader(stream)}


def leftovers(scratch):
    """Processes whose command line names ``scratch`` (kernels, their sandboxes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                    "utf-8", "replace")
            except OSError:
                continue
            if str(scratch) in cmdline:
                found.append((int(entry.name), cmdline[:160]))
    return found


def cgroups_of(pid):
    return sorted(path.name for pattern in (f"coursekit-grade-{pid}-*",
                                            f"*/coursekit-grade-{pid}-*")
                  for path in Path("/sys/fs/cgroup").glob(pattern))


@pytest.fixture
def scratch(monkeypatch):
    """A short temporary directory of the test's own: every kernel's folder is in it."""
    folder = Path(tempfile.mkdtemp(prefix="ck-pool-", dir="/tmp"))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    for pid, _ in leftovers(folder):  # leave the machine clean even when a test fails
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for path in sorted(folder.rglob("*"), reverse=True):
        path.unlink() if not path.is_dir() or path.is_symlink() else path.rmdir()
    folder.rmdir()


def _identity(session):
    """The kernel's outer process (told apart from a later one with the same pid), its
    connection key, its folder and its cgroup (where the machine gives one)."""
    pid = session.km.provisioner.pid
    stat = Path(f"/proc/{pid}/stat").read_text()
    started = stat[stat.rfind(")") + 2:].split()[19]
    cgroup = session.sandbox.cgroup
    return (pid, started, session.km.session.key, str(session.private),
            tuple(map(str, cgroup.folders)) if cgroup is not None else None)


def test_each_submission_gets_a_fresh_kernel_that_saw_nothing_of_the_one_before(
        tmp_path, scratch, monkeypatch):
    handed = []
    take = grade.KernelPool.take

    async def recording_take(self, notebook):
        session, problem = await take(self, notebook)
        if session is not None:
            handed.append(_identity(session))
        return session, problem

    monkeypatch.setattr(grade.KernelPool, "take", recording_take)
    subs = tmp_path / "subs"
    for number in range(3):
        build.save(probed(), subs / f"s{number}_{NB01}.ipynb")
    # The probe can fail: run twice in one kernel, it sees its own traces.
    build.save(probed(times=2), subs / f"t_twice_{NB01}.ipynb")
    report = grade.grade([subs], tmp_path / "grades.csv", jobs=1, pool=1, timeout=TIMEOUT,
                         memory_limit=MEMORY_LIMIT, sandbox=SANDBOX, progress=False)
    rows = read_rows(tmp_path / "grades.csv")
    for number in range(3):
        row = rows[os.path.normpath(subs / f"s{number}_{NB01}.ipynb")]
        assert {key: int(row[key]) for key in FULL01} == FULL01, row
        assert row["status"] == "ok"
    twice = rows[os.path.normpath(subs / f"t_twice_{NB01}.ipynb")]
    assert twice["01-which-digit"] == "0" and twice["01-scale-pixels"] == "1", twice
    assert len(report.graded) == 4 and len(handed) == 4
    # Four kernel processes, four connection keys, four folders, four cgroups.
    assert len({identity[:2] for identity in handed}) == 4
    for field in (2, 3):
        assert len({identity[field] for identity in handed}) == 4, field
    if _kind() == "bwrap" and handed[0][4] is not None:
        assert len({identity[4] for identity in handed}) == 4
    # A normal end: nothing left running, no cgroup, no kernel folder.
    assert leftovers(scratch) == []
    assert cgroups_of(os.getpid()) == []
    assert list(scratch.iterdir()) == []


def test_a_kernel_that_dies_while_waiting_is_replaced_and_grades_are_unaffected(
        tmp_path, scratch):
    submissions = [grade.read_submission(build.save(build.solution(NB01),
                                                    tmp_path / f"s{n}_{NB01}.ipynb"))
                   for n in range(2)]

    async def scenario():
        pool = _pool(1)
        pool.expect([NB01, NB01])
        try:
            first = await grade.grade_submission(submissions[0], pool=pool)
            # The second submission's kernel was started while the first ran.
            [(session, problem)] = await pool.ahead()
            assert problem == ""
            root = session.km.provisioner.pid
            for pid in session.sandbox.processes(root) or [root]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            while await session.km.is_alive():
                await asyncio.sleep(0.1)
            second = await grade.grade_submission(submissions[1], pool=pool)
            return first, second, pool.replaced, pool.handed_out
        finally:
            await pool.close()
            if pool.view is not None:
                pool.view.remove()

    first, second, replaced, handed_out = asyncio.run(scenario())
    for result in (first, second):
        assert result.status == "ok", result.reason
        assert {i.exercise.id: i.points for i in result.exercises} == FULL01
    assert replaced == 1 and handed_out == 2
    assert leftovers(scratch) == []
    assert cgroups_of(os.getpid()) == []
    assert list(scratch.iterdir()) == []


def test_a_pool_of_zero_starts_nothing_ahead(tmp_path, scratch):
    submission = grade.read_submission(build.save(build.student(NB01), tmp_path / "a.ipynb"))

    async def scenario():
        pool = _pool(0)
        pool.expect([NB01, NB01, NB01])
        try:
            result = await grade.grade_submission(submission, pool=pool)
            # The fork server's matplotlib folder is the pool's, until it is closed.
            return result, await pool.ahead(), [
                path for path in scratch.iterdir() if path != getattr(pool.view, "folder",
                                                                      path).parent
                and path != getattr(pool.forks, "folder", None)]
        finally:
            await pool.close()
            if pool.view is not None:
                pool.view.remove()

    result, waiting, folders = asyncio.run(scenario())
    assert result.status == "ok" and result.total == 0
    # Nothing waiting, and the kernel's folder gone before the grade came back.
    assert waiting == [] and folders == []


def test_a_primed_pool_hands_its_first_submission_a_kernel_started_before_it_asked(scratch):
    # A cluster's grading process told what a batch's first submissions answer.
    async def scenario():
        pool = _pool(1)
        try:
            pool.prime("99_no_such_notebook")
            unknown = await pool.ahead()
            pool.prime(NB01)
            [(primed, problem)] = await pool.ahead()
            session, _ = await pool.take(NB01)
            pool.prime(NB02)  # too late: a submission has asked; kernels like NB01's
            [(next_one, _)] = await pool.ahead()
            await pool.give_back(session)
            return unknown, problem, session is primed, next_one.sandbox.notebook
        finally:
            await pool.close()
            if pool.view is not None:
                pool.view.remove()

    unknown, problem, handed_primed, next_notebook = asyncio.run(scenario())
    assert unknown == [] and problem == "" and handed_primed and next_notebook == NB01


@pytest.mark.parametrize("size", [-1, 1.5, True])
def test_a_bad_pool_size_is_named(tmp_path, size):
    with pytest.raises(ValueError, match="pool"):
        grade.grade([tmp_path], tmp_path / "grades.csv", pool=size, progress=False,
                    sandbox=SANDBOX)


def test_grades_with_the_pool_and_forked_kernels_equal_grades_without_either_row_for_row(
        tmp_path):
    subs = tmp_path / "class"
    for path in sorted(build.SOLUTIONS.glob("*.ipynb")):
        build.save(build.solution(path.stem), subs / f"solution_{path.name}")
        build.save(build.student(path.stem), subs / f"student_{path.name}")

    def start(name, *options):
        return subprocess.Popen(
            [sys.executable, "-m", "coursekit.cli", "grade", "class", "--out", f"{name}.csv",
             "--sandbox", SANDBOX, *options], cwd=tmp_path, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    # Side by side: the grader as it was (each kernel started afresh when its turn comes)
    # and with a pool of kernels forked into their sandboxes (where bubblewrap works).
    without = start("without", "--jobs", "1", "--pool", "0", "--no-fork")
    pooled = start("pooled", "--jobs", "1", "--pool", "2")
    for process in (without, pooled):
        _, err = process.communicate(timeout=1800)
        assert process.returncode == 0, err[-3000:]
    rows_without, rows_pooled = read_rows(tmp_path / "without.csv"), read_rows(
        tmp_path / "pooled.csv")
    assert len(rows_without) == 14
    assert rows_pooled == rows_without
    for label, row in rows_pooled.items():
        full = row["total"] == row["max_total"]
        assert row["status"] == "ok" and full == ("solution_" in label), row


def test_the_socket_folder_watch_counts_bytes_on_disk_and_entries(tmp_path):
    (tmp_path / "kernel.json").write_text("{}")
    (tmp_path / "kernel-1").touch()
    assert grade.within_limits(tmp_path, 2**20, 8)
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "big").write_bytes(b"\1" * 2**21)
    assert not grade.within_limits(tmp_path, 2**20, 8)  # found at any depth
    (tmp_path / "deep" / "er" / "big").unlink()
    for number in range(10):
        (tmp_path / f"f{number}").touch()
    assert not grade.within_limits(tmp_path, 2**20, 8)
    assert grade.within_limits(tmp_path / "missing", 2**20, 8)


class _Channel:
    """A client's channel that gives its ``messages`` in turn (``Empty``: none came in
    time); past them, reading is a failure."""

    def __init__(self, *messages):
        self.messages, self.sent = list(messages), []

    def send(self, message):
        self.sent.append(message["msg_type"])

    async def get_msg(self, timeout=None):
        if not self.messages:
            raise AssertionError("read again after the kernel was ready")
        message = self.messages.pop(0)
        if message is Empty:
            raise Empty
        return message


def _wait_for_ready(monkeypatch, shell, iopub, alive=True):
    monkeypatch.setattr(kernel._ReadyKernelClient, "shell_channel", shell)
    monkeypatch.setattr(kernel._ReadyKernelClient, "iopub_channel", iopub)

    async def is_alive(self):
        return alive

    monkeypatch.setattr(kernel._ReadyKernelClient, "is_alive", is_alive)
    return asyncio.run(kernel._ReadyKernelClient().wait_for_ready(timeout=5))


INFO = {"msg_type": "kernel_info_reply", "content": {}}
STATUS = {"msg_type": "status", "content": {"execution_state": "idle"}}


def test_a_kernel_is_ready_once_it_answered_on_both_channels_not_after_iopub_falls_quiet(
        monkeypatch):
    # jupyter_client's own wait reads IOPub on until it has been quiet for 0.2 s, in every
    # kernel's start: here a second read of IOPub fails.
    shell, iopub = _Channel(INFO), _Channel(STATUS)
    _wait_for_ready(monkeypatch, shell, iopub)
    assert shell.sent == ["kernel_info_request"]
    # IOPub not yet connected (nothing came through it): asked again, as jupyter_client does.
    shell, iopub = _Channel(Empty, INFO, INFO), _Channel(Empty, STATUS)
    _wait_for_ready(monkeypatch, shell, iopub)
    assert shell.sent == ["kernel_info_request"] * 3
    with pytest.raises(RuntimeError, match="died"):
        _wait_for_ready(monkeypatch, _Channel(Empty), _Channel(), alive=False)


NAMESPACES = ("pid", "mnt", "net", "ipc", "uts", "user", "cgroup")
WHERE_AM_I = f"""\
import os
for name in {NAMESPACES!r}:
    print(name, os.readlink(f"/proc/self/ns/{{name}}"))
print("home", os.stat(os.path.expanduser("~")).st_dev)
print("tmp", os.stat("/tmp").st_dev)
"""


def test_the_kernel_in_use_and_the_one_waiting_are_in_separate_sandboxes(scratch):
    # Namespaces are told apart by their inode, the same in every namespace: the
    # kernel running a submission and the one started ahead for the next share
    # none, nor with the grader; nor their home and /tmp (tmpfs of their own).
    if _kind() != "bwrap":
        pytest.skip("the sandbox is bubblewrap's")

    async def report(session):
        lines = []
        session.client.output = lambda outs, msg, display_id, index: lines.extend(
            msg["content"].get("text", "").splitlines())
        run = await session.run(WHERE_AM_I)
        assert run.kind == "done" and not run.ename, run
        return dict(line.split(" ", 1) for line in lines)

    async def scenario():
        pool = _pool(1)
        pool.expect([NB01, NB01])
        try:
            session, problem = await pool.take(NB01)
            assert problem == ""
            [(waiting, problem)] = await pool.ahead()
            assert problem == ""
            seen = await report(session), await report(waiting)
            cgroups = session.sandbox.cgroup, waiting.sandbox.cgroup
            await pool.give_back(session)
            return seen, cgroups
        finally:
            await pool.close()
            pool.view.remove()

    (in_use, ahead), cgroups = asyncio.run(scenario())
    grader = {name: os.readlink(f"/proc/self/ns/{name}") for name in NAMESPACES}
    for name in NAMESPACES:
        if name == "cgroup" and in_use[name] == grader[name]:
            continue  # --unshare-cgroup-try: not every machine gives one
        assert len({in_use[name], ahead[name], grader[name]}) == 3, name
    assert in_use["home"] != ahead["home"] and in_use["tmp"] != ahead["tmp"]
    if cgroups[0] is not None:
        assert cgroups[0].folders != cgroups[1].folders


#: Cells run in a graded kernel, in turn: a figure made and shown (as PNG only when the
#: grader asks for figures); the figures closed after the cell, as in a notebook; image
#: formats a cell asks for itself.
FIGURE_CELLS = (
    """\
import matplotlib.pyplot as plt
figure, axes = plt.subplots()
axes.plot([0, 1], [1, 0])
shown, _ = get_ipython().display_formatter.format(figure)
assert ("image/png" in shown) == {figures}, sorted(shown)""",
    "assert plt.get_fignums() == [], plt.get_fignums()",
    """\
from matplotlib_inline.backend_inline import set_matplotlib_formats
set_matplotlib_formats("png")
shown, _ = get_ipython().display_formatter.format(plt.subplots()[0])
assert "image/png" in shown, sorted(shown)""",
)


@pytest.mark.parametrize("figures", [False, True])
def test_a_graded_kernel_renders_figures_only_when_the_grader_shows_them(scratch, figures):
    # Without feedback or a report nothing shows a submission's figures: the
    # kernel's inline backend renders none (coursekit.checks.shim.skip_figures),
    # while figures are made and closed as in a notebook, and a cell that asks for
    # PNG gets it. With them, figures are rendered as in a notebook.
    async def scenario():
        kind = _kind()
        view = grade.KernelView.create() if kind == "bwrap" else None
        pool = grade.pool_for(grade.GradeSettings(pool=0, sandbox=kind, figures=figures),
                              view)
        try:
            session, problem = await pool.take(NB01)
            assert problem == ""
            runs = [await session.run(source.replace("{figures}", str(figures)))
                    for source in FIGURE_CELLS]
            await pool.give_back(session)
            return runs
        finally:
            await pool.close()
            if view is not None:
                view.remove()

    runs = asyncio.run(scenario())
    assert [(run.kind, run.ename) for run in runs] == [("done", "")] * len(FIGURE_CELLS)


#: Run in a graded kernel: it found the grader's font list (the marker the test wrote in
#: it), read-only, and the list is the one it would have made itself in its sandbox.
FONT_CELL = """\
import json, os
import matplotlib.font_manager as fm
folder = os.environ["MPLCONFIGDIR"]
name = f"fontlist-v{fm.FontManager.__version__}.json"
assert os.listdir(folder) == [name], os.listdir(folder)
assert not os.access(os.path.join(folder, name), os.W_OK)
listed = {(font.fname, font.name) for font in fm.fontManager.ttflist}
assert ("/nowhere/marker.ttf", "CoursekitMarker") in listed, sorted(listed)[:3]
made_here = {(font.fname, font.name) for font in fm.FontManager().ttflist}
assert listed - {("/nowhere/marker.ttf", "CoursekitMarker")} == made_here
"""


def test_every_kernel_reads_the_font_list_the_grader_made_once(scratch):
    # Matplotlib lists the machine's fonts when its cache folder is empty, and
    # every kernel's is: the grader makes the list once, in a sandbox like a
    # kernel's, and binds it read-only into each kernel's matplotlib folder.
    if _kind() != "bwrap":
        pytest.skip("the sandbox is bubblewrap's")
    view = grade.KernelView.create(grade.private_folder())
    assert view.font_list is not None and view.font_list.parent.is_dir()
    fonts = json.loads(view.font_list.read_text(encoding="utf-8"))
    fonts["ttflist"].append({**fonts["ttflist"][0], "fname": "/nowhere/marker.ttf",
                             "name": "CoursekitMarker"})
    view.font_list.write_text(json.dumps(fonts), encoding="utf-8")

    async def scenario():
        pool = grade.pool_for(grade.GradeSettings(pool=1, sandbox="bwrap"), view)
        pool.expect([NB01, NB01])
        try:
            runs = []
            for _ in range(2):  # one started when asked for, one started ahead
                session, problem = await pool.take(NB01)
                assert problem == ""
                runs.append(await session.run(FONT_CELL))
                await pool.give_back(session)
            return runs
        finally:
            await pool.close()

    try:
        runs = asyncio.run(scenario())
    finally:
        folder = view.font_list.parent
        view.remove()
    assert [(run.kind, run.ename, run.evalue) for run in runs] == [("done", "", "")] * 2
    assert not folder.exists()


def test_a_kernel_reads_its_cases_and_cannot_change_them(scratch):
    # The grader writes the cases of a collection to a file in the kernel's cases
    # folder (not into the code it runs): the kernel reads it, and cannot write there.
    if _kind() != "bwrap":
        pytest.skip("the sandbox is bubblewrap's")

    async def scenario():
        view = grade.KernelView.create()
        pool = grade.pool_for(grade.GradeSettings(pool=0, sandbox="bwrap"), view)
        try:
            session, problem = await pool.take(NB01)
            assert problem == ""
            folder = session.sandbox.cases
            (folder / "01-which-digit.json").write_text('["[]"]', encoding="utf-8")
            run = await session.run(f"""\
import pathlib
folder = pathlib.Path({str(folder)!r})
assert (folder / "01-which-digit.json").read_text() == '["[]"]'
for attempt in (lambda: (folder / "01-which-digit.json").write_text("[]"),
                lambda: (folder / "new.json").write_text("[]")):
    try:
        attempt()
    except OSError:
        pass
    else:
        raise AssertionError("the cases folder is writable")""")
            await pool.give_back(session)
            return run
        finally:
            await pool.close()

    run = asyncio.run(scenario())
    assert (run.kind, run.ename, run.evalue) == ("done", "", ""), run


def test_the_kernel_runs_on_while_the_grader_judges_and_judging_costs_the_notebook_no_time(
        tmp_path, monkeypatch):
    # Each verdict takes the grader 4 s: notebook 01's three exercises 12 s, against a
    # notebook limit of 7 s (its cells take a second or two, more on a loaded machine).
    # Judged in line, the third exercise came after 8 s of verdicts and ran out of the
    # notebook's time; now the kernel runs on while the grader judges, a wait for a verdict
    # stops the notebook's clock, and each verdict is the one judged in line.
    from coursekit.grading import answers

    verdict, marks = answers.Request.verdict, []

    def slow_verdict(self, run, limit):
        marks.append(self.exercise.id)
        time.sleep(4)
        return verdict(self, run, limit)

    monkeypatch.setattr(answers.Request, "verdict", slow_verdict)
    build.save(build.solution(NB01), tmp_path / "subs" / f"a_{NB01}.ipynb")
    grade.grade([tmp_path / "subs"], tmp_path / "grades.csv", jobs=1, pool=1, timeout=TIMEOUT,
                notebook_timeout=7, memory_limit=MEMORY_LIMIT, sandbox=SANDBOX,
                progress=False)
    [row] = read_rows(tmp_path / "grades.csv").values()
    assert row["status"] == "ok", row
    assert {key: int(row[key]) for key in FULL01} == FULL01
    assert marks == list(FULL01)  # the slow judge made every verdict


def test_a_batch_starts_its_fork_server_only_with_files_to_grade_and_stops_it_at_the_end(
        tmp_path, monkeypatch, capfd):
    if _kind() != "bwrap":
        pytest.skip("kernels are forked only in bubblewrap")
    from coursekit.grading import kernel_forks
    from coursekit.grading.sandbox import forks

    started, start = [], kernel_forks.KernelForks.start

    def recording_start(self):
        started.append(self)
        return start(self)

    def servers():
        return [p for p in psutil.Process().children(recursive=True)
                if str(forks.PROGRAM) in p.cmdline()]

    monkeypatch.setattr(kernel_forks.KernelForks, "start", recording_start)
    build.save(build.solution(NB01), tmp_path / "subs" / f"a_{NB01}.ipynb")
    arguments = dict(jobs=1, timeout=TIMEOUT, memory_limit=MEMORY_LIMIT, sandbox=SANDBOX,
                     progress=False)
    grade.grade([tmp_path / "subs"], tmp_path / "grades.csv", **arguments)
    assert started and started[0].pid is None  # stopped with the batch
    assert not servers()
    started.clear()
    # Nothing new to grade: the server started as the file was found is killed while it
    # imports, not waited for, and without a word of kernels starting afresh.
    capfd.readouterr()
    report = grade.grade([tmp_path / "subs"], tmp_path / "grades.csv", **arguments)
    assert len(report.skipped) == 1 and len(started) == 1 and started[0].pid is None
    assert not servers() and "afresh" not in capfd.readouterr().err
    # No file at all: none is started.
    started.clear()
    (tmp_path / "empty").mkdir()
    grade.grade([tmp_path / "empty"], tmp_path / "other.csv", **arguments)
    assert started == []
