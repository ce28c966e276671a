"""Grade learners' notebooks in a batch: ``coursekit grade``.

Why a submission cannot grade itself
------------------------------------
Each exercise is judged in the two steps of :mod:`coursekit.checks.core`, split
across two processes:

1. The submission runs, cell by cell, in a fresh kernel of its own. Right after
   the cells of an exercise, the grader sends that exercise's cases as plain
   data (:func:`coursekit.checks.core.encode`: JSON, arrays as ``.npy`` bytes).
   A small shim in the kernel (:mod:`coursekit.grade_kernel`) calls the
   learner's answer on them and sends back what it returned, as plain data.
2. The grader decodes that data itself (no pickle, every array's header
   checked before it is read) and runs :func:`~coursekit.checks.core.judge_safely`
   in its own process, with its own copy of coursekit and numpy.

The kernel is only an oracle: the verdict never depends on code that ran
there, on what cells printed, or on the check cells (which may be edited,
deleted or moved). Whatever the submission changes in its kernel (coursekit's
check functions, numpy, builtins, tracebacks), it only changes the data that
comes back, and that data is judged as its answer. The cases come from a secret
seed drawn afresh for every submission, so answers cannot be prepared for
them; they are judged together with the public cases the notebook's own check
cell uses, and the feedback quotes the verdict on those, as the check cell
does, so nothing about the secret cases is revealed.

Robustness
----------
Every cell runs under a time limit; a cell past it is interrupted and the
notebook goes on (a kernel that ignores the interrupt is stopped). A kernel that
dies, a file that is not a notebook, a notebook of another course: each gets a
clear status in ``grades.csv`` and the batch goes on. Each kernel runs with its
own empty working directory and its memory capped (``RLIMIT_AS`` plus a watch
on its resident size).
"""

import asyncio
import binascii
import csv
import io
import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from . import checks, grade_kernel
from .checks import core
from .execute import KERNEL_ENV

#: Seconds a cell (or a call of an answer on the grader's cases) may run.
DEFAULT_TIMEOUT = 120
#: Megabytes of address space a submission's kernel may use (0: no limit).
DEFAULT_MEMORY_LIMIT = 4096
#: The seed the notebooks' check cells use (``core.evaluate``'s default).
PUBLIC_SEED = 0

# Statuses of a submission, from a clean run to no run at all.
OK, TIMEOUT, MEMORY, CRASHED, INVALID, ERROR = (
    "ok", "timeout", "memory", "crashed", "invalid", "error")
_SEVERITY = {OK: 0, TIMEOUT: 1, MEMORY: 2, CRASHED: 3}

FIXED_COLUMNS = ("total", "max_total", "status", "reason")

_MAX_SUBMISSION_BYTES = 50 * 2**20
_MAX_ANSWER_CHARS = 64 * 2**20  # per answer; arrays travel base64-encoded
_MAX_TEXT = 300  # characters of learner-controlled text kept in a message
_INTERRUPT_GRACE = 5  # seconds a kernel has to come back after an interrupt
_IOPUB_WAIT = 10  # seconds to wait for a cell's last outputs after its reply
_STARTUP_TIMEOUT = 120
# Collecting calls an answer on the public and the secret cases: twice what the
# check cell does, so twice the time.
_COLLECT_TIME_FACTOR = 2
_MEMORY_WATCH_INTERVAL = 0.5

_KERNEL_NAME = "coursekit-grader"
_TIMEOUT_ENAME = "CoursekitGraderTimeout"
_INSTALL_SOURCE = "__import__('coursekit.grade_kernel', fromlist=['install']).install()"
# Passed on to the kernels; everything else in the grader's environment (tokens,
# credentials) stays out of the submissions' reach.
_PASSED_VARIABLES = ("PATH", "PYTHONPATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ",
                     "LD_LIBRARY_PATH", "SCIKIT_LEARN_DATA", "SSL_CERT_FILE")

# nbclient reports every timeout and dead kernel as an error; here they are
# expected, and recorded in grades.csv instead.
_kernel_log = logging.getLogger("coursekit.grade.kernels")
_kernel_log.addHandler(logging.NullHandler())
_kernel_log.propagate = False


# ---------------------------------------------------------------- submissions

@dataclass(frozen=True)
class CodeCell:
    """A code cell of a submission, as the grader runs it.

    Attributes
    ----------
    number : int
        Position among all the notebook's cells, counted from 1.
    source : str
    exercise : str or None
        The exercise id in the cell's ``coursekit`` metadata, if any.
    """

    number: int
    source: str
    exercise: str | None = None

    def describe(self):
        lines = [line.strip() for line in self.source.splitlines() if line.strip()]
        # The first line that does something names the cell best.
        line = _clean(next((line for line in lines if not line.startswith(
            ("import ", "from ", "#"))), lines[0] if lines else ""))
        if len(line) > 40:
            line = line[:37] + "..."
        return f"cell {self.number} (`{line}`)"


