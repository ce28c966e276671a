"""The grader's public API: what the command line, the tests and the benchmarks use.

Everything here is documented where it is defined; nothing outside
coursekit.grading needs a name from any other of its modules.

Examples
--------
>>> from coursekit.grading import api
>>> api.GradeSettings(jobs=2).pool
1
"""

from .answers import PUBLIC_SEED
from .backends import GRADING_PROCESS_MODULE, backend_for
from .batch import BatchReport, Plan, default_store, grade, plan_batch, regrade
from .deadlines import Deadlines, LatePolicy
from .exports import export, write_view
from .feedback import feedback_markdown, feedback_name
from .gradebook import FIXED_COLUMNS, GradesFile
from .history import student_history
from .identity import discover, read_roster
from .kernel import kernel_environment, within_limits
from .pool import KernelPool, pool_for, private_folder, remove_stale_folders
from .report import write_report
from .results import ExerciseGrade, Grade
from .runner import grade_submission, preload
from .sandbox import (
    DEFAULT_PROCESS_LIMIT, SANDBOXES, KernelView, SandboxError, bwrap_problem, choose,
    remove_stale_cgroups, system_arguments,
)
from .settings import (
    DEFAULT_MEMORY_LIMIT, DEFAULT_NOTEBOOK_TIMEOUT, DEFAULT_TIMEOUT, GradeSettings,
)
from .store import Store
from .submissions import (
    CodeCell, Found, Submission, collection_points, find_submissions, known_notebooks,
    read_submission, submission_label,
)

#: :func:`coursekit.grading.sandbox.choose` under the name the grader's callers know it by.
choose_sandbox = choose

# The names are listed once, in the package, which loads this module on first use.
from . import __all__
