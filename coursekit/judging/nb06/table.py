"""Notebook 06, exercises 1 and 2: the grid's table, and what its scores say."""

import numpy as np

from ...checks import nb06 as specs
from ...checks.results import correct, wrong
from ..base import Judge
from ..questions import Question
from .settings import penalty_name

#: How close a table's C must be to the argument given: float precision, nothing rounded.
C_RTOL = 1e-12


class GridTable(Judge, specs.GridTable):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        # Other values of C than the notebook's, the penalties in both orders and one
        # alone: an answer that ignores an argument (or zips the two) shows. Values of C
        # with every digit used: an answer that rounds them shows too.
        # The rows follow the order of the arguments, which need not be sorted: the
        # second case gives C in neither rising nor falling order, an answer that sorts
        # them shows.
        return [((1, 0), tuple(np.logspace(-2, 2, 5))),
                ((0, 1), tuple(np.sort(rng.uniform(0.1, 50, 3))[[1, 2, 0]])),
                ((1,), (2.0, 0.5)),
                ((0, 1), (7.0,))]
    def describe_case(self, case):
        l1_ratios, C_values = case
        # The arguments' types as the kernel passes them (GridTable.call).
        return (f"grid_table({tuple(l1_ratios)}, a numpy array of {len(C_values)} "
                "value(s) of C)")

    def error_hint(self, case, error):
        if "same length" not in error and "Length of values" not in error:
            return None
        return ("the columns came out of different lengths. `C_values` is a numpy array, as "
                "the notebook's `np.logspace` makes it: `C_values * 2` doubles each value "
                "instead of repeating the list. Repeat it with `np.tile(C_values, "
                "len(l1_ratios))` or `list(C_values) * len(l1_ratios)`, or build one dict "
                "per row in two loops.")

    def judge(self, payload, cases):
        # How the rows' order differs from the arguments' is read from every case at
        # once: one case alone cannot tell a sorted list from a reversed one, or from
        # the notebook's own values typed in.
        reordered = _argument_order(cases, payload["outputs"])
        for case, facts in zip(cases, payload["outputs"]):
            verdict = self._judge_case(case, facts, reordered)
            if verdict is not None:
                return verdict
        return correct("one row per pair of penalty and C, all values of C for each penalty "
                       "in turn, with the penalty's name next to its l1_ratio.")

    def _judge_case(self, case, facts, reordered=None):
        l1_ratios, C_values = case
        call = self.describe_case(case)
        verdict = _judge_columns(call, facts)
        if verdict is not None:
            return verdict
        if facts.get("changed_input"):
            return wrong(f"{call} changed the array `C_values` it was given, in place "
                         "(`C_values.sort()`, `C_values[...] = ...`): the grid's cell "
                         "reads it again.",
                         "read `C_values` without changing it, and loop over it as it "
                         "comes: no `.sort()`, no assigning into it.")
        expected = [(float(r), float(c)) for r in l1_ratios for c in C_values]
        # plain() made an array of a column of numbers; text or a mix stays a list.
        ratios, Cs = (facts[name] for name in ("l1_ratio", "C"))
        if not all(isinstance(v, np.ndarray) and v.dtype.kind in "iuf" for v in (ratios, Cs)):
            return wrong(f"{call}: `l1_ratio` and `C` should hold numbers.",
                         "store the numbers themselves, not text such as '0.01'.")
        got = [(float(r), float(c)) for r, c in zip(ratios, Cs)]
        if len(got) == min(len(l1_ratios), len(C_values)) and len(got) < len(expected):
            return wrong(f"{call} has {len(got)} rows, not {len(expected)}: the values were "
                         "paired up one to one (as `zip` does), not every penalty with every C.",
                         "loop over both, one inside the other: `for l1_ratio in l1_ratios: "
                         "for C in C_values:` (or `itertools.product`).")
        verdict = _judge_values(call, got, expected, (l1_ratios, C_values))
        if verdict is not None:
            return verdict
        sorted_order = _sorted_argument(got, l1_ratios, C_values)
        if sorted_order is not None:
            how, hint = reordered or (sorted_order + _FOLLOW, _AS_THEY_COME)
            return wrong(f"{call} has the right rows, but {how}.", hint)
        if not np.allclose(got, expected, rtol=C_RTOL, atol=0):
            return wrong(f"{call} has the right rows in another order.",
                         "all values of C for the first l1_ratio, then all for the next: "
                         "the loop over the penalties outside, the one over C inside. The "
                         "notebook fills the scores in that order.")
        verdict = _judge_penalties(call, facts.get("penalty"), expected)
        if verdict is not None:
            return verdict
        return _judge_row_labels(call, facts)


