"""The documents: a short README, links and names that resolve, each paragraph in one place."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted(
    [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CREDITS.md",
     ROOT / "benchmarks" / "README.md", *(ROOT / "docs").glob("*.md")])
#: Where the project's own files live: a path a document names in backticks under one of
#: these must exist (placeholders such as <student> and wildcards aside).
PROJECT_FOLDERS = ("coursekit", "tests", "benchmarks", "requirements", "solutions",
                   "notebooks", "docs", ".ci")
#: Shorter sentences ("Step by step:") may well recur; a longer one is a repeated paragraph.
LONG_SENTENCE_WORDS = 12


def ids(paths):
    return [str(path.relative_to(ROOT)) for path in paths]


def prose(text):
    """The text without fenced code blocks."""
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


def slug(heading):
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path):
    found, seen = set(), {}
    for heading in re.findall(r"^#{1,6} (.+)$", prose(path.read_text(encoding="utf-8")), re.M):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(path):
    """Each relative link of a Markdown file, as (target path, anchor or "")."""
    links = re.findall(r"\]\(([^)\s]+)\)", prose(path.read_text(encoding="utf-8")))
    for link in links:
        if re.match(r"[a-z][a-z0-9+.-]*:", link):  # https:, mailto:
            continue
        target, _, anchor = link.partition("#")
        yield (path.parent / target).resolve() if target else path, anchor


def test_the_documents_exist():
    names = set(ids(DOCUMENTS))
    assert {"README.md", "CONTRIBUTING.md", "CREDITS.md", "benchmarks/README.md",
            "docs/instructors.md", "docs/grading-security.md"} <= names


def test_the_readme_is_for_whoever_just_cloned_it():
    # Issue 19: the README was 572 lines for three audiences; it stays short.
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 120, len(lines)
    text = "\n".join(lines)
    for document in ("docs/instructors.md", "docs/grading-security.md", "CONTRIBUTING.md",
                     "benchmarks/README.md", "CREDITS.md"):
        assert f"]({document})" in text, document


@pytest.mark.parametrize("document", DOCUMENTS, ids=ids(DOCUMENTS))
def test_every_relative_link_points_to_a_file_that_exists(document):
    for target, anchor in relative_links(document):
        assert target.exists(), f"{document.name} links to {target}, which does not exist"
        if anchor and target.suffix == ".md":
            assert anchor in anchors(target), f"{document.name}: no #{anchor} in {target.name}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=ids(DOCUMENTS))
def test_every_file_and_test_a_document_names_exists(document):
    # The threat model names the test that proves each claim: a test renamed or moved
    # must not leave the claim pointing at nothing.
    text = document.read_text(encoding="utf-8")
    folders = "|".join(re.escape(folder) for folder in PROJECT_FOLDERS)
    for name in re.findall(rf"`((?:{folders})/[^`\s]*)`", text):
        if re.search(r"[*<>]|\.\.\.", name):
            continue
        path, _, test = name.partition("::")
        assert (ROOT / path).exists(), f"{document.name} names {path}, which does not exist"
        if test:
            source = (ROOT / path).read_text(encoding="utf-8")
            assert re.search(rf"^(async )?def {re.escape(test)}\(", source, re.M), \
                f"{document.name} names {name}, which is not a test there"


def sentences(document):
    text = prose(document.read_text(encoding="utf-8"))
    # Tables and headings are structure, not paragraphs.
    text = "\n".join(line for line in text.splitlines()
                     if not line.lstrip().startswith(("|", "#")))
    for sentence in re.split(r"(?<=[.:;!?])\s+", " ".join(text.split())):
        if len(sentence.split()) >= LONG_SENTENCE_WORDS:
            yield sentence


def test_no_sentence_stands_in_two_documents():
    where = {}
    for document in DOCUMENTS:
        for sentence in set(sentences(document)):
            where.setdefault(sentence, []).append(document.name)
    repeated = {sentence: names for sentence, names in where.items() if len(names) > 1}
    assert repeated == {}


def test_sentences_are_found_so_the_check_above_can_fail():
    assert len(list(sentences(ROOT / "docs" / "grading-security.md"))) > 20


def test_measurements_live_with_the_benchmarks():
    # A load average or a timing in prose belongs in benchmarks/README.md, with its
    # conditions; other documents link there.
    for document in DOCUMENTS:
        if document == ROOT / "benchmarks" / "README.md":
            continue
        text = prose(document.read_text(encoding="utf-8"))
        assert "load average" not in text.lower(), document.name
        assert not re.search(r"\b\d+(\.\d+)? ?(ms|µs|minutes)\b|\b\d+\.\d+ s\b", text), \
            document.name
