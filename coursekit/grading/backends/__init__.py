"""Where a batch is graded: one small interface (:class:`.Backend`), three backends.

base             the interface: ``run(submissions, on_result)``
local            local jobs: ``jobs`` submissions at a time, here
dask_client      the client of a Dask cluster: a task per submission (``--scheduler``)
dask_worker      a Dask worker's side: the task, handed to a grading process
grading_process  that grading process (``python -m``), one per worker thread

:func:`backend_for` chooses one.
"""

from .base import Backend
from .dask_client import DaskClient
from .dask_worker import GRADING_PROCESS_MODULE, DaskWorker, grade_task
from .local import LocalJobs

__all__ = ["GRADING_PROCESS_MODULE", "Backend", "DaskClient", "DaskWorker", "LocalJobs",
           "backend_for", "grade_task"]


def backend_for(settings, *, scheduler=None, on_worker=False):
    """The backend that grades with ``settings``.

    Parameters
    ----------
    settings : coursekit.grading.settings.GradeSettings
    scheduler : str, optional
        A Dask scheduler's address: the batch goes to its workers.
    on_worker : bool, default=False
        On a Dask worker: each submission goes to this thread's grading process.

    Returns
    -------
    Backend

    Examples
    --------
    >>> from coursekit.grading.settings import GradeSettings
    >>> type(backend_for(GradeSettings(), scheduler="tcp://127.0.0.1:8786")).__name__
    'DaskClient'
    >>> type(backend_for(GradeSettings(sandbox="none"))).__name__
    'LocalJobs'
    """
    if on_worker:
        return DaskWorker(settings)
    if scheduler is not None:
        return DaskClient(settings, scheduler)
    return LocalJobs(settings)