def _judge_penalties(call, penalties, expected):
    """Does each row's `penalty` name its l1_ratio, as text? None when it does.

    ``penalties`` is the column as it travelled: a list of text, or an array when it
    holds numbers (the wire makes one of them).
    """
    names = [penalty_name(r) for r, _ in expected]
    got = penalties.tolist() if hasattr(penalties, "tolist") else list(penalties or [])
    if got == names:
        return None
    hint = "name each row's penalty from its l1_ratio, as text: \"L1\" for 1, \"L2\" for 0."
    if not all(isinstance(value, str) for value in got):
        return wrong(f"{call}: the `penalty` column holds {got[:4]}..., not the names "
                     f"\"L1\" and \"L2\".", hint)
    if len(got) != len(names):
        return wrong(f"{call}: the `penalty` column holds {len(got)} value(s) for "
                     f"{len(names)} rows.", hint)
    row = next(i for i, (value, name) in enumerate(zip(got, names)) if value != name)
    return wrong(f"{call}: row {row} (l1_ratio {expected[row][0]:g}) has the penalty "
                 f"{got[row]!r}, expected {names[row]!r}; the column holds {got[:6]}....",
                 hint)


def _judge_values(call, got, expected, arguments):
    """Are the rows' values those of the arguments, every pair once? None when they are."""
    l1_ratios, C_values = arguments
    rounded = _rounded_C(got, expected)
    if rounded is not None:
        return wrong(f"{call}: the `C` column holds {rounded[0]!r} where the argument was "
                     f"{rounded[1]!r}: the values of C were rounded or changed.",
                     "store each value of `C_values` exactly as given: no `round` and "
                     "no formatting; the search is fitted with these very numbers.")
    if len(got) == len(expected) and not np.allclose(
            sorted(got), sorted(expected), rtol=C_RTOL, atol=0):
        want = sorted({c for _, c in expected})
        have = sorted({c for _, c in got})
        return wrong(f"{call} has the right number of rows, but other values: its `C` "
                     f"column holds {[round(c, 4) for c in have][:4]}..., the arguments "
                     f"were {[round(c, 4) for c in want][:4]}... (and `l1_ratio` "
                     f"{sorted({r for r, _ in got})} for {sorted({r for r, _ in expected})}).",
                     "store each value of `l1_ratios` and `C_values` as given: no "
                     "`int(...)`, no scaling, no logarithm, and not the notebook's own "
                     "values.")
    if len(got) != len(expected):
        verdict = _judge_rows_missing_or_repeated(call, got, expected)
        if verdict is not None:
            return verdict
        return wrong(f"{call} has {len(got)} rows; expected {len(expected)}, one for each "
                     f"of the {len(l1_ratios)} penalties with each of the "
                     f"{len(C_values)} values of C.",
                     "build the rows from the arguments `l1_ratios` and `C_values`, not "
                     "from the notebook's own values.")
    return None


def _judge_rows_missing_or_repeated(call, got, expected):
    """Rows of the arguments' pairs, some left out or some twice; None for other rows."""
    if not got or any(pair not in expected for pair in got):
        return None  # other values: not the arguments' rows
    missing = [pair for pair in expected if pair not in got]
    if missing:
        shown = ", ".join(f"{penalty_name(r)} with C={c:.3g}" for r, c in missing[:4])
        return wrong(f"{call} has {len(got)} rows; expected {len(expected)}: the rows of "
                     f"{shown}{', ...' if len(missing) > 4 else ''} are missing.",
                     "loop over every value of both arguments, `for l1_ratio in l1_ratios:` "
                     "and `for C in C_values:`: a `range(len(C_values) - 1)` or a slice "
                     "stops one short.")
    if len(got) < len(expected):
        return None  # every pair there, yet fewer rows: pairs the arguments repeat
    return wrong(f"{call} has {len(got)} rows; expected {len(expected)}: some pairs of "
                 "l1_ratio and C come more than once.",
                 "build each row once: one dict per pair, appended in one loop inside the "
                 "other, with nothing appended or joined again afterwards.")


def _label_text(label):
    """A row label as a message shows it: text quoted, so that labels "0", "1" do not read
    as the positions 0, 1 they are not; a number as the number, whichever type carried it
    (numpy's ``repr`` writes ``np.int64(0)``).

    Examples
    --------
    >>> _label_text("0"), _label_text(np.int64(3)), _label_text(0.5)
    ("'0'", '3', '0.5')
    """
    if isinstance(label, np.generic):
        label = label.item()
    return str(label) if isinstance(label, (int, float)) else repr(label)


