"""coursekit grade: right points for real submissions, attacks, crashes and broken files.

Every submission is built at test time from solutions/ and notebooks/
(tests/grading/submissions.py). To keep the run short, all of them are graded
in two batches with two jobs each, started together: the main batch in this
process, and the batch whose cells time out (short per-cell limit) through the
command line in a subprocess. A third subprocess runs the partly done notebooks
the way a student does, for the agreement test.
"""

import asyncio
import base64
import csv
import inspect
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest

from coursekit import checks, grading as grade, judging
from coursekit.grading import answers, kernel
from coursekit.grading.exports import VIEW_COLUMNS
from coursekit.grading.names import safe_name
from coursekit.grading.store import Store
from coursekit.grading.submissions import absolute_path
from coursekit.checks import shim as grade_kernel
from coursekit.cli import main
from grading import submissions as build

#: Per-cell limit of the main batch: far above any honest cell.
TIMEOUT = 60
#: Per-cell limit of the batch that is meant to time out.
SLOW_TIMEOUT = 10
MEMORY_LIMIT = 2048
#: Kernels run in bubblewrap wherever it works, and always under CI; a developer
#: without it still runs these tests, unsandboxed (tests/test_grade_attacks.py skips).
SANDBOX = "auto" if os.environ.get("CI") or not grade.bwrap_problem() else "none"

NB01, NB02 = "01_random_baseline", "02_average_image"
#: Notebooks graded whole in the batch. Each kernel costs seconds of CPU, so the
#: batch stays with 01 and 02; every other exercise is covered by
#: test_every_exercise_can_be_sent_to_a_kernel_and_back, which needs no kernel.
STEMS = (NB01, NB02)


@dataclass
class Batch:
    root: Path
    rows: dict  # label -> grades.csv row
    columns: list
    grades: dict  # label -> Grade
    expected: dict  # label -> points by exercise id
    corrupt: dict  # label -> words the reason holds
    labels: dict  # short name -> label
    slow_rows: dict
    slow_expected: dict
    slow_run: subprocess.CompletedProcess
    as_students: dict  # label of a graded copy -> notebook executed as a student
    scratch: Path


def label(path):
    return os.path.normpath(path)


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        return reader.fieldnames, {row["submission"]: row for row in reader}


def _main_batch(root):
    subs = root / "submissions"
    expected, labels = {}, {}

    def add(name, notebook, points):
        path = build.save(notebook, subs / name)
        labels[name] = label(path)
        expected[label(path)] = points
        return path

    for stem in STEMS:
        add(f"alice/{stem}.ipynb", build.solution(stem),
            {e.id: e.points for e in build.exercises(stem)})
        add(f"bob/{stem}.ipynb", build.student(stem), {e.id: 0 for e in build.exercises(stem)})
    add(f"partial/{NB01}.ipynb", *build.partial(NB01))
    notebook, points = build.partial(NB02)
    add(f"partial/carol_{NB02}.ipynb", build.without_metadata(notebook), points)
    add("attacks/patches_01.ipynb", *build.patching_attack())
    add("attacks/fakes_01.ipynb", *build.faking_attack())
    add("robust/exit_01.ipynb", *build.exiting())
    add("robust/segfault_02.ipynb", *build.segfaulting())
    add("robust/memory_01.ipynb", *build.memory_hog(MEMORY_LIMIT))
    corrupt = {label(p): words for p, words in build.corrupt_files(root / "corrupt").items()}
    extra = root / "extra" / "notes.txt"
    extra.parent.mkdir()
    extra.write_text("these are my notes, not a notebook", encoding="utf-8")
    corrupt[label(extra)] = "not JSON"
    return subs, expected, labels, corrupt, extra


