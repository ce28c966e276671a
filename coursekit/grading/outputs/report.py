"""The instructor's report as outputs: each submission's record, then report.html."""

from ..report import record, write_report
from .base import Output, describe_error, warn


class ReportRecord(Output):
    """Leaves each grade's details and student page in the report's ``folder``.

    A page that cannot be written is said on stderr; the grade stands as it
    is (the report is the instructor's, not the learner's record).
    """

    what = "report page"

    def __init__(self, folder, students):
        self.folder, self.students = folder, students

    def on_result(self, grade, submission):
        record(self.folder, grade, submission, self.students.get(grade.submission, ""))

    def failed(self, grade, error):
        warn(f"the report's page of {grade.submission} could not be written "
             f"({describe_error(error)})")
        return grade


class ClassReport(Output):
    """Writes ``folder/report.html`` from the whole grades file once the batch is done.

    ``sections`` are callables, each returning more of the page as HTML
    (:func:`~coursekit.grading.report.write_report`'s ``sections``), called
    once the batch is done: the layers above grading (the similarity
    section) add to the page without grading importing them.

    Attributes
    ----------
    path : Path or None
        The report written, once it is.
    """

    what = "report"

    def __init__(self, folder, grades, feedback=None, sections=()):
        self.folder, self.grades, self.feedback = folder, grades, feedback
        self.sections = list(sections)
        self.path = None

    def close(self, finished):
        if finished:
            self.path = write_report(self.grades, self.folder, feedback=self.feedback,
                                     sections=[make() for make in self.sections])
        return ""
