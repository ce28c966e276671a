"""Grade learners' notebooks in a batch: ``coursekit grade``.

Why a submission cannot grade itself
------------------------------------
Each exercise is judged in the two steps of :mod:`coursekit.checks.spec`, split
across two processes:

1. The submission runs, cell by cell, in a fresh kernel of its own
   (:mod:`.kernel`). Right after the cells of an exercise, the grader sends that
   exercise's cases as plain data (:func:`coursekit.checks.wire.encode`: JSON,
   arrays as ``.npy`` bytes). A small shim in the kernel (:mod:`coursekit.checks.shim`)
   calls the learner's answer on them and sends back what it returned, as plain
   data.
2. The grader decodes that data itself (no pickle, every array's header
   checked before it is read) and runs :func:`~coursekit.judging.judge_safely`
   in its own process, with its own copy of coursekit and numpy (:mod:`.answers`).

The kernel is only an oracle: the verdict never depends on code that ran
there, on what cells printed, or on the check cells (which may be edited,
deleted or moved). The cases come from a secret seed drawn afresh for every
submission, so answers cannot be prepared for them; they are judged together
with the public cases the notebook's own check cell uses, and the feedback
quotes the verdict on those, as the check cell does, so nothing about the
secret cases is revealed.

The modules, one step each
--------------------------
submissions   finding the files to grade and reading them (never running them)
answers       one exercise's cases, and the verdict on the answer that comes back
sandbox       the OS sandbox each kernel runs in (bubblewrap, cgroups), and what it sees
kernel        a submission's kernel: started in its sandbox, run cell by cell, stopped
              (inside it runs :mod:`coursekit.checks.shim`, trusted for nothing)
pool          kernels started ahead of their submissions, each used once, then destroyed
runner        grading one submission: its cells, its answers, its :class:`Grade`
results       statuses and grades
gradebook     grades.csv
feedback      the learner's Markdown feedback
batch         the whole batch, ``jobs`` at a time (:func:`grade`)
cluster       the batch on a Dask cluster (``--scheduler``): a task per submission
roster        who handed in what: nbgrader's folders, one folder per student, a roster CSV
lms           the LMS export: one row per student, one column per notebook total
report        the instructor's report.html and each student's notebook with its verdicts

The names below are imported on first use, so that importing one module never
loads the whole grader.
"""

import importlib

_EXPORTS = {
    "grade": "batch", "BatchReport": "batch",
    "grade_submission": "runner", "DEFAULT_TIMEOUT": "runner",
    "DEFAULT_MEMORY_LIMIT": "runner", "DEFAULT_NOTEBOOK_TIMEOUT": "runner",
    "DEFAULT_PROCESS_LIMIT": "sandbox", "SandboxError": "sandbox", "SANDBOXES": "sandbox",
    "submission_label": "submissions", "Found": "submissions",
    "find_submissions": "submissions", "read_submission": "submissions",
    "known_notebooks": "submissions", "collection_points": "submissions",
    "Submission": "submissions", "CodeCell": "submissions",
    "Grade": "results", "ExerciseGrade": "results",
    "GradesFile": "gradebook", "FIXED_COLUMNS": "gradebook",
    "feedback_markdown": "feedback", "feedback_name": "feedback",
    "kernel_environment": "kernel", "PUBLIC_SEED": "answers",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
