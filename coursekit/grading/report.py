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
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em;
       color: #222; }
h1, h2, h3, p, li { overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 1em 0; max-width: 100%; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
/* A learner's text (a name, a path, a reason) may be one long word: it breaks anywhere. */
td.text { overflow-wrap: anywhere; min-width: 4em; }
td.path { min-width: 10em; }
/* A table wider than a narrow window scrolls in its box, not the page. */
.wide { overflow-x: auto; }
td.short { white-space: nowrap; }
th { background: #eee; }
pre { background: #f6f6f6; padding: 0.6em; white-space: pre-wrap; overflow-wrap: anywhere; }
.markdown { white-space: pre-wrap; border-left: 3px solid #ccc; padding-left: 0.6em; }
.verdict { border: 2px solid; padding: 0.4em 0.8em; margin: 0.4em 0 1.2em; }
.correct { border-color: #2a7; background: #eafaf1; }
.wrong, .missing, .error { border-color: #c33; background: #fdecea; }
tr.flagged td { background: #fff4e0; }
tr.late td.handed { background: #fdf2d0; }
tr.trouble td.status { background: #fdecea; font-weight: bold; }
figure.chart { margin: 1em 0; }
figure.chart svg { max-width: 100%; height: auto; }
img { max-width: 100%; }
"""


def _page(title, body):
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body>\n{body}\n</body></html>\n")


def _name(label, suffix):
    return feedback_name(label).with_suffix(suffix)


def exercise_label(exercise):
    """How the class report names an exercise: its notebook, its id and its title.

    Examples
    --------
    >>> from coursekit import checks
    >>> exercise_label(checks.get("03-sigmoid"))
    '03_mlp_from_scratch · 03-sigmoid — the sigmoid'
    """
    return f"{exercise.notebook} · {exercise.id} — {exercise.title}"


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
                         f"<strong>{html.escape(exercise.heading)} · {html.escape(exercise.id)}: "
                         f"{item.points} / "
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

#: Width of the report's figures, in inches; their height grows with what they show.
FIGURE_WIDTH = 7.5
#: Small multiples per row in the totals' figure.
TOTALS_PER_ROW = 3


def _figure_svg(draw, height, name):
    """A figure drawn by ``draw`` as inline SVG whose text is text.

    The browser draws the labels (sharp at any zoom, and a test can measure
    that no two overlap); every text in it is the course's own (notebook and
    exercise names, numbers), never a learner's.
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    figure = Figure(figsize=(FIGURE_WIDTH, height), layout="constrained")
    draw(figure)
    buffer = io.StringIO()
    # The salt keeps the clip paths' ids of two figures on one page apart.
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return f'<figure class="chart" id="{name}">{svg[svg.index("<svg"):]}</figure>'


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


def write_report(grades, folder, feedback=None, sections=()):
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
    sections : iterable of str
        More sections, as HTML, put at the end of the page as they are: made
        by coursekit's own writers (such as the similarity section), which
        escape every learner's text.
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
                        _attention_section(rows),
                        _students_section(rows, folder, feedback),
                        sections):
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
    parts.append(_passed_chart(exercises, ids))
    parts.append("<table><tr><th>Exercise</th><th>Points</th><th>Passed</th>"
                 "<th>Most common failures</th></tr>")
    for exercise_id in ids:
        passed, graded, failures = exercises[exercise_id]
        exercise = checks.get(exercise_id)
        common = "".join(f"<li>{html.escape(message)} ({count})</li>"
                         for message, count in failures.most_common(TOP_MESSAGES))
        parts.append(f"<tr><td>{html.escape(exercise_label(exercise))}</td>"
                     f'<td class="short">{exercise.points}</td>'
                     f'<td class="short">{passed} / {graded} ({100 * passed / graded:.0f}%)</td>'
                     f'<td class="text"><ul>{common}</ul></td></tr>')
    return parts + ["</table>"]


def _passed_chart(exercises, ids):
    """One bar per exercise (its id), coloured by notebook, the notebooks named below."""
    from matplotlib.patches import Patch

    notebooks = list(dict.fromkeys(checks.get(e).notebook for e in ids))
    colour = {notebook: f"C{index % 10}" for index, notebook in enumerate(notebooks)}
    legend_rows = -(-len(notebooks) // 2)

    def draw(figure):
        axes = figure.subplots()
        shown = ids[::-1]  # the course's first exercise on top
        axes.barh(shown, [100 * exercises[e][0] / exercises[e][1] for e in shown],
                  color=[colour[checks.get(e).notebook] for e in shown])
        axes.set_xlim(0, 100)
        axes.set_ylim(-0.6, len(shown) - 0.4)
        axes.set_xlabel("students who passed (%)")
        axes.set_ylabel("exercise")
        axes.set_title("Share of students who passed each exercise")
        figure.legend(handles=[Patch(color=colour[n], label=n) for n in notebooks],
                      loc="outside lower center", ncols=2, title="notebook")

    # A row of text per exercise and per two notebooks, however many there are.
    return _figure_svg(draw, 1.3 + 0.27 * len(ids) + 0.25 * (legend_rows + 1),
                       "passed-per-exercise")


def _totals_section(totals):
    parts = ["<h2>Totals per notebook</h2>"]
    notebooks = [n for n in known_notebooks() if n in totals]
    if not notebooks:
        return parts + ["<p>No graded notebook yet.</p>"]

    from matplotlib.ticker import MaxNLocator

    columns = min(TOTALS_PER_ROW, len(notebooks))
    rows = -(-len(notebooks) // columns)

    def draw(figure):
        grid = figure.subplots(rows, columns, squeeze=False)
        for axes in grid.flat[len(notebooks):]:
            figure.delaxes(axes)
        for index, (axes, notebook) in enumerate(zip(grid.flat, notebooks)):
            most = sum(e.points for e in checks.exercises_for(notebook))
            axes.hist(totals[notebook], bins=range(most + 2), align="left", color="#369",
                      rwidth=0.8)
            axes.set_title(notebook, fontsize="medium")
            axes.set_xlabel(f"total points (of {most})")
            axes.set_xlim(-0.6, most + 0.6)
            # A few whole numbers, however many points: 0..13 side by side ran together.
            axes.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
            axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
            if index % columns == 0:
                axes.set_ylabel("students")
        figure.suptitle("Distribution of totals per notebook")

    parts.append(_figure_svg(draw, 0.5 + 2.3 * rows, "totals-per-notebook"))
    return parts


def _attention_section(rows):
    """The attempts flagged (integrity) or handed in late, each with why."""
    parts = ["<h2>Flags and late work</h2>"]
    listed = [r for r in rows if r.get("flags") or r.get("late_hours")]
    if not listed:
        return parts + ["<p>No attempt is flagged or late.</p>"]
    parts.append("<p>Flags are for you to look at: they change no points. A late "
                 "attempt's penalty is applied in the exports.</p>")
    parts.append('<div class="wide"><table><tr><th>Student</th><th>Notebook</th>'
                 "<th>Submission</th><th>Flags</th><th>Handed in</th><th>Counts</th></tr>")
    for row in sorted(listed, key=lambda r: (r.get("student") or "", r["submission"])):
        parts.append(
            "<tr>" + "".join(f'<td class="{kind}">{html.escape(row.get(key) or "")}</td>'
                             for key, kind in (("student", "text"), ("notebook", "short"),
                                               ("submission", "text path"),
                                               ("flags", "text")))
            + f"<td>{_handed_in(row)}</td>"
            f'<td class="short">{html.escape(row.get("counts") or "")}</td></tr>')
    return parts + ["</table></div>"]


def _status_section(statuses):
    parts = ["<h2>Statuses</h2>", "<table><tr><th>Status</th><th>Submissions</th></tr>"]
    parts += [f"<tr><td>{html.escape(status)}</td><td>{count}</td></tr>"
              for status, count in statuses.most_common()]
    return parts + ["</table>"]


def _students_section(rows, folder, feedback):
    parts = ["<h2>Submissions</h2>", '<div class="wide"><table><tr><th>Student</th>'
             "<th>Submission</th><th>Notebook</th><th>Total</th><th>Status</th><th>Reason</th>"
             "<th>Handed in</th><th>Counts</th><th>Flags</th><th>Feedback</th></tr>"]
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
            f'<tr class="{_row_class(row)}">' + "".join(
                f'<td class="{kind}">{html.escape(str(row.get(key) or ""))}</td>' for key, kind
                in (("student", "text"), ("submission", "text path"), ("notebook", "short")))
            + f'<td class="short">{html.escape(row.get("total", ""))} / '
            f'{html.escape(row.get("max_total") or "")}</td>'
            f'<td class="status short">{html.escape(row.get("status", ""))}</td>'
            f'<td class="text">{html.escape(row.get("reason") or "")}</td>'
            f'<td class="handed">{_handed_in(row)}</td>'
            f'<td class="short">{html.escape(row.get("counts") or "")}</td>'
            f'<td class="text">{html.escape(row.get("flags") or "")}</td>'
            f"<td>{' · '.join(links)}</td></tr>")
    return parts + ["</table></div>"]


def _row_class(row):
    """The submissions table's classes for a row: flagged, late, and a status not ok."""
    classes = [name for name, on in (("flagged", row.get("flags")),
                                     ("late", row.get("late_hours")),
                                     ("trouble", row.get("status") not in (OK, None)))
               if on]
    return " ".join(classes)


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
