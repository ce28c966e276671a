"""Which exercises the course has, loaded one notebook at a time.

The exercises of notebook ``NN_name`` live in two modules named alike: their
specs in ``coursekit.checks.nbNN`` (what a kernel runs) and their judges in
``coursekit.judging.nbNN`` (what the grader trusts). Nothing here imports
either statically: a notebook's modules are imported when one of its exercises
is asked for, so notebook 01's check cells never import what notebook 06's
judges need, and a new exercise (or notebook) needs no list to be kept up to
date. When ``coursekit.judging`` cannot be imported, as in a graded kernel,
where the sandbox hides it, :func:`judges` says so with None.
"""

import functools
import importlib
import pkgutil
import re

#: Where the specs and the judges of notebook NN live: ``<package>.nbNN``.
SPECS = "coursekit.checks"
JUDGES = "coursekit.judging"

_MODULE = re.compile(r"nb(\d\d)")


def _module_name(notebook_or_id):
    """``nbNN`` for a notebook stem ``NN_...`` or an exercise id ``NN-...``; None otherwise."""
    if not isinstance(notebook_or_id, str) or not re.match(r"\d\d[_-]", notebook_or_id):
        return None
    return f"nb{notebook_or_id[:2]}"


@functools.cache
def modules():
    """The names of the specs modules, ``nb01``, ``nb02``, ..., in course order."""
    package = importlib.import_module(SPECS)
    return tuple(sorted(info.name for info in pkgutil.iter_modules(package.__path__)
                        if _MODULE.fullmatch(info.name)))


@functools.cache
def _specs_of_module(name):
    if name not in modules():
        return ()
    return tuple(importlib.import_module(f"{SPECS}.{name}").EXERCISES)


def specs(notebook):
    """The exercise specs of ``notebook`` (its file stem), in order; [] for an unknown one.

    Examples
    --------
    >>> [spec.id for spec in specs("01_random_baseline")]
    ['01-scale-pixels', '01-which-digit', '01-evaluate-range']
    """
    name = _module_name(notebook)
    return [spec for spec in _specs_of_module(name) if spec.notebook == notebook] if name else []


@functools.cache
def all_specs():
    """Every exercise spec of the course, by id, in course order (imports every specs module)."""
    return {spec.id: spec for name in modules() for spec in _specs_of_module(name)}


def spec(exercise_id):
    """The spec of exercise ``exercise_id``; None when there is no such exercise.

    Examples
    --------
    >>> spec("01-which-digit").answer_name
    'predicted_digit'
    >>> spec("01-no-such-exercise") is None
    True
    """
    name = _module_name(exercise_id)
    found = [s for s in _specs_of_module(name) if s.id == exercise_id] if name else []
    return found[0] if found else None


@functools.cache
def _judges_of_module(name):
    module_name = f"{JUDGES}.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only the judging package itself missing means "judged elsewhere"; a module
        # the judges need that is missing is a broken install, and says so.
        if exc.name not in (JUDGES, module_name):
            raise
        return None
    return {exercise.id: exercise for exercise in module.EXERCISES}


def judges(notebook):
    """The judged exercises of ``notebook``, in order; None when this process cannot judge.

    A judged exercise is its spec with its cases and judge (a subclass from
    :mod:`coursekit.judging`). None means the judging package is not importable
    here: in a graded kernel, the grader judges.
    """
    name = _module_name(notebook)
    if name is None or name not in modules():
        return []
    judged = _judges_of_module(name)
    if judged is None:
        return None
    return [judged[spec.id] for spec in specs(notebook)]


def judge(exercise_id):
    """The judged exercise ``exercise_id``; None when this process cannot judge.

    Raises
    ------
    KeyError
        If there is no such exercise.
    """
    found = spec(exercise_id)
    if found is None:
        raise KeyError(exercise_id)
    judged = _judges_of_module(_module_name(exercise_id))
    return None if judged is None else judged[exercise_id]
