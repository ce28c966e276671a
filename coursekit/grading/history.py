"""One student's record, as the instructor reads it in a dispute: every attempt, every grading."""

from datetime import timedelta

from .deadlines import Deadlines
from .exports import counted, number


def _moment(when):
    return when.strftime("%Y-%m-%d %H:%M:%S UTC") if when is not None else "an unknown time"


def _lateness(late_by, policy):
    if not late_by:
        return "on time"
    hours = late_by / timedelta(hours=1)
    text = f"{hours:.1f} h late" if hours < 48 else f"{hours / 24:.1f} days late"
    deduction = policy.deduction(late_by)
    return text + (f", {number(deduction)}% off" if deduction else "")


def differences(first, second):
    """How two gradings of one attempt differ: one line per difference, none if the same.

    Examples
    --------
    >>> from coursekit.grading.store import Grading, Verdict
    >>> a = Grading(1, 1, None, 7, "ok", "", 1, 2, (), False, "g",
    ...             (Verdict("e1", 1, 1, "correct"), Verdict("e2", 0, 1, "wrong")))
    >>> differences(a, a)
    []
    >>> import dataclasses
    >>> b = dataclasses.replace(a, verdicts=(a.verdicts[0], Verdict("e2", 1, 1, "correct")))
    >>> differences(a, b)
    ['e2: 0 (wrong) then 1 (correct)']
    """
    lines = []
    if (first.status, first.reason) != (second.status, second.reason):
        lines.append(f"status: {first.status} ({first.reason}) then {second.status} "
                     f"({second.reason})")
    before = {v.exercise: v for v in first.verdicts}
    after = {v.exercise: v for v in second.verdicts}
    for exercise in dict.fromkeys([*before, *after]):
        one, two = before.get(exercise), after.get(exercise)
        if one is None or two is None:
            lines.append(f"{exercise}: only in the {'second' if one is None else 'first'}")
        elif one != two:
            lines.append(f"{exercise}: {number(one.points)} ({one.status}) then "
                         f"{number(two.points)} ({two.status})")
    return lines


def student_history(store, student, deadlines=None):
    """Every attempt of ``student``, oldest first, with each grading: lines of text.

    Parameters
    ----------
    store : coursekit.grading.store.Store
    student : str
    deadlines : Deadlines, optional
        For the lateness and the deduction of each attempt.

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        Naming ``student`` when the store has no attempt of theirs.
    """
    deadlines = deadlines or Deadlines()
    attempts = store.attempts(student=student)
    if not attempts:
        known = ", ".join(s for s in store.students() if s) or "none"
        raise ValueError(f"student: no attempt of {student!r} in {store.path} "
                         f"(students there: {known})")
    table, _ = counted(store, deadlines)
    counting = {item.attempt.id: item for item in table.values()}
    lines = [f"{student}: {len(attempts)} attempt{'s' * (len(attempts) != 1)}"]
    for notebook in dict.fromkeys(a.notebook for a in attempts):
        lines.append(f"  {notebook or '(notebook unknown)'}")
        for attempt in (a for a in attempts if a.notebook == notebook):
            lines += _attempt_lines(store, attempt, counting.get(attempt.id), deadlines)
    return lines


def _attempt_lines(store, attempt, counts, deadlines):
    late_by = deadlines.late_by(attempt.notebook, attempt.submitted_at)
    lateness = (_lateness(late_by, deadlines.policy) if attempt.notebook in deadlines.due
                else "no due date given")
    lines = [f"    attempt {attempt.id}: handed in {_moment(attempt.submitted_at)} "
             f"({attempt.time_source}), {lateness}"
             + (f"; COUNTS: {number(counts.points)}" if counts else ""),
             f"      {attempt.file}"
             + (f" (assignment {attempt.assignment})" if attempt.assignment else "")
             + f", sha256 {attempt.sha256[:12]}"]
    lines += [f"      flag: {flag}" for flag in attempt.flags]
    gradings = store.gradings(attempt.id)
    if not gradings:
        lines.append(f"      not graded yet ({attempt.state})")
    for index, grading in enumerate(gradings):
        kind = "regraded" if grading.regrade else "graded"
        lines.append(f"      {kind} {_moment(grading.graded_at)}: {grading.status}, "
                     f"{number(grading.total)}/{number(grading.max_total)}"
                     + (f" ({grading.reason})" if grading.reason else ""))
        if index and grading.status != "error":
            changed = differences(gradings[0], grading)
            lines += ([f"        differs from the first: {line}" for line in changed]
                      or ["        the same verdicts as the first grading"])
        lines += [f"      flag: {flag}" for flag in grading.flags]
    if gradings:
        lines += verdict_lines(gradings[-1], "      ")
    return lines


def verdict_lines(grading, indent=""):
    """Each exercise of ``grading`` that did not earn all its points, with the case it
    failed on (input, expected, given: secret cases too, for the instructor).

    Examples
    --------
    >>> from coursekit.grading.store import Grading, Verdict
    >>> grading = Grading(1, 1, None, 7, "ok", "", 0, 1, (), False, "g", (Verdict(
    ...     "01-scale-pixels", 0, 1, "wrong", "not scaled.", "", "input:    to_vector(x)"),))
    >>> print("\\n".join(verdict_lines(grading)))
    01-scale-pixels: 0/1, wrong: not scaled.
      input:    to_vector(x)
    """
    lines = []
    for verdict in grading.verdicts:
        if verdict.points >= verdict.max_points:
            continue
        lines.append(f"{indent}{verdict.exercise}: {number(verdict.points)}/"
                     f"{number(verdict.max_points)}, {verdict.status}: {verdict.message}")
        lines += [f"{indent}  {line}" for line in verdict.detail.splitlines()]
    return lines
