"""The ``coursekit`` command."""

import argparse
import atexit
import dataclasses
import gc
import sys

from . import import_costs  # noqa: F401  (first: it spares every command a second)
from .authoring import assign as assign_module

# A command ends its process. Python's last garbage collections would walk every object
# scikit-learn, pandas and matplotlib made as they were imported, a quarter of a second at
# the end of each command; frozen, they are left to the exit. No finalizer is relied on at
# exit (Python promises none): what a command writes, it closes.
atexit.register(gc.freeze)


def _assign(args):
    try:
        outcomes = assign_module.assign(args.solutions, args.notebooks, check=args.check)
    except assign_module.AssignError as exc:
        print(f"coursekit assign: {exc}\nNothing was written.", file=sys.stderr)
        return 2
    changed = [o for o in outcomes if o.changed]
    relabelled = [o for o in outcomes if o.metadata_changed]
    if args.check:
        if relabelled:
            print("These solutions' nbgrader metadata is out of date; run `coursekit assign`:",
                  file=sys.stderr)
            for outcome in relabelled:
                print(f"  {outcome.source}", file=sys.stderr)
        if changed:
            print("These student notebooks are out of date; run `coursekit assign`:",
                  file=sys.stderr)
            for outcome in changed:
                print(f"  {outcome.target} (from {outcome.source})", file=sys.stderr)
        if changed or relabelled:
            return 1
        print(f"All {len(outcomes)} student notebooks and the solutions' nbgrader metadata "
              f"are up to date.")
        return 0
    for outcome in relabelled:
        print(f"updated the nbgrader metadata of {outcome.source}")
    for outcome in changed:
        print(f"wrote {outcome.target}")
    print(f"{len(changed)} of {len(outcomes)} student notebooks written.")
    return 0


