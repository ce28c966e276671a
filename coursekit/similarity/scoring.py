"""Every pair's score, against what the rest of the class shares.

Short exercises make honest answers alike: ``1 / (1 + np.exp(-z))`` is
everyone's sigmoid. So a fingerprint counts for a pair by how rare it is in the
class: one held by ``n`` of the ``N`` students weighs
``log((N + 1) / n) / log(N + 1)``, 1 for code no one else has and near 0 for
code everyone has. A pair's **score** is the weight of the fingerprints they
share over the weight of the smaller of their two answers, plus
:data:`EVIDENCE`, so that a few shared lines are not a whole answer:

    score = shared weight / (min(weight of a, weight of b) + EVIDENCE)

It is 0 to 1. The plain **similarity**, every fingerprint weighing 1, is kept
beside it: a high similarity with a low score is code the class has in common.

All pairs are one sparse matrix product (students x fingerprints, times its
transpose), so 300 students take well under a second; the cost grows with the
square of the class (benchmarks/similarity.py, docs/similarity.md).
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse

#: Weight (in fingerprints no one else has) added to the smaller answer's
#: weight before dividing: two students sharing one distinctive line of a long
#: answer, or all of a three-line answer, do not score near 1.
EVIDENCE = 20.0


def fingerprint_matrix(hash_arrays):
    """Students x distinct fingerprints, 1 where a student's code has one.

    Parameters
    ----------
    hash_arrays : list of numpy.ndarray
        Each student's distinct fingerprints.

    Returns
    -------
    scipy.sparse.csr_matrix
        Of shape ``(len(hash_arrays), number of distinct fingerprints)``.

    Examples
    --------
    >>> matrix = fingerprint_matrix([np.array([5, 7]), np.array([7, 9])])
    >>> matrix.toarray().tolist()
    [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]
    """
    lengths = [len(hashes) for hashes in hash_arrays]
    rows = np.repeat(np.arange(len(hash_arrays)), lengths)
    every = np.concatenate(hash_arrays) if hash_arrays else np.zeros(0, np.int64)
    _, columns = np.unique(every, return_inverse=True)
    width = int(columns.max()) + 1 if len(columns) else 0
    return sparse.csr_matrix((np.ones(len(every)), (rows, columns.ravel())),
                             shape=(len(hash_arrays), width))


def class_weights(matrix):
    """Each fingerprint's weight: how rare it is in the class (1 = no one else's).

    Parameters
    ----------
    matrix : scipy.sparse matrix
        From :func:`fingerprint_matrix`.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> matrix = fingerprint_matrix([np.array([1, 2]), np.array([2]), np.array([2, 3])])
    >>> np.round(class_weights(matrix), 2).tolist()
    [1.0, 0.21, 1.0]
    """
    students = matrix.shape[0]
    if not students:
        return np.zeros(matrix.shape[1])
    held_by = np.maximum(np.asarray(matrix.sum(axis=0)).ravel(), 1)
    return np.log((students + 1) / held_by) / np.log(students + 1)


def pair_scores(hash_arrays, evidence=EVIDENCE):
    """The score and the plain similarity of every pair of students.

    Parameters
    ----------
    hash_arrays : list of numpy.ndarray
        Each student's distinct fingerprints (:func:`..fingerprints.fingerprint`).
    evidence : float, default=EVIDENCE

    Returns
    -------
    scores, similarities : numpy.ndarray
        Square, symmetric, 0 to 1; the diagonal is 0.

    Examples
    --------
    >>> own = [np.arange(100 * n, 100 * n + 60) for n in range(4)]
    >>> copied = [own[0], own[0][:55], own[2], own[3]]
    >>> scores, similarities = pair_scores(copied)
    >>> round(float(scores[0, 1]), 2), round(float(similarities[0, 1]), 2)
    (0.61, 1.0)
    >>> float(scores[2, 3])
    0.0
    """
    matrix = fingerprint_matrix(hash_arrays)
    weights = class_weights(matrix)
    weighted = matrix.multiply(weights[np.newaxis, :]).tocsr()
    shared_weight = (weighted @ matrix.T).toarray()
    shared_count = (matrix @ matrix.T).toarray()
    weight = np.asarray(weighted.sum(axis=1)).ravel()
    count = np.asarray(matrix.sum(axis=1)).ravel()
    scores = shared_weight / (np.minimum.outer(weight, weight) + evidence)
    similarities = shared_count / np.maximum(np.minimum.outer(count, count), 1)
    for table in (scores, similarities):
        np.fill_diagonal(table, 0.0)
        np.clip(table, 0.0, 1.0, out=table)
    return scores, similarities


@dataclass(frozen=True)
class Pair:
    """Two students' answers in one notebook, compared.

    Attributes
    ----------
    notebook, student_a, student_b : str
        ``student_a`` sorts before ``student_b``.
    score : float
        Against the class baseline, 0 to 1 (the module's docstring).
    similarity : float
        Every shared fingerprint counted alike, 0 to 1.
    flagged : bool
        Whether ``score`` reached the threshold.
    identical : str
        ``"file"`` for the same file (same SHA-256), ``"code"`` for the same
        own code once the student version, blank lines, comment lines and
        indentation are left out, else ``""``.
    """

    notebook: str
    student_a: str
    student_b: str
    score: float
    similarity: float
    flagged: bool
    identical: str = ""


def compare_answers(answers, hash_arrays, threshold, evidence=EVIDENCE):
    """Every pair of one notebook's answers, highest score first.

    Parameters
    ----------
    answers : list of StudentAnswer
        One notebook's, one per student (:mod:`.sources`).
    hash_arrays : list of numpy.ndarray
        Their fingerprints, in the same order.
    threshold : float
        The score from which a pair is flagged.
    evidence : float, default=EVIDENCE

    Returns
    -------
    list of Pair
    """
    if len(answers) < 2:
        return []
    scores, similarities = pair_scores(hash_arrays, evidence)
    own = [_lines(answer.code.text) for answer in answers]
    pairs = []
    for first, second in zip(*(index.tolist() for index in np.triu_indices(len(answers), 1))):
        a, b = sorted((answers[first], answers[second]), key=lambda answer: answer.student)
        if a.sha256 == b.sha256 and own[first]:
            identical = "file"
        elif own[first] and own[first] == own[second]:
            identical = "code"
        else:
            identical = ""
        # The same file, bytes and all, is never chance; the same own code can be, when
        # it is short and the class writes it alike: that keeps its score.
        score = 1.0 if identical == "file" else float(scores[first, second])
        pairs.append(Pair(a.notebook, a.student, b.student, score,
                          float(similarities[first, second]), score >= threshold, identical))
    pairs.sort(key=lambda pair: (-pair.score, -pair.similarity, pair.student_a,
                                 pair.student_b))
    return pairs


def _lines(text):
    """The code's lines, stripped, without blank and comment lines (the cell headings too)."""
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))
