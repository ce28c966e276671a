"""An import the instructor's tools skip: imported first by the command line and the grader.

nbformat validates notebooks with jsonschema, and jsonschema's format module
imports ``rfc3987_syntax`` where it is installed (jupyter-events asks for it),
which compiles 38 grammars as it is imported: most of a second of every
``coursekit`` command's start and of every grading process's, for the ``iri``
formats, which no notebook schema uses. A module set to None in
``sys.modules`` fails to import as if it were not installed, and jsonschema
then goes without those two format checkers, as it does wherever the package
is missing. Nothing the student's kernel runs imports this module.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
