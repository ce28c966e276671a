"""Support package for the handwritten-digits course.

Modules
-------
data    the digits as flat vectors in [0, 1] and the course's standard splits
plots   figures of digits, grids of digits and label histograms
checks  one check per exercise, shared by the notebooks and the grader
assign  solutions/ -> notebooks/ (solution blocks removed, outputs cleared)
"""

__version__ = "0.1.0"