@dataclass(frozen=True)
class Submission:
    """One file to grade.

    Attributes
    ----------
    path : Path
    label : str
        How grades.csv names it: the path as given, or found in a directory given.
    notebook : str or None
        The notebook it answers, when known.
    cells : tuple of CodeCell
    problem : str
        Why it cannot be graded; empty when it can.
    """

    path: Path
    label: str
    notebook: str | None
    cells: tuple = ()
    problem: str = ""


def known_notebooks():
    """Notebooks (file stems) that have exercises, in course order."""
    return list(dict.fromkeys(exercise.notebook for exercise in checks.EXERCISES.values()))


def find_submissions(paths):
    """List the files to grade: each file given, and every ``*.ipynb`` in each directory.

    Hidden files and folders (``.ipynb_checkpoints``) are skipped. A file listed
    twice (by two routes) appears once.

    Parameters
    ----------
    paths : iterable of path-like

    Returns
    -------
    list of (Path, str)
        Each file with its label, in the order given.

    Raises
    ------
    ValueError
        If ``paths`` is empty or names something that does not exist.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("paths: give at least one submission or directory of submissions")
    found, seen = [], set()
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.ipynb")
                           if p.is_file() and not any(part.startswith(".")
                                                      for part in p.relative_to(path).parts))
        elif path.exists():
            files = [path]
        else:
            raise ValueError(f"paths: no such file or directory: {path}")
        for file in files:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                found.append((file, os.path.normpath(file)))
    return found


def read_submission(path, label=None):
    """Read a submission without running it; never raises on a bad file.

    Parameters
    ----------
    path : path-like
    label : str, optional
        Defaults to ``path`` as a string.

    Returns
    -------
    Submission
        With ``problem`` set when the file cannot be graded.
    """
    path = Path(path)
    label = os.path.normpath(path) if label is None else label
    by_name = _notebook_from_name(path.name)

    def invalid(problem, notebook=by_name):
        return Submission(path, label, notebook, problem=problem)

    try:
        size = path.stat().st_size
        if size > _MAX_SUBMISSION_BYTES:
            return invalid(f"the file is {size / 2**20:.0f} MB; a notebook to grade may "
                           f"have at most {_MAX_SUBMISSION_BYTES // 2**20} MB")
        raw = path.read_bytes()
    except OSError as exc:
        return invalid(f"the file cannot be read ({exc.strerror or exc})")
    if not raw.strip():
        return invalid("not a notebook: the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return invalid("not a notebook: the file is not text")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return invalid(_json_problem(text, exc))
    except RecursionError:
        return invalid("not a notebook: the JSON is nested too deeply")
    except ValueError as exc:  # e.g. an integer longer than Python converts
        return invalid(f"not a notebook: the JSON cannot be read ({_clean(exc)})")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return invalid("not a notebook: the JSON has no list of cells")
    if data.get("nbformat") != 4:
        return invalid(f"not a notebook of format 4 (nbformat {data.get('nbformat')!r}); "
                       f"open and save it in a current Jupyter")
    notebook, problem = _notebook_answered(data, by_name)
    if problem:
        return invalid(problem, notebook)
    cells, problem = _code_cells(data["cells"])
    if problem:
        return invalid(problem, notebook)
    return Submission(path, label, notebook, cells)


def _json_problem(text, error):
    if not text.lstrip().startswith(("{", "[")):
        return "not a notebook: the file is not JSON"
    if error.pos >= len(text.rstrip()):
        return (f"not a notebook: the JSON breaks off at line {error.lineno} "
                f"(was the file cut short?)")
    return (f"not a notebook: its JSON breaks off or is malformed at line {error.lineno}, "
            f"column {error.colno} (was the file cut short?)")


def _notebook_from_name(name):
    stem = name.rsplit(".", 1)[0] if name.endswith(".ipynb") else name
    matches = [notebook for notebook in known_notebooks() if notebook in stem]
    return max(matches, key=len) if matches else None


def _notebook_answered(data, by_name):
    metadata = data.get("metadata")
    coursekit = metadata.get("coursekit") if isinstance(metadata, dict) else None
    named = coursekit.get("notebook") if isinstance(coursekit, dict) else None
    known = known_notebooks()
    if isinstance(named, str):
        if named in known:
            return named, ""
        return None, (f"its metadata names notebook {_clean(named)!r}, which is not one of "
                      f"this course's: {', '.join(known)}")
    if by_name:
        return by_name, ""
    return None, ("cannot tell which notebook this answers: it has no coursekit metadata "
                  f"and its file name names none of {', '.join(known)} (a notebook of "
                  f"another course?)")


def _code_cells(raw_cells):
    cells = []
    for number, cell in enumerate(raw_cells, start=1):
        if not isinstance(cell, dict):
            return (), f"not a notebook: cell {number} is not a JSON object"
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            return (), f"not a notebook: the source of cell {number} is not text"
        metadata = cell.get("metadata")
        coursekit = metadata.get("coursekit") if isinstance(metadata, dict) else None
        exercise = coursekit.get("exercise") if isinstance(coursekit, dict) else None
        cells.append(CodeCell(number, source, exercise if isinstance(exercise, str) else None))
    return tuple(cells), ""


def collection_points(cells, exercises):
    """Where each exercise's answer is read: after the last cell carrying its id.

    That cell is normally the exercise's check cell, so the grader reads the
    answer when the learner's check reads it. An exercise none of whose cells
    is left is read after the last cell.

    Returns
    -------
    dict
        Index into ``cells`` (``len(cells)`` for "at the end") -> list of exercises.
    """
    last = {}
    for index, cell in enumerate(cells):
        if cell.exercise is not None:
            last[cell.exercise] = index
    points = {}
    for exercise in exercises:
        points.setdefault(last.get(exercise.id, len(cells)), []).append(exercise)
    return points


# ---------------------------------------------------------------- grades

@dataclass(frozen=True)
class ExerciseGrade:
    """The grade of one exercise: the verdict the learner is shown, and the points."""

    exercise: core.Exercise
    result: core.Result
    points: int


@dataclass(frozen=True)
class Grade:
    """The grade of one submission.

    Attributes
    ----------
    submission : str
        Its label.
    notebook : str or None
    exercises : tuple of ExerciseGrade
        Every exercise of ``notebook``, in order (empty when it is unknown).
    status : {"ok", "timeout", "memory", "crashed", "invalid", "error"}
        ``error`` means the grader could not grade it (not the submission's
        fault); a rerun grades it again.
    reason : str
        What happened, when the status is not ``ok``.
    """

    submission: str
    notebook: str | None
    exercises: tuple
    status: str
    reason: str = ""

    @property
    def total(self):
        return sum(item.points for item in self.exercises)

    @property
    def max_total(self):
        return sum(item.exercise.points for item in self.exercises) if self.notebook else None

    def row(self):
        """The grades.csv row, as a dict of strings."""
        row = {"submission": self.submission}
        for item in self.exercises:
            row[item.exercise.id] = str(item.points)
        max_total = self.max_total
        row.update(total=str(self.total), max_total="" if max_total is None else str(max_total),
                   status=self.status, reason=self.reason)
        return row


def _ungraded(submission, status, reason):
    exercises = ()
    if submission.notebook:
        note = core.Result(core.ERROR, f"not graded: {reason}.")
        exercises = tuple(ExerciseGrade(e, note, 0)
                          for e in checks.exercises_for(submission.notebook))
    return Grade(submission.label, submission.notebook, exercises, status, _clean(reason))


# ---------------------------------------------------------------- answers

@dataclass
class _Run:
    """What running one cell (or one collection) in the kernel gave."""

    kind: str  # "done", "timeout", "stuck", "dead", "broken"
    ename: str = ""
    detail: str = ""
    answers: list = field(default_factory=list)
    too_large: bool = False


class _Request:
    """One exercise to collect: its public and secret cases, and how to ask for them."""

    def __init__(self, exercise):
        self.exercise = exercise
        self.cases = [exercise.cases(PUBLIC_SEED), exercise.cases(secrets.randbits(64))]
        try:
            texts = [core.encode(cases) for cases in self.cases]
        except TypeError as exc:
            raise TypeError(f"the cases of exercise {exercise.id} are not plain data "
                            f"({exc}); fix its cases() in coursekit.checks") from None
        self.source = (f"__import__('coursekit.grade_kernel', fromlist=['collect']).collect("
                       f"{exercise.id!r}, {exercise.answer_name!r}, {texts!r})")

    def verdict(self, run, timeout):
        """The Result to show for this exercise, and whether it earns its points."""
        name = f"`{self.exercise.answer_name}`"
        if run.kind in ("timeout", "stuck"):
            return core.Result(core.ERROR, f"{name} did not finish within {timeout} s when "
                                           f"the grader called it.",
                               "look for a loop that never ends, or work that need not be "
                               "repeated on every call."), False
        if run.kind != "done":
            return core.Result(core.ERROR, f"the notebook's kernel stopped while {name} "
                                           f"was being graded."), False
        if run.too_large:
            return core.Result(core.ERROR, f"{name} gave an answer too large to grade."), False
        runs = _read_answers(run.answers[-1]) if run.answers else None
        if runs is None or len(runs) != len(self.cases):
            return core.Result(core.ERROR, "no answer could be read back from the notebook.",
                               "run the notebook from the top in a fresh kernel and make "
                               "sure every cell works."), False
        public, secret = (self._judge(payload, cases) for payload, cases in zip(runs, self.cases))
        if not public.passed:
            return public, False
        if not secret.passed:
            return core.Result(core.WRONG, "your answer passes the check in the notebook, but "
                                           "not the grader's tests on other inputs.",
                               "make sure it works for every input the exercise allows, not "
                               "only for the notebook's examples."), False
        return public, True

    def _judge(self, payload, cases):
        if isinstance(payload, dict) and len(payload) == 1 and payload.get("undefined") is True:
            return core.Result(core.MISSING, f"`{self.exercise.answer_name}` is not defined "
                                             f"when this exercise is graded.",
                               "define it in the exercise's cell, and run the notebook from "
                               "the top to check that it works.")
        if isinstance(payload, dict) and isinstance(payload.get("error"), str):
            payload = {**payload, "error": _clean(payload["error"])}
        return core.judge_safely(self.exercise, payload, cases)


def _read_answers(text):
    """Decode the kernel's answer text with ``core.decode``; None for anything odd.

    The kernel is the learner's, so its reply may be anything.
    """
    try:
        data = core.decode(text)
    except (ValueError, TypeError, RecursionError, binascii.Error):
        return None
    return data if isinstance(data, list) else None


def _clean(text, limit=_MAX_TEXT):
    """Learner-controlled text made safe for one line of a CSV or a message."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------- kernels

