"""Feedback for the learner: Markdown, a web page (:mod:`.feedback_html`) and a comment.

Each student's feedback is in their own folder, one set of files per
notebook: ``<student>/<notebook>.md``, ``.html`` and ``.txt`` for the attempt
that counts, and ``<notebook>.attempt-<N>.*`` for every attempt graded (N is
its number in the gradebook), so that an earlier attempt's feedback is never
replaced by a later one's.
"""

import re
from pathlib import Path

from ..checks.quoting import shorten
from .feedback_html import feedback_html
from .names import safe_name
from .results import OK

#: Characters of one submission's feedback at most (verdicts are cut before, each
#: to :data:`coursekit.checks.quoting.MESSAGE_CHARS`; this holds whatever they add to).
FEEDBACK_CHARS = 200_000
#: Characters of the plain-text comment an LMS shows, and of each of its lines' messages.
COMMENT_CHARS = 1_500
COMMENT_LINE = 160
#: The files of one submission's feedback.
SUFFIXES = (".md", ".html", ".txt")


def feedback_name(label):
    """The feedback file's path (relative) for a submission label; never leaves the folder."""
    parts = [part if part not in ("..", ".") else "_" for part in Path(label).parts
             if part not in ("/", "\\") and not part.endswith((":", ":\\"))]
    name = parts[-1] if parts else "submission"
    name = (name[: -len(".ipynb")] if name.endswith(".ipynb") else name) + ".md"
    return Path(*parts[:-1], name)


def _fenced(text):
    # A fence longer than any run of backticks inside: the text shows verbatim.
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _code(text):
    """``text`` as an inline code span: shown verbatim, no HTML, no Markdown."""
    text = str(text).replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"


def escape_markdown(text):
    """``text`` as plain prose in Markdown: every punctuation mark that could mean
    something (HTML included) is backslash-escaped."""
    text = str(text).replace("\n", " ")
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def feedback_markdown(grade, late="", note=""):
    """The feedback for one submission, as Markdown.

    Each exercise's verdict is the text the notebook's check cell prints, in a
    fenced block, with the case it failed on unless that case is a secret one;
    every other text the learner controls (the file name, the reason) is in a
    code span or a fenced block, so nothing in it renders as HTML or Markdown.

    Parameters
    ----------
    grade : Grade
    late : str, optional
        A sentence on its lateness and what it costs (the instructor's words,
        :func:`coursekit.grading.deadlines.Deadlines.lateness_note`).
    note : str, optional
        Which attempt this is (the grader's words).
    """
    lines = [f"# Feedback on {_code(grade.submission)}", ""]
    if note:
        lines += [note, ""]
    if grade.notebook is None:
        lines += ["This file could not be graded:", "", _fenced(grade.reason), ""]
        return "\n".join(lines)
    lines += [f"Notebook `{grade.notebook}`: **{grade.total} of {grade.max_total} points**.", ""]
    if late:
        lines += [late, ""]
    if grade.status != OK:
        lines += [f"Note ({grade.status}):", "", _fenced(grade.reason), ""]
    lines += ["| Exercise | Points |", "|---|---|"]
    lines += [f"| {item.exercise.heading} | {item.points} / {item.exercise.points} |"
              for item in grade.exercises]
    for item in grade.exercises:
        lines += ["", f"## {item.exercise.heading}: {item.points} / {item.exercise.points}", "",
                  _fenced(item.result.describe(item.exercise.heading))]
        if item.result.detail and not item.result.secret:
            lines += ["", "The case it failed on:", "", _fenced(item.result.detail)]
    return shorten("\n".join(lines), FEEDBACK_CHARS) + "\n"


def feedback_comment(grade, late=""):
    """A few lines of plain text on one submission, for an LMS's comment box.

    The points, the lateness, and one line per exercise, at most
    :data:`COMMENT_CHARS` characters in all.

    Examples
    --------
    >>> from coursekit.grading.results import Grade
    >>> feedback_comment(Grade("a.ipynb", None, (), "invalid", "not a notebook"))
    'a.ipynb could not be graded: not a notebook.\\n'
    """
    if grade.notebook is None:
        return shorten(f"{grade.submission} could not be graded: {grade.reason}.",
                       COMMENT_CHARS) + "\n"
    lines = [f"{grade.notebook}: {grade.total} of {grade.max_total} points."]
    if late:
        lines.append(late)
    if grade.status != OK:
        lines.append(f"Note ({grade.status}): {shorten(grade.reason, COMMENT_LINE)}")
    for item in grade.exercises:
        first = item.result.message.split("\n")[0]
        lines.append(f"{item.result.symbol} {item.exercise.heading}: {item.points}/"
                     f"{item.exercise.points}. {shorten(first, COMMENT_LINE)}")
    return shorten("\n".join(" ".join(line.split()) for line in lines), COMMENT_CHARS) + "\n"


