"""The organization's vocabulary, from `data/words.toml`: departments, services, names, the
text of requests and of announcements."""

from __future__ import annotations

import random
import tomllib
from pathlib import Path

with (Path(__file__).with_name("data") / "words.toml").open("rb") as _file:
    _WORDS = tomllib.load(_file)

# code, name, relative headcount, relative share of the requests it receives.
DEPARTMENTS: list[tuple[str, str, int, int]] = [
    (d["code"], d["name"], d["headcount"], d["share"]) for d in _WORDS["departments"]
]
SERVICES: dict[str, list[str]] = _WORDS["services"]
GENERIC_SERVICES: list[str] = _WORDS["generic_services"]
CONFIDENTIAL_DEPARTMENTS = set(_WORDS["confidential_departments"])
CONFIDENTIAL_SERVICES = set(_WORDS["confidential_services"])
FIRST_NAMES: list[str] = _WORDS["first_names"]
LAST_NAMES: list[str] = _WORDS["last_names"]
TITLES: list[str] = _WORDS["titles"]
SEARCH_WORD: str = _WORDS["search_word"]
SUBJECT_TAILS: list[str] = _WORDS["subject_tails"]
REPLIES: list[str] = _WORDS["replies"]
NOTES: list[str] = _WORDS["notes"]
LOCATIONS: list[str] = _WORDS["locations"]
_VOCABULARY: list[str] = _WORDS["vocabulary"]
_OPENINGS: list[str] = _WORDS["openings"]
_CLOSINGS: list[str] = _WORDS["closings"]
ANNOUNCEMENT_TOPICS: list[str] = _WORDS["announcement_topics"]
ANNOUNCEMENT_SENTENCES: list[str] = _WORDS["announcement_sentences"]

DESCRIPTION_POOL_SIZE = 1000  # SEARCH_WORD is in 1 % of them, so in 1 % of requests


def description_pool(rng: random.Random) -> list[str]:
    """Request descriptions to draw from; SEARCH_WORD appears in exactly 1 % of them."""
    pool = []
    for index in range(DESCRIPTION_POOL_SIZE):
        words = rng.sample(_VOCABULARY, rng.randint(6, 14))
        if index % 100 == 0:
            words[rng.randrange(len(words))] = SEARCH_WORD
        pool.append(
            f"{rng.choice(_OPENINGS)} the {' and the '.join([' '.join(words[:3]), ' '.join(words[3:])])}."
            f" {rng.choice(_CLOSINGS)}".strip()
        )
    return pool


def slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
