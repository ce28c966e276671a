"""What a batch makes of its grades: outputs, each with ``on_result`` and ``close``.

base       the :class:`Output` interface, and :class:`Outputs`, a list of them as one
record     the gradebook: each grade recorded in the store, grades.csv a view of it
feedback   the learner's Markdown feedback
report     the instructor's report: each submission's record, then report.html
lms        the LMS export (Canvas, Moodle, plain), from the gradebook
progress   the progress bar (or lines) on stderr
"""

from .base import Output, Outputs
from .feedback import FeedbackFiles
from .lms import LmsExport
from .progress import Progress
from .record import GradebookRecord
from .report import ClassReport, ReportRecord

__all__ = ["ClassReport", "FeedbackFiles", "GradebookRecord", "LmsExport", "Output",
           "Outputs", "Progress", "ReportRecord"]