class _GraderKernelSpecs(KernelSpecManager):
    """Knows one kernel: this interpreter, through coursekit.grade_kernel's limits."""

    def get_kernel_spec(self, kernel_name):
        return KernelSpec(
            argv=[sys.executable, "-m", "coursekit.grade_kernel", "-f", "{connection_file}"],
            display_name="coursekit grader", language="python", interrupt_mode="signal",
        )


class _GradingClient(NotebookClient):
    """An nbclient that keeps no outputs: only cell replies and the shim's answers."""

    def begin_cell(self):
        self.reply = None
        self.answers = []
        self.answer_chars = 0

    def remember_reply(self, cell, cell_index, execute_reply):
        self.reply = execute_reply

    def output(self, outs, msg, display_id, cell_index):
        # Learners' outputs (possibly huge) are dropped as they arrive.
        content = msg.get("content")
        data = content.get("data") if isinstance(content, dict) else None
        text = data.get(grade_kernel.ANSWER_MIME) if isinstance(data, dict) else None
        if msg.get("msg_type") == "display_data" and isinstance(text, str):
            self.answer_chars += len(text)
            self.answers.append(text if self.answer_chars <= _MAX_ANSWER_CHARS else None)
        return None

    def clear_output(self, outs, msg, cell_index):
        return None

    def handle_comm_msg(self, outs, msg, cell_index):
        return None  # widgets need no front end here