def _judge_row_labels(call, facts):
    """Does every row have a label of its own? None when it does.

    `best_row` looks a row up by its label: with a label twice, `table.loc[label]`
    gives a table of rows, and the notebook's next cell fails on formatting it.
    """
    shown = facts.get("index")
    labels = ", ".join(_label_text(label)
                       for label in list(shown if shown is not None else [])[:8])
    if facts.get("index_unique") is not False:
        if facts.get("index_positions") is not False:
            return None
        return wrong(f"{call} labels its rows {labels}, ...: not their positions 0, 1, 2, "
                     "... as a new table's rows are. Exercise 3 relies on labels and "
                     "positions agreeing in this table.",
                     "leave the row labels as `pd.DataFrame(rows)` makes them: no "
                     "`set_index`, no changed `index`.")
    moved = [str(name) for name in facts.get("index_names") or []]
    if moved:
        return wrong(f"{call} gives several rows the same label (the row labels begin "
                     f"{labels}, ...): `set_index` made the values of "
                     f"{', '.join(map(repr, moved))} the row labels, and they repeat.",
                     "leave the row labels as `pd.DataFrame(rows)` makes them: no "
                     "`set_index`. `best_row` looks a row up by its label, and "
                     "`table.loc[label]` gives a table when the label is there twice.")
    return wrong(f"{call} gives several rows the same label (the row labels begin "
                 f"{labels}, ...): `pd.concat` keeps the labels of each table it joins.",
                 "give each row a label of its own: `pd.concat(parts, ignore_index=True)`, "
                 "or collect all rows in one list of dicts and `return pd.DataFrame(rows)`. "
                 "`best_row` looks a row up by its label, and `table.loc[label]` gives a "
                 "table when the label is there twice.")


def _judge_columns(call, facts):
    """Is the answer a DataFrame with the three columns asked, no more? None when it is."""
    if facts.get("type") != "DataFrame":
        return wrong(f"{call} returned a {facts.get('type')}, not a pandas DataFrame.",
                     "collect the rows in a list of dicts, then "
                     "`return pd.DataFrame(rows)`.")
    columns = list(facts.get("columns") or [])
    missing = [c for c in ("penalty", "l1_ratio", "C") if c not in columns]
    moved = [c for c in missing if c in (facts.get("index_names") or [])]
    if moved:
        return wrong(f"{call}: {', '.join(repr(c) for c in moved)} became the table's row "
                     "labels (`set_index`), so the table no longer has them as columns.",
                     "keep them as columns, as `pd.DataFrame(rows)` makes them: no "
                     "`set_index`; the next cells read `table[\"C\"]` and the others by "
                     "name.")
    if missing:
        return wrong(f"{call}: the table has the columns {columns}, without "
                     f"{', '.join(repr(c) for c in missing)}.",
                     "name the columns exactly `penalty`, `l1_ratio` and `C`: the next "
                     "cells read them by name.")
    extra = [c for c in columns if c not in ("penalty", "l1_ratio", "C")]
    if extra:
        return wrong(f"{call}: the table has the columns {columns}; the exercise asks for "
                     f"three, `penalty`, `l1_ratio` and `C`, without "
                     f"{', '.join(repr(c) for c in extra)}.",
                     "leave out the other columns: the grid's cell adds the score columns "
                     "to this table itself, and the notebook shows the table as it is.")
    return None


_FOLLOW = ": the rows follow the order in which the arguments are given"
_AS_THEY_COME = ("loop over `l1_ratios` and `C_values` as they come, without `sorted(...)`, "
                 "`np.sort` or `[::-1]`: the grid below fills in its scores in the order of "
                 "its own values.")

#: Ways of reordering the arguments: what each says happened, how it reorders the
#: l1_ratios and the values of C, and the hint. The notebook's penalties typed in
#: (1, then 0, whatever the argument) are the last: they are told by the cases in
#: which the argument is another.
_REORDERINGS = (
    ("the values of C were sorted" + _FOLLOW, lambda r: r, sorted, _AS_THEY_COME),
    ("the values of C were sorted from the largest down" + _FOLLOW,
     lambda r: r, lambda c: sorted(c, reverse=True), _AS_THEY_COME),
    ("the values of C were reversed" + _FOLLOW,
     lambda r: r, lambda c: list(c)[::-1], _AS_THEY_COME),
    ("the l1_ratios were sorted" + _FOLLOW, sorted, lambda c: c, _AS_THEY_COME),
    ("the l1_ratios were sorted from the largest down" + _FOLLOW,
     lambda r: sorted(r, reverse=True), lambda c: c, _AS_THEY_COME),
    ("the l1_ratios were reversed" + _FOLLOW,
     lambda r: list(r)[::-1], lambda c: c, _AS_THEY_COME),
    ("the l1_ratios come as 1, then 0, whatever `l1_ratios` holds: the notebook's "
     "penalties typed in",
     lambda r: (1, 0), lambda c: c,
     "loop over the argument itself, `for l1_ratio in l1_ratios:`, not over values typed "
     "in: the check calls `grid_table` with other penalties, in another order."),
)


