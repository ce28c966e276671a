"""The gradebook's record: every attempt and every grading of it, in one SQLite file.

An *attempt* is one file's content handed in by one student (a resubmission
is a new attempt; the first stays, and so do its bytes, for a regrade). A *grading* is one run of the grader on
an attempt, with the points and the verdict of each exercise; a regrade adds
a grading and changes none. Nothing is updated in place but an attempt's
state (pending, claimed, graded).

Every change is one transaction, so a grader killed at any moment leaves the
store as it was before the change or after it, never between; two graders
on one store take turns at writing (SQLite's write lock, in WAL mode so
readers never wait), and each attempt is *claimed* by one of them before it
is graded. A claim whose grader has died (same machine: its process is gone;
another machine: the claim is older than ``lease`` seconds) may be claimed
again.
"""

import dataclasses
import hashlib
import json
import os
import secrets
import socket
import sqlite3
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .deadlines import format_time, parse_time

#: The version of the tables below; a store from a newer coursekit is refused.
SCHEMA_VERSION = 2
# "CkGb": marks the file as a coursekit gradebook for `file`-like tools and for us.
_APPLICATION_ID = 0x436B4762
#: Seconds a claim of another machine's grader holds before it may be taken over.
DEFAULT_LEASE = 3 * 3600

_SCHEMA = """
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    student TEXT NOT NULL,
    assignment TEXT NOT NULL,
    notebook TEXT NOT NULL,
    submitted_at TEXT,
    time_source TEXT NOT NULL,
    found_at TEXT NOT NULL,
    seed TEXT NOT NULL,
    flags TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'claimed', 'graded')),
    claimed_by TEXT,
    claimed_at TEXT,
    UNIQUE (file, sha256, student)
);
CREATE INDEX attempts_by_student ON attempts (student, notebook);
CREATE TABLE gradings (
    id INTEGER PRIMARY KEY,
    attempt INTEGER NOT NULL REFERENCES attempts (id),
    graded_at TEXT NOT NULL,
    seed TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    total REAL NOT NULL,
    max_total REAL NOT NULL,
    flags TEXT NOT NULL,
    regrade INTEGER NOT NULL,
    grader TEXT NOT NULL
);
CREATE INDEX gradings_by_attempt ON gradings (attempt);
CREATE TABLE contents (
    sha256 TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE verdicts (
    grading INTEGER NOT NULL REFERENCES gradings (id),
    position INTEGER NOT NULL,
    exercise TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    hint TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (grading, exercise)
);
"""

#: The grading status that means "the grader could not grade it": a rerun grades it again.
GRADER_ERROR = "error"


@dataclass(frozen=True)
class Verdict:
    """One exercise of a grading: its points, what the learner is told, and the case
    that failed (``detail``: input, expected and given output; the instructor's, as it
    may be a secret case)."""

    exercise: str
    points: float
    max_points: float
    status: str
    message: str = ""
    hint: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Attempt:
    """One file's content handed in by one student.

    Attributes
    ----------
    id : int
    file : str
        Its label (an absolute path: the same whatever the working directory).
    sha256 : str
    student, assignment, notebook : str
        ``""`` when unknown.
    submitted_at : datetime or None
    time_source : str
        Where ``submitted_at`` comes from (``nbgrader timestamp.txt``,
        ``roster``, ``file time``).
    found_at : datetime
    seed : int
        The seed of its secret cases: every grading of it uses this one.
    flags : tuple of str
        What the instructor should look at (found before grading).
    state : {"pending", "claimed", "graded"}
    """

    id: int
    file: str
    sha256: str
    student: str
    assignment: str
    notebook: str
    submitted_at: datetime | None
    time_source: str
    found_at: datetime
    seed: int
    flags: tuple
    state: str


@dataclass(frozen=True)
class Grading:
    """One run of the grader on an attempt."""

    id: int
    attempt: int
    graded_at: datetime
    seed: int
    status: str
    reason: str
    total: float
    max_total: float
    flags: tuple
    regrade: bool
    grader: str
    verdicts: tuple = ()


