"""A grader's loop on a store, run as its own process by tests/test_gradebook_store.py.

``python store_worker.py STORE LOG PAUSE``: claim one attempt at a time, "grade"
it (each verdict a function of the attempt's seed, a pause between the
verdicts so that a kill can land mid-grading), record it, and append the
attempt's id to LOG once its grading is committed. Exits when nothing is left
to claim.
"""

import sys
import time

from coursekit.grading.store import Store, Verdict

EXERCISES = 5


def verdicts(attempt):
    # The verdicts depend on the seed only: a regrade must give the same.
    return [Verdict(f"ex{k}", (attempt.seed >> k) & 1, 1, "correct" if (attempt.seed >> k) & 1
                    else "wrong", f"seed bit {k}") for k in range(EXERCISES)]


def main(path, log, pause):
    with Store(path, timeout=120) as store:
        while True:
            claimed = store.claim()
            if not claimed:
                return
            (attempt,) = claimed
            done = []
            for verdict in verdicts(attempt):
                time.sleep(pause)
                done.append(verdict)
            store.finish(attempt.id, status="ok", reason="", verdicts=done)
            with open(log, "a") as stream:
                stream.write(f"{attempt.id}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
