"""Progress as an output: a tqdm bar on a terminal, one plain line per grade otherwise."""

import sys

from .base import Output


class Progress(Output):
    """Shows each grade as it comes, on stderr.

    Parameters
    ----------
    total : int
        Submissions to grade.
    enabled : bool
        False shows nothing.
    """

    what = "progress line"

    def __init__(self, total, enabled):
        self.total, self.done, self.enabled = total, 0, enabled
        self.bar = None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="notebook", file=sys.stderr)

    def on_result(self, grade, submission):
        self.done += 1
        line = f"{grade.submission}: {grade.status}, {grade.total}/{grade.max_total or 0}"
        if self.bar is not None:
            self.bar.set_postfix_str(line[-60:])
            self.bar.update(1)
        elif self.enabled:
            print(f"[{self.done}/{self.total}] {line}", file=sys.stderr, flush=True)

    def failed(self, grade, error):
        return grade  # a line not shown changes nothing of the grade

    def close(self, finished):
        if self.bar is not None:
            self.bar.close()
        return ""
