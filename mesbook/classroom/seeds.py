"""Each student's market seed, derived from the student id (and an optional course salt).

The seed is a pure function of the id, so handing out, keying and grading agree on it without
storing anything:

* without a salt: ``SHA-256(student_id)``;
* with a salt: ``HMAC-SHA256(key=salt, message=student_id)``, so a student who knows the method and
  a classmate's id still cannot work out the classmate's seed without the course salt.

Both strings are encoded as UTF-8. The first 8 bytes of the digest, read as a big-endian unsigned
integer, are reduced into :data:`SEED_RANGE` (``SEED_MIN + n mod SEED_COUNT``). Any seed gives a
well-behaved market: the article's generator starts the price at 4,000 points and the open interest at
20,000 contracts and floors them at 100 points and 1,000 contracts, floors that a 500-bar (or 2,000-bar)
walk with the article's steps does not come near. The range starts at 1,000 so that no student gets
the book's own seed (7), whose answers are printed in the book; it is wide (just under a million seeds)
so that two students of a class share a seed only by a rare accident, which :func:`seed_collisions`
reports.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Iterable, Optional

#: Smallest student seed (above the book's seed 7 and the small seeds its studies use).
SEED_MIN: int = 1_000
#: Number of possible student seeds.
SEED_COUNT: int = 999_000
#: Every seed a student can get: 1,000 to 999,999.
SEED_RANGE: range = range(SEED_MIN, SEED_MIN + SEED_COUNT)


def seed_digest(student_id: str, salt: Optional[str] = None) -> bytes:
    """The 32-byte digest a student's seed comes from: SHA-256 of the id, or HMAC-SHA256 keyed by ``salt``."""
    if not isinstance(student_id, str) or not student_id:
        raise ValueError(f"student_id must be a non-empty string, got {student_id!r}")
    message = student_id.encode("utf-8")
    if salt is None:
        return hashlib.sha256(message).digest()
    if not isinstance(salt, str) or not salt:
        raise ValueError("salt must be a non-empty string, or None for no salt")
    return hmac.new(salt.encode("utf-8"), message, hashlib.sha256).digest()


def student_seed(student_id: str, salt: Optional[str] = None) -> int:
    """The market seed of ``student_id`` (an int in :data:`SEED_RANGE`), the same on every machine."""
    return SEED_MIN + int.from_bytes(seed_digest(student_id, salt)[:8], "big") % SEED_COUNT


def seed_collisions(student_ids: Iterable[str], salt: Optional[str] = None) -> dict[int, list[str]]:
    """Seeds shared by more than one student (usually empty): ``{seed: [ids...]}``."""
    by_seed: dict[int, list[str]] = {}
    for sid in student_ids:
        by_seed.setdefault(student_seed(sid, salt), []).append(sid)
    return {seed: ids for seed, ids in by_seed.items() if len(ids) > 1}
