"""Citations that read "Author (year)" in the HTML book and in JupyterLab, written from ``book/references.bib``.

jupyterlab-myst (2.7.0) has no citation support: a ``{cite:p}`key``` role shows its key. So a citation is
a plain markdown link to its entry on the bibliography page, which both renderers show the same way::

    ... a price for that freedom up front ([Hull, 2022](bibliography.md#cite-hull2022)).
    ... the trap that [Bailey et al. (2014)](bibliography.md#cite-bailey2014) put numbers on.

Nothing in a citation is typed. Authors write ``{cite:p}`key``` (parenthetical: "(Hull, 2022)") or
``{cite:t}`key``` (textual: "Hull (2022)") and run ``tools/write_citations.py``, which turns the roles into these
links, refreshes the text of every citation link from the .bib, and writes the bibliography page's list:
one item per entry, anchored ``cite-<key>``, labelled with the same "Author (year)" and formatted by
pybtex's ``plain`` style (the style sphinxcontrib-bibtex used for the book). ``tests/test_citations.py``
fails if a citation's text, a key, an anchor or the list differs from what the .bib gives.

The label: the surname(s) of the authors (one; two joined by "and"; three or more, or "and others":
the first and "et al."), or the title up to its colon when there is no author; the year, or "n.d.".
Entries with the same label get a, b, c in the order of their titles ("CME Group (n.d.-a)").

As a Sphinx extension this module resolves a markdown link ``[text](page.md#label)`` to the ``(label)=``
target in that page (myst-parser resolves only heading anchors there, and warns about the rest).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

BOOK = Path(__file__).resolve().parents[1]
BIB = BOOK / "references.bib"
BIBLIOGRAPHY = BOOK / "bibliography.md"

#: The lines that open and close the generated list in bibliography.md (MyST comments: neither renderer shows them).
LIST_START = "% The list below is written by tools/write_citations.py from references.bib: edit the .bib and run it."
LIST_END = "% End of the written list."

ROLE = re.compile(r"\{cite:(?P<form>[pt])\}`(?P<keys>[^`]+)`")
#: A citation link: [text](<path>bibliography.md#cite-...); the text may hold backslash escapes.
LINK = re.compile(r"\[(?P<text>(?:[^\]\\]|\\.)+)\]\((?P<path>[^()\s#]*bibliography\.md)#(?P<anchor>cite-[a-z0-9-]+)\)")
#: A parenthetical citation: one or more citation links, separated by "; ", in parentheses.
_ANY_LINK = re.sub(r"\(\?P<\w+>", "(?:", LINK.pattern)
GROUP = re.compile(rf"\((?P<links>{_ANY_LINK}(?:; {_ANY_LINK})*)\)")
#: Characters escaped in text written into markdown.
MARKDOWN_SPECIAL = "\\`*_[]<>$&{}|~"


def escape(text: str) -> str:
    """``text`` as literal MyST markdown (backslash before every character that could start markup)."""
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in text)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def anchor(key: str) -> str:
    """The id of ``key``'s entry on the bibliography page: ``cite-`` and the key in lower case, runs of
    other characters than letters and digits as one ``-`` (the form both docutils and MyST keep as is)."""
    return "cite-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


@dataclass(frozen=True)
class Reference:
    """One .bib entry as the book cites it."""

    key: str
    author: str  # "Hull", "Carr and Wu", "Bailey et al.", "CME Group"
    year: str  # "2022", "2019a", "n.d.", "n.d.-b"
    entry: str  # the full reference, MyST markdown (pybtex's plain style)

    @property
    def anchor(self) -> str:
        return anchor(self.key)

    @property
    def textual(self) -> str:
        return f"{self.author} ({self.year})"

    @property
    def parenthetical(self) -> str:
        return f"{self.author}, {self.year}"


def _text(latex: str) -> str:
    from pybtex.richtext import Text

    return Text.from_latex(latex).render_as("text").strip()


def _author(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_text(" ".join(p.prelast_names + p.last_names)) for p in people]
    if not names:
        return _text(entry.fields["title"]).split(":")[0].strip()
    if len(names) == 1:
        return names[0]
    if len(names) == 2 and names[1] != "others":
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def _markdown_backend():
    from pybtex.backends.markdown import Backend

    class MystBackend(Backend):
        """pybtex's markdown, made for MyST: one line per entry, characters escaped only where MyST needs it."""

        symbols = MappingProxyType({"ndash": "–", "newblock": " ", "nbsp": "\u00a0"})

        def format_str(self, text):
            return escape(text)

    return MystBackend()


