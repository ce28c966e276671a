"""The ``coursekit`` command."""

import argparse
import sys

from .authoring import assign as assign_module


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
                       export=args.export, **limits)
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
    failed = [g for g in report.graded if g.status == "error"]
    print(f"{len(report.graded)} submissions graded into {args.out}"
          + (f"; the grader could not grade {len(failed)} (status error; a rerun retries them)"
             if failed else "") + ".")
    return _after_grading(args, report) or (1 if failed else 0)


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

    try:
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
                    "process. Rows already in --out are skipped, so an interrupted run "
                    "continues where it stopped.",
    )
    grade.add_argument("paths", nargs="+", metavar="SUBMISSION_OR_DIR",
                       help="notebooks, or directories whose *.ipynb files are graded")
    grade.add_argument("--out", required=True, help="the grades CSV to write or extend")
    grade.add_argument("--feedback", metavar="DIR",
                       help="write one Markdown feedback file per submission here")
    grade.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
    grade.add_argument("--pool", type=int, metavar="N",
                       help="kernels started ahead, each in its own sandbox and used by one "
                            "submission only (default: --jobs; 1 per grading process on a "
                            "cluster; 0: start each when its turn comes)")
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
                       help="CSV of student,file naming each file's student (otherwise "
                            "read from submitted/<student>/... or one folder per student)")
    grade.add_argument("--export", metavar="CSV",
                       help="write an LMS gradebook: one row per student, one column per "
                            "notebook total (Canvas/Moodle import)")
    grade.add_argument("--report", metavar="DIR",
                       help="write the instructor's report.html (and per-student HTML "
                            "feedback) here")
    grade.add_argument("--redo", action="store_true",
                       help="grade again submissions already in --out")
    grade.set_defaults(func=_grade)
    _add_similarity(commands)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