def _slow_batch(root):
    folder = root / "slow"
    expected = {}
    for name, (notebook, points) in {
        "sleep_loop_01.ipynb": build.sleeping_and_looping(),
        "stubborn_01.ipynb": build.hanging_answer_then_stubborn(),
    }.items():
        # Graded from the command line in ``root``: labelled relative to it.
        expected[os.path.relpath(build.save(notebook, folder / name), root)] = points
    (root / "slow_scratch").mkdir()
    command = [sys.executable, "-m", "coursekit.cli", "grade", str(folder),
               "--out", str(root / "slow.csv"), "--jobs", "2",
               "--timeout", str(SLOW_TIMEOUT), "--memory-limit", str(MEMORY_LIMIT),
               "--sandbox", SANDBOX]
    env = {**os.environ, "TMPDIR": str(root / "slow_scratch")}
    process = subprocess.Popen(command, cwd=root, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return process, command, expected


def _student_runs(root, labels):
    # The partly done and the untouched notebooks, run top to bottom as a student does.
    folder = root / "as_students"
    copies = {}
    for name in (f"partial/{NB01}.ipynb", f"partial/carol_{NB02}.ipynb"):
        copy = folder / name.replace("/", "_")
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(Path(labels[name]).read_bytes())
        copies[labels[name]] = copy
    command = [sys.executable, "-c", "from nbclient.cli import main; main()",
               "--inplace", "--allow-errors", "--kernel_name", "python3",
               *map(str, copies.values())]
    process = subprocess.Popen(command, cwd=folder, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return process, copies


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("grade")
    subs, expected, labels, corrupt, extra = _main_batch(root)
    slow, slow_command, slow_expected = _slow_batch(root)
    students, copies = _student_runs(root, labels)
    scratch = root / "scratch"
    scratch.mkdir()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(tempfile, "tempdir", str(scratch))
            # The solution of 01 is listed twice: through its folder and by itself.
            report = grade.grade(
                [subs, root / "corrupt", extra, Path(labels[f"alice/{NB01}.ipynb"])],
                root / "grades.csv", feedback=root / "feedback", jobs=2, timeout=TIMEOUT,
                memory_limit=MEMORY_LIMIT, sandbox=SANDBOX, progress=False)
    finally:
        slow_out, slow_err = slow.communicate(timeout=900)
        students.communicate(timeout=900)
    assert students.returncode == 0
    columns, rows = read_rows(root / "grades.csv")
    _, slow_rows = read_rows(root / "slow.csv")
    return Batch(
        root=root, rows=rows, columns=columns,
        grades={g.submission: g for g in report.graded}, expected=expected,
        corrupt=corrupt, labels=labels, slow_rows=slow_rows, slow_expected=slow_expected,
        slow_run=subprocess.CompletedProcess(slow_command, slow.returncode, slow_out, slow_err),
        as_students={key: nbformat.read(path, as_version=4) for key, path in copies.items()},
        scratch=scratch,
    )


def feedback_of(batch, key):
    """The Markdown feedback of the attempt the file ``key`` is (every attempt's is kept)."""
    with Store(grade.default_store(batch.root / "grades.csv")) as store:
        attempt = store.attempts(file=safe_name(str(absolute_path(key))))[-1]
    [path] = (batch.root / "feedback").rglob(f"*.attempt-{attempt.id}.md")
    return path.read_text(encoding="utf-8")


def points_of(row, exercise_ids):
    return {exercise_id: int(row[exercise_id]) for exercise_id in exercise_ids}


def assert_points(batch, name, status="ok"):
    key = batch.labels[name]
    row = batch.rows[key]
    assert points_of(row, batch.expected[key]) == batch.expected[key], row
    assert int(row["total"]) == sum(batch.expected[key].values())
    assert row["status"] == status, row
    return row


# ---------------------------------------------------------------- right points

def test_every_solution_earns_full_marks(batch):
    for stem in STEMS:
        row = assert_points(batch, f"alice/{stem}.ipynb")
        assert row["total"] == row["max_total"]
        assert row["reason"] == ""


def test_every_untouched_student_notebook_earns_zero_with_status_ok(batch):
    for stem in STEMS:
        assert_points(batch, f"bob/{stem}.ipynb")
        for item in batch.grades[batch.labels[f"bob/{stem}.ipynb"]].exercises:
            assert item.result.status == checks.MISSING


def test_a_partly_done_notebook_earns_the_points_of_its_right_answers(batch):
    assert_points(batch, f"partial/{NB01}.ipynb")
    assert_points(batch, f"partial/carol_{NB02}.ipynb")


def test_check_cells_and_grader_give_the_same_verdict(batch):
    def printed(notebook):
        # What each check cell printed, by exercise id.
        found = {}
        for cell in notebook.cells:
            if "check" in cell.metadata.get("tags", []):
                text = "".join(o.get("text", "") for o in cell.outputs
                               if o.get("output_type") == "stream")
                found[cell.metadata["coursekit"]["exercise"]] = text.strip()
        return found

    def verdicts(key):
        return {item.exercise.id: item.result.describe(item.exercise.heading)
                for item in batch.grades[key].exercises}

    for stem in STEMS:  # solutions: their stored outputs
        assert printed(build.solution(stem)) == verdicts(batch.labels[f"alice/{stem}.ipynb"])
    symbols = set()
    for key, notebook in batch.as_students.items():  # partly done: right, wrong, untouched
        shown = printed(notebook)
        assert shown == verdicts(key)
        symbols |= {text[0] for text in shown.values()}
    # Right, wrong, a crash after some cases, and unanswered: all compared.
    assert symbols == {"✅", "❌", "⚠", "✏"}


def test_a_notebook_without_metadata_is_known_by_its_file_name(batch):
    row = batch.rows[batch.labels[f"partial/carol_{NB02}.ipynb"]]
    assert row["max_total"] == str(sum(e.points for e in build.exercises(NB02)))
    assert all(row[e.id] == "" for e in build.exercises(NB01))


# ---------------------------------------------------------------- attacks

def test_patched_checks_numpy_and_builtins_earn_nothing(batch):
    assert_points(batch, "attacks/patches_01.ipynb")
    results = {i.exercise.id: i.result for i in batch.grades[
        batch.labels["attacks/patches_01.ipynb"]].exercises}
    # The answer with no outputs is refused, not judged on zero cases.
    assert results["01-evaluate-range"].status == checks.ERROR


def test_fake_passes_moved_checks_and_silenced_tracebacks_earn_nothing(batch):
    assert_points(batch, "attacks/fakes_01.ipynb")


def test_an_answer_right_only_on_the_notebooks_inputs_earns_nothing(batch):
    key = batch.labels["attacks/fakes_01.ipynb"]
    result = batch.grades[key].exercises[0].result
    assert result.status == checks.WRONG
    assert "passes the check in the notebook, but not the grader's tests" in result.message
    text = feedback_of(batch, key)
    assert result.message in text


# ---------------------------------------------------------------- robustness

def test_a_kernel_that_exits_keeps_the_answers_before_it(batch):
    row = assert_points(batch, "robust/exit_01.ipynb", status="crashed")
    assert "exit code 3" in row["reason"] and "1 exercise not graded" in row["reason"]


def test_a_segfault_keeps_the_answers_before_it(batch):
    row = assert_points(batch, "robust/segfault_02.ipynb", status="crashed")
    assert "SIGSEGV" in row["reason"]


def test_memory_beyond_the_limit_is_recorded_and_the_notebook_goes_on(batch):
    row = assert_points(batch, "robust/memory_01.ipynb", status="memory")
    assert f"ran out of memory (limit {MEMORY_LIMIT} MB)" in row["reason"]


def test_a_kernel_whose_resident_memory_passes_the_limit_is_stopped(tmp_path, monkeypatch):
    # A submission running as a root that may lift its own RLIMIT_AS is caught
    # by the watch on its resident size; here the kernel simply starts without it.
    environment = kernel.kernel_environment
    monkeypatch.setattr(kernel, "kernel_environment", lambda *args: {
        k: v for k, v in environment(*args).items()
        if k != grade_kernel.MEMORY_VARIABLE})
    notebook, points = build.memory_filler(1000)
    submission = grade.read_submission(build.save(notebook, tmp_path / "fill.ipynb"))
    settings = grade.GradeSettings(timeout=TIMEOUT, memory_limit=600, sandbox=SANDBOX)
    result = asyncio.run(grade.grade_submission(submission, settings))
    assert {i.exercise.id: i.points for i in result.exercises} == points
    assert result.status == "memory" and "used more than 600 MB" in result.reason


def test_an_error_named_like_the_graders_timeout_is_no_timeout(tmp_path):
    # A red team's find: the grader told a timeout by the name of the error that ended
    # the cell, which a cell can raise itself; its row then claimed a limit it never
    # reached. (An error named MemoryError still counts as memory run out: a cell can
    # run out of memory for real just as easily, and the row says which cell it was.)
    notebook = build.solution(NB01)
    build.insert(notebook, len(notebook.cells),
                 "raise type('CoursekitGraderTimeout', (Exception,), {})('')")
    submission = grade.read_submission(build.save(notebook, tmp_path / f"{NB01}.ipynb"))
    settings = grade.GradeSettings(timeout=TIMEOUT, memory_limit=MEMORY_LIMIT, sandbox=SANDBOX)
    result = asyncio.run(grade.grade_submission(submission, settings))
    assert result.status == "ok", result.reason
    assert "limit" not in result.reason
    assert result.total == result.max_total


def test_each_submission_starts_in_an_empty_directory_that_is_removed(batch):
    # The probes' answers are right only if their working directory started
    # empty: no grader file, nothing an earlier submission left behind.
    assert batch.rows[batch.labels["robust/exit_01.ipynb"]]["01-which-digit"] == "1"
    assert batch.rows[batch.labels["robust/segfault_02.ipynb"]]["02-average-nine"] == "1"
    assert list(batch.scratch.iterdir()) == []
    assert list((batch.root / "slow_scratch").iterdir()) == []


def test_timed_out_cells_are_stopped_and_later_cells_still_run(batch):
    assert batch.slow_run.returncode == 0, batch.slow_run.stderr
    for key, points in batch.slow_expected.items():
        row = batch.slow_rows[key]
        assert points_of(row, points) == points, row
        assert row["status"] == "timeout"
    sleeping, stubborn = sorted(batch.slow_expected)
    assert batch.slow_rows[sleeping]["reason"].count(f"past the {SLOW_TIMEOUT} s limit") == 2
    assert "ignored the interrupt" in batch.slow_rows[stubborn]["reason"]


def test_progress_is_plain_text_without_a_terminal(batch):
    lines = batch.slow_run.stderr.splitlines()
    assert [line[:5] for line in lines] == ["[1/2]", "[2/2]"]
    assert "2 submissions graded" in batch.slow_run.stdout


def test_files_that_are_not_gradable_notebooks_are_invalid(batch):
    for key, words in batch.corrupt.items():
        row = batch.rows[key]
        assert row["status"] == "invalid" and words in row["reason"], row
        assert row["total"] == "0"
    cut = batch.rows[label(batch.root / "corrupt" / f"{NB01}_cut.ipynb")]
    assert cut["max_total"] == "4" and cut["01-scale-pixels"] == "0"
    empty = batch.rows[label(batch.root / "corrupt" / "empty.ipynb")]
    assert empty["max_total"] == "" and empty["01-scale-pixels"] == ""


# ---------------------------------------------------------------- the batch's files

def test_one_row_per_file_and_same_names_in_two_folders_kept_apart(batch):
    assert set(batch.rows) == set(batch.expected) | set(batch.corrupt)
    alice, bob = batch.labels[f"alice/{NB01}.ipynb"], batch.labels[f"bob/{NB01}.ipynb"]
    assert Path(alice).name == Path(bob).name
    assert batch.rows[alice]["total"] == "4" and batch.rows[bob]["total"] == "0"
    assert "4 of 4 points" in feedback_of(batch, alice)
    assert "0 of 4 points" in feedback_of(batch, bob)


def test_columns_are_the_union_of_the_batchs_exercises(batch):
    ids = [e.id for stem in STEMS for e in build.exercises(stem)]
    assert batch.columns == ["submission", *ids, *VIEW_COLUMNS]


def test_feedback_lists_every_exercise_with_its_points_and_message(batch):
    for key, grade_ in batch.grades.items():
        text = feedback_of(batch, key)
        for item in grade_.exercises:
            assert f"## {item.exercise.heading}: {item.points} / {item.exercise.points}" in text
            assert item.result.describe(item.exercise.heading) in text
        if grade_.status != "ok":
            assert f"\n{grade_.reason}\n" in text  # verbatim, in a fenced block


def test_a_rerun_skips_what_is_graded_and_redo_grades_again(batch, tmp_path):
    out = tmp_path / "grades.csv"
    # The gradebook knows what is graded, whatever grades.csv is written to.
    store = grade.default_store(batch.root / "grades.csv")
    paths = [batch.root / "submissions", batch.root / "corrupt"]
    report = grade.grade(paths, out, progress=False, sandbox=SANDBOX, store=store)
    assert report.graded == [] and len(report.skipped) == len(batch.rows) - 1
    assert read_rows(out)[1].keys() == batch.rows.keys()
    hello = batch.root / "corrupt" / "hello.ipynb"
    report = grade.grade([hello], out, redo=True, progress=False, sandbox=SANDBOX, store=store)
    assert [g.submission for g in report.graded] == [label(hello)]
    assert read_rows(out)[1].keys() == batch.rows.keys()
    with grade.Store(store) as gradebook:  # the regrade is kept beside the first grading
        [attempt] = gradebook.attempts(file=label(hello))
        assert [g.regrade for g in gradebook.gradings(attempt.id)] == [False, True]


# ---------------------------------------------------------------- fast tests

def test_an_interrupted_run_resumes_without_losing_or_repeating_rows(tmp_path):
    files = build.corrupt_files(tmp_path / "subs")
    out = tmp_path / "grades.csv"
    grade.grade([next(iter(files))], out, progress=False, sandbox=SANDBOX)
    with out.open("a", encoding="utf-8") as stream:
        stream.write("half a row, cut by")  # the grader was killed mid-write
    report = grade.grade([tmp_path / "subs"], out, progress=False, sandbox=SANDBOX)
    assert len(report.skipped) == 1 and len(report.graded) == len(files) - 1
    _, rows = read_rows(out)
    assert set(rows) == {label(path) for path in files}
    assert "cut by" not in out.read_text("utf-8")


def test_ctrl_c_keeps_the_rows_written_and_stops_every_kernel(tmp_path):
    files = build.corrupt_files(tmp_path / "subs")
    notebook, _ = build.sleeping_and_looping()
    sleeper = build.save(notebook, tmp_path / "subs" / "zz_sleeper.ipynb")
    # Graded after the sleeper: its kernel waits in the pool when Ctrl-C comes.
    later = build.save(build.solution(NB01), tmp_path / "subs" / f"zzz_later_{NB01}.ipynb")
    # A short TMPDIR of the test's own, so that the kernel's folder is found in it (a
    # long one sends it to /tmp: its sockets' paths must stay short).
    scratch = Path(tempfile.mkdtemp(prefix="ck-ctrl-c-", dir="/tmp"))
    (tmp_path / "scratch").symlink_to(scratch)
    out = tmp_path / "grades.csv"
    process = subprocess.Popen(
        [sys.executable, "-m", "coursekit.cli", "grade", str(tmp_path / "subs"), "--out",
         str(out), "--sandbox", SANDBOX], env={**os.environ, "TMPDIR": str(scratch)}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    # Until the sleeper's kernel and the one started ahead for the next submission
    # are up (a connection file is written once a kernel starts), then a moment for
    # the sleeper to be running cells.
    while (len(list((tmp_path / "scratch").glob("coursekit-grade-*/ipc/kernel.json"))) < 2
           and time.monotonic() < deadline):
        time.sleep(0.2)
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    rows = read_rows(out)[1] if out.exists() else {}
    assert process.returncode == 130 and "interrupted" in err, (
        err[-3000:], rows.get(label(sleeper), {}).get("reason"))
    assert set(read_rows(out)[1]) == {label(path) for path in files}  # not the sleeper's
    assert label(sleeper) not in read_rows(out)[1] and label(later) not in read_rows(out)[1]
    # No kernel, sandbox or cgroup of that grader is left, waiting or not.
    left = _processes_naming(scratch)
    assert left == []
    assert not [path for pattern in (f"coursekit-grade-{process.pid}-*",
                                     f"*/coursekit-grade-{process.pid}-*")
                for path in Path("/sys/fs/cgroup").glob(pattern)]
    assert list(scratch.iterdir()) == []
    scratch.rmdir()


def _processes_naming(folder):
    """Processes whose command line names ``folder``, killed (and listed) if any."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            if str(folder) in cmdline:
                found.append(cmdline.replace("\0", " ")[:160])
                try:
                    os.kill(int(entry.name), signal.SIGKILL)
                except OSError:
                    pass
    return found


def test_a_long_tmpdir_still_gives_kernel_sockets_a_path_short_enough(tmp_path, monkeypatch):
    # Unix socket paths stop at 107 bytes: "File name too long" for every kernel otherwise.
    long = tmp_path / ("deep" * 30)
    long.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    folder = grade.private_folder()
    try:
        assert len(str(folder / "ipc" / "kernel-99")) <= 107
        assert folder.name.startswith("coursekit-grade-")
    finally:
        folder.rmdir()
    short = Path(tempfile.mkdtemp(prefix="ck-", dir="/tmp"))
    monkeypatch.setattr(tempfile, "tempdir", str(short))
    folder = grade.private_folder()
    try:
        assert folder.parent == short  # a short TMPDIR is kept
    finally:
        folder.rmdir()
        short.rmdir()


@pytest.mark.parametrize("kwargs, name", [
    ({"jobs": 0}, "jobs"), ({"timeout": 0}, "timeout"), ({"memory_limit": -1}, "memory_limit"),
    ({"jobs": 1.5}, "jobs"),
])
def test_bad_settings_are_named(tmp_path, kwargs, name):
    with pytest.raises(ValueError, match=name):
        grade.grade([tmp_path], tmp_path / "grades.csv", progress=False, sandbox=SANDBOX, **kwargs)


def test_bad_paths_are_named_and_no_other_file_is_overwritten(tmp_path):
    with pytest.raises(ValueError, match="paths"):
        grade.grade([tmp_path / "missing.ipynb"], tmp_path / "g.csv", progress=False, sandbox=SANDBOX)
    with pytest.raises(ValueError, match="paths"):
        grade.grade([], tmp_path / "g.csv", progress=False, sandbox=SANDBOX)
    with pytest.raises(ValueError, match="out"):
        grade.grade([tmp_path], tmp_path, progress=False, sandbox=SANDBOX)
    other = tmp_path / "marks.csv"
    other.write_text("name,mark\nann,3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="out: .* not a grades file"):
        grade.grade([tmp_path], other, progress=False, sandbox=SANDBOX)
    assert other.read_text("utf-8") == "name,mark\nann,3\n"


def test_directories_give_their_notebooks_but_not_hidden_copies(tmp_path):
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("notes")
    found = grade.find_submissions([tmp_path, tmp_path / "a.ipynb"])
    assert found.files == [(tmp_path / "a.ipynb", label(tmp_path / "a.ipynb"))]
    assert sorted(found.ignored) == [(label(tmp_path / ".ipynb_checkpoints"), "a hidden folder"),
                                     (label(tmp_path / "notes.txt"),
                                      "not a notebook (*.ipynb) file name")]


def test_feedback_files_stay_inside_their_folder():
    assert grade.feedback_name("../../etc/x.ipynb") == Path("_/_/etc/x.md")
    assert grade.feedback_name("/abs/alice/01.ipynb") == Path("abs/alice/01.md")
    assert grade.feedback_name("notes.txt") == Path("notes.txt.md")


def _encoded(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=array.dtype.hasobject)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _answer(array_text):
    return '[{"value": {"__ndarray__": "%s"}}]' % array_text


def test_answers_are_read_without_pickle_or_trusting_array_headers():
    good = answers.read_answers(_answer(_encoded(np.arange(6.0).reshape(2, 3))))
    assert np.array_equal(good[0]["value"], np.arange(6.0).reshape(2, 3))
    assert answers.read_answers(_answer(_encoded(np.array([{"a": 1}], dtype=object)))) is None
    assert answers.read_answers(_answer(_encoded(np.array(["text"])))) is None
    # A header that claims a huge array over a few bytes is refused before allocating.
    lying = io.BytesIO()
    np.lib.format.write_array_header_2_0(
        lying, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
    lying.write(np.zeros(2).tobytes())
    assert answers.read_answers(_answer(base64.b64encode(lying.getvalue()).decode())) is None
    assert answers.read_answers("[" * 100_000) is None
    assert answers.read_answers("not json") is None


@pytest.mark.parametrize("exercise", list(judging.EXERCISES.values()),
                         ids=lambda exercise: exercise.id)
def test_every_exercise_can_be_sent_to_a_kernel_and_back(exercise):
    # What the grader sends a kernel must be plain data that arrives unchanged.
    request = answers.Request(exercise)
    for cases in request.cases:
        back = checks.decode(checks.encode(cases))
        assert len(back) == len(cases)
        for case, arrived in zip(cases, back):
            assert_same_data(tuple(case), tuple(arrived))


def assert_same_data(sent, arrived):
    if isinstance(sent, np.ndarray):
        # A missing score (NaN) in a case arrives missing too.
        assert arrived.dtype == sent.dtype and np.array_equal(
            arrived, sent, equal_nan=sent.dtype.kind in "fc")
    elif isinstance(sent, (list, tuple)):
        assert len(sent) == len(arrived)
        for a, b in zip(sent, arrived):
            assert_same_data(a, b)
    elif isinstance(sent, dict):
        assert sent.keys() == arrived.keys()
        for key in sent:
            assert_same_data(sent[key], arrived[key])
    elif isinstance(sent, float) and np.isnan(sent):
        assert isinstance(arrived, float) and np.isnan(arrived)
    else:
        assert arrived == sent


def test_an_answer_with_fewer_outputs_than_cases_does_not_pass():
    exercise = judging.get("01-scale-pixels")
    request = answers.Request(exercise)
    few = checks.encode([{"outputs": []}, {"outputs": []}])
    result, passed = request.verdict(answers.Run("done", answers=[few]), TIMEOUT)
    assert not passed and result.status == checks.ERROR


def test_an_undefined_answer_is_missing():
    request = answers.Request(judging.get("01-which-digit"))
    undefined = checks.encode([{"undefined": True}, {"undefined": True}])
    result, passed = request.verdict(answers.Run("done", answers=[undefined]), TIMEOUT)
    assert not passed and result.status == checks.MISSING and "predicted_digit" in result.message


def test_the_grading_client_keeps_no_output_and_caps_answers(monkeypatch):
    client = kernel.GradingClient(nbformat.v4.new_notebook())
    client.begin_cell()
    outs = []
    stream = {"msg_type": "stream", "content": {"name": "stdout", "text": "✅ " * 10**6}}
    assert client.output(outs, stream, None, 0) is None and outs == []
    monkeypatch.setattr(kernel, "MAX_ANSWER_CHARS", 10)
    for text in ("[1, 2]", "[" + "1, " * 20 + "1]"):
        answer = {"msg_type": "display_data",
                  "content": {"data": {grade_kernel.ANSWER_MIME: text}, "metadata": {}}}
        client.output(outs, answer, None, 0)
    assert client.answers == ["[1, 2]", None] and outs == []


def test_the_kernel_environment_keeps_the_graders_secrets_out(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_API_TOKEN", "s3cret")
    env = grade.kernel_environment(tmp_path, 512)
    assert "GRADER_API_TOKEN" not in env
    assert env[grade_kernel.MEMORY_VARIABLE] == "512" and env["PYTHONNOUSERSITE"] == "1"
    assert env["IPYTHONDIR"].startswith(str(tmp_path))
    assert grade_kernel.MEMORY_VARIABLE not in grade.kernel_environment(tmp_path, 0)


@pytest.mark.parametrize("megabytes", [0, -5, 1.5, True, "512"])
def test_a_bad_memory_limit_is_refused(megabytes):
    with pytest.raises(ValueError, match="megabytes"):
        grade_kernel.limit_memory(megabytes)


def test_the_public_seed_is_the_one_check_cells_use():
    assert inspect.signature(judging.evaluate).parameters["seed"].default == grade.PUBLIC_SEED


def test_the_command_line_help_quotes_the_real_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["grade", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"(default: {grade.DEFAULT_TIMEOUT})" in text
    assert f"(default: {grade.DEFAULT_MEMORY_LIMIT})" in text
    assert f"(default: {grade.DEFAULT_NOTEBOOK_TIMEOUT})" in text
    assert f"(default: {grade.DEFAULT_PROCESS_LIMIT})" in text


def test_json_python_cannot_convert_is_invalid_not_a_crash(tmp_path):
    path = tmp_path / "01_random_baseline.ipynb"
    path.write_text('{"cells": [], "nbformat": ' + "9" * 5000 + "}")
    submission = grade.read_submission(path)
    assert submission.problem.startswith("not a notebook: the JSON cannot be read")


def test_the_sandboxs_private_tmp_comes_before_the_python_environment_is_bound():
    # A checkout under /tmp (CI clones there) keeps its venv visible in the sandbox.
    arguments = grade.system_arguments()
    tmpfs = arguments.index("/tmp", arguments.index("--tmpfs"))
    binds = [i for i, argument in enumerate(arguments) if argument == "--ro-bind"]
    assert binds and tmpfs < min(binds)
