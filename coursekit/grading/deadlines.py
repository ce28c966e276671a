"""When work was handed in, when it was due, and what lateness costs.

Times are kept as aware :class:`~datetime.datetime` values in UTC and written
as ISO 8601 (``2026-10-01T21:59:00+00:00``), so a store read on another
machine, in another time zone, gives the same lateness.
"""

import math
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

#: The file nbgrader's exchange leaves beside each collected assignment.
NBGRADER_TIMESTAMP = "timestamp.txt"

#: Late policies: no penalty, nothing for late work, or a percentage per started day or hour.
LATE_POLICIES = ("none", "zero", "per-day", "per-hour")

# Zone names with one meaning; nbgrader writes "UTC" unless configured otherwise.
_UTC_NAMES = ("UTC", "GMT", "Z")
_SPACED = re.compile(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(.*)$")


def parse_time(text, name):
    """``text`` as an aware time in UTC.

    ISO 8601 with a zone (``2026-10-01T23:59+02:00``, ``...Z``) and nbgrader's
    ``2026-10-01 21:59:00.123456 UTC`` are read; a time without a zone is
    refused, since it would mean another moment on another machine.

    Parameters
    ----------
    text : str or datetime
    name : str
        What the time is, for the error message.

    Raises
    ------
    ValueError
        Naming ``name``, when the time cannot be read or has no zone.

    Examples
    --------
    >>> parse_time("2026-10-01 21:59:00.5 UTC", "due").isoformat()
    '2026-10-01T21:59:00.500000+00:00'
    >>> parse_time("2026-10-01T23:59+02:00", "due").isoformat()
    '2026-10-01T21:59:00+00:00'
    >>> parse_time("2026-10-01 23:59", "due")
    Traceback (most recent call last):
    ...
    ValueError: due: '2026-10-01 23:59' has no time zone; write it as 2026-10-01T23:59:00+02:00 or with Z for UTC
    """
    if isinstance(text, datetime):
        moment = text
    else:
        moment = _parse_text(str(text).strip(), name)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name}: {str(text)!r} has no time zone; write it as "
                         f"2026-10-01T23:59:00+02:00 or with Z for UTC")
    return moment.astimezone(timezone.utc)


def _parse_text(text, name):
    match = _SPACED.match(text)
    if match:
        day, clock, zone = match.groups()
        if zone.upper() in _UTC_NAMES:
            zone = "+00:00"
        text = f"{day}T{clock}{zone}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name}: cannot read {text!r} as a time; write it as "
                         f"2026-10-01T23:59:00+02:00 (ISO 8601 with its zone)") from None


