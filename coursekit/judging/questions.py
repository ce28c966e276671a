"""The judge of every checked question: lettered options, each with its one-line reason."""

from ..checks.results import correct, wrong
from .base import Judge
from .plain_answers import describe_shape


class Question(Judge):
    """The trusted half of a checked question: ``class X(Question, specs.X)``.

    Subclasses set :attr:`options` and :attr:`right`. The verdict on a wrong letter is
    that option's reason, so the learner learns from the slip itself; the right letter
    gets the right option's reason.

    Attributes
    ----------
    options : dict of str to (str, str)
        Letter -> (the option as the notebook words it, the one-line reason it is right
        or wrong).
    right : str
        The right letter.

    Examples
    --------
    >>> from coursekit.checks.spec import QuestionSpec
    >>> class Demo(Question, QuestionSpec):
    ...     answer_name = "demo"
    ...     options = {"a": ("Two.", "one and one make two."), "b": ("Three.", "one too many.")}
    ...     right = "a"
    >>> Demo().evaluate("(A)").message
    '(a) one and one make two.'
    >>> Demo().evaluate("b").message
    '(b) is not right: one too many.'
    """

    options = {}
    right = ""

    def judge(self, payload, cases):
        value = payload["value"]
        letters = sorted(self.options)
        listed = ", ".join(f"'{letter}'" for letter in letters)
        if not isinstance(value, str):
            return wrong(f"the answer is {describe_shape(value)}, not a letter.",
                         f"answer with the letter of one option, as text in quotes: one of "
                         f"{listed}, e.g. `{self.answer_name} = \"{letters[0]}\"`.")
        letter = value.strip().strip("().").strip().lower()
        if letter not in self.options:
            return wrong(f"{value!r} is not one of the options.",
                         f"answer with one letter, {listed}, in quotes.")
        _, reason = self.options[letter]
        if letter == self.right:
            return correct(f"({letter}) {reason}")
        return wrong(f"({letter}) is not right: {reason}",
                     "read the option again next to the output above it, then choose "
                     "another.")
