"""What a batch makes of its grades: outputs, each with ``on_result`` and ``close``.

base       the :class:`Output` interface, and :class:`Outputs`, a list of them as one
grades     grades.csv, a row per grade
feedback   the learner's Markdown feedback
report     the instructor's report: each submission's record, then report.html
lms        the LMS export, from the whole grades file
progress   the progress bar (or lines) on stderr
"""

from .base import Output, Outputs
from .feedback import FeedbackFiles
from .grades import GradesCsv
from .lms import LmsExport
from .progress import Progress
from .report import ClassReport, ReportRecord

__all__ = ["ClassReport", "FeedbackFiles", "GradesCsv", "LmsExport", "Output", "Outputs",
           "Progress", "ReportRecord"]