def format_time(moment):
    """``moment`` as the store writes it: ISO 8601 in UTC, to the microsecond."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def read_nbgrader_timestamp(path):
    """The time nbgrader recorded for a submission, from its ``timestamp.txt``.

    Raises
    ------
    ValueError
        Naming the file, when it cannot be read or holds no time with a zone.
    """
    path = Path(path)
    try:
        text = path.read_bytes()[:200].decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read nbgrader's timestamp ({exc})") from None
    return parse_time(text.splitlines()[0] if text else "", str(path))


def file_time(path):
    """The modification time of ``path`` itself (a link is not followed), in UTC."""
    return datetime.fromtimestamp(Path(path).lstat().st_mtime, timezone.utc)


@dataclass(frozen=True)
class LatePolicy:
    """What handing in late costs.

    Parameters
    ----------
    kind : {"none", "zero", "per-day", "per-hour"}
        ``none``: late work keeps its points (its lateness is still shown);
        ``zero``: late work earns nothing; ``per-day`` / ``per-hour``:
        ``percent`` of the points off for each day or hour begun after the due
        time (after ``grace_minutes``).
    percent : float, default=0
        Percent off per day or hour begun.
    cap : float, default=100
        The most percent taken off in all.
    grace_minutes : float, default=0
        Minutes after the due time that still count as on time.

    Raises
    ------
    ValueError
        Naming the setting out of range.

    Examples
    --------
    >>> policy = LatePolicy("per-day", percent=10, cap=30)
    >>> policy.deduction(timedelta(hours=1)), policy.deduction(timedelta(days=5))
    (10.0, 30.0)
    >>> policy.apply(8, timedelta(days=1, seconds=1))
    6.4
    >>> LatePolicy.parse("5%/hour").percent
    5.0
    """

    kind: str = "none"
    percent: float = 0.0
    cap: float = 100.0
    grace_minutes: float = 0.0

    def __post_init__(self):
        if self.kind not in LATE_POLICIES:
            raise ValueError(f"late policy must be one of {', '.join(LATE_POLICIES)} "
                             f"(or like 10%/day); got {self.kind!r}")
        for name, low, high in (("percent", 0, 100), ("cap", 0, 100),
                                ("grace_minutes", 0, None)):
            value = getattr(self, name)
            if (isinstance(value, bool) or not isinstance(value, (int, float))
                    or not math.isfinite(value) or value < low
                    or (high is not None and value > high)):
                span = f"from {low} to {high}" if high is not None else f"of at least {low}"
                raise ValueError(f"late {name} must be a number {span}; got {value!r}")
            object.__setattr__(self, name, float(value))

    @classmethod
    def parse(cls, text, cap=100.0, grace_minutes=0.0):
        """The policy written as ``none``, ``zero``, ``10%/day`` or ``5%/hour``."""
        text = str(text).strip().lower()
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%?\s*(?:/|per)\s*(day|hour)", text)
        if match:
            return cls(f"per-{match.group(2)}", float(match.group(1)), cap, grace_minutes)
        return cls(text, 0.0, cap, grace_minutes)

    def describe(self):
        """The policy in a few words, for feedback and reports."""
        if self.kind == "per-day" or self.kind == "per-hour":
            unit = self.kind[4:]
            text = f"{self.percent:g}% off per {unit} late, at most {self.cap:g}%"
        else:
            text = {"none": "no penalty for late work",
                    "zero": "late work earns no points"}[self.kind]
        if self.grace_minutes:
            text += f" ({self.grace_minutes:g} minutes' grace)"
        return text

    def deduction(self, late_by):
        """The percent taken off for handing in ``late_by`` after the due time."""
        late = late_by - timedelta(minutes=self.grace_minutes)
        if late <= timedelta(0) or self.kind == "none":
            return 0.0
        if self.kind == "zero":
            return 100.0
        unit = timedelta(days=1) if self.kind == "per-day" else timedelta(hours=1)
        started = math.ceil(late / unit)
        return min(self.cap, self.percent * started)

    def apply(self, points, late_by):
        """``points`` after the deduction for ``late_by``, to two decimals."""
        return round(points * (1 - self.deduction(late_by) / 100), 2)


@dataclass(frozen=True)
class Deadlines:
    """Due times per notebook, the late policy, and which notebooks each assignment holds.

    Attributes
    ----------
    due : dict
        Notebook -> aware due time (UTC).
    policy : LatePolicy
    assignments : dict
        nbgrader assignment name -> notebooks it may hold; an assignment not
        listed holds the notebook of its own name.
    columns : dict
        Notebook -> the column name an LMS export gives it (Canvas:
        ``Name (assignment id)`` updates that assignment).
    """

    due: dict = field(default_factory=dict)
    policy: LatePolicy = LatePolicy()
    assignments: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)

    def late_by(self, notebook, submitted_at):
        """How late ``submitted_at`` is for ``notebook`` (``timedelta(0)`` when on time or not due)."""
        due = self.due.get(notebook)
        if due is None or submitted_at is None or submitted_at <= due:
            return timedelta(0)
        return submitted_at - due

    def lateness_note(self, notebook, submitted_at, max_points=None):
        """A sentence for the learner on how late ``submitted_at`` is, or ``""`` if on time.

        Examples
        --------
        >>> due = Deadlines({"nb01": parse_time("2026-10-01T22:00Z", "due")},
        ...                 LatePolicy("per-day", 10))
        >>> due.lateness_note("nb01", parse_time("2026-10-02T10:00Z", "t"))
        'Handed in 2026-10-02 10:00 UTC, 12.0 hours after the due time (2026-10-01 22:00 UTC): 10% off (10% off per day late, at most 100%).'
        """
        late_by = self.late_by(notebook, submitted_at)
        if not late_by:
            return ""
        hours = late_by / timedelta(hours=1)
        how = f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"
        cost = self.policy.deduction(late_by)
        return (f"Handed in {submitted_at:%Y-%m-%d %H:%M} UTC, {how} after the due time "
                f"({self.due[notebook]:%Y-%m-%d %H:%M} UTC): {cost:g}% off "
                f"({self.policy.describe()}).")

    def notebooks_of(self, assignment):
        """The notebooks ``assignment`` may hold."""
        return tuple(self.assignments.get(assignment, (assignment,)))

    @classmethod
    def read(cls, path, notebooks):
        """Read a course's TOML file of due dates.

        ::

            [due]                # one line per notebook
            nb01_vectors = 2026-10-01T23:59:00+02:00
            [late]
            policy = "10%/day"   # none, zero, 10%/day, 5%/hour
            cap = 50             # at most 50% off
            grace_minutes = 10
            [assignments]        # only when an assignment holds other notebooks
            hw1 = ["nb01_vectors", "nb02_matrices"]
            [columns]            # the LMS export's column of a notebook
            nb01_vectors = "Vectors (1234)"

        Parameters
        ----------
        path : path-like
        notebooks : iterable of str
            The course's notebooks; any other name in the file is refused.

        Raises
        ------
        ValueError
            Naming ``due-dates``, the file and what is wrong in it.
        """
        path, known = Path(path), list(notebooks)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"due-dates: cannot read {path} ({exc})") from None
        unknown = set(data) - {"due", "late", "assignments", "columns"}
        if unknown:
            raise ValueError(f"due-dates: {path} has sections {sorted(unknown)}; the sections "
                             f"are due, late, assignments and columns")

        def notebook_table(section):
            table = data.get(section, {})
            if not isinstance(table, dict):
                raise ValueError(f"due-dates: [{section}] in {path} must be a table")
            strange = [name for name in table if name not in known]
            if strange:
                raise ValueError(f"due-dates: [{section}] in {path} names {strange}, not "
                                 f"notebooks of this course: {', '.join(known)}")
            return table

        due = {name: parse_time(value, f"due-dates: {path} [due] {name}")
               for name, value in notebook_table("due").items()}
        columns = {name: str(value) for name, value in notebook_table("columns").items()}
        late = data.get("late", {})
        if not isinstance(late, dict):
            raise ValueError(f"due-dates: [late] in {path} must be a table")
        try:
            policy = LatePolicy.parse(late.get("policy", "none"), late.get("cap", 100.0),
                                      late.get("grace_minutes", 0.0))
        except ValueError as exc:
            raise ValueError(f"due-dates: {path} [late]: {exc}") from None
        assignments = {}
        for name, held in data.get("assignments", {}).items():
            if (not isinstance(held, list) or not held
                    or any(notebook not in known for notebook in held)):
                raise ValueError(f"due-dates: [assignments] {name} in {path} must be a list "
                                 f"of this course's notebooks ({', '.join(known)})")
            assignments[name] = tuple(held)
        return cls(due, policy, assignments, columns)
