"""The learner's feedback as an output: each student's folder, one set of files per attempt.

Each attempt graded gets ``<student>/<notebook>.attempt-<N>.{md,html,txt}``
(:func:`~coursekit.grading.feedback.write_feedback`); at the end of the batch
``<student>/<notebook>.{md,html,txt}`` are written again from the attempt
that counts (:func:`~coursekit.grading.exports.counted`: the latest handed
in, by the time it was handed in, not by the order of grading), saying so.
A file no student is known for has its files named from its path, the
latest grading's without an attempt number.
"""

from pathlib import Path

from ..deadlines import format_time
from ..exports import counted
from ..feedback import feedback_files, feedback_stem, write_feedback
from .base import Output, describe_error


class FeedbackFiles(Output):
    """Writes each grade's feedback under ``folder``.

    Parameters
    ----------
    folder : path-like
    late : dict, optional
        Submission label -> a sentence on its lateness.
    attempts : dict, optional
        Submission label -> its :class:`~coursekit.grading.store.Attempt`.
    store : coursekit.grading.store.Store, optional
    deadlines : coursekit.grading.deadlines.Deadlines, optional
        With ``store``: which attempt counts, for the files without an attempt number.

    A feedback file that cannot be written makes its row ``error``
    (:meth:`Output.failed`): the grade stands, and a rerun writes the feedback.
    """

    what = "feedback"

    def __init__(self, folder, late=None, attempts=None, store=None, deadlines=None):
        self.folder = Path(folder)
        self.names = {}  # stem -> label, so that two labels never share a file
        self.late = late or {}  # label -> its lateness and what it costs
        self.attempts = attempts or {}
        self.store, self.deadlines = store, deadlines
        self.touched = set()  # (student, notebook) whose counting files are rewritten

    def on_result(self, grade, submission):
        attempt = self.attempts.get(grade.submission)
        student = attempt.student if attempt is not None else ""
        note = _attempt_note(attempt) if attempt is not None else ""
        paths = write_feedback(self.folder, grade, self.names,
                               self.late.get(grade.submission, ""), submission=submission,
                               attempt=None if attempt is None else attempt.id,
                               student=student, note=note)
        if attempt is None:
            return
        if student and grade.notebook:
            self.touched.add((student, grade.notebook))
        else:  # no student to count it for: the file's own latest grading stands
            stem = feedback_stem(grade.submission)
            for suffix, target in feedback_files(stem).items():
                if suffix in paths:
                    (self.folder / target).write_text(read_text(paths[suffix]),
                                                      encoding="utf-8")

    def close(self, finished):
        """Write each touched student's files of the attempt that counts, from its own."""
        if self.store is None or not self.touched:
            return ""
        try:
            table, _ = counted(self.store, self.deadlines)
            for key in sorted(self.touched):
                if key in table:
                    self._write_counting(key, table[key].attempt)
        except OSError as exc:
            return f"the feedback of the attempts that count could not be written " \
                   f"({describe_error(exc)})"
        return ""

    def _write_counting(self, key, attempt):
        student, notebook = key
        stem = feedback_stem(attempt.file, student, notebook)
        sources = {suffix: self.folder / path
                   for suffix, path in feedback_files(stem, attempt.id).items()}
        targets = {suffix: self.folder / path for suffix, path in feedback_files(stem).items()}
        line = (f"This is the attempt that counts: attempt {attempt.id}. Every attempt's "
                f"feedback is kept beside it, as {stem.name}.attempt-N.")
        for suffix, source in sources.items():
            if source.exists():
                targets[suffix].write_text(_with_line(read_text(source), suffix, line),
                                           encoding="utf-8")


def read_text(path):
    return Path(path).read_text(encoding="utf-8")


def _attempt_note(attempt):
    when = format_time(attempt.submitted_at) if attempt.submitted_at else "at an unknown time"
    return f"Attempt {attempt.id}, handed in {when} ({attempt.time_source or 'time unknown'})."


def _with_line(text, suffix, line):
    """``text`` (a feedback file) with ``line`` (the grader's words) first."""
    if suffix == ".html":
        return text.replace("<body>\n", f"<body>\n<p><strong>{line}</strong></p>\n", 1)
    if suffix == ".md":
        return f"**{line}**\n\n{text}"
    return f"{line}\n{text}"