def student_folder(student):
    """The folder name of a student's feedback: their id, as one safe path component.

    Examples
    --------
    >>> student_folder("alice"), student_folder("../x/y"), student_folder("..")
    ('alice', '..%2Fx%2Fy', '%2E.')
    """
    name = safe_name(student).replace("%", "%25").replace("/", "%2F")
    return "%2E" + name[1:] if name.startswith(".") and set(name) <= {"."} else name


def feedback_stem(label, student="", notebook=None):
    """Where a submission's feedback goes, less the suffix: ``<student>/<notebook>`` when
    both are known, else a path from its label (:func:`feedback_name`).

    Examples
    --------
    >>> feedback_stem("/s/alice/01.ipynb", "alice", "01_random_baseline").as_posix()
    'alice/01_random_baseline'
    >>> feedback_stem("/s/inbox/x.ipynb").as_posix()
    's/inbox/x'
    """
    if student and notebook:
        return Path(student_folder(student), notebook)
    name = feedback_name(label)
    return name.with_name(name.name[: -len(".md")])


def feedback_files(stem, attempt=None):
    """The feedback files of one attempt (or, with None, the ones that count):
    suffix -> relative path.

    Examples
    --------
    >>> sorted(p.as_posix() for p in feedback_files(Path("alice/01"), 7).values())
    ['alice/01.attempt-7.html', 'alice/01.attempt-7.md', 'alice/01.attempt-7.txt']
    """
    tag = "" if attempt is None else f".attempt-{attempt}"
    return {suffix: stem.with_name(f"{stem.name}{tag}{suffix}") for suffix in SUFFIXES}


def feedback_file(folder, row, suffix=".md"):
    """The feedback file of one row of grades.csv (one attempt), under ``folder``.

    Examples
    --------
    >>> feedback_file(Path("fb"), {"submission": "s/ann/01.ipynb", "student": "ann",
    ...                            "notebook": "01_random_baseline", "attempt": "3"}).as_posix()
    'fb/ann/01_random_baseline.attempt-3.md'
    """
    stem = feedback_stem(row["submission"], row.get("student") or "", row.get("notebook") or None)
    attempt = row.get("attempt")
    return Path(folder) / feedback_files(stem, int(attempt) if attempt else None)[suffix]


def write_feedback(folder, result, names, late="", *, submission=None, attempt=None,
                   student="", note=""):
    """Write ``result``'s feedback under ``folder``: Markdown, a web page, a comment.

    ``names`` maps each stem to its label, so that two labels never share files
    (the later ones are numbered); ``late`` and ``note`` are
    :func:`feedback_markdown`'s. With ``attempt`` (its number in the gradebook)
    the files are that attempt's (:func:`feedback_files`), kept beside every
    other attempt's. Returns the paths written, by suffix.
    """
    stem = base = feedback_stem(result.submission, student, result.notebook)
    count = 1
    # An attempt's number keeps it apart; without one, two labels can share a stem.
    while attempt is None and names.get(stem, result.submission) != result.submission:
        count += 1
        stem = base.with_name(f"{base.name}-{count}")
    names[stem] = result.submission
    paths = {suffix: folder / path for suffix, path in feedback_files(stem, attempt).items()}
    paths[".md"].parent.mkdir(parents=True, exist_ok=True)
    texts = {".md": feedback_markdown(result, late, note),
             ".txt": feedback_comment(result, late),
             ".html": feedback_html(result, submission, late, note) if submission is not None
             else None}
    for suffix, text in texts.items():
        if text is not None:
            paths[suffix].write_text(text, encoding="utf-8")
    return {suffix: path for suffix, path in paths.items() if texts[suffix] is not None}
