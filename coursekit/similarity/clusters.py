"""Groups of three or more students, each linked to the group by a flagged pair.

One copied answer passed along a chain (A to B, B to C) shows as pairs A-B and
B-C, perhaps not A-C; the group names all three at once. A group is a
connected part of the graph whose edges are the flagged pairs: it says who is
linked, not who wrote first.
"""


def groups(pairs, smallest=3):
    """The groups of linked students, largest first.

    Parameters
    ----------
    pairs : iterable of Pair
        One notebook's pairs; only flagged ones link.
    smallest : int, default=3
        Fewer students than this are no group (a pair is shown as a pair).

    Returns
    -------
    list of tuple of str
        Each group's students, sorted; the groups largest first.

    Examples
    --------
    >>> from types import SimpleNamespace as P
    >>> groups([P(student_a="a", student_b="b", flagged=True),
    ...         P(student_a="b", student_b="c", flagged=True),
    ...         P(student_a="d", student_b="e", flagged=True),
    ...         P(student_a="c", student_b="d", flagged=False)])
    [('a', 'b', 'c')]
    """
    parent = {}

    def root(student):
        parent.setdefault(student, student)
        while parent[student] != student:
            parent[student] = parent[parent[student]]  # halve the path as we go
            student = parent[student]
        return student

    for pair in pairs:
        if pair.flagged:
            parent[root(pair.student_a)] = root(pair.student_b)
    members = {}
    for student in parent:
        members.setdefault(root(student), []).append(student)
    found = [tuple(sorted(group)) for group in members.values() if len(group) >= smallest]
    return sorted(found, key=lambda group: (-len(group), group))
