"""grades.csv as it is read: the gradebook's view (:mod:`.exports` writes it), cells escaped."""

import csv
import io
from pathlib import Path


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
    """A grades file, read: grades.csv as the gradebook's view writes it, or an older one.

    A file saved back by a spreadsheet (a byte-order mark, CRLF line ends) is
    read; a last row cut short (an older grader killed mid-write) is left out.

    Parameters
    ----------
    path : path-like
        May be missing (no rows then).

    Raises
    ------
    ValueError
        If ``path`` exists and is not a grades file (it is never overwritten then).
    """

    def __init__(self, path):
        self.path = Path(path)
        self.columns, self.rows = self._read()

    def _read(self):
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None, []
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"out: cannot read {self.path} ({exc}); choose another "
                             f"file") from None
        complete = text[: text.rfind("\n") + 1]  # a last row cut short by an interruption
        reader = csv.DictReader(io.StringIO(complete, newline=""))
        columns = reader.fieldnames or []
        if not columns or columns[0] != "submission" or not set(_REQUIRED) <= set(columns):
            raise ValueError(f"out: {self.path} exists and is not a grades file "
                             f"(no submission, {', '.join(_REQUIRED)} columns); "
                             f"choose another file")
        rows = [{key: unescape_cell(value) if isinstance(value, str) else value
                 for key, value in row.items()} for row in reader]
        return list(columns), rows
