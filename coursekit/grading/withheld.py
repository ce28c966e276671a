"""What a graded kernel finds instead of coursekit's judges and reference answers.

The sandbox (:class:`coursekit.grading.sandbox.KernelView`) binds this file, as
it is, over ``coursekit/judging/__init__.py`` and, for the notebooks whose
exercises they answer, over the reference modules such as ``coursekit/nn.py``.
Importing one of them then fails with the reason, whichever name it has there;
:mod:`coursekit.checks` takes that failure to mean that the grader judges.
Nothing imports this module under its own name.
"""

raise ModuleNotFoundError(
    f"{__name__} is not available while a notebook is graded: it holds what the grader "
    f"judges answers with. Write your own code, as the exercise asks.", name=__name__)
