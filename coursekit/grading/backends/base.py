"""What every backend is: something that grades submissions and hands each grade on."""

import abc


class Backend(abc.ABC):
    """Grades a batch's submissions somewhere, handing on each grade as it is done.

    A backend never writes a file: what becomes of each grade (grades.csv,
    feedback, the report) is the outputs' business
    (:mod:`coursekit.grading.outputs`), called through ``on_result``.

    Parameters
    ----------
    settings : coursekit.grading.settings.GradeSettings
    """

    def __init__(self, settings):
        self.settings = settings

    def start(self):
        """Make ready what grading will need, once the batch has files to grade (by
        default nothing); :meth:`stop` undoes it, whether or not :meth:`run` was
        called (as when every file turns out to be graded already)."""

    def stop(self):
        """Undo :meth:`start` (by default nothing)."""

    @abc.abstractmethod
    def run(self, submissions, on_result):
        """Grade ``submissions``, calling ``on_result(grade)`` as each one is graded.

        Parameters
        ----------
        submissions : list of Submission
        on_result : callable
            Called with each :class:`~coursekit.grading.results.Grade`, one at a
            time, in this thread; never after an interruption.

        Returns
        -------
        bool
            True if SIGINT or SIGTERM stopped it (the grades handed on stand).
        """
