"""The learner's feedback as a web page: their notebook as the grader ran it, with verdicts.

The page shows each cell of the notebook graded: Markdown cells rendered
(mistune, with raw HTML escaped, links only to ``http``, ``https``,
``mailto`` or within the page, and images only when embedded as
``data:image/png``, ``jpeg`` or ``gif``), code cells as text, the outputs the
grader saw (:mod:`.seen_outputs`), and under the cell where each exercise is
graded its verdict. Every word on it is the learner's or quotes the learner,
so nothing reaches the page unescaped, and a Content-Security-Policy forbids
scripts and every request the page could make, as a second line.
"""

import html
import re
from urllib.parse import unquote

import mistune

from ..checks import results as verdicts
from .results import OK
from .submissions import collection_points

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_SAFE_SCHEMES = ("http", "https", "mailto")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=]+$")
# Browsers drop ASCII tabs and line breaks in a URL, and strip spaces and controls at its
# ends: "java\tscript:" is "javascript:" to them.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_STYLE = """
body { font-family: sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
.cell { border-left: 3px solid #ddd; margin: 1rem 0; padding-left: .75rem; }
.output pre { background: #fff; border: 1px solid #eee; }
.error pre { background: #fdecea; }
.verdict { border: 1px solid #999; padding: .5rem; margin: .5rem 0 1.5rem; }
.correct { border-color: #2a7; } .wrong, .error-verdict { border-color: #c33; }
.number { color: #666; font-size: .8rem; }
img { max-width: 100%; }
"""
#: Characters of one page's text (its figures aside); past it, the page keeps the verdicts.
PAGE_CHARS = 400_000
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def safe_link(url):
    """Whether a link in a learner's Markdown may stay a link.

    Examples
    --------
    >>> safe_link("https://scikit-learn.org"), safe_link("#exercise-2")
    (True, True)
    >>> safe_link("java\\tscript:alert(1)"), safe_link(" JAVASCRIPT:x"), safe_link("data:,x")
    (False, False, False)
    """
    # mistune hands the URL over percent-encoded; what is refused is refused in every spelling.
    cleaned = _URL_NOISE.sub("", unquote(html.unescape(url)))
    scheme = _SCHEME.match(cleaned)
    return scheme is None or scheme.group(1).lower() in _SAFE_SCHEMES


class _LearnerMarkdown(mistune.HTMLRenderer):
    """mistune's HTML, with the learner's HTML escaped and their links and images vetted."""

    def __init__(self):
        super().__init__(escape=True)

    def link(self, text, url, title=None):
        if not safe_link(url):
            return text  # the words stay, the link goes
        return super().link(text, url, title)

    def image(self, text, url, title=None):
        if not _DATA_IMAGE.match(url):  # no request leaves the page: nothing to track
            return f"[image: {html.escape(text)}]"
        return super().image(text, url, title)


def render_markdown(text):
    """A learner's Markdown as HTML that runs nothing and loads nothing.

    Examples
    --------
    >>> render_markdown("**Hi** <script>alert(1)</script>")
    '<p><strong>Hi</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\\n'
    >>> render_markdown("[x](javascript:alert(1)) ![p](http://t.example/p.png)")
    '<p>x [image: p]</p>\\n'
    """
    return mistune.create_markdown(escape=True, renderer=_LearnerMarkdown())(text)


def _output_html(kind, text):
    if kind == "image":  # canonical base64 of a PNG (seen_outputs.png)
        return f'<div class="output"><img alt="a figure" src="data:image/png;base64,{text}"></div>'
    if kind == "omitted":
        return f'<div class="output"><em>({html.escape(text)})</em></div>'
    css = "output error" if kind == "error" else "output"
    return f'<div class="{css}"><pre>{html.escape(text)}</pre></div>'


def verdict_html(item):
    """One exercise's verdict: status, points, message, hint, and its failing case when
    that case is not a secret one."""
    result = item.result
    css = {verdicts.CORRECT: "correct", verdicts.WRONG: "wrong"}.get(result.status,
                                                                        "error-verdict")
    parts = [f'<div class="verdict {css}"><strong>{result.symbol} '
             f"{html.escape(item.exercise.heading)}: {item.points} / {item.exercise.points} "
             f"points</strong> ({html.escape(result.status)})",
             f"<p>{html.escape(result.message)}</p>"]
    if result.hint:
        parts.append(f"<p>Hint: {html.escape(result.hint)}</p>")
    if result.detail and not result.secret:
        parts.append(f"<pre>{html.escape(result.detail)}</pre>")
    return "\n".join(parts + ["</div>"])


def _summary(grade, late, note):
    lines = [f"<h1>Feedback on {html.escape(grade.notebook or 'a file')}</h1>"]
    if note:
        lines.append(f"<p>{html.escape(note)}</p>")
    if grade.notebook is None:
        return lines + [f"<p>This file could not be graded: {html.escape(grade.reason)}.</p>"]
    lines.append(f"<p><strong>{grade.total} of {grade.max_total} points</strong></p>")
    if late:
        lines.append(f"<p>{html.escape(late)}</p>")
    if grade.status != OK:
        lines.append(f"<p>Note ({html.escape(grade.status)}): {html.escape(grade.reason)}</p>")
    return lines


def _cells(grade, submission):
    """The notebook's cells, their outputs, and each verdict under its check cell."""
    exercises = [item.exercise for item in grade.exercises]
    at = {}  # cell number -> the verdicts shown under it
    points = collection_points(submission.cells, exercises)
    by_id = {item.exercise.id: item for item in grade.exercises}
    for index, graded in points.items():
        number = submission.cells[index].number if index < len(submission.cells) else None
        at.setdefault(number, []).extend(by_id[e.id] for e in graded)
    outputs = {}
    for number, kind, text in grade.outputs:
        outputs.setdefault(number, []).append(_output_html(kind, text))
    parts = []
    for number, kind, source in submission.shown:
        body = (render_markdown(source) if kind == "markdown"
                else f"<pre><code>{html.escape(source)}</code></pre>")
        parts.append(f'<div class="cell"><div class="number">cell {number}</div>{body}'
                     + "".join(outputs.get(number, [])) + "</div>")
        parts += [verdict_html(item) for item in at.get(number, [])]
    return parts + [verdict_html(item) for item in at.get(None, [])]


def feedback_html(grade, submission, late="", note=""):
    """The feedback page of one graded submission.

    Parameters
    ----------
    grade : Grade
    submission : Submission
        The file graded, as the grader read it (its cells, and what a page may
        show of them).
    late : str, optional
        Its lateness and what it costs.
    note : str, optional
        Which attempt this is.

    Returns
    -------
    str
        A whole HTML document, within about :data:`PAGE_CHARS` characters
        of text plus the figures the grader kept.
    """
    body = _summary(grade, late, note)
    if grade.notebook is not None:
        cells, left = [], PAGE_CHARS
        for part in _cells(grade, submission):
            if left <= 0 and 'class="verdict' not in part:
                continue  # past the bound the page keeps the verdicts only
            cells.append(part)
            left -= len(part) if "data:image/png" not in part else 0
        body += cells
    title = html.escape(f"Feedback: {grade.notebook or 'a file'}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            f"<title>{title}</title><style>{_STYLE}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")
