"""Right answers to 05-nudge that several test files need."""

import numpy as np


def by_slicing(images, direction):
    out = np.zeros_like(images)
    if direction == "left":
        out[:, :, :-1] = images[:, :, 1:]
    elif direction == "right":
        out[:, :, 1:] = images[:, :, :-1]
    elif direction == "up":
        out[:, :-1] = images[:, 1:]
    else:
        out[:, 1:] = images[:, :-1]
    return out
