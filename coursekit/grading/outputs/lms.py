"""The LMS export as an output: written from the gradebook once the batch is done."""

from ..exports import export
from .base import Output


class LmsExport(Output):
    """Writes ``path``, the gradebook an LMS imports (:func:`coursekit.grading.exports.export`).

    Parameters
    ----------
    path : path-like
    store : coursekit.grading.store.Store
    fmt : {"plain", "canvas", "moodle"}
    options : dict
        ``deadlines``, ``roster``, ``missing``, ``notebooks``,
        ``points_possible``, as :func:`~coursekit.grading.exports.export` takes them.

    Attributes
    ----------
    problems : list of str or None
        What the export left out or could not match, once it is written.
    """

    what = "export"

    def __init__(self, path, store, fmt="plain", **options):
        self.path, self.store, self.fmt, self.options = path, store, fmt, options
        self.problems = None

    def close(self, finished):
        if finished:
            self.problems = export(self.store, self.path, self.fmt, **self.options)
        return ""
