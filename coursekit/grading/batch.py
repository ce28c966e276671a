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

import dataclasses

from .. import checks
from ..validation import check_output_file, output_folder
from . import sandbox as sandboxes
from .backends import backend_for
from .deadlines import Deadlines
from .exports import label_of
from .gradebook import GradesFile
from .identity import assignment_flags, discover, read_roster
from .names import safe_name
from .integrity import integrity_flags
from .outputs import (
    ClassReport, FeedbackFiles, GradebookRecord, LmsExport, Outputs, Progress, ReportRecord,
)
from .runner import preload
from .settings import (
    DEFAULT_CPU_LIMIT, DEFAULT_MEMORY_LIMIT, DEFAULT_NOTEBOOK_TIMEOUT, DEFAULT_PROCESS_LIMIT,
    DEFAULT_TIMEOUT, GradeSettings,
)
from .store import Store
from .submissions import (
    NotRegularFile, absolute_path, known_notebooks, notebook_from_name, read_regular_file,
    read_submission,
)


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
    busy : list of str
        Labels another grader on the same gradebook is grading: left to it.
    """

    graded: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    sandbox: str = ""
    exported: list | None = None
    class_report: Path | None = None
    problems: list = field(default_factory=list)
    busy: list = field(default_factory=list)


@dataclass
class Plan:
    """What a batch grades: the submissions to grade, and who handed in each.

    Attributes
    ----------
    todo : list of Submission
        To grade, in the order found, each with its attempt's seed.
    skipped : list of str
        Already graded with the same content.
    ignored : list of (str, str)
        Met and not graded, with the reason.
    students : dict
        Submission label -> student id (``""`` when unknown).
    store : Store
        The gradebook; ``todo``'s attempts are claimed in it by this grader.
    attempts : dict
        Label of each submission in ``todo`` -> its attempt.
    regrades : set of int
        Attempts in ``todo`` already graded, graded again (``redo``).
    busy : list of str
        Claimed by another grader on the same gradebook, now: left to it.
    """

    todo: list
    skipped: list
    ignored: list
    students: dict
    store: Store
    attempts: dict = field(default_factory=dict)
    regrades: set = field(default_factory=set)
    busy: list = field(default_factory=list)


def grade(paths, out, *, feedback=None, jobs=1, timeout=DEFAULT_TIMEOUT,
          memory_limit=DEFAULT_MEMORY_LIMIT, notebook_timeout=DEFAULT_NOTEBOOK_TIMEOUT,
          process_limit=DEFAULT_PROCESS_LIMIT, sandbox="auto", redo=False, progress=True,
          scheduler=None, roster=None, report=None, pool=None, export=None,
          cpu_limit=DEFAULT_CPU_LIMIT, store=None, deadlines=None, export_format="plain",
          missing="blank", report_sections=(), fork=True):
    """Grade submissions into the gradebook, and write grades.csv and whatever else is asked for.

    Parameters
    ----------
    paths : iterable of path-like
        Notebooks, and directories walked for ``*.ipynb`` files; who handed in
        each is read from nbgrader's layout or one folder per student
        (:mod:`.identity`).
    out : path-like
        grades.csv: a view of the gradebook, one row per attempt, rewritten
        as the batch goes (a copy edited in a spreadsheet is kept beside it).
    feedback : path-like, optional
        Directory of the learners' feedback: ``<student>/<notebook>.{md,html,txt}``
        for the attempt that counts, and each attempt's beside it
        (:mod:`.outputs.feedback`).
    jobs, timeout, memory_limit, notebook_timeout, process_limit, sandbox, pool, cpu_limit, fork
        As :class:`~coursekit.grading.settings.GradeSettings` has them; ``pool``
        is by default ``jobs`` (each job's next kernel starts while it grades;
        on a cluster, one per grading process). ``sandbox="none"`` grades with
        a warning on stderr.
    redo, progress : bool, default=False, True
        Grade again (a regrade, kept beside the first grading, with the same
        seed) what is graded already; show progress on stderr.
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a running Dask scheduler: every submission is graded
        on its workers (each chooses the sandbox) instead of ``jobs`` at a time here.
    roster : path-like, optional
        A roster CSV (:func:`~coursekit.grading.identity.read_roster`): the
        students, their LMS identities, and, when it lists files, who handed in each.
    report : path-like, optional
        Folder of the instructor's report: each submission's page as it is graded,
        then report.html (:mod:`.report`).
    export : path-like, optional
        The LMS gradebook to write once the batch is done (:mod:`.exports`).
    store : path-like, optional
        The gradebook (:mod:`.store`); by default beside ``out``
        (:func:`default_store`: ``grades.db`` for ``grades.csv``).
        Every attempt is kept there; what is graded already is skipped.
    deadlines : Deadlines, optional
        Due dates and the late policy, for the exports and grades.csv.
    export_format : {"plain", "canvas", "moodle"}, default="plain"
    missing : {"blank", "zero"}, default="blank"
        What the export shows for a notebook not handed in.
    report_sections : iterable of callable, optional
        Each returns a section of report.html as HTML, called once the batch
        is done (the command line's similarity section).

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
        On SIGINT or SIGTERM, once every kernel is stopped; the grades recorded
        before stay, and the same call grades the rest.
    """
    default_pool = 1 if scheduler is not None else jobs
    # Figures are rendered only for what shows them: the feedback pages and the report.
    settings = GradeSettings(jobs=jobs, pool=default_pool if pool is None else pool,
                             timeout=timeout, memory_limit=memory_limit,
                             notebook_timeout=notebook_timeout, process_limit=process_limit,
                             sandbox=sandbox, cpu_limit=cpu_limit, fork=fork,
                             figures=feedback is not None or report is not None)
    _check_files(out, feedback, store=store, export=export, report=report)
    _check_export(export_format, missing)
    settings = _choose_sandbox(settings, scheduler)
    deadlines = deadlines or Deadlines()
    roster = read_roster(roster) if roster is not None else None
    found = discover(paths, roster)  # every path checked before the gradebook is opened
    backend = backend_for(settings, scheduler=scheduler)
    try:
        if found.files:
            # The fork server's imports run beside the planning (reading every file)
            # and what follows; stopped at once if nothing turns out to need grading.
            backend.start()
        with Store(default_store(out) if store is None else store) as gradebook:
            plan = plan_batch(paths, gradebook, roster=roster, redo=redo,
                              deadlines=deadlines, found=found)
            summary = BatchReport(skipped=plan.skipped, ignored=plan.ignored,
                                  sandbox=settings.sandbox, busy=plan.busy)
            outputs = _outputs(plan, out, feedback=feedback, report=report,
                               progress=progress, export=export,
                               lms=dict(fmt=export_format, deadlines=deadlines,
                                        roster=roster, missing=missing),
                               sections=report_sections)
            if scheduler is None:
                # Everything this process will import is imported before any kernel
                # starts. A cluster's client starts none and judges nothing: its
                # workers do (:mod:`.backends.dask_preload`).
                preload()
            _run(backend, plan, outputs, summary)
    finally:
        backend.stop()
    return summary


def default_store(out):
    """Where the gradebook of a grades CSV lives unless told: beside it, ``grades.db`` for
    ``grades.csv``.

    Examples
    --------
    >>> default_store("marks/grades.csv").as_posix()
    'marks/grades.db'
    """
    return Path(out).with_suffix(".db")


def _check_export(export_format, missing):
    from .exports import FORMATS, MISSING

    if export_format not in FORMATS:
        raise ValueError(f"export_format must be one of {', '.join(FORMATS)}; "
                         f"got {export_format!r}")
    if missing not in MISSING:
        raise ValueError(f"missing must be one of {', '.join(MISSING)}; got {missing!r}")


def _check_files(out, feedback, *, store=None, export=None, report=None):
    """Every path ``grade`` writes, checked before anything is graded (each named)."""
    if Path(out).is_dir():
        raise ValueError(f"out: {out} is a directory; give the CSV file to write")
    check_output_file(out, "out")
    GradesFile(out)  # another file is never taken for grades.csv (raises, naming out)
    if store is not None:
        check_output_file(store, "store")
    if export is not None:
        check_output_file(export, "export")
    if report is not None and Path(report).exists() and not Path(report).is_dir():
        raise ValueError(f"report: {report} exists and is not a directory")
    # Last: the folders are made as they are checked.
    if feedback is not None and Path(feedback).exists() and not Path(feedback).is_dir():
        raise ValueError(f"feedback: {feedback} exists and is not a directory")
    for folder, name in ((feedback, "feedback"), (report, "report")):
        if folder is not None:
            output_folder(folder, name)


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


def plan_batch(paths, store, *, roster=None, redo=False, deadlines=None, found=None):
    """Find the submissions in ``paths``, record their attempts, and claim those to grade.

    Each file found is an attempt in ``store`` (the same file with the same
    content, of the same student, is the same attempt, with the same seed).
    Graded now: the attempts not graded yet, and those whose grader died;
    with ``redo``, the graded ones too (as regrades). An attempt another
    grader is grading is left to it.

    Parameters
    ----------
    paths : iterable of path-like
    store : Store
    roster : Roster, optional
    redo : bool, default=False
    deadlines : Deadlines, optional
        Its ``assignments`` say which notebooks each nbgrader assignment holds.
    found : Discovered, optional
        What :func:`~coursekit.grading.identity.discover` found in ``paths``, if
        it was called already.

    Returns
    -------
    Plan

    Raises
    ------
    ValueError
        Naming ``paths`` when one is not what it should be.
    """
    deadlines = deadlines or Deadlines()
    found = discover(paths, roster) if found is None else found
    store.requeue_errors()
    attempts, submissions = {}, []
    for handed in found.files:
        submission, raw = _read(handed)
        flags = handed.flags + assignment_flags(handed, submission.notebook,
                                                notebook_from_name(handed.path.name),
                                                deadlines.assignments)
        if submission.notebook:
            flags += integrity_flags(submission, checks.exercises_for(submission.notebook))
        attempt = store.add(safe_name(str(absolute_path(handed.path))), submission.sha256,
                            student=handed.student,
                            assignment=handed.assignment, notebook=submission.notebook or "",
                            submitted_at=handed.submitted_at, time_source=handed.time_source,
                            flags=flags)
        if raw is not None and submission.sha256:
            store.keep_content(submission.sha256, raw)
        attempts[handed.label] = attempt
        submissions.append(dataclasses.replace(submission, seed=attempt.seed))
    claimed = {a.id for a in store.claim(ids=[a.id for a in attempts.values()
                                               if a.state != "graded"], limit=None)}
    # Graded again: with redo, everything; else what no content hash vouches for (a link).
    regrades = {a.id for a in attempts.values()
                if a.state == "graded" and (redo or not a.sha256)}
    todo = [s for s in submissions if attempts[s.label].id in claimed | regrades]
    busy = [s.label for s in submissions if s not in todo
            and attempts[s.label].state != "graded"]
    return Plan(todo, [s.label for s in submissions if s not in todo and s.label not in busy],
                found.ignored, {label: a.student for label, a in attempts.items()}, store,
                {s.label: attempts[s.label] for s in todo}, regrades, busy)


def _read(handed):
    """The submission a file handed in is, and its bytes (None if they could not be read)."""
    try:
        raw = read_regular_file(handed.path)
    except (OSError, NotRegularFile):
        raw = None  # read_submission says why
    return read_submission(handed.path, handed.label, content=raw), raw


def regrade(store, *, student=None, file=None, attempt=None, settings=None, out=None,
            deadlines=None):
    """Grade again one student's attempts, one file's, or one attempt, each with its own seed.

    The bytes graded are those the gradebook kept for each attempt (the file
    may have been replaced since), and the secret cases are drawn from the
    attempt's seed, so the verdict is the first one, unless the grader has
    changed. Each regrade is kept beside the gradings before it.

    Parameters
    ----------
    store : Store
    student : str, optional
    file : path-like, optional
    attempt : int, optional
        One of the three (an attempt by its number in the gradebook).
    settings : GradeSettings, optional
    out : path-like, optional
        grades.csv, rewritten from the gradebook after.
    deadlines : Deadlines, optional

    Returns
    -------
    list of (Attempt, Grading, Grading)
        Each attempt regraded, the grading that stood before, and the regrade
        (``None`` before when it had none).

    Raises
    ------
    ValueError
        Naming ``student`` or ``file`` when the gradebook has no attempt of it.
    """
    if [student, file, attempt].count(None) != 2:
        raise ValueError("regrade: give a student, a file or an attempt (one of the three)")
    if out is not None:
        check_output_file(out, "out")
    if attempt is not None:
        attempts = [store.attempt(attempt)]
    elif file is not None:
        attempts = store.attempts(file=safe_name(str(absolute_path(file))))
    else:
        attempts = store.attempts(student=student)
    what = (f"attempt {attempt}" if attempt is not None
            else f"student {student!r}" if file is None else f"file {file}")
    if not attempts:
        raise ValueError(f"regrade: no attempt of {what} in {store.path}")
    attempts = [a for a in attempts if store.gradings(a.id)]
    if not attempts:  # nothing to reproduce: coursekit grade grades it the first time
        raise ValueError(f"regrade: {what} has not been graded yet; coursekit grade grades it")
    before = {a.id: store.current(a.id) for a in attempts}
    todo = []
    for attempt in attempts:
        raw = store.content(attempt.sha256)
        submission = read_submission(attempt.file, label_of(attempt.file), content=raw)
        if submission.sha256 != attempt.sha256:
            submission = dataclasses.replace(
                submission, cells=(), sha256=attempt.sha256,
                problem="the gradebook did not keep this attempt's bytes, and the file has "
                        "changed since")
        todo.append(dataclasses.replace(submission, seed=attempt.seed))
    settings = _choose_sandbox(settings or GradeSettings(), None)
    labels = [submission.label for submission in todo]
    plan = Plan(todo, [], [], {label: a.student for label, a in zip(labels, attempts)}, store,
                dict(zip(labels, attempts)), {a.id for a in attempts})
    record = GradebookRecord(store, plan.attempts, plan.regrades, out, deadlines or Deadlines(),
                             list(checks.EXERCISES))
    preload()
    _run(backend_for(settings), plan, Outputs([record]), BatchReport())
    return [(a, before[a.id], store.gradings(a.id)[-1]) for a in attempts]


def _outputs(plan, out, *, feedback, report, export, lms, progress, sections=()):
    """The batch's outputs, in the order each grade goes through them."""
    outputs = []
    if report is not None:
        outputs.append(ReportRecord(report, plan.students))
    if feedback is not None:
        late = {label: lms["deadlines"].lateness_note(a.notebook, a.submitted_at)
                for label, a in plan.attempts.items()}
        # Before the record: a feedback file not written makes the grade an error.
        outputs.append(FeedbackFiles(feedback, late, plan.attempts, plan.store,
                                     lms["deadlines"]))
    order = list(checks.EXERCISES)
    outputs += [GradebookRecord(plan.store, plan.attempts, plan.regrades, out,
                                lms["deadlines"], order),
                Progress(len(plan.todo), progress)]
    if export is not None:
        notebooks = known_notebooks()
        possible = {n: sum(e.points for e in checks.exercises_for(n)) for n in notebooks}
        outputs.append(LmsExport(export, plan.store, lms["fmt"], deadlines=lms["deadlines"],
                                 roster=lms["roster"], missing=lms["missing"],
                                 notebooks=_exported_notebooks(plan.store, notebooks,
                                                               lms["deadlines"]),
                                 points_possible=possible))
    if report is not None:
        outputs.append(ClassReport(report, out, feedback, sections))
    return Outputs(outputs)


def _exported_notebooks(store, notebooks, deadlines):
    """The export's columns: the course's notebooks someone handed in, or that are due."""
    handed = {a.notebook for a in store.attempts()} | set(deadlines.due)
    return [n for n in notebooks if n in handed]


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
