"""The batch: what to grade, where it is graded, and what is made of each grade.

:func:`grade` is the pipeline's orchestrator: the settings checked once
(:class:`~coursekit.grading.settings.GradeSettings`), the sandbox chosen, the
submissions found and planned (:func:`plan_batch`), a backend that grades them
(:mod:`coursekit.grading.backends`), and the outputs each grade goes through
(:mod:`coursekit.grading.outputs`).
"""

import sys
from dataclasses import dataclass, field
from pathlib import Path

from .. import checks
from . import sandbox as sandboxes
from .backends import backend_for
from .gradebook import GradesFile
from .outputs import (
    ClassReport, FeedbackFiles, GradesCsv, LmsExport, Outputs, Progress, ReportRecord,
)
from .roster import students_of
from .runner import preload
from .settings import (
    DEFAULT_CPU_LIMIT, DEFAULT_MEMORY_LIMIT, DEFAULT_NOTEBOOK_TIMEOUT, DEFAULT_PROCESS_LIMIT,
    DEFAULT_TIMEOUT, GradeSettings,
)
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
    sandbox : {"bwrap", "none", "auto"}
        The sandbox the kernels ran in (on a cluster, the one asked of each worker).
    exported : list of str or None
        Once the LMS export is written, what it left out or replaced.
    class_report : Path or None
        The instructor's report.html, once it is written.
    problems : list of str
        The outputs of the whole batch (export, report) that could not be written.
    """

    graded: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    sandbox: str = ""
    exported: list | None = None
    class_report: Path | None = None
    problems: list = field(default_factory=list)


@dataclass
class Plan:
    """What a batch grades: the submissions to grade, and who handed in each.

    Attributes
    ----------
    todo : list of Submission
        To grade, in the order found.
    skipped : list of str
        Already in the grades file with the same content.
    ignored : list of (str, str)
        Met and not graded, with the reason.
    students : dict
        Submission label -> student id (``""`` when unknown).
    grades_file : GradesFile
        Ready for the rows of ``todo`` (their old rows gone, every column there).
    """

    todo: list
    skipped: list
    ignored: list
    students: dict
    grades_file: GradesFile


def grade(paths, out, *, feedback=None, jobs=1, timeout=DEFAULT_TIMEOUT,
          memory_limit=DEFAULT_MEMORY_LIMIT, notebook_timeout=DEFAULT_NOTEBOOK_TIMEOUT,
          process_limit=DEFAULT_PROCESS_LIMIT, sandbox="auto", redo=False, progress=True,
          scheduler=None, roster=None, report=None, pool=None, export=None,
          cpu_limit=DEFAULT_CPU_LIMIT):
    """Grade submissions into ``out`` (grades.csv), and whatever else is asked for.

    Parameters
    ----------
    paths : iterable of path-like
        Notebooks, and directories whose ``*.ipynb`` files (at any depth) are graded.
    out : path-like
        The grades CSV. Rows already there are kept, and their submissions
        skipped unless the file changed since (:func:`plan_batch`).
    feedback : path-like, optional
        Directory for one Markdown file per submission graded.
    jobs, timeout, memory_limit, notebook_timeout, process_limit, sandbox, pool, cpu_limit
        As :class:`~coursekit.grading.settings.GradeSettings` has them; ``pool``
        is by default ``jobs`` (each job's next kernel starts while it grades;
        on a cluster, one per grading process). ``sandbox="none"`` grades with
        a warning on stderr.
    redo, progress : bool, default=False, True
        Grade again submissions that ``out`` already has; show progress on stderr.
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a running Dask scheduler: every submission is graded
        on its workers (each chooses the sandbox) instead of ``jobs`` at a time here.
    roster : path-like, optional
        A CSV naming the student of each file; otherwise the folders do (:mod:`.roster`).
    report : path-like, optional
        Folder of the instructor's report: each submission's page as it is graded,
        then report.html (:mod:`.report`).
    export : path-like, optional
        The LMS gradebook to write once the batch is done (:mod:`.lms`).

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
    default_pool = 1 if scheduler is not None else jobs
    settings = GradeSettings(jobs=jobs, pool=default_pool if pool is None else pool,
                             timeout=timeout, memory_limit=memory_limit,
                             notebook_timeout=notebook_timeout, process_limit=process_limit,
                             sandbox=sandbox, cpu_limit=cpu_limit)
    _check_files(out, feedback)
    settings = _choose_sandbox(settings, scheduler)
    plan = plan_batch(paths, out, roster=roster, redo=redo)
    summary = BatchReport(skipped=plan.skipped, ignored=plan.ignored, sandbox=settings.sandbox)
    outputs = _outputs(plan, out, feedback=feedback, report=report, export=export,
                       progress=progress)
    # Everything this process will import is imported before any kernel starts.
    preload()
    _run(backend_for(settings, scheduler=scheduler), plan, outputs, summary)
    return summary


