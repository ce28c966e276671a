"""The HTML page: pairs ranked for an instructor to look at, matches side by side.

Everything a student wrote or named (code, student names, file names) is
escaped before it is put on the page, and the page runs no script: a
submission can put nothing on it but text.
"""

import html
from statistics import median

#: Pairs below the threshold still shown per notebook, so the instructor sees
#: where the flagged ones stop.
NEXT_SHOWN = 5
#: At most this many pairs per notebook get their code side by side.
MOST_SHOWN = 100

_PAGE_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 110em; }
h1 { font-size: 1.5em; }
"""
#: The section's own rules, all under ``.similarity``, so that it can sit in another page.
SECTION_STYLE = """
.similarity h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
.similarity table { border-collapse: collapse; margin: 0.5em 0 1em; }
.similarity th, .similarity td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }
.similarity td.number { text-align: right; font-variant-numeric: tabular-nums; }
.similarity tr.flagged td { background: #fff4e0; }
.similarity .note { color: #555; max-width: 60em; }
.similarity .badge { background: #eee; border-radius: 0.3em; padding: 0 0.4em; }
.similarity .pair { margin: 1.5em 0; }
.similarity .sides { display: flex; gap: 1em; }
.similarity .side { flex: 1 1 0; min-width: 0; }
.similarity h4 small { overflow-wrap: anywhere; font-weight: normal; }
.similarity pre { background: #f8f8f8; border: 1px solid #ddd; padding: 0.5em;
                  overflow-x: auto; white-space: pre-wrap; word-break: break-word;
                  font-size: 0.85em; }
.similarity mark { background: #ffd36b; }
"""


def e(text):
    """``text`` escaped for HTML, quotes included."""
    return html.escape(str(text), quote=True)


def highlighted(code, ranges):
    """``code`` as escaped HTML, each ``(start, end)`` range in ``<mark>``.

    Examples
    --------
    >>> highlighted("a < b\\nc", [(0, 5)])
    '<mark>a &lt; b</mark>\\nc'
    """
    parts, done = [], 0
    for start, end in ranges:
        parts.append(e(code[done:start]))
        parts.append(f"<mark>{e(code[start:end])}</mark>")
        done = end
    parts.append(e(code[done:]))
    return "".join(parts)


def section(report, styled=False):
    """The report's body as an HTML fragment (a ``<section>``), for another page too.

    Parameters
    ----------
    report : SimilarityReport
    styled : bool, default=False
        Start the section with its own ``<style>`` (:data:`SECTION_STYLE`), for a
        page that does not have it.

    Returns
    -------
    str
    """
    parts = ['<section class="similarity">',
             f"<style>{SECTION_STYLE}</style>" if styled else "",
             "<p class=\"note\">Pairs of students whose own code (what the student version "
             "did not give them) is alike, ranked. The <b>score</b> (0 to 1) counts shared "
             "code by how few others in the class have it; the <b>similarity</b> counts all "
             "shared code alike. A high score is a reason to look, not a finding: read the "
             "code, and ask. Highlighted: code the two share.</p>",
             f"<p class=\"note\">Flagged: score at least {report.threshold:.2f}.</p>"]
    if not report.notebooks:
        parts.append("<p>No notebook was handed in by two or more students.</p>")
    for notebook in report.notebooks:
        parts.append(_notebook(notebook, report.threshold))
    if report.ignored:
        parts.append(f"<details><summary>{len(report.ignored)} files or folders not "
                     f"compared</summary><ul>")
        parts.extend(f"<li>{e(label)}: {e(reason)}</li>" for label, reason in report.ignored)
        parts.append("</ul></details>")
    parts.append("</section>")
    return "\n".join(parts)


def page(report):
    """The whole page: :func:`section` with a title and a style.

    Parameters
    ----------
    report : SimilarityReport

    Returns
    -------
    str
    """
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">"
            "<title>Similar answers across the class</title>"
            f"<style>{_PAGE_STYLE}{SECTION_STYLE}</style></head><body>\n"
            "<h1>Similar answers across the class</h1>\n"
            f"{section(report)}\n</body></html>\n")


def _notebook(notebook, threshold):
    pairs = notebook.pairs
    flagged = [pair for pair in pairs if pair.flagged]
    shown = (flagged + [pair for pair in pairs if not pair.flagged][:NEXT_SHOWN])[:MOST_SHOWN]
    typical = median(pair.score for pair in pairs) if pairs else 0.0
    parts = [f"<h2 id=\"{e(notebook.name)}\">{e(notebook.name)}</h2>",
             f"<p>{len(notebook.answers)} students, {len(pairs)} pairs compared, "
             f"{len(flagged)} flagged; the median pair scores {typical:.2f}.</p>"]
    if notebook.groups:
        parts.append("<p><b>Groups of three or more</b>, linked by flagged pairs:</p><ul>")
        parts.extend(f"<li>{len(group)} students: {e(', '.join(group))}</li>"
                     for group in notebook.groups)
        parts.append("</ul>")
    if not shown:
        return "\n".join(parts)
    parts.append("<table><tr><th>#</th><th>student</th><th>student</th><th>score</th>"
                 "<th>similarity</th><th></th></tr>")
    for rank, pair in enumerate(shown, 1):
        anchor = e(f"{notebook.name}-{rank}")
        badge = {"file": "identical files", "code": "identical own code"}.get(pair.identical)
        parts.append(
            f"<tr class=\"{'flagged' if pair.flagged else ''}\"><td class=\"number\">"
            f"<a href=\"#{anchor}\">{rank}</a></td><td>{e(pair.student_a)}</td>"
            f"<td>{e(pair.student_b)}</td><td class=\"number\">{pair.score:.2f}</td>"
            f"<td class=\"number\">{pair.similarity:.2f}</td>"
            f"<td>{f'<span class=badge>{badge}</span>' if badge else ''}</td></tr>")
    parts.append("</table>")
    parts.extend(_pair(notebook, pair, rank) for rank, pair in enumerate(shown, 1))
    return "\n".join(parts)


def _pair(notebook, pair, rank):
    from .fingerprints import shared_slices

    first, second = notebook.fingerprints_of(pair.student_a), notebook.fingerprints_of(
        pair.student_b)
    ranges_first, ranges_second = shared_slices(first, second)
    sides = []
    for student, prints, ranges in ((pair.student_a, first, ranges_first),
                                    (pair.student_b, second, ranges_second)):
        answer = notebook.answer_of(student)
        cut = (f"; only its first {len(prints.code):,} characters compared"
               if answer.code.cut else "")
        sides.append(f"<div class=\"side\"><h4>{e(student)} <small>({e(answer.label)}{cut})"
                     f"</small></h4><pre>{highlighted(prints.code, ranges)}</pre></div>")
    return (f"<div class=\"pair\" id=\"{e(f'{notebook.name}-{rank}')}\"><h3>{rank}. "
            f"{e(pair.student_a)} and {e(pair.student_b)}: score {pair.score:.2f}, "
            f"similarity {pair.similarity:.2f}</h3><div class=\"sides\">{''.join(sides)}"
            f"</div></div>")
