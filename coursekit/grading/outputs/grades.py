"""grades.csv as an output: one row per grade, on disk before the next grade comes."""

from .base import Output, describe_error, warn


class GradesCsv(Output):
    """Appends each grade's row to ``grades_file``, with its student and notebook.

    Parameters
    ----------
    grades_file : coursekit.grading.gradebook.GradesFile
        Prepared for the batch's exercises
        (:meth:`~coursekit.grading.gradebook.GradesFile.prepare`).
    students : dict
        Submission label -> student id.
    """

    what = "grades row"

    def __init__(self, grades_file, students):
        self.grades_file, self.students = grades_file, students

    def on_result(self, grade, submission):
        self.grades_file.append({**grade.row(), "student": self.students.get(grade.submission, ""),
                                 "notebook": grade.notebook or ""})

    def failed(self, grade, error):
        # No row to note it in: the submission is not in the file, so a rerun grades it.
        warn(f"the row of {grade.submission} could not be written to "
             f"{self.grades_file.path} ({describe_error(error)}); a rerun grades it again")
        return grade