def load(bib: Path = BIB) -> dict[str, Reference]:
    """Every entry of ``bib`` as a :class:`Reference`, by key (the .bib's order)."""
    import pybtex.database
    from pybtex.plugin import find_plugin

    text = bib.read_text(encoding="utf-8").replace(r"\$", "$")  # pybtex's LaTeX reader keeps "\$" as two characters
    data = pybtex.database.parse_string(text, "bibtex")
    style, backend = find_plugin("pybtex.style.formatting", "plain")(), _markdown_backend()
    entries = {f.key: f.text.render(backend) for f in style.format_entries(data.entries.values())}
    labels = {key: (_author(e), e.fields.get("year", "").strip() or "n.d.") for key, e in data.entries.items()}
    by_anchor_key: dict[str, str] = {}
    for key in data.entries:
        if anchor(key) in by_anchor_key:
            raise ValueError(f"{bib}: keys {by_anchor_key[anchor(key)]!r} and {key!r} give the same anchor "
                             f"{anchor(key)!r}; rename one of them")
        by_anchor_key[anchor(key)] = key
    years = {key: year for key, (_, year) in labels.items()}
    for label in set(labels.values()):  # the same author and year: a, b, c in the order of the titles
        same = sorted((k for k, v in labels.items() if v == label),
                      key=lambda k: _text(data.entries[k].fields.get("title", "")).casefold())
        if len(same) > 26:
            raise ValueError(f"{bib}: {len(same)} entries read {label[0]} ({label[1]}); letters a-z tell 26 apart")
        if len(same) > 1:
            for letter, key in zip("abcdefghijklmnopqrstuvwxyz", same):
                years[key] = f"{label[1]}-{letter}" if label[1] == "n.d." else f"{label[1]}{letter}"
    return {key: Reference(key, labels[key][0], years[key], entries[key]) for key in data.entries}


def by_anchor(references: dict[str, Reference]) -> dict[str, Reference]:
    return {r.anchor: r for r in references.values()}


def link_target(source: Path) -> str:
    """The path of bibliography.md as written in a link from the file ``source``."""
    return Path(os.path.relpath(BIBLIOGRAPHY, Path(source).resolve().parent)).as_posix()


def _link(text: str, target: str, reference: Reference) -> str:
    return f"[{escape(text)}]({target}#{reference.anchor})"


def cite(references: dict[str, Reference], keys: list[str], textual: bool, target: str) -> str:
    """The markdown of a citation of ``keys``: "[A (y)](...)" (textual) or "([A, y](...); [B, y](...))"."""
    missing = [k for k in keys if k not in references]
    if missing:
        raise ValueError(f"citation of {missing} : no such key in {BIB.name} (keys: {', '.join(sorted(references))})")
    if textual:
        return ", ".join(_link(references[k].textual, target, references[k]) for k in keys)
    return "(" + "; ".join(_link(references[k].parenthetical, target, references[k]) for k in keys) + ")"


def rewrite(markdown: str, references: dict[str, Reference], target: str) -> str:
    """``markdown`` with each ``{cite:p}``/``{cite:t}`` role made a citation link, and the text of every
    citation link written afresh from ``references`` (textual where it was "A (y)", else parenthetical)."""
    anchors = by_anchor(references)

    def refresh(match: re.Match) -> str:
        reference = anchors.get(match["anchor"])
        if reference is None:
            raise ValueError(f"citation link {match[0]!r}: no key in {BIB.name} has the anchor {match['anchor']!r}")
        textual = unescape(match["text"]).endswith(")")
        return _link(reference.textual if textual else reference.parenthetical, target, reference)

    def role(match: re.Match) -> str:
        keys = [k.strip() for k in match["keys"].split(",") if k.strip()]
        return cite(references, keys, match["form"] == "t", target)

    return ROLE.sub(role, LINK.sub(refresh, markdown))


