"""Copy detection across a class: ``coursekit similarity``.

For each notebook, every pair of students' answer code is compared and the
pairs are ranked for an instructor to look at. Nothing here decides that anyone
copied: a high score says two answers share unusually much code, which honest
work on a short exercise can too (docs/similarity.md says how to read it).

Why copydetect
--------------
The fingerprints come from the PyPI package ``copydetect`` (MIT licence,
0.5.0): the winnowing algorithm of MOSS over Pygments tokens, with every
variable, attribute and function name replaced by one letter and comments,
strings and white space normalised, so renaming and reformatting change
nothing. Its dependencies (numpy, matplotlib, jinja2, pygments, tqdm) are the
course's already, it is pure Python, and it exposes what we need as documented
API (``CodeFingerprint``, ``compare_files``). We use it for tokens, k-gram
hashes and the matched slices we highlight, and not its report (which marks
nothing as a learner's text to escape the way this page must, and knows
nothing of the class). Alternatives read: Dolos (Node.js and tree-sitter
parsers: a second toolchain for instructors), pycode_similar (AST diff of two
files, no fingerprints for a whole class), MOSS and JPlag (a web service;
Java, with Python support called legacy).

What we add on top: answer code without the student version's boilerplate
(:mod:`.answers`), a class baseline that discounts what many students share
(:mod:`.scoring`), all pairs at once as one sparse product, groups of three
or more (:mod:`.clusters`), the escaped page (:mod:`.page`) and the CSV
(:mod:`.table`). :mod:`.report` puts them together.

The modules
-----------
sources       each student's latest notebook, from nbgrader's or a plain layout
answers       a submission's own code: its code cells minus the student version's
fingerprints  copydetect's fingerprints of that code, and the matches of a pair
scoring       every pair's score against the class baseline
clusters      groups of three or more students linked by flagged pairs
page          the HTML page (every learner's text escaped)
table         the CSV, one row per pair compared
report        the whole comparison (:func:`compare_class`), and the section for
              the grading report (:func:`similarity_section`, :func:`grading_section`)
"""

from .report import (DEFAULT_THRESHOLD, SimilarityReport, compare_class, grading_section,
                     similarity_section, write_outputs)

__all__ = ["DEFAULT_THRESHOLD", "SimilarityReport", "compare_class", "grading_section",
           "similarity_section", "write_outputs"]
