"""Which of the notebook's names a learner's function reads from outside itself.

A function that reads the notebook's labels (``np.unique(y)``) instead of its own
parameters gives the right numbers on the notebook's parts, which hold every digit,
and wrong ones on any other: the check's own parts cannot show it, so the kernel
tells the judge which outside names the function's code reads.
"""

import dis
import inspect
import types


def global_reads(func, names):
    """The names among ``names`` that ``func`` reads as globals, sorted.

    Reads in the function's nested code (comprehensions, inner functions, lambdas)
    count; a parameter or a local variable of the same name does not, nor does an
    attribute (``model.y``). A callable that is not a Python function has no code to
    read: an empty list. A wrapper made with :func:`functools.wraps` is read through to
    the function it wraps.

    Parameters
    ----------
    func : callable
        The learner's function.
    names : iterable of str
        The names to look for, such as the notebook's data parts.

    Examples
    --------
    >>> y = [0, 1]
    >>> def classes(labels):
    ...     return sorted(set(y))
    >>> global_reads(classes, {"y", "X"})
    ['y']
    >>> global_reads(lambda y: sorted(set(y)), {"y"})
    []
    """
    try:
        # The check's own wrapper (functools.wraps) keeps the learner's function.
        func = inspect.unwrap(func)
    except ValueError:  # a chain of __wrapped__ that loops
        return []
    code = getattr(func, "__code__", None)
    if not isinstance(code, types.CodeType):
        return []
    wanted = set(names)
    found = set()
    codes = [code]
    while codes:
        current = codes.pop()
        for instruction in dis.get_instructions(current):
            if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME") \
                    and instruction.argval in wanted:
                found.add(instruction.argval)
        codes.extend(const for const in current.co_consts if isinstance(const, types.CodeType))
    return sorted(found)
