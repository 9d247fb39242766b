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

Each handout carries :func:`handout_tag` of its seed, so the grader can tell that a submission was made
for another seed (graded with the wrong salt, or another student's notebook). The salt is a secret: it
is read from a file (:func:`read_salt`), never taken from a command line, which every process of the
machine can read.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import stat
from typing import Iterable, Optional, Union

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


def handout_tag(seed: int) -> str:
    """A short tag derived from a seed, stored in a handout's metadata; it does not reveal the seed to
    anyone who does not try every seed, and it is checked, not trusted (anyone can compute one)."""
    return hashlib.sha256(f"mesbook handout seed {int(seed)}".encode()).hexdigest()[:16]


#: Largest salt file read, bytes.
MAX_SALT_BYTES: int = 4096


def read_salt(path: Union[str, os.PathLike]) -> str:
    """The course salt in the file at ``path`` (UTF-8; one trailing newline is dropped). Raises
    ``ValueError`` naming the fix when the file is missing, not a regular file, empty or too large."""
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise ValueError(f"--salt-file {name!r} can't be read ({exc.strerror}); pass the file that holds the "
                         "course salt used for the handouts") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError(f"--salt-file {name!r} is not a regular file; pass the file that holds the salt")
        data = os.read(fd, MAX_SALT_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_SALT_BYTES:
        raise ValueError(f"--salt-file {name!r} is larger than {MAX_SALT_BYTES} bytes; a salt is one short line")
    try:
        salt = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"--salt-file {name!r} is not UTF-8 text; save the salt as plain text") from None
    salt = salt[:-1] if salt.endswith("\n") else salt
    salt = salt[:-1] if salt.endswith("\r") else salt
    if not salt.strip():
        raise ValueError(f"--salt-file {name!r} is empty; write the course salt in it (any secret text)")
    return salt