def kernel_environment(private, memory_limit):
    """The environment of a submission's kernel.

    Configuration directories point into ``private`` (a directory of this
    submission's own), so nothing one submission writes there reaches the next.
    """
    env = {key: value for key, value in os.environ.items()
           if key in _PASSED_VARIABLES or key.startswith("LC_")}
    env.update(
        TMPDIR=str(private / "tmp"), IPYTHONDIR=str(private / "ipython"),
        JUPYTER_CONFIG_DIR=str(private / "jupyter"), JUPYTER_DATA_DIR=str(private / "jupyter"),
        MPLCONFIGDIR=str(private / "matplotlib"), PYTHONNOUSERSITE="1",
        MALLOC_ARENA_MAX="2", PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    # One BLAS thread each, as when the solutions were executed: N kernels share the
    # machine fairly, and threads' reserved address space stays out of the memory limit.
    env.update(KERNEL_ENV)
    if memory_limit:
        env[grade_kernel.MEMORY_VARIABLE] = str(memory_limit)
    return env


class _KernelSession:
    """A fresh kernel for one submission, with its private directories."""

    def __init__(self, private, timeout, memory_limit):
        self.private = private
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.work = private / "work"
        for folder in ("work", "tmp", "ipython", "jupyter", "matplotlib"):
            (private / folder).mkdir()
        self.km = AsyncKernelManager(kernel_name=_KERNEL_NAME,
                                     kernel_spec_manager=_GraderKernelSpecs())
        # nbclient writes each executed cell back into its notebook: one slot.
        self.client = _GradingClient(
            nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell()]), km=self.km,
            timeout=timeout, interrupt_on_timeout=True,
            error_on_timeout={"ename": _TIMEOUT_ENAME, "evalue": "", "traceback": []},
            allow_errors=True, record_timing=False, store_widget_state=False,
            iopub_timeout=_IOPUB_WAIT, startup_timeout=_STARTUP_TIMEOUT,
            extra_arguments=["--HistoryManager.hist_file=:memory:"], log=_kernel_log,
        )
        self.client.on_cell_executed = self.client.remember_reply
        self.watch = None
        self.over_memory = False

    async def start(self):
        """Start the kernel and install the shim; return a problem, or "" when ready."""
        try:
            await self.client.async_start_new_kernel(
                cwd=str(self.work), env=kernel_environment(self.private, self.memory_limit),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            await self.client.async_start_new_kernel_client()
        except Exception as exc:  # the kernel would not start: not the submission's fault
            return f"the kernel did not start ({type(exc).__name__}: {_clean(exc)})"
        if self.memory_limit and Path("/proc").is_dir():
            self.watch = asyncio.ensure_future(self._watch_memory())
        # The shim imports coursekit (and scikit-learn): not the submission's time.
        run = await self.run(_INSTALL_SOURCE, store_history=False, timeout=_STARTUP_TIMEOUT)
        if run.kind != "done" or run.ename:
            return f"the grader's shim did not load in the kernel ({run.ename or run.kind})"
        return ""

    async def run(self, source, *, store_history=True, timeout=None):
        """Run ``source`` as one cell (``timeout`` seconds, default the session's).

        Returns a report of how it ended; never raises.
        """
        cell = nbformat.v4.new_code_cell(source)
        self.client.nb.cells[0] = cell
        self.client.begin_cell()
        self.client.timeout = timeout or self.timeout
        try:
            await self.client.async_execute_cell(cell, 0, store_history=store_history)
        except DeadKernelError:
            return _Run("dead", detail=await self._death())
        except Exception as exc:  # a kernel that sends what no kernel should
            await self.stop()
            return _Run("broken", detail=f"{type(exc).__name__}: {_clean(exc)}")
        reply = self.client.reply
        content = reply.get("content") if isinstance(reply, dict) else None
        content = content if isinstance(content, dict) else {}
        if content.get("ename") == _TIMEOUT_ENAME:
            if await self._responds(_INTERRUPT_GRACE):
                return _Run("timeout")
            if not await self.km.is_alive():
                return _Run("dead", detail=await self._death())
            await self.stop()
            return _Run("stuck")
        ename = content.get("ename") if content.get("status") == "error" else ""
        answers = self.client.answers
        return _Run("done", ename=_clean(ename or "", 60),
                    answers=[text for text in answers if text is not None],
                    too_large=None in answers)

    async def _responds(self, wait):
        # Shell requests queue behind a running cell: a reply means it has stopped.
        msg_id = self.client.kc.kernel_info()
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await self.client.kc.shell_channel.get_msg(timeout=left)
            except Empty:
                return False
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return True
        return False

    async def _death(self):
        if self.over_memory:
            return "memory"
        try:
            code = await self.km.provisioner.poll()
        except Exception:  # the provisioner is gone: the cause is unknown
            code = None
        if code is None:
            return "it stopped answering"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    async def _watch_memory(self):
        # RLIMIT_AS is the first line; a submission running as root can raise it,
        # so the resident size is watched from outside as well.
        pid = self.km.provisioner.pid
        page = os.sysconf("SC_PAGE_SIZE")
        while True:
            await asyncio.sleep(_MEMORY_WATCH_INTERVAL)
            try:
                resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
            except (OSError, ValueError, IndexError):
                return
            if resident > self.memory_limit * 2**20:
                self.over_memory = True
                await self.km.signal_kernel(signal.SIGKILL)
                return

    async def stop(self):
        """Stop the kernel and everything in its process group."""
        if self.watch is not None:
            self.watch.cancel()
            self.watch = None
        if self.client.kc is not None:
            self.client.kc.stop_channels()
            self.client.kc = None
        if self.km.has_kernel:
            try:
                await self.km.shutdown_kernel(now=True)
            except Exception as exc:  # already gone; nothing left to stop
                _kernel_log.debug("stopping a kernel: %s", exc)


# ---------------------------------------------------------------- one submission

class _Events:
    """What went wrong while running a submission, for its status and reason."""

    def __init__(self):
        self.status = OK
        self.notes = []

    def add(self, status, note):
        if _SEVERITY[status] > _SEVERITY[self.status]:
            self.status = status
        self.notes.append(note)

    def reason(self):
        return _clean("; ".join(self.notes), 2 * _MAX_TEXT)


@dataclass(frozen=True)
class _Settings:
    timeout: int
    memory_limit: int


async def grade_submission(submission, timeout=DEFAULT_TIMEOUT,
                           memory_limit=DEFAULT_MEMORY_LIMIT):
    """Grade one submission in a fresh kernel; never raises on a bad submission.

    Parameters
    ----------
    submission : Submission
    timeout : int
        Seconds per cell.
    memory_limit : int
        Megabytes of address space for the kernel; 0 for no limit.

    Returns
    -------
    Grade
    """
    if submission.problem:
        return _ungraded(submission, INVALID, submission.problem)
    exercises = checks.exercises_for(submission.notebook)
    try:
        requests = {exercise.id: _Request(exercise) for exercise in exercises}
    except TypeError as exc:
        return _ungraded(submission, ERROR, str(exc))
    private = Path(tempfile.mkdtemp(prefix="coursekit-grade-"))
    events = _Events()
    try:
        session = _KernelSession(private, timeout, memory_limit)
    except BaseException:
        shutil.rmtree(private, ignore_errors=True)
        raise
    try:
        problem = await session.start()
        if problem:
            return _ungraded(submission, ERROR, problem)
        results = await _run_cells(session, submission, requests, _Settings(
            timeout, memory_limit), events)
    finally:
        try:
            await session.stop()
        finally:
            shutil.rmtree(private, ignore_errors=True)
    return _assemble(submission, exercises, results, events)


async def _run_cells(session, submission, requests, settings, events):
    cells = submission.cells
    points = collection_points(cells, list(r.exercise for r in requests.values()))
    timed_out, results = set(), {}
    for index in range(len(cells) + 1):
        if index < len(cells):
            cell = cells[index]
            run = await session.run(cell.source)
            if run.kind in ("timeout", "stuck") and cell.exercise:
                timed_out.add(cell.exercise)
            if _note(run, cell.describe(), settings.timeout, settings, events):
                return results
        for exercise in points.get(index, []):
            if exercise.id in timed_out:
                results[exercise.id] = (core.Result(
                    core.ERROR, f"a cell of this exercise ran past the {settings.timeout} s "
                                f"limit and was stopped, so it cannot count.",
                    "look for a loop that never ends, or work that takes too long."), False)
                continue
            limit = _COLLECT_TIME_FACTOR * settings.timeout
            run = await session.run(requests[exercise.id].source, store_history=False,
                                    timeout=limit)
            results[exercise.id] = await asyncio.to_thread(
                requests[exercise.id].verdict, run, limit)
            if _note(run, f"grading {exercise.heading}", limit, settings, events):
                return results
    return results


def _note(run, where, limit, settings, events):
    """Record what went wrong in ``run``; return True when the kernel is gone."""
    if run.kind == "timeout":
        events.add(TIMEOUT, f"{where} ran past the {limit} s limit and was interrupted")
    elif run.kind == "stuck":
        events.add(TIMEOUT, f"{where} ran past the {limit} s limit and ignored the "
                            f"interrupt, so the kernel was stopped")
    elif run.kind == "dead" and run.detail == "memory":
        events.add(MEMORY, f"the kernel used more than {settings.memory_limit} MB in {where} "
                           f"and was stopped")
    elif run.kind == "dead":
        events.add(CRASHED, f"the kernel died ({run.detail}) in {where}")
    elif run.kind == "broken":
        events.add(CRASHED, f"the kernel misbehaved ({run.detail}) in {where} and was stopped")
    elif run.ename.endswith("MemoryError"):  # numpy raises a subclass
        limit = f" (limit {settings.memory_limit} MB)" if settings.memory_limit else ""
        events.add(MEMORY, f"{where} ran out of memory{limit}")
    return run.kind in ("stuck", "dead", "broken")


def _assemble(submission, exercises, results, events):
    graded = []
    missing = 0
    for exercise in exercises:
        if exercise.id in results:
            result, passed = results[exercise.id]
        else:
            missing += 1
            result, passed = core.Result(
                core.ERROR, "not graded: the notebook's kernel stopped before this answer "
                            "could be read.",
                "make sure the notebook runs from top to bottom in a fresh kernel."), False
        graded.append(ExerciseGrade(exercise, result, exercise.points if passed else 0))
    if missing:
        events.notes.append(f"{missing} exercise{'s' if missing > 1 else ''} not graded")
    return Grade(submission.label, submission.notebook, tuple(graded), events.status,
                 events.reason())


# ---------------------------------------------------------------- grades.csv

class GradesFile:
    """grades.csv: one row per submission, appended and flushed as each is graded.

    Parameters
    ----------
    path : path-like

    Raises
    ------
    ValueError
        If ``path`` exists and is not a grades file (it is never overwritten then).
    """

    def __init__(self, path):
        self.path = Path(path)
        self.columns, self.rows, self.repaired = self._read()

    def _read(self):
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None, [], False
        text = self.path.read_text(encoding="utf-8")
        complete = text[: text.rfind("\n") + 1]  # a last row cut short by an interruption
        reader = csv.DictReader(io.StringIO(complete, newline=""))
        columns = reader.fieldnames or []
        if not columns or columns[0] != "submission" or not set(FIXED_COLUMNS) <= set(columns):
            raise ValueError(f"out: {self.path} exists and is not a grades file "
                             f"(no submission, {', '.join(FIXED_COLUMNS)} columns); "
                             f"choose another file")
        return list(columns), list(reader), complete != text

    def graded(self):
        """Labels of the submissions already graded (a grader ``error`` does not count)."""
        return {row["submission"] for row in self.rows if row.get("status") != ERROR}

    def prepare(self, exercise_ids, replace=()):
        """Make sure the file has these exercise columns and none of the ``replace`` rows."""
        order = {exercise_id: index for index, exercise_id in enumerate(checks.EXERCISES)}
        present = [c for c in (self.columns or [])[1:] if c not in FIXED_COLUMNS]
        ids = sorted(set(present) | set(exercise_ids),
                     key=lambda c: (order.get(c, len(order)), present.index(c)
                                    if c in present else 0))
        columns = ["submission", *ids, *FIXED_COLUMNS]
        replace = set(replace)
        kept = [row for row in self.rows if row.get("submission") not in replace]
        if columns != self.columns or len(kept) != len(self.rows) or self.repaired:
            self.columns, self.rows, self.repaired = columns, kept, False
            self._rewrite()

    def _rewrite(self):
        partial = self.path.with_name(self.path.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, self.columns, restval="", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(self.rows)
        os.replace(partial, self.path)

    def append(self, row):
        """Append one row and push it to disk before returning."""
        with self.path.open("a", encoding="utf-8", newline="") as stream:
            csv.DictWriter(stream, self.columns, restval="", extrasaction="ignore").writerow(row)
            stream.flush()
            os.fsync(stream.fileno())
        self.rows.append(row)


# ---------------------------------------------------------------- feedback

def feedback_name(label):
    """The feedback file's path (relative) for a submission label; never leaves the folder."""
    parts = [part if part not in ("..", ".") else "_" for part in Path(label).parts
             if part not in ("/", "\\") and not part.endswith((":", ":\\"))]
    name = parts[-1] if parts else "submission"
    name = (name[: -len(".ipynb")] if name.endswith(".ipynb") else name) + ".md"
    return Path(*parts[:-1], name)


def _fenced(text):
    # A fence longer than any run of backticks inside: the text shows verbatim.
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def feedback_markdown(grade):
    """The feedback for one submission, as Markdown.

    Each exercise's verdict is the text the notebook's check cell prints.
    """
    lines = [f"# Feedback on {grade.submission}", ""]
    if grade.notebook is None:
        lines += [f"This file could not be graded: {grade.reason}.", ""]
        return "\n".join(lines)
    lines += [f"Notebook `{grade.notebook}`: **{grade.total} of {grade.max_total} points**.", ""]
    if grade.status != OK:
        lines += [f"Note ({grade.status}): {grade.reason}.", ""]
    lines += ["| Exercise | Points |", "|---|---|"]
    lines += [f"| {item.exercise.heading} | {item.points} / {item.exercise.points} |"
              for item in grade.exercises]
    for item in grade.exercises:
        lines += ["", f"## {item.exercise.heading}: {item.points} / {item.exercise.points}", "",
                  _fenced(item.result.describe(item.exercise.heading))]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the batch

@dataclass
class BatchReport:
    """What one call of :func:`grade` did.

    Attributes
    ----------
    graded : list of Grade
        In the order they finished.
    skipped : list of str
        Labels already in the grades file.
    """

    graded: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


class _Progress:
    """A tqdm bar on a terminal; one plain line per submission otherwise."""

    def __init__(self, total, enabled):
        self.total, self.done, self.enabled = total, 0, enabled
        self.bar = None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="notebook", file=sys.stderr)

    def update(self, grade):
        self.done += 1
        line = f"{grade.submission}: {grade.status}, {grade.total}/{grade.max_total or 0}"
        if self.bar is not None:
            self.bar.set_postfix_str(line[-60:])
            self.bar.update(1)
        elif self.enabled:
            print(f"[{self.done}/{self.total}] {line}", file=sys.stderr, flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def grade(paths, out, *, feedback=None, jobs=1, timeout=DEFAULT_TIMEOUT,
          memory_limit=DEFAULT_MEMORY_LIMIT, redo=False, progress=True):
    """Grade submissions into ``out`` (grades.csv), optionally writing feedback files.

    Parameters
    ----------
    paths : iterable of path-like
        Notebooks, and directories whose ``*.ipynb`` files (at any depth) are graded.
    out : path-like
        The grades CSV. Rows already there are kept and their submissions skipped.
    feedback : path-like, optional
        Directory for one Markdown file per submission graded.
    jobs : int, default=1
        Submissions graded at once.
    timeout : int, default=DEFAULT_TIMEOUT
        Seconds each cell may run.
    memory_limit : int, default=DEFAULT_MEMORY_LIMIT
        Megabytes each kernel may use; 0 for no limit.
    redo : bool, default=False
        Grade again submissions that ``out`` already has.
    progress : bool, default=True
        Show progress on stderr.

    Returns
    -------
    BatchReport

    Raises
    ------
    ValueError
        On a bad argument, naming it.
    KeyboardInterrupt
        On SIGINT or SIGTERM, once every kernel is stopped; the rows written
        before stay, and the same call grades the rest.
    """
    _validate(jobs=jobs, timeout=timeout, memory_limit=memory_limit, out=out, feedback=feedback)
    found = find_submissions(paths)
    grades_file = GradesFile(out)
    submissions = [read_submission(path, label) for path, label in found]
    done = set() if redo else grades_file.graded()
    todo = [s for s in submissions if s.label not in done]
    report = BatchReport(skipped=[s.label for s in submissions if s.label in done])
    needed = [e.id for s in submissions if s.notebook for e in checks.exercises_for(s.notebook)]
    grades_file.prepare(needed, replace=[s.label for s in todo])
    feedback = Path(feedback) if feedback is not None else None
    names = {}
    bar = _Progress(len(todo), progress)

    def finished(result):
        grades_file.append(result.row())
        if feedback is not None:
            _write_feedback(feedback, result, names)
        report.graded.append(result)
        bar.update(result)

    try:
        interrupted = asyncio.run(_grade_all(todo, jobs, timeout, memory_limit, finished))
    finally:
        bar.close()
    if interrupted:
        raise KeyboardInterrupt
    return report


def _validate(*, jobs, timeout, memory_limit, out, feedback):
    for name, value, lowest in (("jobs", jobs, 1), ("timeout", timeout, 1),
                                ("memory_limit", memory_limit, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
            raise ValueError(f"{name} must be a whole number of at least {lowest}; got {value!r}")
    if Path(out).is_dir():
        raise ValueError(f"out: {out} is a directory; give the CSV file to write")
    if feedback is not None and Path(feedback).exists() and not Path(feedback).is_dir():
        raise ValueError(f"feedback: {feedback} exists and is not a directory")


def _write_feedback(folder, result, names):
    name = feedback_name(result.submission)
    # Two labels can map to one name (a.ipynb and a); number the later ones.
    base, count = name, 1
    while names.get(name, result.submission) != result.submission:
        count += 1
        name = base.with_name(f"{base.stem}-{count}{base.suffix}")
    names[name] = result.submission
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feedback_markdown(result), encoding="utf-8")


async def _grade_all(submissions, jobs, timeout, memory_limit, finished):
    """Grade ``submissions``, ``jobs`` at a time; return True if SIGINT or SIGTERM stopped it.

    Once interrupted, no more rows are written: a grade finished while its
    kernel was being stopped would not be the submission's.
    """
    slots = asyncio.Semaphore(jobs)
    interrupted = False

    async def one(submission):
        async with slots:
            try:
                result = await grade_submission(submission, timeout, memory_limit)
            except Exception as exc:  # a grader bug must not stop the batch
                print(f"coursekit grade: grading {submission.label} failed:", file=sys.stderr)
                traceback.print_exc()
                result = _ungraded(submission, ERROR,
                                   f"the grader failed ({type(exc).__name__}: {exc})")
        if not interrupted:
            finished(result)

    everything = asyncio.gather(*(one(submission) for submission in submissions))

    def interrupt():
        nonlocal interrupted
        interrupted = True
        everything.cancel()  # each submission's kernel is stopped on the way out

    loop = asyncio.get_running_loop()
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            handler = signal.getsignal(signum)
            loop.add_signal_handler(signum, interrupt)
        except (ValueError, RuntimeError, NotImplementedError):  # not the main thread
            continue
        previous[signum] = handler
    try:
        await everything
    except asyncio.CancelledError:
        if not interrupted:
            raise
    finally:
        for signum, handler in previous.items():
            loop.remove_signal_handler(signum)
            signal.signal(signum, handler)
    return interrupted
