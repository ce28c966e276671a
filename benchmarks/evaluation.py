"""Notebook 01's per-image evaluation loop against the vectorized evaluation coursekit uses.

Both score all 1,797 digits with the same classifier (the dot product with the
ten average images of notebook 02) and must agree on the accuracy.
"""

import numpy as np
from threadpoolctl import threadpool_limits

from coursekit.data import load_digits
from coursekit.evaluation import batch_accuracy

try:
    from common import best_times, entry
except ImportError:  # imported as benchmarks.evaluation
    from .common import best_times, entry

TARGET = 50.0


def run(repeat=5):
    X, y = load_digits()
    averages = np.stack([X[y == digit].mean(axis=0) for digit in range(10)])

    def classifier(x):
        return averages @ x

    def per_image(start=0, count=len(X)):
        # Notebook 01's harness, as the learner writes it.
        correct = 0
        for i in range(start, start + count):
            if np.argmax(classifier(X[i])) == y[i]:
                correct += 1
        return correct / count

    def vectorized():
        return batch_accuracy(X @ averages.T, y)

    assert per_image() == vectorized(), "the two evaluations disagree"
    # A 1797x64 product is too small to share between BLAS threads: handing it over
    # costs milliseconds on a busy 2-core machine, a thousand times the work itself.
    with threadpool_limits(limits=1, user_api="blas"):
        times = best_times({"loop": per_image, "vectorized": vectorized}, repeat=repeat,
                           number={"vectorized": 100})
    speedup = times["loop"] / times["vectorized"]
    print(f"evaluation on {len(X)} digits: loop {times['loop'] * 1e3:.1f} ms, "
          f"vectorized {times['vectorized'] * 1e3:.3f} ms")
    return [entry("evaluation harness speed-up (vectorized vs per-image loop)",
                  round(speedup, 1), f">= {TARGET:g}", "x", speedup >= TARGET)]


if __name__ == "__main__":
    for row in run():
        print(row)
