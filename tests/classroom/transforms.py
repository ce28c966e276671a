"""What copiers do to a classmate's code: one function per transformation.

Each takes a :class:`~.generate.Student` and a ``random.Random`` and returns a
new Student; the original is left alone. Names, signatures and the notebook's
own functions are kept (a copy must still answer the same exercises).
"""

import builtins
import io
import keyword
import re
import tokenize

from .generate import Student

#: Names a copier leaves alone: the notebook's functions and numpy.
KEPT_NAMES = {"np", "sigmoid", "sigmoid_prime", "evaluate", "feed_forward", "cost", "backprop",
              "random_network", "train", "evaluate_batch", "self"}
_WORDS = ["val", "tmp", "item", "acc", "res", "arr", "mat", "vec", "cur", "step", "part",
          "piece", "thing", "data", "buf"]


def _tokens(source):
    return list(tokenize.generate_tokens(io.StringIO(source).readline))


def _offsets(source):
    starts, total = [], 0
    for line in source.splitlines(keepends=True):
        starts.append(total)
        total += len(line)
    starts.append(total)
    return starts


def _replace(source, edits):
    """``source`` with each (start, end, text) character range replaced."""
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def _signature_names(source):
    first = source.splitlines()[0] if source.strip() else ""
    return set(re.findall(r"[A-Za-z_]\w*", first))


def rename(student, rng):
    """Every local name renamed, consistently across each cell."""
    new = {}
    for exercise, source in student.cells():
        kept = KEPT_NAMES | _signature_names(source) | set(dir(builtins)) \
            | set(keyword.kwlist)
        tokens, starts, edits, names = _tokens(source), _offsets(source), [], {}
        depth = 0
        for index, token in enumerate(tokens):
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
            if token.type != tokenize.NAME or token.string in kept:
                continue
            before = tokens[index - 1].string if index else ""
            after = tokens[index + 1].string if index + 1 < len(tokens) else ""
            if before == "." or (depth > 0 and after == "="):
                continue  # an attribute or a keyword argument: not the copier's to rename
            if token.string not in names:
                names[token.string] = f"{rng.choice(_WORDS)}_{len(names) + 1}"
            start = starts[token.start[0] - 1] + token.start[1]
            edits.append((start, start + len(token.string), names[token.string]))
        new[exercise] = _replace(source, edits)
    return student.with_cells(new)


def _names(line):
    return set(re.findall(r"[A-Za-z_]\w*", line))


def _written(line):
    head = re.split(r"(?<![=!<>])[-+*/@]?=(?!=)", line, maxsplit=1)[0]
    names = _names(head) if head != line else set()
    first = re.match(r"\s*([A-Za-z_]\w*)", line)
    return names | ({first.group(1)} if first else set())


def _simple(line):
    text = line.strip()
    return bool(text) and not text.endswith((":", ",", "(", "[")) and not text.startswith(
        ("return", "if ", "elif", "else", "for ", "while ", "def ", "#", "import", "from"))


def _depths(lines):
    """The bracket depth at the start of each line."""
    depths, depth = [], 0
    for line in lines:
        depths.append(depth)
        code = re.sub(r"(\"[^\"]*\"|'[^']*')", "", line.split("#")[0])
        depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
    return depths


def reorder(student, rng):
    """Adjacent statements that do not depend on each other swapped."""
    new = {}
    for exercise, source in student.cells():
        lines = source.splitlines()
        depths = _depths(lines)
        index = 1
        while index < len(lines) - 1:
            first, second = lines[index], lines[index + 1]
            indent = len(first) - len(first.lstrip())
            if (depths[index] == depths[index + 1] == 0
                    and (index + 2 >= len(lines) or depths[index + 2] == 0)
                    and _simple(first) and _simple(second)
                    and indent == len(second) - len(second.lstrip())
                    and not _written(first) & _names(second)
                    and not _written(second) & _names(first)):
                lines[index], lines[index + 1] = second, first
                index += 2
            else:
                index += 1
        new[exercise] = "\n".join(lines)
    return student.with_cells(new)


_COMMENTS = ["# go through every layer", "# keep the result", "# as in the lecture",
             "# TODO check this", "# the main step", "# shapes: (n_out, n_in)",
             "# see the notes", "# loop over the images"]


def comments(student, rng):
    """Comments removed, other comments and blank lines added."""
    new = {}
    for exercise, source in student.cells():
        out = []
        for number, line in enumerate(source.splitlines()):
            code = line.split("  #")[0].rstrip() if "  #" in line else line
            if code.strip().startswith("#"):
                continue
            indent = code[:len(code) - len(code.lstrip())]
            if number and code.strip() and rng.random() < 0.4:
                out.append(indent + rng.choice(_COMMENTS))
            out.append(code + (f"  {rng.choice(_COMMENTS)}" if rng.random() < 0.2 else ""))
            if rng.random() < 0.2:
                out.append("")
        new[exercise] = "\n".join(out)
    return student.with_cells(new)


def literals(student, rng):
    """Numbers spelt otherwise: ``2 *`` as ``2.0 *``, ``0.0`` as ``0.``, ``1.0`` as ``1.``."""
    new = {}
    for exercise, source in student.cells():
        tokens, starts, edits = _tokens(source), _offsets(source), []
        for index, token in enumerate(tokens):
            if token.type != tokenize.NUMBER:
                continue
            before = tokens[index - 1].string if index else ""
            text = token.string
            if "." in text:
                changed = text.rstrip("0") if text.endswith("0") else text + "0"
            elif before in ("*", "/", "**", "=") and text.isdigit():
                changed = text + ".0"
            else:
                continue
            start = starts[token.start[0] - 1] + token.start[1]
            edits.append((start, start + len(text), changed))
        new[exercise] = _replace(source, edits)
    return student.with_cells(new)


def move_cells(student, rng):
    """Two or three answers moved together into one cell at the end of the notebook."""
    chosen = rng.sample(sorted(student.answers), rng.choice([2, 3]))
    moved = "\n\n".join(student.answers[exercise] for exercise in reversed(chosen))
    return Student({exercise: source for exercise, source in student.answers.items()
                    if exercise not in chosen}, student.appended + (moved,))


# The loop's body must be the append alone: the line after it is not indented deeper.
_LOOP = re.compile(r"^(\s*)(\w+) = \[\]\n\1for (.+) in (.+):\n\1    \2\.append\((.+)\)$"
                   r"(?!\n\1[ \t])", re.MULTILINE)
_COMPREHENSION = re.compile(r"^(\s*)(\w+) = \[(.+) for (.+?) in ([^\]]+)\]$", re.MULTILINE)


def comprehension(student, rng):
    """A ``for`` loop that appends rewritten as a comprehension, and the other way round."""
    new = {}
    for exercise, source in student.cells():
        changed = _LOOP.sub(lambda m: f"{m[1]}{m[2]} = [{m[5]} for {m[3]} in {m[4]}]", source)
        if changed == source:
            changed = _COMPREHENSION.sub(
                lambda m: f"{m[1]}{m[2]} = []\n{m[1]}for {m[4]} in {m[5]}:\n"
                          f"{m[1]}    {m[2]}.append({m[3]})", source)
        new[exercise] = changed
    return student.with_cells(new)


#: Each transformation by name, as the benchmark reports them.
TRANSFORMS = {"renamed": rename, "reordered": reorder, "comments": comments,
              "literals": literals, "moved": move_cells, "comprehension": comprehension}


def combined(student, rng, count=3):
    """``count`` different transformations, in a random order."""
    for name in rng.sample(sorted(TRANSFORMS), count):
        student = TRANSFORMS[name](student, rng)
    return student
