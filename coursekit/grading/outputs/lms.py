"""The LMS export as an output: written from the whole grades file once the batch is done."""

from ..lms import export_lms
from .base import Output


class LmsExport(Output):
    """Writes ``path``, the gradebook an LMS imports (:func:`coursekit.grading.lms.export_lms`).

    Attributes
    ----------
    problems : list of str or None
        What the export left out or replaced, once it is written.
    """

    what = "export"

    def __init__(self, path, grades):
        self.path, self.grades = path, grades
        self.problems = None

    def close(self, finished):
        if finished:
            self.problems = export_lms(self.grades, self.path)
        return ""
