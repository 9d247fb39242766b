"""Write tests/article_quotes.json: a fingerprint of each quote the book takes from the article, with its place.

The article is not shipped with the book (its words are not ours to copy), so a test on a machine without it
cannot read it. This tool runs where the article is (``python tools/register_quotes.py [ARTICLE]``): it finds each
quote of :data:`mesbook.studies.canonical.CLAIMS` (the words between “ and ”) in the article, whitespace aside,
and records the SHA-256 of the quote with the sections (Part 2.4, Conclusion, ...) whose text holds it, and the
SHA-256 of the article itself. It refuses to record a quote the article does not hold. tests/test_canonical.py
then checks, everywhere, that every quote in the claims is recorded with the claim's place, and, where the article
is present, that the record is exactly what this tool derives from it. The file holds hashes and section names
only: no words of the article.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTICLE = Path("/work/shared/seed/article.txt")
RECORD = REPO / "tests" / "article_quotes.json"

#: A heading of the article: "Part 3: ...", "3.5. ..." or "Conclusion: ...", at the start of a line.
HEADING = re.compile(r"^(?:Part (?P<part>\d+):|(?P<section>\d+\.\d+)\.\s|(?P<end>Conclusion)\b)", re.M)


def words(text: str) -> str:
    """``text`` with every run of whitespace made one space (how quotes are compared)."""
    return " ".join(text.split())


def fingerprint(text: str) -> str:
    return hashlib.sha256(words(text).encode("utf-8")).hexdigest()


def quotes(says: str) -> list[str]:
    """The quoted words of a claim (between “ and ”)."""
    return re.findall(r"“([^”]+)”", says)


def sections(article: str) -> dict[str, str]:
    """The article's text by place: "Part 1" (its opening before 1.1), "Part 1.2", ..., "Conclusion"."""
    marks = [(m.start(), f"Part {m['part']}" if m["part"] else f"Part {m['section']}" if m["section"] else "Conclusion")
             for m in HEADING.finditer(article)]
    found: dict[str, str] = {"opening": words(article[:marks[0][0]])} if marks else {"opening": words(article)}
    for (start, place), (end, _) in zip(marks, [*marks[1:], (len(article), "")]):
        found[place] = words(article[start:end])
    return found


def record(article_text: str) -> dict:
    """The record this tool writes, derived from the article and the claims; ValueError for a quote not in it."""
    from mesbook.studies.canonical import CLAIMS

    parts = sections(article_text)
    kept: dict[str, list[str]] = {}
    for name, claim in CLAIMS.items():
        for quote in quotes(claim.says):
            places = sorted(place for place, text in parts.items() if words(quote) in text)
            if not places:
                raise ValueError(f"claim {name!r}: the article does not hold “{quote}” (quote it word for word)")
            kept[fingerprint(quote)] = places
    return {"article_sha256": hashlib.sha256(article_text.encode("utf-8")).hexdigest(),
            "quotes": dict(sorted(kept.items()))}


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else ARTICLE
    text = source.read_text(encoding="utf-8")
    payload = json.dumps(record(text), indent=1, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(dir=RECORD.parent, prefix=".article_quotes.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(temporary, RECORD)
    except BaseException:
        os.unlink(temporary)
        raise
    print(f"{RECORD.relative_to(REPO)}: {len(json.loads(payload)['quotes'])} quotes recorded")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main(sys.argv[1:]))
