"""Grading processes started with a Dask worker, before it joins the cluster.

Start each worker with this module as a preload::

    dask worker tcp://HOST:8786 --nthreads 1 --preload coursekit.grading.backends.dask_preload

Before the worker registers with the scheduler (Dask runs a preload's
``dask_setup`` first), it starts one grading process per thread
(:mod:`.grading_process`), each of which makes the sandbox's view of coursekit
and starts its fork server, and imports what reading their grades back needs:
seconds of imports a worker without the preload pays at its first task. A batch sent
to a worker that has joined finds them ready. Without the preload nothing
changes but when those seconds are paid.
"""

import asyncio

from . import dask_worker

#: Seconds a grading process may take to get ready before the worker goes on without it
#: (its first task then starts another).
READY_TIMEOUT = 300


async def dask_setup(worker):
    """Start ``worker``'s grading processes, one per thread; return once each is ready."""
    processes = [dask_worker.start_grading_process(warm=True)
                 for _ in range(worker.state.nthreads)]
    await asyncio.to_thread(dask_worker.prepare)
    for process in processes:
        try:
            line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline),
                                          READY_TIMEOUT)
        except TimeoutError:
            line = ""
        if line == "ready\n":
            dask_worker.keep_ready(process)
        else:  # it died, or hung: the worker's first task starts another
            process.kill()
            process.wait()


async def dask_teardown(worker):
    """Stop the worker's grading processes (their kernels and fork servers) as it closes."""
    await asyncio.to_thread(dask_worker.stop_grading_processes)
