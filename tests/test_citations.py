"""Citations: every one reads as references.bib says and reaches its entry (book/_ext/citations.py).

A citation in the book's sources is a markdown link, "([Hull, 2022](bibliography.md#cite-hull2022))", whose
text tools/write_citations.py writes from the .bib; bibliography.md's list is written the same way. These tests fail
when a citation's text was typed (or the .bib changed since), names an entry the .bib lacks, points at an
anchor the bibliography page does not have, or when the list differs from the .bib. The label rules are
checked on a hand-built .bib with known answers. The rendered pages are checked by the browser tests: in the
HTML book every link must reach an existing id (tests/test_browser.py), in JupyterLab a citation must read
"Author, year" and open the bibliography at its entry (tests/test_jupyterlab.py).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

import citations  # noqa: E402  (book/_ext/citations.py)


@pytest.fixture(scope="module")
def references():
    return citations.load()


def book_citations() -> list[tuple[Path, re.Match]]:
    return [(path, match) for path in citations.sources() for text in citations.markdown_texts(path)
            for match in citations.LINK.finditer(text)]


def test_every_citation_reads_as_the_bib_gives(references):
    found = book_citations()
    assert len(found) >= 40, f"only {len(found)} citation links in the book's sources"
    bad = [problem for path in citations.sources() for text in citations.markdown_texts(path)
           for problem in citations.problems(text, references, path.name)]
    assert not bad, "citations not as references.bib gives them (run tools/write_citations.py):\n" + "\n".join(bad)


def test_every_citation_link_reaches_an_entry_of_the_bibliography_page(references):
    page = citations.BIBLIOGRAPHY.read_text(encoding="utf-8")
    anchors = set(re.findall(r"^- \((cite-[a-z0-9-]+)\)=$", page, flags=re.M))
    assert anchors == {r.anchor for r in references.values()}, "bibliography.md lists other entries than the .bib"
    bad = [f"{path.name}: {match[0]}" for path, match in book_citations()
           if match["path"] != citations.link_target(path) or match["anchor"] not in anchors]
    assert not bad, "citation links that miss bibliography.md or its entries:\n" + "\n".join(bad)


def test_the_bibliography_list_is_written_from_the_bib(references):
    page = citations.BIBLIOGRAPHY.read_text(encoding="utf-8")
    assert page == citations.with_reference_list(page, references), (
        "book/bibliography.md's list differs from references.bib: run tools/write_citations.py")
    for reference in references.values():
        assert f"**{citations.escape(reference.textual)}.** {reference.entry}" in page


HAND_BUILT = r"""
@article{one, author = {Black, Fischer}, title = {Pricing}, journal = {J}, year = {1976}}
@article{two, author = {Carr, Peter and Wu, Liuren}, title = {Variance}, journal = {R}, year = {2009}}
@article{three, author = {Bollerslev, Tim and Tauchen, George and Zhou, Hao}, title = {Premia}, journal = {R}, year = {2009}}
@article{others, author = {Harris, Charles R. and others}, title = {Arrays}, journal = {N}, year = {2020}}
@article{von, author = {van der Walt, St{\'e}fan}, title = {Views}, journal = {N}, year = {2011}}
@article{accent, author = {L{\'o}pez de Prado, Marcos}, title = {Advances}, journal = {W}, year = {2018}}
@misc{org_b, author = {{CME Group}}, title = {Zebra page}}
@misc{org_a, author = {{CME Group}}, title = {Alpha page: specs}}
@misc{org_y1, author = {{CME Group}}, title = {Launch}, year = {2019}}
@misc{org_y2, author = {{CME Group}}, title = {Contract}, year = {2019}}
@misc{anonymous, title = {Build a Bot: {Python} and Open Interest}, note = {costs \$5}}
"""

#: What each entry must read as (textual form), worked out by hand from the rules in citations.py.
EXPECTED = {
    "one": "Black (1976)",
    "two": "Carr and Wu (2009)",
    "three": "Bollerslev et al. (2009)",
    "others": "Harris et al. (2020)",
    "von": "van der Walt (2011)",
    "accent": "López de Prado (2018)",
    "org_a": "CME Group (n.d.-a)",  # same author, no year: lettered by title
    "org_b": "CME Group (n.d.-b)",
    "org_y2": "CME Group (2019a)",  # "Contract" before "Launch"
    "org_y1": "CME Group (2019b)",
    "anonymous": "Build a Bot (n.d.)",  # no author: the title up to its colon
}


@pytest.fixture
def hand_built(tmp_path):
    bib = tmp_path / "hand.bib"
    bib.write_text(HAND_BUILT, encoding="utf-8")
    return citations.load(bib)


def test_labels_follow_the_rules(hand_built):
    assert {key: r.textual for key, r in hand_built.items()} == EXPECTED
    assert hand_built["two"].parenthetical == "Carr and Wu, 2009"
    assert hand_built["org_a"].anchor == "cite-org-a"
    assert r"costs \$5" in hand_built["anonymous"].entry  # the .bib's \$ is a dollar, escaped for MyST


def test_roles_become_links_and_links_are_refreshed(hand_built):
    source = "Priced {cite:p}`one` as {cite:t}`two` say, and {cite:p}`org_y1, three`."
    written = citations.rewrite(source, hand_built, "bibliography.md")
    assert written == ("Priced ([Black, 1976](bibliography.md#cite-one)) as [Carr and Wu (2009)](bibliography.md#cite-two)"
                       " say, and ([CME Group, 2019b](bibliography.md#cite-org-y1); "
                       "[Bollerslev et al., 2009](bibliography.md#cite-three)).")
    assert citations.rewrite(written, hand_built, "bibliography.md") == written
    assert citations.problems(written, hand_built, "x") == []
    typed = written.replace("Black, 1976", "Black, 1975").replace("Carr and Wu (2009)", "Carr (2009)")
    assert len(citations.problems(typed, hand_built, "x")) == 2
    assert citations.rewrite(typed, hand_built, "bibliography.md") == written


def test_a_textual_citation_in_parentheses_or_a_parenthetical_one_outside_is_reported(hand_built):
    outside = "Priced [Black, 1976](bibliography.md#cite-one)."
    assert "should read 'Black (1976)'" in citations.problems(outside, hand_built, "x")[0]
    inside = "Priced ([Black (1976)](bibliography.md#cite-one))."
    assert "should read 'Black, 1976'" in citations.problems(inside, hand_built, "x")[0]


def test_unknown_keys_and_anchors_are_refused(hand_built):
    with pytest.raises(ValueError, match="nosuch"):
        citations.rewrite("{cite:p}`nosuch`", hand_built, "bibliography.md")
    with pytest.raises(ValueError, match="cite-nosuch"):
        citations.rewrite("([X, 1](bibliography.md#cite-nosuch))", hand_built, "bibliography.md")
    assert "cite-nosuch" in citations.problems("([X, 1](bibliography.md#cite-nosuch))", hand_built, "x")[0]
    assert "is a role" in citations.problems("{cite:p}`one`", hand_built, "x")[0]
