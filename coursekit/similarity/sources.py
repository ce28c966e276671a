"""Each student's latest notebook, found the way ``coursekit grade`` finds them.

The files, their students and their times come from
:func:`coursekit.grading.identity.discover` (nbgrader's
``submitted/<student>/<assignment>/`` with its ``timestamp.txt``, one folder per
student, or a roster CSV), so both commands agree on who handed in what and
when. A student with several files for one notebook is compared on the one
handed in last.
"""

from dataclasses import dataclass, field
from pathlib import Path

from ..grading.identity import discover, read_roster
from ..grading.submissions import read_submission
from .answers import answer_code, given_code


@dataclass(frozen=True)
class StudentAnswer:
    """One student's own code in one notebook.

    Attributes
    ----------
    student : str
    notebook : str
    label : str
        The file, as grades.csv names it.
    sha256 : str
        The hash of the file's bytes.
    code : AnswerCode
    """

    student: str
    notebook: str
    label: str
    sha256: str
    code: object


@dataclass
class ClassAnswers:
    """What :func:`collect_answers` found.

    Attributes
    ----------
    notebooks : dict of str to list of StudentAnswer
        Per notebook, one answer per student, sorted by student.
    ignored : list of (str, str)
        Each file or folder met and not compared, with the reason.
    """

    notebooks: dict = field(default_factory=dict)
    ignored: list = field(default_factory=list)


def student_versions(folder):
    """The code the student version of each notebook gives, from ``folder``.

    Parameters
    ----------
    folder : path-like
        The student notebooks (the course's ``notebooks/``).

    Returns
    -------
    dict of str to GivenCode
        Keyed by notebook (file stem).

    Raises
    ------
    ValueError
        Naming ``student_version``, if ``folder`` is not a folder of notebooks.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"student_version: no such folder: {folder} (give the folder of "
                         f"the student notebooks, the course's notebooks/)")
    given = {}
    for path in sorted(folder.glob("*.ipynb")):
        submission = read_submission(path)
        if not submission.problem and submission.notebook:
            given[submission.notebook] = given_code(cell.source for cell in submission.cells)
    if not given:
        raise ValueError(f"student_version: {folder} has no notebook of this course")
    return given


def collect_answers(paths, given, roster=None):
    """Each student's own code in the latest notebook they handed in, per notebook.

    Parameters
    ----------
    paths : list of path-like
        Files, or folders searched for ``*.ipynb``, as ``coursekit grade`` takes.
    given : dict of str to GivenCode
        The student versions (:func:`student_versions`).
    roster : path-like, optional
        A roster CSV naming each file's student.

    Returns
    -------
    ClassAnswers

    Raises
    ------
    ValueError
        Naming ``paths`` or ``roster``, if they name nothing that exists or
        cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "notes.txt").write_text("not a notebook")
    >>> collected = collect_answers([folder], given={})
    >>> collected.notebooks, [reason for _, reason in collected.ignored]
    ({}, ['not a notebook (*.ipynb) file name'])
    """
    found = discover(paths, read_roster(roster) if roster is not None else None)
    collected = ClassAnswers(ignored=list(found.ignored))
    latest = {}
    for handed in found.files:
        label, student = handed.label, handed.student
        submission = read_submission(handed.path, label)
        if submission.problem:
            collected.ignored.append((label, submission.problem))
        elif not student:
            collected.ignored.append((label, "names no student: put each student's files in "
                                             "a folder of their own, or give a roster"))
        elif submission.notebook not in given:
            collected.ignored.append((label, f"no student version of {submission.notebook} "
                                             f"to leave out"))
        else:
            key = (submission.notebook, student)
            stamp = handed.submitted_at
            if key in latest and latest[key][0] >= stamp:
                collected.ignored.append((label, f"an earlier attempt of {student}"))
                continue
            if key in latest:
                collected.ignored.append((latest[key][1].label,
                                          f"an earlier attempt of {student}"))
            code = answer_code(((cell.number, cell.source) for cell in submission.cells),
                               given[submission.notebook])
            latest[key] = (stamp, StudentAnswer(student, submission.notebook, label,
                                                submission.sha256, code))
    for (notebook, _), (_, answer) in sorted(latest.items()):
        if answer.code.text:
            collected.notebooks.setdefault(notebook, []).append(answer)
        else:  # every unanswered notebook would match every other
            collected.ignored.append((answer.label, "no code of the student's own: only what "
                                                    "the student version gives"))
    return collected