def _execute(args):
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbformat import ValidationError
    from nbformat.reader import NotJSONError

    from .authoring.execute import ExecutionProblem, execute_notebook

    failed = 0
    for path in args.paths:
        print(f"executing {path} ...", flush=True)
        try:
            execute_notebook(path, timeout=args.timeout)
        except ExecutionProblem as exc:
            failed += 1
            print(f"NOT saved, fix these first: {exc}", file=sys.stderr)
        except (CellTimeoutError, DeadKernelError, OSError, NotJSONError,
                ValidationError) as exc:
            # One broken notebook must not stop the others from being executed.
            failed += 1
            print(f"NOT saved: {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return 1 if failed else 0


def _export_nbgrader(args):
    from .authoring.export import ExportError, nbgrader_course

    try:
        written = nbgrader_course(args.dir, args.solutions, assignment=args.assignment,
                                  force=args.force)
    except ExportError as exc:
        print(f"coursekit export nbgrader: {exc}\nNothing was written.", file=sys.stderr)
        return 2
    for item in written:
        if item.changed:
            print(f"wrote {item.path}")
    assignments = args.assignment or '"*"'
    print(f"{sum(w.changed for w in written)} of {len(written)} files written; the nbgrader "
          f"course directory is {args.dir}. Next, there: nbgrader generate_assignment "
          f"{assignments}")
    return 0


def _grade(args):
    from .grading import SandboxError, grade

    limits = {name: value for name, value in (("timeout", args.timeout),
                                              ("memory_limit", args.memory_limit),
                                              ("notebook_timeout", args.notebook_timeout),
                                              ("process_limit", args.process_limit),
                                              ("cpu_limit", args.cpu_limit))
              if value is not None}
    try:
        report = grade(args.paths, args.out, feedback=args.feedback, jobs=args.jobs,
                       redo=args.redo, sandbox=args.sandbox, scheduler=args.scheduler,
                       roster=args.roster, report=args.report, pool=args.pool,
                       export=args.export, store=args.store, deadlines=_deadlines(args),
                       export_format=args.export_format, missing=args.missing,
                       report_sections=_report_sections(args), fork=args.fork, **limits)
    except (ValueError, SandboxError) as exc:
        print(f"coursekit grade: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"coursekit grade: interrupted; the rows graded so far are in {args.out}, "
              f"and running the same command again grades the rest.", file=sys.stderr)
        return 130
    if report.ignored:
        print(f"{len(report.ignored)} files or folders found were not graded:")
        for label, reason in report.ignored:
            print(f"  {label}: {reason}")
    if report.skipped:
        print(f"{len(report.skipped)} submissions already in {args.out}, unchanged, were "
              f"skipped (--redo grades them again).")
    if report.busy:
        print(f"{len(report.busy)} submissions being graded by another grader on the same "
              f"gradebook were left to it.")
    failed = [g for g in report.graded if g.status == "error"]
    print(f"{len(report.graded)} submissions graded into {args.out}"
          + (f"; the grader could not grade {len(failed)} (status error; a rerun retries them)"
             if failed else "") + ".")
    return _after_grading(args, report) or (1 if failed else 0)


def _report_sections(args):
    """The report's similarity section, made once the batch is graded (similarity is above
    grading: grading cannot import it)."""
    if args.report is None:
        return ()
    from .similarity import grading_section

    return [lambda: grading_section(args.paths, roster=args.roster,
                                    student_version=args.student_version)]


def _deadlines(args):
    """The due dates and late policy the options give (the file's, then the options')."""
    from .grading.deadlines import Deadlines, LatePolicy
    from .grading.submissions import known_notebooks

    deadlines = (Deadlines.read(args.due_dates, known_notebooks()) if args.due_dates
                 else Deadlines())
    policy = deadlines.policy
    if args.late_policy is not None or args.late_cap is not None or args.grace is not None:
        policy = LatePolicy.parse(
            args.late_policy if args.late_policy is not None else
            (f"{policy.percent}%/{policy.kind[4:]}" if policy.kind.startswith("per-")
             else policy.kind),
            policy.cap if args.late_cap is None else args.late_cap,
            policy.grace_minutes if args.grace is None else args.grace)
    return dataclasses.replace(deadlines, policy=policy)


def _store_path(args):
    from .grading.batch import default_store
    from .validation import check_input_file

    if args.store is None and args.out is None:
        raise ValueError("store: give --store (the gradebook) or --out (it is then "
                         "beside it: grades.db for grades.csv)")
    # Read, never made here: a mistyped path would open an empty gradebook.
    if args.store is not None:
        return check_input_file(args.store, "store", "gradebook")
    return check_input_file(default_store(args.out), "out", "gradebook beside it")


def _grades(args):
    from .grading.history import student_history
    from .grading.store import Store

    try:
        deadlines = _deadlines(args)
        with Store(_store_path(args)) as store:
            lines = student_history(store, args.student, deadlines)
    except ValueError as exc:
        print(f"coursekit grades: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


def _regrade(args):
    from .grading import SandboxError
    from .grading.batch import regrade
    from .grading.history import differences
    from .grading.settings import GradeSettings
    from .grading.store import Store

    student = file = attempt = None
    if args.file:
        file = args.which
    elif args.attempt:
        if not args.which.isdigit():
            print(f"coursekit regrade: --attempt takes an attempt's number (coursekit grades "
                  f"lists them); got {args.which!r}", file=sys.stderr)
            return 2
        attempt = int(args.which)
    else:
        student = args.which
    limits = {name: value for name, value in (("timeout", args.timeout),
                                              ("memory_limit", args.memory_limit))
              if value is not None}
    try:
        settings = GradeSettings(sandbox=args.sandbox, pool=0, **limits)
        with Store(_store_path(args)) as store:
            done = regrade(store, student=student, file=file, attempt=attempt,
                           settings=settings,
                           out=args.out, deadlines=_deadlines(args))
    except (ValueError, SandboxError) as exc:
        print(f"coursekit regrade: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("coursekit regrade: interrupted; the regrades recorded so far are kept.",
              file=sys.stderr)
        return 130
    changed = 0
    for attempt, before, after in done:
        lines = differences(before, after) if before is not None else ["no grading before"]
        changed += bool(lines)
        print(f"attempt {attempt.id} ({attempt.student or 'no student'}, {attempt.file}): "
              f"{after.status}, {after.total:g}/{after.max_total:g} with seed kept; "
              + ("the same verdicts as before." if not lines else "DIFFERS: " + "; ".join(lines)))
    return 1 if changed else 0


def _after_grading(args, report):
    """What --export and --report wrote; 2 if one could not be written."""
    if report.exported is not None:
        for problem in report.exported:
            print(f"  export: {problem}")
        print(f"LMS gradebook written to {args.export}.")
    if report.class_report is not None:
        print(f"Instructor's report written to {report.class_report}.")
    for problem in report.problems:
        print(f"coursekit grade: {problem}", file=sys.stderr)
    return 2 if report.problems else 0


def _similarity(args):
    from .similarity import compare_class, write_outputs
    from .validation import check_output_file

    try:
        for path, name in ((args.out, "out"), (args.csv, "csv")):
            if path is not None:  # before the comparison: no work lost to a typo
                check_output_file(path, name)
        threshold = {} if args.threshold is None else {"threshold": args.threshold}
        report = compare_class(args.paths, student_version=args.student_version,
                               roster=args.roster, **threshold)
        written = write_outputs(report, args.out, csv=args.csv)
    except (ValueError, OSError, ImportError) as exc:
        print(f"coursekit similarity: {exc}", file=sys.stderr)
        return 2
    for notebook in report.notebooks:
        flagged = sum(pair.flagged for pair in notebook.pairs)
        print(f"{notebook.name}: {len(notebook.answers)} students, {len(notebook.pairs)} "
              f"pairs compared, {flagged} at or above {report.threshold:.2f}"
              + (f", {len(notebook.groups)} groups of three or more" if notebook.groups
                 else ""))
    if report.ignored:
        print(f"{len(report.ignored)} files or folders were not compared (listed on the page).")
    print("written: " + ", ".join(str(path) for path in written))
    return 0


def _add_similarity(commands):
    similarity = commands.add_parser(
        "similarity", help="rank pairs of students whose answer code is alike",
        description="Compare every pair of students' own code per notebook (the student "
                    "version's code left out), offline, and write a page ranking the pairs "
                    "to look at, matches highlighted. A score is a reason to look, not a "
                    "finding (docs/similarity.md).",
    )
    similarity.add_argument("paths", nargs="+", metavar="SUBMISSION_OR_DIR",
                            help="notebooks, or directories of them: nbgrader's submitted/ "
                                 "or one folder per student")
    similarity.add_argument("--out", required=True, metavar="HTML", help="the page to write")
    similarity.add_argument("--csv", metavar="FILE",
                            help="also write one row per pair compared (notebook, student_a, "
                                 "student_b, score, flagged, ...)")
    similarity.add_argument("--threshold", type=float, default=None, metavar="SCORE",
                            help="flag pairs scoring at least this, above 0 and at most 1 "
                                 "(default: 0.6)")
    similarity.add_argument("--student-version", default="notebooks", metavar="DIR",
                            help="the student notebooks whose code is left out "
                                 "(default: %(default)s)")
    similarity.add_argument("--roster", metavar="CSV",
                            help="CSV of student,file naming each file's student")
    similarity.set_defaults(func=_similarity)


def _store_options(parser):
    parser.add_argument("--store", metavar="DB", help="the gradebook")
    parser.add_argument("--out", metavar="CSV",
                        help="grades.csv (rewritten from the gradebook); without --store, "
                             "the gradebook is beside it (grades.db for grades.csv)")


def _deadline_options(parser):
    parser.add_argument("--due-dates", metavar="TOML",
                        help="due dates per notebook and the late policy: [due] "
                             "NOTEBOOK = 2026-10-01T23:59:00+02:00, [late] policy = "
                             '"10%%/day", cap = 50, grace_minutes = 10')
    parser.add_argument("--late-policy", metavar="POLICY",
                        help="none, zero, or a percentage per day or hour begun: 10%%/day, "
                             "5%%/hour (default: the --due-dates file's, else none)")
    parser.add_argument("--late-cap", type=float, metavar="PERCENT",
                        help="the most percent a late policy takes off (default: 100)")
    parser.add_argument("--grace", type=float, metavar="MINUTES",
                        help="minutes after the due time still on time (default: 0)")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="coursekit", description="Tools for the handwritten-digits course."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    assign = commands.add_parser(
        "assign", help="write the student notebooks from the solutions",
        description="Write notebooks/ from solutions/: solution blocks replaced by a "
                    "placeholder, outputs cleared, volatile metadata dropped. The "
                    "solutions' nbgrader cell metadata is derived from their cells and "
                    "rewritten in place when out of date.",
    )
    assign.add_argument("--solutions", default="solutions", help="default: %(default)s")
    assign.add_argument("--notebooks", default="notebooks", help="default: %(default)s")
    assign.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming every student notebook, and every "
                             "solution's nbgrader metadata, out of date")
    assign.set_defaults(func=_assign)

    execute = commands.add_parser(
        "execute", help="re-execute solution notebooks and store their fresh outputs",
    )
    execute.add_argument("paths", nargs="+", help="notebooks to execute in place")
    execute.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    execute.set_defaults(func=_execute)

    export = commands.add_parser(
        "export", help="write the course in another tool's format",
    )
    formats = export.add_subparsers(dest="format", required=True)
    nbgrader = formats.add_parser(
        "nbgrader", help="write an nbgrader course directory",
        description="Write DIR/nbgrader_config.py and DIR/source/<assignment>/<notebook>.ipynb "
                    "(the solutions with their nbgrader metadata), ready for "
                    "`nbgrader generate_assignment`.",
    )
    nbgrader.add_argument("dir", metavar="DIR", help="the course directory to write")
    nbgrader.add_argument("--solutions", default="solutions", help="default: %(default)s")
    nbgrader.add_argument("--assignment", metavar="NAME",
                          help="put every notebook in this one assignment (default: one "
                               "assignment per notebook, named after it)")
    nbgrader.add_argument("--force", action="store_true",
                          help="overwrite files in DIR that have other content")
    nbgrader.set_defaults(func=_export_nbgrader)

    grade = commands.add_parser(
        "grade", help="grade submitted notebooks into a CSV (and feedback files)",
        description="Run each submission in a fresh kernel and judge its answers in this "
                    "process. Every attempt is kept in the gradebook (--store); what it has "
                    "graded already is skipped, so an interrupted run continues where it "
                    "stopped, and two runs on one gradebook share the work. --out is "
                    "rewritten from it: one row per attempt.",
    )
    grade.add_argument("paths", nargs="+", metavar="SUBMISSION_OR_DIR",
                       help="notebooks, or directories whose *.ipynb files are graded")
    grade.add_argument("--out", required=True, help="the grades CSV to write or extend")
    grade.add_argument("--feedback", metavar="DIR",
                       help="write each student's feedback here: <student>/<notebook>.md, "
                            ".html and .txt for the attempt that counts, every attempt's "
                            "beside them")
    grade.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
    grade.add_argument("--pool", type=int, metavar="N",
                       help="kernels started ahead, each in its own sandbox and used by one "
                            "submission only (default: --jobs; 1 per grading process on a "
                            "cluster; 0: start each when its turn comes)")
    grade.add_argument("--no-fork", dest="fork", action="store_false",
                       help="start every kernel afresh in its sandbox, importing the course's "
                            "modules, instead of forking it into the sandbox from a process "
                            "that imported them once (docs/grading-security.md)")
    # The defaults live in coursekit.grading, which is slow to import; the help
    # quotes them (a test keeps the two in step).
    grade.add_argument("--timeout", type=int, metavar="SECONDS",
                       help="seconds each cell may run (default: 120)")
    grade.add_argument("--memory-limit", type=int, metavar="MB",
                       help="memory per kernel and all it starts, in MB, 0 for none "
                            "(default: 4096)")
    grade.add_argument("--notebook-timeout", type=int, metavar="SECONDS",
                       help="seconds each notebook may run in all (default: 1200)")
    grade.add_argument("--process-limit", type=int, metavar="N",
                       help="processes and threads per kernel's sandbox, 0 for none "
                            "(default: 256)")
    grade.add_argument("--cpu-limit", type=float, metavar="CPUS",
                       help="processors' worth of time per kernel's sandbox, however many "
                            "processes it runs; 0 for no cap (default: 1)")
    grade.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto",
                       help="run each kernel in bubblewrap (auto: refuse to grade where it "
                            "does not work); none runs kernels as you, with a warning "
                            "(default: %(default)s)")
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="grade on the workers of this running Dask scheduler instead "
                            "of --jobs here (needs coursekit[cluster])")
    grade.add_argument("--roster", metavar="CSV",
                       help="CSV of the students (a student column; any of file, "
                            "submitted_at, name, first/last name, email, id number, canvas "
                            "id, sis user id, sis login id, section), or Canvas's gradebook "
                            "export as it is; listing files, it decides every file's student "
                            "(otherwise read from submitted/<student>/<assignment>/ or one "
                            "folder per student)")
    grade.add_argument("--store", metavar="DB",
                       help="the gradebook, every attempt and grading (default: beside "
                            "--out: grades.db for grades.csv)")
    grade.add_argument("--export", metavar="CSV",
                       help="write an LMS gradebook: one row per student, one column per "
                            "notebook, the attempt handed in last, late penalty applied")
    grade.add_argument("--export-format", choices=("plain", "canvas", "moodle"),
                       default="plain",
                       help="plain: student, notebooks; canvas: Canvas's grade import "
                            "(Student, ID, SIS User ID, SIS Login ID, Section, a Points "
                            "Possible row); moodle: Moodle's CSV import (names, ID number, "
                            "email, username) (default: %(default)s)")
    grade.add_argument("--missing", choices=("blank", "zero"), default="blank",
                       help="what the export shows for a notebook not handed in "
                            "(default: %(default)s)")
    _deadline_options(grade)
    grade.add_argument("--report", metavar="DIR",
                       help="write the instructor's report.html (and per-student HTML "
                            "feedback) here, with the similarity section of coursekit "
                            "similarity (needs coursekit[similarity])")
    grade.add_argument("--student-version", default="notebooks", metavar="DIR",
                       help="the student notebooks, whose code the report's similarity "
                            "section leaves out (default: %(default)s)")
    grade.add_argument("--redo", action="store_true",
                       help="grade again what is graded already (a regrade, with each "
                            "attempt's seed, kept beside the first grading)")
    grade.set_defaults(func=_grade)
    _add_similarity(commands)



    grades = commands.add_parser(
        "grades", help="list one student's attempts and gradings (for a dispute)",
        description="Every attempt of STUDENT in the gradebook, oldest first: when it was "
                    "handed in and how late, its file and content hash, each grading and "
                    "regrade, its flags, and which attempt counts.")
    grades.add_argument("student", metavar="STUDENT")
    _store_options(grades)
    _deadline_options(grades)
    grades.set_defaults(func=_grades)

    regrade = commands.add_parser(
        "regrade", help="grade one student's attempts (or one file) again, with their seeds",
        description="Grade again, in a fresh kernel, the bytes the gradebook kept for each "
                    "attempt of STUDENT (or of a file, or one attempt), drawing the secret cases "
                    "from the seed recorded for that attempt: the verdict is reproduced "
                    "unless the grader changed. Each regrade is kept beside the gradings "
                    "before it. Exits 1 if a verdict differs.")
    regrade.add_argument("which", metavar="STUDENT")
    which = regrade.add_mutually_exclusive_group()
    which.add_argument("--file", action="store_true",
                       help="STUDENT is a submitted file: regrade its attempts")
    which.add_argument("--attempt", action="store_true",
                       help="STUDENT is an attempt's number (coursekit grades lists them)")
    _store_options(regrade)
    _deadline_options(regrade)
    regrade.add_argument("--timeout", type=int, metavar="SECONDS",
                         help="seconds each cell may run (default: 120)")
    regrade.add_argument("--memory-limit", type=int, metavar="MB",
                         help="memory per kernel, in MB, 0 for none (default: 4096)")
    regrade.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto",
                         help="as coursekit grade's (default: %(default)s)")
    regrade.set_defaults(func=_regrade)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
