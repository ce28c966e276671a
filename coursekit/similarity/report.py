"""The whole comparison: find, extract, fingerprint, score, group; then write it out."""

import html
import numbers
from dataclasses import dataclass, field
from pathlib import Path

from . import clusters, page, table
from .fingerprints import K, fingerprint
from .scoring import EVIDENCE, compare_answers

#: The score from which a pair is flagged. On the generated benchmark class
#: (benchmarks/similarity.py) the copies scored from about 0.65 up and 99.9 %
#: of independent pairs below 0.7; docs/similarity.md says when to move it.
DEFAULT_THRESHOLD = 0.6


@dataclass
class NotebookComparison:
    """One notebook's answers, their fingerprints, pairs and groups.

    Attributes
    ----------
    name : str
    answers : list of StudentAnswer
    fingerprints : list of Fingerprints
        In the order of ``answers``.
    pairs : list of Pair
        Highest score first.
    groups : list of tuple of str
        Groups of three or more students linked by flagged pairs.
    """

    name: str
    answers: list
    fingerprints: list
    pairs: list
    groups: list

    def answer_of(self, student):
        """The answer of ``student``."""
        return self.answers[self._index(student)]

    def fingerprints_of(self, student):
        """The fingerprints of ``student``'s answer."""
        return self.fingerprints[self._index(student)]

    def _index(self, student):
        return [answer.student for answer in self.answers].index(student)


@dataclass
class SimilarityReport:
    """What :func:`compare_class` found.

    Attributes
    ----------
    notebooks : list of NotebookComparison
        In course order (by name).
    threshold : float
    ignored : list of (str, str)
        Files or folders not compared, with the reason.
    """

    notebooks: list = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD
    ignored: list = field(default_factory=list)

    @property
    def pairs(self):
        """Every pair of every notebook."""
        return [pair for notebook in self.notebooks for pair in notebook.pairs]


def check_threshold(threshold):
    """``threshold`` as a float from 0 to 1, or a ValueError naming it."""
    if (isinstance(threshold, numbers.Real) and not isinstance(threshold, bool)
            and 0 < threshold <= 1):
        return float(threshold)
    raise ValueError(f"threshold must be a number above 0 and at most 1; got {threshold!r}")


def compare_answers_by_notebook(notebooks, threshold=DEFAULT_THRESHOLD, *, k=K,
                                evidence=EVIDENCE, ignored=()):
    """Compare answers already collected: notebook -> one StudentAnswer per student.

    Parameters
    ----------
    notebooks : dict of str to list of StudentAnswer
    threshold : float, default=DEFAULT_THRESHOLD
    k : int, default=K
        Characters of normalised code per fingerprint.
    evidence : float, default=EVIDENCE
    ignored : list of (str, str), optional
        Carried into the report.

    Returns
    -------
    SimilarityReport
    """
    threshold = check_threshold(threshold)
    report = SimilarityReport(threshold=threshold, ignored=list(ignored))
    for name in sorted(notebooks):
        answers = sorted(notebooks[name], key=lambda answer: answer.student)
        prints = [fingerprint(answer.code.text, k) for answer in answers]
        pairs = compare_answers(answers, [p.hashes for p in prints], threshold, evidence)
        report.notebooks.append(NotebookComparison(name, answers, prints, pairs,
                                                   clusters.groups(pairs)))
    return report


def compare_class(paths, student_version="notebooks", roster=None,
                  threshold=DEFAULT_THRESHOLD):
    """Compare every pair of students' own code, per notebook.

    Parameters
    ----------
    paths : list of path-like
        Submitted files, or folders of them (nbgrader's ``submitted/``, or one
        folder per student).
    student_version : path-like, default="notebooks"
        The student notebooks, whose code is left out as everyone's.
    roster : path-like, optional
        A roster CSV naming each file's student.
    threshold : float, default=DEFAULT_THRESHOLD
        The score from which a pair is flagged.

    Returns
    -------
    SimilarityReport

    Raises
    ------
    ValueError
        Naming the argument, for a threshold out of range or paths, a
        student version or a roster that cannot be read.
    """
    from .sources import collect_answers, student_versions

    threshold = check_threshold(threshold)
    collected = collect_answers(paths, student_versions(student_version), roster)
    return compare_answers_by_notebook(collected.notebooks, threshold,
                                       ignored=collected.ignored)


def similarity_section(report):
    """The report as an HTML fragment, for the grading report's page.

    Parameters
    ----------
    report : SimilarityReport

    Returns
    -------
    str
        A ``<section class="similarity">`` with its own style, every rule under
        that class; every learner's text escaped, no script.

    Examples
    --------
    >>> html = similarity_section(SimilarityReport())
    >>> html.startswith('<section class="similarity">')
    True
    """
    return page.section(report, styled=True)


#: What the grading report's similarity section says without the ``similarity`` extra.
NOT_INSTALLED = ("copydetect is not installed, so the answers were not compared. "
                 "Install the extra (<code>pip install 'coursekit[similarity]'</code>) and grade "
                 "again: this section then ranks the pairs of students whose code is alike.")


def grading_section(paths, roster=None, student_version="notebooks",
                    threshold=DEFAULT_THRESHOLD):
    """The similarity section of ``coursekit grade --report``: the class's files, compared.

    The files are those the grade run found in ``paths`` (with ``roster``),
    and each student's latest attempt per notebook is compared, as
    :func:`compare_class` does. When the comparison cannot be made (the
    ``similarity`` extra is not installed, no student version to leave out),
    the section says why and how to make it, and the grading report is
    written all the same.

    Parameters
    ----------
    paths : list of path-like
    roster : path-like, optional
    student_version : path-like, default="notebooks"
    threshold : float, default=DEFAULT_THRESHOLD

    Returns
    -------
    str
        An ``<h2>`` and the section (:func:`similarity_section`), or the note.

    Examples
    --------
    >>> import tempfile
    >>> html = grading_section([tempfile.mkdtemp()], student_version="no/such/folder")
    >>> "no such folder: no/such/folder" in html
    True
    """
    heading = '<h2 id="similarity">Similar answers across the class</h2>'
    try:
        import copydetect  # noqa: F401  (the extra; imported by the comparison too)
    except ImportError:
        return f'{heading}\n<p class="note">{NOT_INSTALLED}</p>'
    try:
        report = compare_class(paths, student_version=student_version, roster=roster,
                               threshold=threshold)
    except (ValueError, OSError) as exc:
        return (f'{heading}\n<p class="note">The answers were not compared: '
                f"{html.escape(str(exc))}</p>")
    return f"{heading}\n{similarity_section(report)}"


def write_outputs(report, out, csv=None):
    """Write the page to ``out`` and, if given, the CSV to ``csv``.

    Parameters
    ----------
    report : SimilarityReport
    out : path-like
        The HTML page.
    csv : path-like, optional

    Returns
    -------
    list of Path
        What was written.
    """
    out = Path(out)
    out.write_text(page.page(report), encoding="utf-8")
    written = [out]
    if csv is not None:
        written.append(table.write_csv(report, csv))
    return written
