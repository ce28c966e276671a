"""Independently written right answers to notebook 03's exercises (bodies only).

``{this|that}`` marks a choice two students taking the same approach still
make differently (``np.zeros_like(w)`` or ``np.zeros(w.shape)``, ``len(X)`` or
``X.shape[0]``, one line or two); each student makes each choice on their own
(:func:`choices`, :func:`resolve`).

Each exercise has four or five answers that differ in their approach (a loop
or a comprehension, one image at a time or the whole batch, ``@``, ``np.dot``
or ``np.matmul``, which helper functions, which names), as different students
write them. tests/test_similarity.py proves every one right with the
exercise's own check. The function line and docstring come from the student
version (:mod:`.generate`), as a student's answer cell keeps them.
"""

import re

NOTEBOOK = "03_mlp_from_scratch"

ANSWERS = {
    "03-network": [
        """
rng = np.random.default_rng(seed)
{weights, biases = [], []|weights = []
biases = []}
for n_in, n_out in zip({sizes[:-1], sizes[1:]|sizes, sizes[1:]}):
    weights.append(rng.random((n_out, n_in)))
    biases.append(rng.random(n_out))
return weights, biases
""",
        """
generator = np.random.default_rng(seed)
weights = []
biases = []
for i in range(1, len(sizes)):
    weights.append(generator.random({size=(sizes[i], sizes[i - 1])|(sizes[i], sizes[i - 1])}))
    biases.append(generator.random({size=sizes[i]|sizes[i]|(sizes[i],)}))
return weights, biases
""",
        """
rng = np.random.default_rng(seed)
layers = []
for i in range(len(sizes) - 1):
    w = rng.uniform({0, 1, |0.0, 1.0, |0, 1, size=}(sizes[i + 1], sizes[i]))
    b = rng.uniform({0, 1, |0.0, 1.0, |0, 1, size=}sizes[i + 1])
    layers.append((w, b))
return [w for w, _ in layers], [b for _, b in layers]
""",
        """
rng = np.random.default_rng(seed)
params = [(rng.random((m, n)), rng.random(m)) for n, m in zip(sizes, sizes[1:])]
return [p[0] for p in params], [p[1] for p in params]
""",
    ],
    "03-sigmoid": [
        "return 1 / (1 + np.exp(-z))",
        "return 1.0 / (1.0 + np.exp(-z))",
        "return 0.5 * (1 + np.tanh(z / 2))",
        "return np.reciprocal(1 + np.exp(-z))",
        """
e = np.exp(-z)
return 1 / (1 + e)
""",
    ],
    "03-feedforward": [
        """
activations = [x]
for w, b in zip(weights, biases):
    activations.append(sigmoid({w @ activations[-1] + b|b + w @ activations[-1]|np.dot(w, activations[-1]) + b}))
return activations
""",
        """
activations = [x]
a = x
for i in range(len(weights)):
    {a = sigmoid(np.dot(weights[i], a) + biases[i])|z = weights[i] @ a + biases[i]
    a = sigmoid(z)}
    activations.append(a)
return activations
""",
        """
result = [x]
for w, b in zip(weights, biases):
    z = w.dot(result[-1]) + b
    result.append(sigmoid(z))
return result
""",
        """
layers = [np.asarray(x)]
for layer, (w, b) in enumerate(zip(weights, biases)):
    layers.append(sigmoid(np.matmul(w, layers[layer]) + b))
return layers
""",
    ],
    "03-cost": [
        """
total = {0.0|0}
for x, label in zip(X, y):
    total += np.sum(({evaluate(weights, biases, x)|feed_forward(weights, biases, x)[-1]} - np.eye(10)[label]) ** 2)
return total / {len(X)|X.shape[0]}
""",
        """
targets = np.eye(10)[y]
outputs = np.array([evaluate(weights, biases, x) for x in X])
return {np.mean(np.sum((outputs - targets) ** 2, axis=1))|((outputs - targets) ** 2).sum(axis=1).mean()|np.sum((outputs - targets) ** 2) / len(X)}
""",
        """
total = 0
for i in range(len(X)):
    target = np.zeros(10)
    target[y[i]] = 1
    diff = feed_forward(weights, biases, X[i])[-1] - target
    total += diff @ diff
return total / len(X)
""",
        """
errors = []
for x, label in zip(X, y):
    one_hot = np.zeros(10)
    one_hot[label] = 1.0
    errors.append(np.sum(np.square(evaluate(weights, biases, x) - one_hot)))
return sum(errors) / len(errors)
""",
    ],
    "03-sigmoid-prime": [
        """
s = sigmoid(z)
return {s * (1 - s)|s - s ** 2|s * (1.0 - s)}
""",
        "return sigmoid(z) * (1 - sigmoid(z))",
        """
e = np.exp(-z)
return e / (1 + e) ** 2
""",
        "return np.exp(-z) / np.square(1 + np.exp(-z))",
    ],
    "03-backprop": [
        """
grad_w = [{np.zeros_like(w)|np.zeros(w.shape)} for w in weights]
grad_b = [{np.zeros_like(b)|np.zeros(b.shape)} for b in biases]
for x, label in zip(X, y):
    {activations, zs = [x], []|activations = [x]
    zs = []}
    for w, b in zip(weights, biases):
        zs.append(w @ activations[-1] + b)
        activations.append(sigmoid(zs[-1]))
    delta = {2 * (activations[-1] - np.eye(10)[label])|(activations[-1] - np.eye(10)[label]) * 2} * sigmoid_prime(zs[-1])
    for l in range(len(weights), 0, -1):
        grad_w[l - 1] += np.outer(delta, activations[l - 1])
        grad_b[l - 1] += delta
        if l > 1:
            delta = (weights[l - 1].T @ delta) * sigmoid_prime(zs[l - 2])
{return [g / len(X) for g in grad_w], [g / len(X) for g in grad_b]|n = len(X)
return [g / n for g in grad_w], [g / n for g in grad_b]}
""",
        """
nabla_w = [np.zeros(w.shape) for w in weights]
nabla_b = [np.zeros(b.shape) for b in biases]
for x, label in zip(X, y):
    activation = x
    activations = [x]
    zs = []
    for w, b in zip(weights, biases):
        z = np.dot(w, activation) + b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    {target = np.zeros(10)
    target[label] = 1|target = np.eye(10)[label]}
    delta = {2 * (activations[-1] - target)|2.0 * (activation - target)} * sigmoid_prime(zs[-1])
    nabla_b[-1] += delta
    nabla_w[-1] += np.outer(delta, activations[-2])
    for l in range(2, len(weights) + 1):
        delta = np.dot(weights[-l + 1].T, delta) * sigmoid_prime(zs[-l])
        nabla_b[-l] += delta
        nabla_w[-l] += np.outer(delta, activations[-l - 1])
n = len(X)
return [nw / n for nw in nabla_w], [nb / n for nb in nabla_b]
""",
        """
Y = np.eye(10)[y]
A = [X]
Z = []
for w, b in zip(weights, biases):
    Z.append(A[-1] @ w.T + b)
    A.append(sigmoid(Z[-1]))
delta = {2 * (A[-1] - Y)|(2 * A[-1] - 2 * Y)} * sigmoid_prime(Z[-1])
grads_w, grads_b = {[None] * len(weights), [None] * len(weights)|list(weights), list(biases)}
for layer in reversed(range(len(weights))):
    grads_w[layer] = {delta.T @ A[layer] / len(X)|np.dot(delta.T, A[layer]) / X.shape[0]}
    grads_b[layer] = {delta.mean(axis=0)|np.mean(delta, axis=0)|delta.sum(axis=0) / len(X)}
    if layer > 0:
        delta = (delta @ weights[layer]) * sigmoid_prime(Z[layer - 1])
return grads_w, grads_b
""",
        """
def one_image(x, label):
    acts, zs = [x], []
    for w, b in zip(weights, biases):
        zs.append(w @ acts[-1] + b)
        acts.append(sigmoid(zs[-1]))
    err = {2 * (acts[-1] - np.eye(10)[label])|(2 * acts[-1] - 2 * np.eye(10)[label])} * sigmoid_prime(zs[-1])
    gw, gb = [], []
    for i in range(len(weights) - 1, -1, -1):
        gw.insert(0, np.outer(err, acts[i]))
        gb.insert(0, err)
        if i:
            err = weights[i].T @ err * sigmoid_prime(zs[i - 1])
    return gw, gb

sums_w = [{np.zeros_like(w)|0 * w} for w in weights]
sums_b = [{np.zeros_like(b)|0 * b} for b in biases]
for x, label in zip(X, y):
    gw, gb = one_image(x, label)
    sums_w = [s + g for s, g in zip(sums_w, gw)]
    sums_b = [s + g for s, g in zip(sums_b, gb)]
return [s / len(X) for s in sums_w], [s / len(X) for s in sums_b]
""",
    ],
    "03-train": [
        """
rng = np.random.default_rng(seed)
losses = []
for {_|epoch} in range(epochs):
    order = rng.permutation({len(X)|X.shape[0]})
    for start in range(0, {len(X)|len(order)}, batch_size):
        {batch = order[start:start + batch_size]
        grad_w, grad_b = backprop(weights, biases, X[batch], y[batch])|grad_w, grad_b = backprop(weights, biases, X[order[start:start + batch_size]], y[order[start:start + batch_size]])}
        weights = [w - learning_rate * g for w, g in zip(weights, grad_w)]
        biases = [b - learning_rate * g for b, g in zip(biases, grad_b)]
    losses.append(cost(weights, biases, X, y))
return weights, biases, losses
""",
        """
generator = np.random.default_rng(seed)
weights, biases = list(weights), list(biases)
history = []
n = len(X)
for epoch in range(epochs):
    shuffled = generator.permutation(n)
    X_shuffled, y_shuffled = X[shuffled], y[shuffled]
    for i in range(0, n, batch_size):
        gw, gb = backprop(weights, biases, X_shuffled[i:i + batch_size],
                          y_shuffled[i:i + batch_size])
        for j in range(len(weights)):
            {weights[j] = weights[j] - learning_rate * gw[j]|weights[j] = weights[j] - gw[j] * learning_rate}
            {biases[j] = biases[j] - learning_rate * gb[j]|biases[j] = biases[j] - gb[j] * learning_rate}
    history.append(cost(weights, biases, X, y))
return weights, biases, history
""",
        """
rng = np.random.default_rng(seed)
weights = [w.copy() for w in weights]
biases = [b.copy() for b in biases]
costs = []
for _ in range(epochs):
    idx = {rng.permutation(len(X))|rng.permutation(np.arange(len(X)))}
    batches = [idx[k:{k + batch_size|min(k + batch_size, len(idx))}] for k in range(0, len(idx), batch_size)]
    for batch in batches:
        dw, db = backprop(weights, biases, X[batch], y[batch])
        for w, g in zip(weights, dw):
            w -= learning_rate * g
        for b, g in zip(biases, db):
            b -= learning_rate * g
    costs.append(cost(weights, biases, X, y))
return weights, biases, costs
""",
        """
rng = np.random.default_rng(seed)
losses = []
epoch = 0
while epoch < epochs:
    permutation = rng.permutation(X.shape[0])
    start = 0
    while start < X.shape[0]:
        rows = permutation[start:start + batch_size]
        grads = backprop(weights, biases, X[rows], y[rows])
        weights = [{w - learning_rate * g|w - g * learning_rate} for w, g in zip(weights, grads[0])]
        biases = [{b - learning_rate * g|b - g * learning_rate} for b, g in zip(biases, grads[1])]
        start += batch_size
    losses.append(cost(weights, biases, X, y))
    epoch += 1
return weights, biases, losses
""",
    ],
    "03-feedforward-batch": [
        """
A = X
for w, b in zip(weights, biases):
    A = sigmoid({A @ w.T + b|np.dot(A, w.T) + b|A @ w.T + b[np.newaxis, :]})
return A
""",
        """
out = X
for i in range(len(weights)):
    {out = sigmoid(out @ weights[i].T + biases[i])|z = out @ weights[i].T + biases[i]
    out = sigmoid(z)}
return out
""",
        """
activations = X.T
for w, b in zip(weights, biases):
    activations = sigmoid(w @ activations + b[:, np.newaxis])
return activations.T
""",
        """
result = np.asarray(X)
for w, b in zip(weights, biases):
    result = sigmoid(np.dot(result, w.T) + b.reshape(1, -1))
return result
""",
    ],
}


_CHOICE = re.compile(r"\{([^{}]*\|[^{}]*)\}")


def choices(template):
    """How many options each ``{a|b}`` choice of ``template`` has, in order."""
    return [len(match.group(1).split("|")) for match in _CHOICE.finditer(template)]


def resolve(template, picks):
    """``template`` with its ``n``-th choice made as ``picks[n]`` (an option index)."""
    picks = iter(picks)
    return _CHOICE.sub(lambda match: match.group(1).split("|")[next(picks)], template)
