"""The learner's feedback as an output: one Markdown file per grade."""

from pathlib import Path

from ..feedback import write_feedback
from .base import Output


class FeedbackFiles(Output):
    """Writes each grade's Markdown feedback under ``folder``.

    ``late`` maps a submission's label to a sentence on its lateness.

    A feedback file that cannot be written makes its row ``error``
    (:meth:`Output.failed`): the grade stands, and a rerun writes the feedback.
    """

    what = "feedback"

    def __init__(self, folder, late=None):
        self.folder = Path(folder)
        self.names = {}  # file -> label, so that two labels never share a file
        self.late = late or {}  # label -> its lateness and what it costs

    def on_result(self, grade, submission):
        write_feedback(self.folder, grade, self.names, self.late.get(grade.submission, ""))
