"""Write the book's citations and its bibliography list from book/references.bib.

    .venv/bin/python tools/write_citations.py

Each ``{cite:p}`key``` / ``{cite:t}`key``` role in book/*.md and in the chapters' markdown cells becomes a
link that reads "(Author, year)" / "Author (year)" and points at the entry on the bibliography page; the
text of every existing citation link is written again from the .bib; bibliography.md's list is rewritten.
Only markdown changes: no notebook is executed, outputs stay as stored. Run it after editing
references.bib or adding a citation; tests/test_citations.py fails until then. The rules are in
book/_ext/citations.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

import citations  # noqa: E402  (book/_ext/citations.py)


def main() -> int:
    references = citations.load()
    changed = [path for path in citations.sources() if citations.rewrite_file(path, references)]
    root = citations.BOOK.parent
    print("\n".join(f"rewrote {p.relative_to(root)}" for p in changed) or "citations already match references.bib")
    return 0


if __name__ == "__main__":
    sys.exit(main())
