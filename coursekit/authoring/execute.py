"""Re-execute solution notebooks in place, so their stored outputs are fresh.

Used by ``coursekit execute`` (and ``make execute``). A solution whose fresh
outputs hold an error or anything written to stderr (warnings included) is
not saved: nbval would store the problem as the expected output.
"""

from pathlib import Path

import nbformat
import zmq
from jupyter_client import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

from ..threads import kernel_environment

#: Seconds one cell may run before execution is abandoned.
CELL_TIMEOUT = 600


class ExecutionProblem(RuntimeError):
    """A notebook ran, but its outputs hold an error or a warning."""


def problems(notebook):
    """Describe every error or stderr output stored in ``notebook``."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {index} wrote to stderr: {output.get('text', '')[:300]}")
    return found


class EncryptedKernelManager(AsyncKernelManager):
    """A kernel manager that gives its kernel CurveZMQ keys, as ``make lab`` does JupyterLab's.

    The kernel's sockets are local TCP ones: encrypted, nothing else on the
    machine reads the code and outputs, and ipykernel has nothing to warn about.
    """

    @default("transport_encryption")
    def _encrypt_when_possible(self):
        return "auto" if zmq.has("curve") else "disabled"


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _drop_widget_views(notebook):
    # A stored widget view names a model that exists only in the kernel that ran it:
    # reopened, it shows "model not found", and its random id changes on every run.
    # The text and picture beside it show the widget's first state anywhere.
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)


def execute_notebook(path, *, timeout=CELL_TIMEOUT, kernel_name="python3"):
    """Run every cell of the notebook at ``path`` in a fresh kernel and save it.

    The kernel's working directory is the notebook's folder, as in JupyterLab.

    Raises
    ------
    ExecutionProblem
        If a cell fails or writes to stderr; the file is then left unchanged.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, kernel_manager_class=EncryptedKernelManager, timeout=timeout,
        kernel_name=kernel_name, allow_errors=True,
        record_timing=False, store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env=kernel_environment())
    found = problems(notebook)
    if found:
        raise ExecutionProblem(f"{path}:\n  " + "\n  ".join(found))
    _drop_widget_views(notebook)
    # The kernel's exact Python version differs between machines; nothing reads it.
    notebook.metadata.get("language_info", {}).pop("version", None)
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, path)
    return notebook
