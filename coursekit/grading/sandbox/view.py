"""What a sandboxed kernel sees of coursekit: :class:`KernelView`.

All of it but the trusted package, coursekit/judging (cases, references,
judges), and, for the notebooks whose exercises they answer, the reference
modules; in their place it finds a stand-in that says why. Nothing is
rewritten: the view is bind mounts only.
"""

import functools
import shutil
from pathlib import Path

import coursekit

from .fonts import font_list_arguments, make_font_list

#: coursekit modules holding the reference answers of exercises, and the last
#: notebook whose kernel may not see them: notebook 03 builds ``nn`` itself.
REFERENCE_MODULES = {"nn": "03_mlp_from_scratch"}
#: The package a graded kernel never sees: every exercise's cases, references and judges.
TRUSTED_PACKAGE = "judging"
#: What a graded kernel finds instead of a module it may not see (shipped beside this one).
STAND_IN = Path(__file__).resolve().parent.parent / "withheld.py"


def _package_dir():
    return Path(coursekit.__file__).resolve().parent


@functools.cache
def kernel_view():
    """This process's :class:`KernelView`."""
    return KernelView()


class KernelView:
    """The coursekit a submission's kernel sees: all of it but the trusted code.

    The package is bound read-only. Over coursekit/judging goes an empty
    read-only folder holding one file, :data:`STAND_IN` as its ``__init__.py``:
    the judges cannot be listed or read (their compiled copies went with the
    folder), and importing the package or any module of it fails with a reason
    (an empty folder alone would import, as an empty namespace package). For
    the notebooks up to the one :data:`REFERENCE_MODULES` names, the stand-in
    is bound over the reference module too, and ``/dev/null`` over its compiled
    copies. Nothing of the package is written or rewritten, so a new exercise,
    judge or notebook needs no change here: its judge is in coursekit/judging.
    Made with :meth:`create` and a folder, the view also shows every kernel
    matplotlib's font list, made once (:mod:`.fonts`).

    Parameters
    ----------
    package : path-like, optional
        The coursekit package folder to show; by default the one imported.

    Examples
    --------
    >>> view = KernelView()
    >>> "--remount-ro" in view.arguments("01_random_baseline", ["01_random_baseline"])
    True
    """

    def __init__(self, package=None):
        self.package = Path(package) if package is not None else _package_dir()
        #: matplotlib's font list, shown read-only in every kernel's matplotlib folder
        #: (:mod:`.fonts`); None: each kernel makes its own.
        self.font_list = None
        self._folder = None

    @classmethod
    def create(cls, folder=None):
        """The view of the imported package (what the grader's callers ask for).

        Parameters
        ----------
        folder : path-like, optional
            An empty folder of the grader's own, where matplotlib's font list is
            made once for all the kernels (:func:`.fonts.make_font_list`);
            :meth:`remove` removes it. Without one, each kernel makes its own.
        """
        view = cls()
        if folder is not None:
            view._folder = Path(folder)
            view.font_list = make_font_list(folder)
        return view

    def remove(self):
        """Remove the folder of the font list, if :meth:`create` was given one."""
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder, self.font_list = None, None

    def arguments(self, notebook, order):
        """bwrap arguments that give the kernel this view for ``notebook``.

        ``order`` is the course's notebooks in order: a reference module is
        hidden from the notebooks up to the last one it answers.
        """
        package = str(self.package)
        trusted = f"{package}/{TRUSTED_PACKAGE}"
        arguments = ["--ro-bind", package, package,
                     "--tmpfs", trusted, "--ro-bind", str(STAND_IN), f"{trusted}/__init__.py",
                     "--remount-ro", trusted, *font_list_arguments(self.font_list)]
        for module, last in REFERENCE_MODULES.items():
            position = order.index(last) if last in order else -1
            if notebook in order and order.index(notebook) <= position:
                arguments += ["--ro-bind", str(STAND_IN), f"{package}/{module}.py"]
                # A compiled copy of the real module would bring it back.
                for compiled in sorted(self.package.glob(f"__pycache__/{module}.*")):
                    arguments += ["--ro-bind", "/dev/null", str(compiled)]
        return arguments
