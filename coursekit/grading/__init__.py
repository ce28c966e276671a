"""Grade learners' notebooks in a batch: ``coursekit grade``.

Each exercise is judged in two steps split across two processes: the learner's
answer is called in the submission's sandboxed kernel, on cases sent as plain data;
what it returns comes back as plain data and is judged here, by
:mod:`coursekit.judging`. Why that makes the verdict the grader's own, and what the
sandbox guarantees, is the threat model: docs/grading-security.md.

The modules, one step each
--------------------------
settings      how a batch is graded: one frozen GradeSettings, checked where it is made
submissions   finding the files to grade and reading them (never running them)
identity      who handed in what, for which assignment, when: nbgrader's layout, a roster
deadlines     due dates, the late policy, times in UTC
answers       one exercise's cases, and the verdict on the answer that comes back
sandbox/      the OS sandbox each kernel runs in: bubblewrap, cgroups, the kernel's view
kernel        a submission's kernel: started in its sandbox, run cell by cell, stopped
              (inside it runs :mod:`coursekit.checks.shim`, trusted for nothing)
pool          kernels started ahead of their submissions, each used once, then destroyed
runner        grading one submission: its cells, its answers, its :class:`Grade`
results       statuses and grades (and their plain-data form)
backends/     where a batch is graded: local jobs, a Dask cluster's client and workers
store         the gradebook: every attempt and grading, in SQLite (claims, seeds)
gradebook     grades.csv as it is read
exports       the gradebook's views: grades.csv, Canvas's, Moodle's and the plain export
history       one student's attempts and gradings, for a dispute
integrity     flags for check cells edited, moved or removed, check or a helper redefined
feedback      the learner's Markdown feedback
report        the instructor's report.html and each student's notebook with its verdicts
outputs/      what a batch makes of each grade: the record, feedback, report, export, progress
batch         the whole batch (:func:`grade`): settings, plan, backend, outputs
api           the public API (re-exported here)

The names of :mod:`.api` are imported on first use, so that importing one module
never loads the whole grader.
"""

import importlib

from .. import import_costs  # noqa: F401  (first: it spares every grading process a second)

__all__ = [
    "DEFAULT_MEMORY_LIMIT", "DEFAULT_NOTEBOOK_TIMEOUT", "DEFAULT_PROCESS_LIMIT",
    "DEFAULT_TIMEOUT", "FIXED_COLUMNS", "GRADING_PROCESS_MODULE", "PUBLIC_SEED", "SANDBOXES",
    "BatchReport", "CodeCell", "Deadlines", "ExerciseGrade", "Found", "Grade", "GradeSettings",
    "GradesFile", "KernelPool", "KernelView", "LatePolicy", "Plan", "SandboxError", "Store",
    "Submission", "backend_for", "bwrap_problem", "choose_sandbox", "collection_points",
    "default_store", "discover", "export", "feedback_markdown", "feedback_name",
    "find_submissions", "grade", "grade_submission", "kernel_environment", "known_notebooks",
    "plan_batch", "pool_for", "preload", "private_folder", "read_roster", "read_submission",
    "regrade", "remove_stale_cgroups", "remove_stale_folders", "student_history",
    "submission_label", "system_arguments", "within_limits", "write_report", "write_view",
]


def __getattr__(name):
    if name in __all__:
        return getattr(importlib.import_module(".api", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
