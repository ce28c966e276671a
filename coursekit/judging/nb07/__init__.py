"""The judges of notebook 07, training in periods: one module per exercise or pair of them.

Training in periods (:mod:`.periods`, the histories it is compared with in
:mod:`.histories` and the slips it names in :mod:`.period_slips`), the confusion
rates (:mod:`.confusion`), the tuned linear model and the network that beats it
(:mod:`.tuning`, checked by :mod:`.model_slips` and :mod:`.replay` on the notebook's
:mod:`.parts`), and the hidden units' weights and their tiles (:mod:`.unit_weights`).
"""

from .confusion import RowNormalizedConfusion
from .parts import notebook_parts
from .periods import TrainInPeriods
from .tuning import BetterNetwork, TuneLinear
from .unit_weights import UnitWeights, WhatTilesShow

EXERCISES = [TrainInPeriods(), RowNormalizedConfusion(), TuneLinear(), BetterNetwork(),
             UnitWeights(), WhatTilesShow()]

__all__ = ["EXERCISES", "notebook_parts"]