def worker_id():
    """This process as a claim names it: ``host:pid:start`` (the start tells a reused pid)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_process_start(os.getpid())}"


def _process_start(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat[stat.rfind(")") + 2:].split()[19]  # field 22, after the command's name


def _alive(worker):
    """Whether the grader ``worker`` (a :func:`worker_id`) still runs; None if not on this host."""
    host, _, rest = worker.partition(":")
    pid, _, start = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process with that pid: alive
    return _process_start(int(pid)) == start


def _now():
    return datetime.now(timezone.utc)


class StoreError(ValueError):
    """The file is not a gradebook this coursekit can use."""


class Store:
    """A gradebook file: open it (made on first use), add attempts, claim, record gradings.

    Parameters
    ----------
    path : path-like
        The SQLite file (made when missing). Keep it on a local disk: SQLite's
        locks are not reliable on network file systems.
    lease : float, default=DEFAULT_LEASE
        Seconds after which a claim by a grader on another machine may be taken over.
    timeout : float, default=60
        Seconds to wait for another grader's write to end.

    Raises
    ------
    StoreError
        Naming ``store``, when the file is not a coursekit gradebook or is from
        a newer coursekit.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with Store(f"{folder}/gradebook.db") as store:
    ...     attempt = store.add("/s/alice/nb01.ipynb", "ab12", student="alice",
    ...                         notebook="nb01_vectors")
    ...     [claimed] = store.claim()
    ...     grading = store.finish(claimed.id, status="ok", reason="",
    ...                            verdicts=[Verdict("nb01.ex1", 1, 1, "correct")])
    ...     grading.total, store.attempt(attempt.id).state
    (1.0, 'graded')
    """

    def __init__(self, path, *, lease=DEFAULT_LEASE, timeout=60.0):
        self.path = Path(path)
        self.lease = timedelta(seconds=lease)
        self.worker = worker_id()
        if self.path.is_dir():
            raise StoreError(f"store: {self.path} is a folder; give the gradebook file")
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"store: cannot open {self.path} ({exc})") from None
        try:
            self._prepare()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"store: {self.path} is not a coursekit gradebook ({exc})") from None
        except BaseException:
            self._db.close()
            raise

    def _prepare(self):
        db = self._db
        self._refuse_foreign()  # before anything is written to someone else's file
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed grading survives a power cut too, not only a killed process.
        db.execute("PRAGMA synchronous = FULL")
        with self._writing():
            if self._refuse_foreign() == "empty":  # two graders may make it at once
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif db.execute("PRAGMA user_version").fetchone()[0] == 1:
                # Version 2 keeps each verdict's failing case; older verdicts have none.
                db.execute("ALTER TABLE verdicts ADD COLUMN detail TEXT NOT NULL DEFAULT ''")
                db.execute("PRAGMA user_version = 2")

    def _refuse_foreign(self):
        db = self._db
        version = db.execute("PRAGMA user_version").fetchone()[0]
        app = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if version == 0 and app == 0 and tables == 0:
            return "empty"
        if app != _APPLICATION_ID:
            raise StoreError(f"store: {self.path} is an SQLite file, but not a coursekit "
                             f"gradebook; choose another file")
        if version > SCHEMA_VERSION:
            raise StoreError(f"store: {self.path} was written by a newer coursekit "
                             f"(gradebook version {version}; this one reads up to "
                             f"{SCHEMA_VERSION}); upgrade coursekit")
        return "ours"

    def _writing(self):
        return _Transaction(self._db)

    def close(self):
        """Close the file (every change is already on disk)."""
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- attempts ---------------------------------------------------------------------

    def add(self, file, sha256, *, student="", assignment="", notebook="", submitted_at=None,
            time_source="", flags=(), seed=None):
        """Record an attempt found, or return the one already recorded for it.

        The same file with the same content, of the same student, is one attempt
        however often it is found: it keeps its seed, its state and its gradings.

        Parameters
        ----------
        file : str
            Its label.
        sha256 : str
            The hash of its content.
        student, assignment, notebook : str
        submitted_at : datetime, optional
        time_source : str
        flags : iterable of str
            What discovery found odd (an assignment folder naming another notebook).
        seed : int, optional
            The seed of its secret cases; drawn here by default.

        Returns
        -------
        Attempt
        """
        known = self._db.execute(f"SELECT {_ATTEMPT} FROM attempts WHERE file = ? AND"
                                 f" sha256 = ? AND student = ?",
                                 (str(file), sha256, student)).fetchone()
        if known is not None:  # found again: no write, so a rerun is quick
            return _attempt(known)
        seed = secrets.randbits(64) if seed is None else int(seed)
        when = None if submitted_at is None else format_time(parse_time(submitted_at,
                                                                        "submitted_at"))
        with self._writing() as db:
            db.execute(
                "INSERT OR IGNORE INTO attempts (file, sha256, student, assignment, notebook,"
                " submitted_at, time_source, found_at, seed, flags, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                (str(file), sha256, student, assignment, notebook or "", when, time_source,
                 format_time(_now()), str(seed), json.dumps(sorted(set(flags)))))
            row = db.execute(f"SELECT {_ATTEMPT} FROM attempts WHERE file = ? AND sha256 = ?"
                             f" AND student = ?", (str(file), sha256, student)).fetchone()
        return _attempt(row)

    def keep_content(self, sha256, data):
        """Keep a file's bytes (compressed), so that a regrade reads what was handed in.

        nbgrader's collect replaces a student's earlier submission in place: the
        gradebook is the only copy of an earlier attempt left. Bytes whose hash
        is not ``sha256`` are refused.
        """
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError(f"content: the bytes given do not hash to {sha256}")
        if self._db.execute("SELECT 1 FROM contents WHERE sha256 = ?", (sha256,)).fetchone():
            return
        with self._writing() as db:
            db.execute("INSERT OR IGNORE INTO contents (sha256, data) VALUES (?, ?)",
                       (sha256, zlib.compress(data, 6)))

    def content(self, sha256):
        """The bytes kept for ``sha256``, or None."""
        row = self._db.execute("SELECT data FROM contents WHERE sha256 = ?",
                               (sha256,)).fetchone()
        return None if row is None else zlib.decompress(row[0])

    def attempt(self, attempt_id):
        """The attempt ``attempt_id``.

        Raises
        ------
        ValueError
            If there is none.
        """
        row = self._db.execute(f"SELECT {_ATTEMPT} FROM attempts WHERE id = ?",
                               (attempt_id,)).fetchone()
        if row is None:
            raise ValueError(f"attempt: no attempt {attempt_id} in {self.path}")
        return _attempt(row)

    def attempts(self, *, student=None, notebook=None, file=None):
        """Attempts, optionally of one student, notebook or file, in order of submission."""
        where, values = [], []
        for column, value in (("student", student), ("notebook", notebook), ("file", file)):
            if value is not None:
                where.append(f"{column} = ?")
                values.append(str(value))
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._db.execute(
            f"SELECT {_ATTEMPT} FROM attempts{clause}"
            f" ORDER BY submitted_at IS NULL, submitted_at, id", values).fetchall()
        return [_attempt(row) for row in rows]

    # -- claiming ---------------------------------------------------------------------

    def claim(self, ids=None, limit=1):
        """Claim attempts to grade: pending ones, or those whose grader died.

        One transaction: two graders never claim one attempt.

        Parameters
        ----------
        ids : iterable of int, optional
            Claim only among these.
        limit : int or None, default=1
            Claim at most this many (None: every one there is).

        Returns
        -------
        list of Attempt
            Claimed by this store's :attr:`worker`, in order of submission.
        """
        wanted = None if ids is None else set(ids)
        with self._writing() as db:
            rows = db.execute(f"SELECT {_ATTEMPT}, claimed_by, claimed_at FROM attempts"
                              f" WHERE state != 'graded' ORDER BY id").fetchall()
            chosen = [row for row in rows
                      if (wanted is None or row[0] in wanted) and self._claimable(row)]
            chosen = chosen if limit is None else chosen[:limit]
            stamp = format_time(_now())
            db.executemany("UPDATE attempts SET state = 'claimed', claimed_by = ?,"
                           " claimed_at = ? WHERE id = ?",
                           [(self.worker, stamp, row[0]) for row in chosen])
        return [dataclasses.replace(_attempt(row[:-2]), state="claimed") for row in chosen]

    def _claimable(self, row):
        state, holder, since = row[-3], row[-2], row[-1]
        if state == "pending":
            return True
        if holder == self.worker:
            return False  # claimed by this grader, being graded now
        alive = _alive(holder or "")
        if alive is None:
            return since is None or _now() - parse_time(since, "claimed_at") > self.lease
        return not alive

    def release(self, attempt_id):
        """Give back a claim not graded (an interrupted grader): the attempt is pending again."""
        with self._writing() as db:
            db.execute("UPDATE attempts SET state = 'pending', claimed_by = NULL,"
                       " claimed_at = NULL WHERE id = ? AND state = 'claimed'"
                       " AND claimed_by = ?", (attempt_id, self.worker))

    def requeue_errors(self):
        """Make pending again every attempt whose last grading is a grader error.

        Returns
        -------
        int
            How many.
        """
        with self._writing() as db:
            cursor = db.execute(
                "UPDATE attempts SET state = 'pending', claimed_by = NULL, claimed_at = NULL"
                " WHERE state = 'graded' AND (SELECT status FROM gradings"
                " WHERE attempt = attempts.id ORDER BY id DESC LIMIT 1) = ?", (GRADER_ERROR,))
            return cursor.rowcount

    # -- gradings ---------------------------------------------------------------------

    def finish(self, attempt_id, *, status, reason, verdicts, flags=(), regrade=False,
               seed=None):
        """Record one grading of an attempt, with its verdicts, in one transaction.

        Parameters
        ----------
        attempt_id : int
        status : str
            ``error`` when the grader could not grade it (a rerun grades it again).
        reason : str
        verdicts : iterable of Verdict
            One per exercise, in order.
        flags : iterable of str
            What the grading found odd (check cells edited, ``check`` redefined).
        regrade : bool, default=False
            A regrade of a graded attempt: recorded beside its gradings; its
            claim and state are left alone.
        seed : int, optional
            The seed used; by default the attempt's.

        Returns
        -------
        Grading

        Raises
        ------
        ValueError
            If this grader does not hold the attempt's claim (another grader
            took it over after this one was thought dead): nothing is written.
        """
        verdicts = list(verdicts)
        with self._writing() as db:
            row = db.execute("SELECT state, claimed_by, seed FROM attempts WHERE id = ?",
                             (attempt_id,)).fetchone()
            if row is None:
                raise ValueError(f"attempt: no attempt {attempt_id} in {self.path}")
            if not regrade and (row[0] != "claimed" or row[1] != self.worker):
                raise ValueError(f"attempt {attempt_id} is not claimed by this grader "
                                 f"({row[0]}, by {row[1]}); its grading is not recorded")
            seed = int(row[2]) if seed is None else int(seed)
            stamp = format_time(_now())
            total = sum(v.points for v in verdicts)
            maximum = sum(v.max_points for v in verdicts)
            cursor = db.execute(
                "INSERT INTO gradings (attempt, graded_at, seed, status, reason, total,"
                " max_total, flags, regrade, grader) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (attempt_id, stamp, str(seed), status, reason, total, maximum,
                 json.dumps(sorted(set(flags))), int(bool(regrade)), self.worker))
            grading = cursor.lastrowid
            db.executemany(
                "INSERT INTO verdicts (grading, position, exercise, points, max_points, status,"
                " message, hint, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(grading, position, v.exercise, v.points, v.max_points, v.status, v.message,
                  v.hint, v.detail) for position, v in enumerate(verdicts)])
            if not regrade:
                db.execute("UPDATE attempts SET state = 'graded', claimed_by = NULL,"
                           " claimed_at = NULL WHERE id = ?", (attempt_id,))
        return self.grading(grading)

    def grading(self, grading_id):
        """The grading ``grading_id``, with its verdicts."""
        row = self._db.execute(f"SELECT {_GRADING} FROM gradings WHERE id = ?",
                               (grading_id,)).fetchone()
        if row is None:
            raise ValueError(f"grading: no grading {grading_id} in {self.path}")
        return self._with_verdicts(row)

    def _with_verdicts(self, row):
        verdicts = tuple(Verdict(*v) for v in self._db.execute(
            "SELECT exercise, points, max_points, status, message, hint, detail FROM verdicts"
            " WHERE grading = ? ORDER BY position", (row[0],)))
        return Grading(row[0], row[1], parse_time(row[2], "graded_at"), int(row[3]), row[4],
                       row[5], row[6], row[7], tuple(json.loads(row[8])), bool(row[9]),
                       row[10], verdicts)

    def gradings(self, attempt_id):
        """Every grading of an attempt, oldest first, with their verdicts."""
        rows = self._db.execute(f"SELECT {_GRADING} FROM gradings WHERE attempt = ?"
                                f" ORDER BY id", (attempt_id,)).fetchall()
        return [self._with_verdicts(row) for row in rows]

    def current(self, attempt_id):
        """The grading that stands for an attempt: its last one the grader completed, or None."""
        done = [g for g in self.gradings(attempt_id) if g.status != GRADER_ERROR]
        return done[-1] if done else None

    def students(self):
        """Every student with an attempt, sorted (``""`` for files no one is known for)."""
        return [row[0] for row in self._db.execute(
            "SELECT DISTINCT student FROM attempts ORDER BY student")]

    def meta(self, key, value=None):
        """The value kept under ``key`` (None if none); with ``value``, keep it (in a transaction)."""
        if value is None:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return None if row is None else row[0]
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
        return value

    def check(self):
        """SQLite's own integrity check: ``"ok"``, or what is wrong."""
        return "; ".join(row[0] for row in self._db.execute("PRAGMA integrity_check"))

    def snapshot(self):
        """A transaction holding the write lock: what is read in it is one moment's record.

        Writing a view (grades.csv) under it keeps two graders' views from crossing.
        """
        return self._writing()


_ATTEMPT = ("id, file, sha256, student, assignment, notebook, submitted_at, time_source,"
            " found_at, seed, flags, state")
_GRADING = ("id, attempt, graded_at, seed, status, reason, total, max_total, flags, regrade,"
            " grader")


def _attempt(row):
    return Attempt(row[0], row[1], row[2], row[3], row[4], row[5],
                       None if row[6] is None else parse_time(row[6], "submitted_at"), row[7],
                       parse_time(row[8], "found_at"), int(row[9]), tuple(json.loads(row[10])),
                       row[11])


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: the write lock is taken first, so no write is lost."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, value, traceback):
        if kind is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
        return False
