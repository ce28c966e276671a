"""The batch: every submission found, graded ``jobs`` at a time, into grades.csv and feedback."""

import asyncio
import dataclasses
import importlib
import signal
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .. import checks, judging
from . import sandbox as sandboxes
from .feedback import write_feedback
from .gradebook import GradesFile
from .results import ERROR, clean_text, ungraded
from .roster import students_of
from .runner import (
    DEFAULT_MEMORY_LIMIT, DEFAULT_NOTEBOOK_TIMEOUT, DEFAULT_TIMEOUT, grade_submission,
)
from .pool import pool_for
from .sandbox import DEFAULT_PROCESS_LIMIT
from .submissions import find_submissions, read_submission


@dataclass
class BatchReport:
    """What one call of :func:`grade` did.

    Attributes
    ----------
    graded : list of Grade
        In the order they finished.
    skipped : list of str
        Labels already in the grades file, with the same content.
    ignored : list of (str, str)
        Files and folders met in the directories given and not graded, with the reason.
    sandbox : {"bwrap", "none"}
        The sandbox the kernels ran in.
    """

    graded: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    sandbox: str = ""


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
          memory_limit=DEFAULT_MEMORY_LIMIT, notebook_timeout=DEFAULT_NOTEBOOK_TIMEOUT,
          process_limit=DEFAULT_PROCESS_LIMIT, sandbox="auto", redo=False, progress=True,
          scheduler=None, roster=None, report=None, pool=None):
    """Grade submissions into ``out`` (grades.csv), optionally writing feedback files.

    Parameters
    ----------
    paths : iterable of path-like
        Notebooks, and directories whose ``*.ipynb`` files (at any depth) are graded.
    out : path-like
        The grades CSV. Rows already there are kept, and their submissions
        skipped unless the file changed since.
    feedback : path-like, optional
        Directory for one Markdown file per submission graded.
    jobs : int, default=1
        Submissions graded at once.
    timeout : int, default=DEFAULT_TIMEOUT
        Seconds each cell may run.
    memory_limit : int, default=DEFAULT_MEMORY_LIMIT
        Megabytes each kernel, with all it starts, may use; 0 for no limit.
    notebook_timeout : int, default=DEFAULT_NOTEBOOK_TIMEOUT
        Seconds each notebook may run in all.
    process_limit : int, default=DEFAULT_PROCESS_LIMIT
        Processes and threads each kernel's sandbox may hold; 0 for no limit.
    sandbox : {"auto", "bwrap", "none"}, default="auto"
        ``auto`` runs every kernel in bubblewrap, and refuses to grade where it
        does not work; ``none`` runs them as this user, with a warning.
    redo : bool, default=False
        Grade again submissions that ``out`` already has.
    progress : bool, default=True
        Show progress on stderr.
    scheduler : str, optional
        Address (``tcp://HOST:PORT``) of a running Dask scheduler: every
        submission is graded on its workers (:mod:`.cluster`) instead of
        ``jobs`` at a time here. The sandbox is chosen on each worker.
    roster : path-like, optional
        A CSV naming the student of each file (:mod:`.roster`); otherwise the
        student is read from the folders (nbgrader's ``submitted/<student>/``
        layout, or one folder per student).
    report : path-like, optional
        Folder of the instructor's report: each submission's details and its
        HTML feedback are left there as it is graded
        (:func:`coursekit.grading.report.record`; report.html is written by
        :func:`coursekit.grading.report.write_report`).
    pool : int, optional
        Kernels started ahead of the submissions that will use them
        (:mod:`.pool`), each in its own sandbox, each used by one submission
        only; by default ``jobs`` (each job's next kernel starts while it
        grades; on a cluster, one per grading process). 0 starts every kernel
        when its submission's turn comes.

    Returns
    -------
    BatchReport

    Raises
    ------
    ValueError
        On a bad argument, naming it.
    coursekit.grading.sandbox.SandboxError
        If the sandbox asked for does not work here (nothing is graded then).
    KeyboardInterrupt
        On SIGINT or SIGTERM, once every kernel is stopped; the rows written
        before stay, and the same call grades the rest.
    """
    _validate(jobs=jobs, timeout=timeout, memory_limit=memory_limit, out=out,
              feedback=feedback, notebook_timeout=notebook_timeout,
              process_limit=process_limit, pool=0 if pool is None else pool)
    pool = (1 if scheduler is not None else jobs) if pool is None else pool
    if sandbox not in sandboxes.SANDBOXES:
        raise ValueError(f"sandbox must be one of {', '.join(sandboxes.SANDBOXES)}; "
                         f"got {sandbox!r}")
    # On a cluster each worker chooses: this machine runs no kernel.
    kind = sandbox if scheduler is not None else sandboxes.choose(sandbox)
    if kind == "none":
        print("coursekit grade: WARNING: --sandbox none: every submission runs as your user, "
              "with your files, your environment and this grader in its reach. Grade "
              "untrusted notebooks with bubblewrap.", file=sys.stderr, flush=True)
    paths, report_folder = list(paths), report
    found = find_submissions(paths)
    grades_file = GradesFile(out)
    students = students_of(found.files, roster, paths)
    submissions = [read_submission(path, label) for path, label in found.files]
    done = {} if redo else grades_file.graded()
    # Graded again: what is new, what changed, and what no hash vouches for.
    todo = [s for s in submissions if not s.sha256 or done.get(s.label) != s.sha256]
    report = BatchReport(skipped=[s.label for s in submissions if s not in todo],
                         ignored=found.ignored, sandbox=kind)
    needed = [e.id for s in submissions if s.notebook for e in checks.exercises_for(s.notebook)]
    grades_file.prepare(needed, replace=[s.label for s in todo])
    feedback = Path(feedback) if feedback is not None else None
    names = {}
    bar = _Progress(len(todo), progress)
    # Everything this process will import is imported before any kernel starts.
    preload(progress=bar.bar is not None)
    view = sandboxes.KernelView.create() if kind == "bwrap" and scheduler is None else None

    by_label = {s.label: s for s in todo}
    if report_folder is not None:
        from .report import record

    def finished(result):
        if report_folder is not None:
            try:
                record(report_folder, result, by_label[result.submission],
                       students.get(result.submission, ""))
            except OSError as exc:
                print(f"coursekit grade: the report's page of {result.submission} could not "
                      f"be written ({exc.strerror or exc})", file=sys.stderr)
        if feedback is not None:
            try:
                write_feedback(feedback, result, names)
            except OSError as exc:
                # The grade stands, but a rerun must write the feedback: status error.
                note = f"its feedback could not be written ({exc.strerror or exc})"
                result = dataclasses.replace(
                    result, status=ERROR,
                    reason=clean_text("; ".join(filter(None, [result.reason, note]))))
        grades_file.append({**result.row(), "student": students.get(result.submission, ""),
                            "notebook": result.notebook or ""})
        report.graded.append(result)
        bar.update(result)

    settings = dict(timeout=timeout, memory_limit=memory_limit,
                    notebook_timeout=notebook_timeout, process_limit=process_limit,
                    sandbox=kind, view=view, pool=pool)
    try:
        if scheduler is not None:
            from .cluster import grade_on_cluster

            settings.pop("view")
            interrupted = grade_on_cluster(todo, scheduler, settings, finished)
        else:
            interrupted = asyncio.run(_grade_all(todo, jobs, settings, finished))
    finally:
        bar.close()
        if view is not None:
            view.remove()
    if interrupted:
        raise KeyboardInterrupt
    return report


