"""The instructor's report: report.html for the class, and each student's notebook with its verdicts.

While grading (``--report DIR``), each graded submission leaves in ``DIR``
its details (``data/<name>.json``: every exercise's verdict) and its
feedback as HTML (``students/<name>.html``: the learner's own notebook, each
exercise's verdict and hint under its last cell). Once the batch is done,
:func:`write_report` builds ``report.html`` from grades.csv and those
details, so a resumed batch reports on the whole class. Every text from a
submission is escaped (:func:`html.escape`); nothing a learner wrote is ever
markup in these pages.
"""

import base64
import collections
import html
import io
import json
import os
import urllib.parse
from pathlib import Path

from .. import checks
from ..checks.quoting import shorten
from .feedback import feedback_file, feedback_name
from .gradebook import GradesFile
from .results import ERROR, INVALID, OK
from .submissions import collection_points, known_notebooks

#: Failure messages listed per exercise.
TOP_MESSAGES = 3
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
pre { background: #f6f6f6; padding: 0.6em; white-space: pre-wrap; overflow-wrap: anywhere; }
.markdown { white-space: pre-wrap; border-left: 3px solid #ccc; padding-left: 0.6em; }
.verdict { border: 2px solid; padding: 0.4em 0.8em; margin: 0.4em 0 1.2em; }
.correct { border-color: #2a7; background: #eafaf1; }
.wrong, .missing, .error { border-color: #c33; background: #fdecea; }
img { max-width: 100%; }
"""


def _page(title, body):
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body>\n{body}\n</body></html>\n")


def _name(label, suffix):
    return feedback_name(label).with_suffix(suffix)


# ---------------------------------------------------------------- while grading

def student_page(grade, submission, student=""):
    """The learner's notebook as HTML, each exercise's verdict under its last cell.

    Parameters
    ----------
    grade : Grade
    submission : Submission
        The file graded: its cells as grading read them (``submission.shown``),
        never read again.
    student : str
    """
    items = {item.exercise.id: item for item in grade.exercises}
    # Where the grader read each answer: after the last cell with its id.
    by_cell = {}
    for index, exercises in collection_points(
            list(submission.cells), [item.exercise for item in grade.exercises]).items():
        number = (submission.cells[index].number if index < len(submission.cells) else None)
        by_cell.setdefault(number, []).extend(exercises)
    title = f"Feedback on {submission.label}"
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if student:
        parts.append(f"<p>Student: <strong>{html.escape(student)}</strong></p>")
    if grade.notebook:
        parts.append(f"<p>Notebook <code>{html.escape(grade.notebook)}</code>: "
                     f"<strong>{grade.total} of {grade.max_total} points</strong>.</p>")
    if grade.status != OK:
        parts.append(f"<p>Note ({html.escape(grade.status)}): {html.escape(grade.reason)}.</p>")

    def verdicts(number):
        for exercise in by_cell.get(number, []):
            item = items[exercise.id]
            text = item.result.describe(exercise.heading)
            parts.append(f'<div class="verdict {html.escape(item.result.status)}">'
                         f"<strong>{html.escape(exercise.heading)}: {item.points} / "
                         f"{exercise.points}</strong><pre>{html.escape(text)}</pre></div>")

    for number, kind, source in submission.shown:
        if kind == "code":
            parts.append(f"<pre><code>{html.escape(source)}</code></pre>")
        else:
            parts.append(f'<div class="markdown">{html.escape(source)}</div>')
        verdicts(number)
    verdicts(None)
    return _page(title, "\n".join(parts))


def record(folder, grade, submission, student=""):
    """Leave ``grade``'s details and its student page under ``folder``."""
    folder = Path(folder)
    data = grade.to_data()
    data["student"] = student
    data_path = folder / "data" / _name(grade.submission, ".json")
    page_path = folder / "students" / _name(grade.submission, ".html")
    for path in (data_path, page_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    page_path.write_text(student_page(grade, submission, student), encoding="utf-8")
    data_path.write_text(json.dumps(data), encoding="utf-8")


# ---------------------------------------------------------------- the class

def _figure_png(draw):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.2), layout="constrained")
    draw(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{encoded}">'


def class_summary(rows, details):
    """Per exercise, notebook and status, what :func:`write_report` shows.

    Parameters
    ----------
    rows : list of dict
        grades.csv rows.
    details : dict
        Submission label -> details (:func:`record`), for the failure messages.

    Returns
    -------
    dict with ``exercises`` (id -> (passed, graded, Counter of failure
    messages)), ``totals`` (notebook -> list of totals, with its maximum)
    and ``statuses`` (Counter).
    """
    exercises = {}
    totals = collections.defaultdict(list)
    statuses = collections.Counter(row.get("status", "") for row in rows)
    for row in rows:
        notebook = row.get("notebook") or ""
        if notebook not in known_notebooks() or row.get("status") in (INVALID, ERROR):
            continue
        try:
            totals[notebook].append(int(row["total"]))
        except (KeyError, ValueError):
            continue
        messages = {}
        detail = details.get(row["submission"])
        if detail and detail.get("sha256") == row.get("sha256"):
            messages = {item[0]: item[2] for item in detail["exercises"]}
        for exercise in checks.exercises_for(notebook):
            passed, graded, failures = exercises.setdefault(
                exercise.id, [0, 0, collections.Counter()])
            exercises[exercise.id][1] += 1
            if row.get(exercise.id) == str(exercise.points):
                exercises[exercise.id][0] += 1
            elif exercise.id in messages:
                failures[messages[exercise.id]] += 1
    return {"exercises": exercises, "totals": dict(totals), "statuses": statuses}


def write_report(grades, folder, feedback=None):
    """Write ``folder/report.html`` for the class in ``grades``; return its path.

    The details are read one file at a time, keeping only each exercise's
    message (cut to :data:`DETAIL_MESSAGE_CHARS`), and the page is written
    section by section: the report's memory grows with the class, not with
    what the submissions' verdicts hold.

    Parameters
    ----------
    grades : path-like
        The grades CSV.
    folder : path-like
        The report's folder (where the batch recorded each submission).
    feedback : path-like, optional
        The Markdown feedback folder, linked from the table.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"report: {folder} exists and is not a directory")
    rows = GradesFile(grades).rows
    details = dict(_read_details(folder / "data"))
    summary = class_summary(rows, details)
    del details
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.html"
    with path.open("w", encoding="utf-8") as stream:
        head, tail = _page("Class report", "\0").split("\0")
        stream.write(head)
        stream.write(f"<h1>Class report: {len(rows)} submissions, "
                     f"{len({r.get('student') for r in rows if r.get('student')})} "
                     f"students</h1>\n")
        for section in (_exercise_section(summary["exercises"]),
                        _totals_section(summary["totals"]),
                        _status_section(summary["statuses"]),
                        _students_section(rows, folder, feedback)):
            for part in section:
                stream.write(part + "\n")
        stream.write(tail)
    return path


#: Characters of each exercise's message the class report keeps from a details file.
DETAIL_MESSAGE_CHARS = 500
#: Details files larger than this are not read (the grader writes a few kilobytes).
DETAIL_FILE_BYTES = 4 * 2**20


def _read_details(data_folder):
    """(label, compact details) for each details file, one file in memory at a time."""
    if not data_folder.is_dir():
        return
    for path in sorted(data_folder.rglob("*.json")):
        try:
            if path.stat().st_size > DETAIL_FILE_BYTES:
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
            exercises = [[item[0], item[1], shorten(str(item[2]), DETAIL_MESSAGE_CHARS)]
                         for item in data["exercises"]]
            yield data["submission"], {"sha256": data.get("sha256"), "exercises": exercises}
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            continue


def _exercise_section(exercises):
    parts = ["<h2>Exercises</h2>"]
    if not exercises:
        return parts + ["<p>No graded notebook yet.</p>"]
    ids = [e for e in checks.EXERCISES if e in exercises]

    def draw(figure):
        axes = figure.subplots()
        shares = [100 * exercises[e][0] / exercises[e][1] for e in ids]
        axes.barh(ids[::-1], shares[::-1], color="#2a7")
        axes.set_xlim(0, 100)
        axes.set_xlabel("students who passed (%)")
        axes.set_title("Share of students who passed each exercise")

    parts.append(_figure_png(draw))
    parts.append("<table><tr><th>Exercise</th><th>Passed</th><th>Most common failures</th></tr>")
    for exercise_id in ids:
        passed, graded, failures = exercises[exercise_id]
        common = "".join(f"<li>{html.escape(message)} ({count})</li>"
                         for message, count in failures.most_common(TOP_MESSAGES))
        parts.append(f"<tr><td>{html.escape(checks.get(exercise_id).heading)}</td>"
                     f"<td>{passed} / {graded} ({100 * passed / graded:.0f}%)</td>"
                     f"<td><ul>{common}</ul></td></tr>")
    return parts + ["</table>"]


def _totals_section(totals):
    parts = ["<h2>Totals per notebook</h2>"]
    notebooks = [n for n in known_notebooks() if n in totals]
    if not notebooks:
        return parts + ["<p>No graded notebook yet.</p>"]

    from matplotlib.ticker import MaxNLocator

    def draw(figure):
        grid = figure.subplots(1, len(notebooks), squeeze=False)[0]
        for axes, notebook in zip(grid, notebooks):
            most = sum(e.points for e in checks.exercises_for(notebook))
            axes.hist(totals[notebook], bins=range(most + 2), align="left", color="#369",
                      rwidth=0.8)
            axes.set_title(notebook[:2])
            axes.set_xlabel(f"total (of {most})")
            axes.set_xticks(range(most + 1))
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        grid[0].set_ylabel("students")
        figure.suptitle("Distribution of totals per notebook")

    parts.append(_figure_png(draw))
    return parts


def _status_section(statuses):
    parts = ["<h2>Statuses</h2>", "<table><tr><th>Status</th><th>Submissions</th></tr>"]
    parts += [f"<tr><td>{html.escape(status)}</td><td>{count}</td></tr>"
              for status, count in statuses.most_common()]
    return parts + ["</table>"]


def _students_section(rows, folder, feedback):
    parts = ["<h2>Submissions</h2>", "<table><tr><th>Student</th><th>Submission</th>"
             "<th>Notebook</th><th>Total</th><th>Status</th><th>Reason</th><th>Handed in</th>"
             "<th>Counts</th><th>Flags</th><th>Feedback</th></tr>"]
    for row in sorted(rows, key=lambda r: (r.get("student") or "", r["submission"])):
        links = []
        page = folder / "students" / _name(row["submission"], ".html")
        if page.exists():
            links.append(_link(os.path.relpath(page, folder), "notebook with verdicts"))
        if feedback is not None:
            markdown = feedback_file(feedback, row)
            if markdown.exists():
                links.append(_link(os.path.relpath(markdown, folder), "Markdown"))
        parts.append(
            "<tr>" + "".join(f"<td>{html.escape(str(row.get(key) or ''))}</td>" for key in
                             ("student", "submission", "notebook"))
            + f"<td>{html.escape(row.get('total', ''))} / {html.escape(row.get('max_total') or '')}"
            f"</td><td>{html.escape(row.get('status', ''))}</td>"
            f"<td>{html.escape(row.get('reason') or '')}</td><td>{_handed_in(row)}</td>"
            f"<td>{html.escape(row.get('counts') or '')}</td>"
            f"<td>{html.escape(row.get('flags') or '')}</td><td>{' · '.join(links)}</td></tr>")
    return parts + ["</table>"]


def _handed_in(row):
    """When a row's attempt was handed in, and how late, as HTML (grades.csv's columns)."""
    text = html.escape((row.get("submitted_at") or "")[:16].replace("T", " "))
    if row.get("late_hours"):
        text += f", {html.escape(row['late_hours'])} h late"
        if row.get("late_deduction"):
            text += f" (&minus;{html.escape(row['late_deduction'])}%)"
    return text


def _link(target, text):
    href = html.escape(urllib.parse.quote(Path(target).as_posix()), quote=True)
    return f'<a href="{href}">{html.escape(text)}</a>'