def problems(markdown: str, references: dict[str, Reference], where: str) -> list[str]:
    """What is wrong with the citations in ``markdown``: roles left, unknown anchors, text not the .bib's."""
    anchors = by_anchor(references)
    found = [f"{where}: {m[0]} is a role (run tools/write_citations.py to make it a link)" for m in ROLE.finditer(markdown)]
    grouped = {m.start() + 1 + i for m in GROUP.finditer(markdown) for i in
               [lm.start() for lm in LINK.finditer(m["links"])]}
    for match in LINK.finditer(markdown):
        reference, text = anchors.get(match["anchor"]), unescape(match["text"])
        if reference is None:
            found.append(f"{where}: {match[0]} links to {match['anchor']!r}, which no key in {BIB.name} gives")
        elif match.start() in grouped and text != reference.parenthetical:
            found.append(f"{where}: {match[0]} should read {reference.parenthetical!r} ({reference.key})")
        elif match.start() not in grouped and text != reference.textual:
            found.append(f"{where}: {match[0]} should read {reference.textual!r} ({reference.key}), "
                         f"or be in parentheses as ({reference.parenthetical})")
    return found


def reference_list(references: dict[str, Reference]) -> str:
    """The bibliography page's list (markdown), sorted by label: each item anchored and labelled."""
    items = sorted(references.values(), key=lambda r: (r.textual.casefold(), r.key))
    body = "\n\n".join(f"- ({r.anchor})=\n  **{escape(r.textual)}.** {r.entry}" for r in items)
    return f"{LIST_START}\n\n{body}\n\n{LIST_END}"


def with_reference_list(page: str, references: dict[str, Reference]) -> str:
    """``page`` (bibliography.md) with its written list replaced by the one ``references`` give."""
    start, end = page.find(LIST_START), page.find(LIST_END)
    if start < 0 or end < start:
        raise ValueError(f"{BIBLIOGRAPHY.name}: no written list (a line {LIST_START!r}, the list, then {LIST_END!r})")
    return page[:start] + reference_list(references) + page[end + len(LIST_END):]


# -- the book's files -----------------------------------------------------------------------------------------
def sources() -> list[Path]:
    """The files that may cite: the book's pages and chapters."""
    return sorted(BOOK.glob("*.md")) + sorted(BOOK.glob("*.ipynb"))


def markdown_texts(path: Path) -> list[str]:
    """The markdown of ``path``: the page, or each markdown cell of a notebook."""
    if path.suffix != ".ipynb":
        return [path.read_text(encoding="utf-8")]
    import nbformat

    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def rewrite_notebook(notebook, references: dict[str, Reference], target: str) -> None:
    """:func:`rewrite` every markdown cell of ``notebook`` (an nbformat notebook, changed in place)."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = rewrite(cell.source, references, target)


def rewrite_file(path: Path, references: dict[str, Reference]) -> bool:
    """Write ``path``'s citations (and, for bibliography.md, its list) from ``references``; True if it changed."""
    path = Path(path).resolve()
    target = link_target(path)
    if path.suffix == ".ipynb":
        import nbformat

        before = path.read_text(encoding="utf-8")
        notebook = nbformat.reads(before, as_version=4)
        rewrite_notebook(notebook, references, target)
        after = nbformat.writes(notebook) + "\n"  # as nbformat.write (and tools/store_notebooks.py) store it
    else:
        before = path.read_text(encoding="utf-8")
        after = rewrite(before, references, target)
        if path == BIBLIOGRAPHY:
            after = with_reference_list(after, references)
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


# -- Sphinx: [text](page.md#label) reaches the (label)= target in page.md ------------------------------------
def setup(app):
    from docutils import nodes
    from sphinx import addnodes
    from sphinx.transforms.post_transforms import SphinxPostTransform
    from sphinx.util.nodes import make_refnode

    class LabelLinks(SphinxPostTransform):
        default_priority = 8  # before myst-parser's resolver (9), which knows only heading anchors

        def run(self, **kwargs) -> None:
            labels = self.env.domaindata["std"]["anonlabels"]  # every (label)=: name -> (docname, id)
            for node in list(self.document.findall(addnodes.pending_xref)):
                if node.get("reftype") != "myst" or node.get("refdomain") != "doc" or not node.get("reftargetid"):
                    continue
                docname, labelid = labels.get(node["reftargetid"], (None, None))
                if docname != node["reftarget"]:
                    continue  # not a label of that page: myst-parser resolves (or reports) it
                inner = nodes.inline("", "", classes=["std", "std-ref"])
                inner.extend(node[0].children if len(node) else [])
                node.replace_self(make_refnode(self.app.builder, node.get("refdoc", self.env.docname), docname,
                                               labelid, inner))

    app.add_post_transform(LabelLinks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
