"""The CSV: one row per pair compared, for a spreadsheet or a script."""

import csv
from pathlib import Path

from ..grading.gradebook import escape_cell

#: The columns, in order. ``score`` and ``similarity`` are 0 to 1,
#: ``flagged`` is ``true`` or ``false``, ``identical`` is ``file``, ``code``
#: or empty, ``group`` numbers the pair's group of three or more (empty if none).
COLUMNS = ("notebook", "student_a", "student_b", "score", "flagged", "similarity",
           "identical", "group", "file_a", "file_b")


def write_csv(report, path):
    """Write every pair of ``report`` to ``path``, highest score first per notebook.

    Parameters
    ----------
    report : SimilarityReport
    path : path-like

    Returns
    -------
    Path
    """
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for notebook in report.notebooks:
            labels = {answer.student: answer.label for answer in notebook.answers}
            group_of = {student: number for number, group in enumerate(notebook.groups, 1)
                        for student in group}
            for pair in notebook.pairs:
                group = group_of.get(pair.student_a)
                # Names and files are the students' own: no spreadsheet formula.
                writer.writerow([escape_cell(value) for value in (
                    pair.notebook, pair.student_a, pair.student_b, f"{pair.score:.4f}",
                    "true" if pair.flagged else "false", f"{pair.similarity:.4f}",
                    pair.identical,
                    group if pair.flagged and group == group_of.get(pair.student_b) else "",
                    labels.get(pair.student_a, ""), labels.get(pair.student_b, ""))])
    return path