def _check_files(out, feedback):
    if Path(out).is_dir():
        raise ValueError(f"out: {out} is a directory; give the CSV file to write")
    if feedback is not None and Path(feedback).exists() and not Path(feedback).is_dir():
        raise ValueError(f"feedback: {feedback} exists and is not a directory")


def _choose_sandbox(settings, scheduler):
    """``settings`` with the sandbox chosen here; on a cluster each worker chooses."""
    if scheduler is not None:
        return settings
    settings = settings.in_sandbox(sandboxes.choose(settings.sandbox))
    if settings.sandbox == "none":
        print("coursekit grade: WARNING: --sandbox none: every submission runs as your user, "
              "with your files, your environment and this grader in its reach. Grade "
              "untrusted notebooks with bubblewrap.", file=sys.stderr, flush=True)
    return settings


def plan_batch(paths, out, *, roster=None, redo=False):
    """Find the submissions in ``paths``, read them, and decide which to grade.

    Graded again: what is new, what changed (its content hash), and what no
    hash vouches for; with ``redo``, everything.

    Returns
    -------
    Plan

    Raises
    ------
    ValueError
        Naming ``paths``, ``out`` or ``roster`` when one is not what it should be.
    """
    paths = list(paths)
    found = find_submissions(paths)
    grades_file = GradesFile(out)
    students = students_of(found.files, roster, paths)
    submissions = [read_submission(path, label) for path, label in found.files]
    done = {} if redo else grades_file.graded()
    todo = [s for s in submissions if not s.sha256 or done.get(s.label) != s.sha256]
    needed = [e.id for s in submissions if s.notebook for e in checks.exercises_for(s.notebook)]
    grades_file.prepare(needed, replace=[s.label for s in todo])
    return Plan(todo, [s.label for s in submissions if s not in todo], found.ignored,
                students, grades_file)


def _outputs(plan, out, *, feedback, report, export, progress):
    """The batch's outputs, in the order each grade goes through them."""
    outputs = []
    if report is not None:
        outputs.append(ReportRecord(report, plan.students))
    if feedback is not None:
        outputs.append(FeedbackFiles(feedback))  # before the row: it may make it an error
    outputs += [GradesCsv(plan.grades_file, plan.students), Progress(len(plan.todo), progress)]
    if export is not None:
        outputs.append(LmsExport(export, out))
    if report is not None:
        outputs.append(ClassReport(report, out, feedback))
    return Outputs(outputs)


def _run(backend, plan, outputs, summary):
    """Grade ``plan`` with ``backend`` through ``outputs`` into ``summary``; close them."""
    by_label = {s.label: s for s in plan.todo}

    def on_result(grade):
        summary.graded.append(outputs.on_result(grade, by_label[grade.submission]))

    interrupted = True  # until the backend says otherwise: a failure is no finish
    try:
        interrupted = backend.run(plan.todo, on_result)
    finally:
        summary.problems = outputs.close(finished=not interrupted)
    for output in outputs.outputs:
        if isinstance(output, LmsExport):
            summary.exported = output.problems
        elif isinstance(output, ClassReport):
            summary.class_report = output.path
    if interrupted:
        raise KeyboardInterrupt
