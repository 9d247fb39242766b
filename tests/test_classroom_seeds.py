"""Student seeds and handout tags: mesbook.classroom.seeds, checked against published SHA-256 and HMAC-SHA256 digests."""
from __future__ import annotations

import os

import pytest

from mesbook.classroom.seeds import SEED_COUNT, SEED_MIN, SEED_RANGE, seed_collisions, seed_digest, student_seed

# Published digests: SHA-256("abc") from FIPS 180-2, HMAC-SHA256 test case 2 of RFC 4231.
SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
RFC4231_CASE2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_digest_without_salt_is_sha256_of_the_id():
    assert seed_digest("abc").hex() == SHA256_ABC


def test_digest_with_salt_is_hmac_sha256_keyed_by_the_salt():
    assert seed_digest("what do ya want for nothing?", salt="Jefe").hex() == RFC4231_CASE2


def test_seed_is_the_first_eight_bytes_reduced_into_the_range():
    # 0xba7816bf8f01cfea = 13436514500253700074; mod 999,000 = 418,074; plus 1,000.
    assert int(SHA256_ABC[:16], 16) == 13436514500253700074
    assert student_seed("abc") == 419_074
    assert student_seed("what do ya want for nothing?", "Jefe") == SEED_MIN + int(RFC4231_CASE2[:16], 16) % SEED_COUNT


def test_seeds_are_stable_in_range_and_differ_by_id_and_salt():
    ids = [f"s{i:03d}" for i in range(300)]
    seeds = [student_seed(i) for i in ids]
    assert all(s in SEED_RANGE for s in seeds) and 7 not in seeds
    assert seeds == [student_seed(i) for i in ids]
    assert len(set(seeds)) == len(seeds)
    salted = [student_seed(i, "course-2026") for i in ids]
    assert sum(a == b for a, b in zip(seeds, salted)) == 0
    assert student_seed("s001", "course-2026") != student_seed("s001", "course-2027")


def test_collisions_are_reported():
    assert seed_collisions(["a", "b", "c"]) == {}
    assert seed_collisions(["a", "b", "a"]) == {student_seed("a"): ["a", "a"]}


@pytest.mark.parametrize("bad", ["", None, 7])
def test_bad_ids_and_salts_are_refused(bad):
    with pytest.raises(ValueError, match="student_id"):
        student_seed(bad)
    if bad is not None:
        with pytest.raises(ValueError, match="salt"):
            student_seed("a", salt=bad)


def test_a_handout_tag_names_its_seed_without_showing_it():
    from mesbook.classroom.seeds import handout_tag

    assert handout_tag(1_234) == handout_tag(1_234) != handout_tag(1_235)
    assert len(handout_tag(1_234)) == 16 and "1234" not in handout_tag(1_234)


def test_the_salt_comes_from_a_file(tmp_path):
    from mesbook.classroom.seeds import read_salt

    (tmp_path / "salt").write_text("  a secret with spaces \n", encoding="utf-8")
    assert read_salt(tmp_path / "salt") == "  a secret with spaces "
    (tmp_path / "big").write_text("x" * 5_000)
    with pytest.raises(ValueError, match="larger than 4096 bytes"):
        read_salt(tmp_path / "big")
    (tmp_path / "latin").write_bytes(b"caf\xe9")
    with pytest.raises(ValueError, match="not UTF-8"):
        read_salt(tmp_path / "latin")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(ValueError, match="not a regular file"):
        read_salt(tmp_path / "fifo")  # refused at once, without waiting for a writer