def _rows(facts):
    """The (l1_ratio, C) pairs of a table's facts, or None when they are not numbers."""
    if not isinstance(facts, dict):
        return None
    ratios, Cs = facts.get("l1_ratio"), facts.get("C")
    if not all(isinstance(v, np.ndarray) and v.dtype.kind in "iuf" for v in (ratios, Cs)):
        return None
    return [(float(r), float(c)) for r, c in zip(ratios, Cs)]


def _argument_order(cases, outputs):
    """(what happened, hint) for the one reordering that explains every case's rows.

    None when the rows of some case follow the arguments and no reordering differs
    from them, or when no single reordering explains every case.
    """
    tables = [(case, _rows(facts)) for case, facts in zip(cases, outputs)]
    tables = [(case, rows) for case, rows in tables if rows is not None]
    for what, order_ratios, order_Cs, hint in _REORDERINGS:
        explains, differs = bool(tables), False
        for (l1_ratios, C_values), rows in tables:
            given = [(float(r), float(c)) for r in l1_ratios for c in C_values]
            order = [(float(r), float(c)) for r in order_ratios(l1_ratios)
                     for c in order_Cs(C_values)]
            differs = differs or order != given
            if len(rows) != len(order) or not np.allclose(rows, order, rtol=C_RTOL, atol=0):
                explains = False
                break
        if explains and differs:
            return what, hint
    return None


def _sorted_argument(got, l1_ratios, C_values):
    """How the rows ``got`` reordered an argument (text), or None when they did not."""
    given = [(float(r), float(c)) for r in l1_ratios for c in C_values]
    for ratios, Cs, what in (
            (l1_ratios, sorted(C_values), "the values of C were sorted"),
            (l1_ratios, sorted(C_values, reverse=True), "the values of C were reordered"),
            (l1_ratios, list(C_values)[::-1], "the values of C were reordered"),
            (sorted(l1_ratios), C_values, "the l1_ratios were sorted"),
            (sorted(l1_ratios, reverse=True), C_values, "the l1_ratios were reordered")):
        order = [(float(r), float(c)) for r in ratios for c in Cs]
        if order != given and len(got) == len(order) and np.allclose(
                got, order, rtol=C_RTOL, atol=0):
            return what
    return None


def _rounded_C(got, expected):
    """(C in the table, C given) for the first C near its argument but not it, else None."""
    if len(got) != len(expected):
        return None
    for (got_ratio, got_C), (ratio, C) in zip(sorted(got), sorted(expected)):
        if got_ratio != ratio or not np.isclose(got_C, C, rtol=1e-2, atol=0):
            return None  # another table altogether, not the same one rounded
    for (_, got_C), (_, C) in zip(sorted(got), sorted(expected)):
        if not np.isclose(got_C, C, rtol=C_RTOL, atol=0):
            return got_C, C
    return None


class UnderOver(Question, specs.UnderOver):
    options = {
        "a": ("Under-fitting at the smallest values of C, where both parts score low; "
              "over-fitting at the largest, where the training score keeps rising and the "
              "test score no longer follows.",
              "a strong penalty leaves the model too simple for either part; a weak one lets "
              "it learn details of the training images that do not carry over."),
        "b": ("Under-fitting at the largest values of C, over-fitting at the smallest.",
              "the other way round: a small C is a strong penalty (on the digits, L1 with "
              "C = 0.01 scores 0.5 on both parts, a coin toss): too simple, not too "
              "flexible."),
        "c": ("Over-fitting at the smallest values of C, since there the training and test "
              "scores are equal.",
              "equal scores on both parts are not over-fitting; equal *low* scores mean the "
              "model learned too little: under-fitting."),
        "d": ("Neither: every setting scores above 0.99 on the test part.",
              "the table's first rows say otherwise: the smallest values of C score well "
              "under 0.99 on the test part (on the digits, L1 with C = 0.01 scores 0.5, "
              "and C = 0.0215 only 0.945)."),
    }
    right = "a"
