"""The ``coursekit`` command."""

import argparse
import sys

from . import assign as assign_module


def _assign(args):
    try:
        outcomes = assign_module.assign(args.solutions, args.notebooks, check=args.check)
    except assign_module.AssignError as exc:
        print(f"coursekit assign: {exc}\nNothing was written.", file=sys.stderr)
        return 2
    changed = [o for o in outcomes if o.changed]
    if args.check:
        if changed:
            print("These student notebooks are out of date; run `coursekit assign`:",
                  file=sys.stderr)
            for outcome in changed:
                print(f"  {outcome.target} (from {outcome.source})", file=sys.stderr)
            return 1
        print(f"All {len(outcomes)} student notebooks are up to date.")
        return 0
    for outcome in changed:
        print(f"wrote {outcome.target}")
    print(f"{len(changed)} of {len(outcomes)} student notebooks written.")
    return 0


def _execute(args):
    from .execute import ExecutionProblem, execute_notebook

    failed = 0
    for path in args.paths:
        print(f"executing {path} ...", flush=True)
        try:
            execute_notebook(path, timeout=args.timeout)
        except ExecutionProblem as exc:
            failed += 1
            print(f"NOT saved, fix these first: {exc}", file=sys.stderr)
    return 1 if failed else 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="coursekit", description="Tools for the handwritten-digits course."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    assign = commands.add_parser(
        "assign", help="write the student notebooks from the solutions",
        description="Write notebooks/ from solutions/: solution blocks replaced by a "
                    "placeholder, outputs cleared, volatile metadata dropped.",
    )
    assign.add_argument("--solutions", default="solutions", help="default: %(default)s")
    assign.add_argument("--notebooks", default="notebooks", help="default: %(default)s")
    assign.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming every student notebook out of date")
    assign.set_defaults(func=_assign)

    execute = commands.add_parser(
        "execute", help="re-execute solution notebooks and store their fresh outputs",
    )
    execute.add_argument("paths", nargs="+", help="notebooks to execute in place")
    execute.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    execute.set_defaults(func=_execute)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
