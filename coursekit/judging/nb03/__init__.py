"""The judges of notebook 03, a multilayer perceptron from scratch, one module per topic.

The learner's functions take a network as two lists, ``weights`` (matrices of
shape (n_out, n_in)) and ``biases`` (vectors of shape (n_out,)); the checks
build small random networks, call the learner's code on them and compare with
:mod:`coursekit.nn`. When the answer is wrong, the judge rebuilds the classic
mistakes (transposed weights, a missing bias, the sigmoid's derivative taken
at the activation, a gradient off by a factor, ...) and names the one that
matches.

Every network in a case has 10 output units, one per digit, so a learner's
``np.eye(10)`` for the targets is right. The first case of each check has
square weight matrices: transposed weights then still run, and the judge can
recognise them instead of reporting a shape error."""

from .batch import EvaluateBatch
from .building import RandomNetwork, Sigmoid
from .forward import Cost, FeedForward
from .gradients import Backprop, SigmoidPrime
from .training import Train

EXERCISES = [RandomNetwork(), Sigmoid(), FeedForward(), Cost(), SigmoidPrime(), Backprop(),
             Train(), EvaluateBatch()]
