"""What a submission did to the notebook around its answers: flags for the instructor.

The grader never trusts the check cells (it judges each answer as plain data in
its own process), so editing them earns nothing; but a learner who edits,
moves or removes a check cell, or redefines ``check`` or a helper the notebook
imports from coursekit, was trying something, and the instructor should know.
These flags are read from the cells' source, without running it; they never
change points by themselves.
"""

import ast

#: The names the notebooks import from coursekit.checks.
CHECK_NAMES = ("check", "progress")


def check_cell_source(exercise):
    """The source of ``exercise``'s check cell, as every course notebook has it."""
    return f'check("{exercise.id}", {exercise.answer_name})'


def check_cell_flags(cells, exercises):
    """Flags for check cells edited, removed or moved.

    Parameters
    ----------
    cells : sequence of CodeCell
        The submission's code cells, in order.
    exercises : sequence of Exercise
        Its notebook's exercises, in order.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from types import SimpleNamespace as Cell, SimpleNamespace as Exercise
    >>> ex = [Exercise(id="e1", answer_name="f"), Exercise(id="e2", answer_name="g")]
    >>> cells = [Cell(number=1, source="def f(): ...", exercise="e1"),
    ...          Cell(number=2, source='check("e1", f)', exercise="e1"),
    ...          Cell(number=3, source="g = 2", exercise="e2"),
    ...          Cell(number=4, source='check("e2", g) or True', exercise="e2")]
    >>> check_cell_flags(cells, ex)
    ['check cell of e2 edited (cell 4)']
    """
    flags, found = [], []
    sources = [cell.source.strip() for cell in cells]
    for exercise in exercises:
        expected = check_cell_source(exercise)
        where = [index for index, source in enumerate(sources) if source == expected]
        if not where:
            # Its answer cell and, after it, a cell of the exercise that is not its check.
            tagged = [cell.number for cell in cells if cell.exercise == exercise.id]
            flags.append(f"check cell of {exercise.id} edited (cell {tagged[-1]})"
                         if len(tagged) > 1 else f"check cell of {exercise.id} removed")
            continue
        answers = [index for index, cell in enumerate(cells)
                   if cell.exercise == exercise.id and index not in where]
        if answers and where[-1] < answers[-1]:
            flags.append(f"check cell of {exercise.id} moved above its answer "
                         f"(cell {cells[where[-1]].number})")
        found.append(where[-1])
    if found != sorted(found):
        flags.append("check cells moved out of the notebook's order")
    return flags


def redefinition_flags(cells):
    """Flags for cells that rebind ``check``, a name the notebook imported from coursekit,
    or an attribute of an imported module.

    Examples
    --------
    >>> from types import SimpleNamespace as Cell
    >>> cells = [Cell(number=1, source="from coursekit.checks import check\\n"
    ...                                 "from coursekit.data import load_digits"),
    ...          Cell(number=5, source="def check(exercise_id, answer):\\n    pass"),
    ...          Cell(number=6, source="import numpy as np\\nnp.allclose = lambda *a: True"),
    ...          Cell(number=7, source="load_digits = None  # mine")]
    >>> redefinition_flags(cells)
    ['cell 5 redefines `check`', 'cell 6 changes `np.allclose`', 'cell 7 redefines `load_digits` (imported from coursekit.data)']
    """
    trees = [(cell.number, _parse(cell.source)) for cell in cells]
    imported = {}  # name -> the coursekit module it came from
    modules = set()
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coursekit"):
                for alias in node.names:
                    imported.setdefault(alias.asname or alias.name, node.module)
            elif isinstance(node, ast.Import):
                modules.update((alias.asname or alias.name).split(".")[0]
                               for alias in node.names)
    flags = []
    for number, tree in trees:
        for name, node in _bindings(tree):
            if node is not None and _is_import_of(node, name, imported):
                continue
            if name in CHECK_NAMES:
                flags.append(f"cell {number} redefines `{name}`")
            elif name in imported:
                flags.append(f"cell {number} redefines `{name}` (imported from "
                             f"{imported[name]})")
        for target in _attribute_targets(tree):
            if target.split(".")[0] in modules:
                flags.append(f"cell {number} changes `{target}`")
    return list(dict.fromkeys(flags))


def _parse(source):
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ast.Module(body=[], type_ignores=[])  # IPython magics, or not Python


def _is_import_of(node, name, imported):
    """Whether ``node`` is the notebook's own import of ``name`` from coursekit."""
    return (isinstance(node, ast.ImportFrom) and name in (*CHECK_NAMES, *imported)
            and (node.module or "").startswith("coursekit")
            and (name not in CHECK_NAMES or node.module == "coursekit.checks"))


def _bindings(tree):
    """(name, node) for every name a cell binds at any depth."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name, node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                yield (alias.asname or alias.name).split(".")[0], node
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            yield node.id, node
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            continue


def _attribute_targets(tree):
    """``a.b.c`` for every attribute a cell assigns or deletes."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)):
            parts, value = [node.attr], node.value
            while isinstance(value, ast.Attribute):
                parts.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name):
                yield ".".join([value.id, *reversed(parts)])


def integrity_flags(submission, exercises):
    """Every integrity flag of a submission (:func:`check_cell_flags`, :func:`redefinition_flags`).

    Parameters
    ----------
    submission : Submission
    exercises : sequence of Exercise
        The exercises of its notebook.

    Returns
    -------
    tuple of str
    """
    if submission.problem or not submission.cells:
        return ()
    return tuple(check_cell_flags(submission.cells, exercises)
                 + redefinition_flags(submission.cells))
