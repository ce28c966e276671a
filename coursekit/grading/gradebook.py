"""The gradebook: grades.csv, one row per submission, written as each is graded."""

import csv
import io
import os
from pathlib import Path

from .. import checks
from .results import ERROR

FIXED_COLUMNS = ("total", "max_total", "status", "reason", "sha256", "student", "notebook")
# Every grades file has these (files from before the content hash included).
_REQUIRED = FIXED_COLUMNS[:4]
# A spreadsheet reads a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def escape_cell(value):
    """``value`` as a CSV cell no spreadsheet runs as a formula (a ``'`` in front)."""
    value = str(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def unescape_cell(value):
    """The value :func:`escape_cell` escaped."""
    return value[1:] if value.startswith("'") else value


class GradesFile:
    """grades.csv: one row per submission, appended and flushed as each is graded.

    Parameters
    ----------
    path : path-like

    Raises
    ------
    ValueError
        If ``path`` exists and is not a grades file (it is never overwritten then).
    """

    def __init__(self, path):
        self.path = Path(path)
        self.columns, self.rows, self.repaired = self._read()

    def _read(self):
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None, [], False
        text = self.path.read_text(encoding="utf-8-sig")
        complete = text[: text.rfind("\n") + 1]  # a last row cut short by an interruption
        reader = csv.DictReader(io.StringIO(complete, newline=""))
        columns = reader.fieldnames or []
        if not columns or columns[0] != "submission" or not set(_REQUIRED) <= set(columns):
            raise ValueError(f"out: {self.path} exists and is not a grades file "
                             f"(no submission, {', '.join(_REQUIRED)} columns); "
                             f"choose another file")
        rows = [{key: unescape_cell(value) if isinstance(value, str) else value
                 for key, value in row.items()} for row in reader]
        return list(columns), rows, complete != text

    def graded(self):
        """Submissions already graded: label -> content hash (a grader ``error`` does not count).

        The hash is empty for a row written before grades files kept it.
        """
        return {row["submission"]: row.get("sha256") or "" for row in self.rows
                if row.get("status") != ERROR}

    def prepare(self, exercise_ids, replace=()):
        """Make sure the file has these exercise columns and none of the ``replace`` rows."""
        order = {exercise_id: index for index, exercise_id in enumerate(checks.EXERCISES)}
        present = [c for c in (self.columns or [])[1:] if c not in FIXED_COLUMNS]
        ids = sorted(set(present) | set(exercise_ids),
                     key=lambda c: (order.get(c, len(order)), present.index(c)
                                    if c in present else 0))
        columns = ["submission", *ids, *FIXED_COLUMNS]
        replace = set(replace)
        kept = [row for row in self.rows if row.get("submission") not in replace]
        if columns != self.columns or len(kept) != len(self.rows) or self.repaired:
            self.columns, self.rows, self.repaired = columns, kept, False
            self._rewrite()

    def _rewrite(self):
        partial = self.path.with_name(self.path.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, self.columns, restval="", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(self._escaped(row) for row in self.rows)
        os.replace(partial, self.path)

    @staticmethod
    def _escaped(row):
        return {key: escape_cell(value) if isinstance(value, str) else value
                for key, value in row.items()}

    def append(self, row):
        """Append one row and push it to disk before returning."""
        with self.path.open("a", encoding="utf-8", newline="") as stream:
            csv.DictWriter(stream, self.columns, restval="",
                           extrasaction="ignore").writerow(self._escaped(row))
            stream.flush()
            os.fsync(stream.fileno())
        self.rows.append(row)