#: Modules the grader would otherwise import lazily, while kernels run.
_LAZY_IMPORTS = ("zmq.utils.garbage", "jupyter_client.provisioning.local_provisioner",
                 "jupyter_client.asynchronous.client", "nbclient.util", "binascii", "hashlib",
                 "encodings.idna", "numpy.lib.format")


def preload(progress=False):
    """Import now what grading would import later, and touch every exercise's cases."""
    for name in _LAZY_IMPORTS + (("tqdm",) if progress else ()):
        importlib.import_module(name)
    from jupyter_client.provisioning import KernelProvisionerFactory

    for entry_point in KernelProvisionerFactory.instance().provisioners.values():
        entry_point.load()
    for exercise in judging.EXERCISES.values():
        exercise.cases(0)


def _validate(*, jobs, timeout, memory_limit, out, feedback, notebook_timeout=1,
              process_limit=0, pool=0):
    for name, value, lowest in (("jobs", jobs, 1), ("timeout", timeout, 1), ("pool", pool, 0),
                                ("memory_limit", memory_limit, 0),
                                ("notebook_timeout", notebook_timeout, 1),
                                ("process_limit", process_limit, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
            raise ValueError(f"{name} must be a whole number of at least {lowest}; got {value!r}")
    if Path(out).is_dir():
        raise ValueError(f"out: {out} is a directory; give the CSV file to write")
    if feedback is not None and Path(feedback).exists() and not Path(feedback).is_dir():
        raise ValueError(f"feedback: {feedback} exists and is not a directory")


async def _grade_all(submissions, jobs, settings, finished):
    """Grade ``submissions``, ``jobs`` at a time; return True if SIGINT or SIGTERM stopped it.

    Once interrupted, no more rows are written: a grade finished while its
    kernel was being stopped would not be the submission's.
    """
    slots = asyncio.Semaphore(jobs)
    interrupted = False
    settings = dict(settings)
    kernels = pool_for(settings.pop("pool"), kind=settings.pop("sandbox"),
                       view=settings.pop("view"), timeout=settings.pop("timeout"),
                       memory_limit=settings.pop("memory_limit"),
                       process_limit=settings.pop("process_limit"))
    try:
        # The semaphore lets submissions in in the order they are listed.
        kernels.expect([s.notebook for s in submissions if not s.problem])
    except BaseException:  # a kernel's folder could not be made: none may be left
        await kernels.close()
        raise

    async def one(submission):
        async with slots:
            try:
                result = await grade_submission(submission, pool=kernels, **settings)
            except Exception as exc:  # a grader bug must not stop the batch
                print(f"coursekit grade: grading {submission.label} failed:", file=sys.stderr)
                traceback.print_exc()
                result = ungraded(submission, ERROR,
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
        # Kernels still starting, waiting, or being stopped: none outlives the batch.
        await kernels.close()
        for signum, handler in previous.items():
            loop.remove_signal_handler(signum)
            signal.signal(signum, handler)
    return interrupted
