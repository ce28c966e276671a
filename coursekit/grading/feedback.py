"""Feedback for the learner: one Markdown file per submission."""

import re
from pathlib import Path

from ..checks.quoting import shorten
from .results import OK

#: Characters of one submission's feedback at most (verdicts are cut before, each
#: to :data:`coursekit.checks.quoting.MESSAGE_CHARS`; this holds whatever they add to).
FEEDBACK_CHARS = 200_000


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


def feedback_markdown(grade, late=""):
    """The feedback for one submission, as Markdown.

    Each exercise's verdict is the text the notebook's check cell prints, in a
    fenced block; every other text the learner controls (the file name, the
    reason) is escaped, so nothing in it renders as HTML or Markdown.

    Parameters
    ----------
    grade : Grade
    late : str, optional
        A sentence on its lateness and what it costs (the instructor's words,
        :func:`coursekit.grading.deadlines.Deadlines.lateness_note`).
    """
    lines = [f"# Feedback on {_code(grade.submission)}", ""]
    if grade.notebook is None:
        lines += [f"This file could not be graded: {escape_markdown(grade.reason)}.", ""]
        return "\n".join(lines)
    lines += [f"Notebook `{grade.notebook}`: **{grade.total} of {grade.max_total} points**.", ""]
    if late:
        lines += [late, ""]
    if grade.status != OK:
        lines += [f"Note ({grade.status}): {escape_markdown(grade.reason)}.", ""]
    lines += ["| Exercise | Points |", "|---|---|"]
    lines += [f"| {item.exercise.heading} | {item.points} / {item.exercise.points} |"
              for item in grade.exercises]
    for item in grade.exercises:
        lines += ["", f"## {item.exercise.heading}: {item.points} / {item.exercise.points}", "",
                  _fenced(item.result.describe(item.exercise.heading))]
    return shorten("\n".join(lines), FEEDBACK_CHARS) + "\n"


def write_feedback(folder, result, names, late=""):
    """Write ``result``'s feedback under ``folder``; ``names`` maps each file to its label.

    ``late`` is :func:`feedback_markdown`'s."""
    name = feedback_name(result.submission)
    # Two labels can map to one name (a.ipynb and a); number the later ones.
    base, count = name, 1
    while names.get(name, result.submission) != result.submission:
        count += 1
        name = base.with_name(f"{base.stem}-{count}{base.suffix}")
    names[name] = result.submission
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feedback_markdown(result, late), encoding="utf-8")
