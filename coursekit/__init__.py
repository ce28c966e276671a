"""Support package for the handwritten-digits course.

Modules
-------
data           the digits (and optionally MNIST) as flat vectors in [0, 1], the
               course's standard splits, the one-pixel nudge
plots          digits, grids of digits, label histograms, loss curves, weight tiles,
               confusion matrices, grid-search heatmaps
evaluation     accuracy of a classifier, one image at a time or vectorized
nn             the reference from-scratch network of notebooks 03 and 04
training       mini-batches and first-layer snapshots for notebook 07
digit_browser  the slider over the digits of notebook 01
widgets        the sliders over C (06) and over training snapshots (07)
checks         what a kernel runs of each exercise: check(), progress(), specs, wire format
judging        what the grader trusts: cases, references, judges, hints (never in a kernel)
assign         solutions/ -> notebooks/ (solution blocks removed, outputs cleared);
               nbgrader's cell metadata, derived from the cells
export         the course as an nbgrader course directory (``coursekit export nbgrader``)
execute        re-execute solutions and store their outputs
grading        grade a batch of submissions (``coursekit grade``)
threads        the BLAS thread count of the course's kernels (set on import)
"""

__version__ = "0.1.0"

from .threads import limit_threads

# Every notebook imports coursekit: this keeps the course's small matrices from spreading
# over threads that only fight for the cores (see coursekit.threads).
limit_threads()
