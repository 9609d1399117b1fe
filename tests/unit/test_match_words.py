"""The words the match pages use: likelihoods never read as certain, each field's weight in
words that agree with its number, and the one-line comparison."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cme.matching.explain import FieldReason
from cme.storage.match_queue import Proposal
from la_portal import match_words as words


def proposal(*reasons: FieldReason, decision: str = "", band: str = "review") -> Proposal:
    return Proposal(
        id=1,
        episode_id=2,
        pupil_id=3,
        score=0.5,
        band=band,
        decision=decision,
        decided_by="Casey Morgan" if decision else "",
        decided_at=datetime(2026, 11, 2, 9, tzinfo=UTC) if decision else None,
        reasons=reasons,
        why="another pupil also fits: a person must choose",
        force="Demo Police",
        reference="M/1",
        reported_at=datetime(2026, 11, 1, 20, tzinfo=UTC),
        returned_at=None,
        episode_name="Alfie Stone",
        episode_born=date(2013, 2, 1),
        pupil_name="Alfred Stone",
        pupil_born=date(2013, 1, 2),
        upn="A123",
        year_group="8",
        school_name="School A",
    )


def test_likelihood_is_never_certain_either_way() -> None:
    assert words.likelihood(1.0) == "99.9% likely"
    assert words.likelihood(0.0) == "0.1% likely"
    assert words.likelihood(0.974) == "97% likely"
    assert words.likelihood(0.0042) == "0.4% likely"


def test_each_weight_reads_as_its_number_shows() -> None:
    rows = words.field_rows(
        proposal(
            FieldReason("forename", "Alfred", "Alfie", "nickname (Alfie/Alfred)", 4.21),
            FieldReason("gender", "M", "M", "same", 0.96),
            FieldReason("date_of_birth", "2 Jan 2013", "1 Feb 2013", "day and month swapped", 0.04),
            FieldReason("postcode", "", "DM1 1AA", "missing", 0.0),
            FieldReason("address", "1 Mill Lane", "9 Oak Road", "different", -5.5),
        )
    )
    shown = [(r.label, r.weight, r.counted, r.css) for r in rows]
    assert shown == [
        ("Forename", "+4.2", "strongly for", "for"),
        ("Gender", "+1.0", "for", "for"),
        ("Date of birth", "+0.0", "hardly either way", "neutral"),
        ("Postcode", "+0.0", "hardly either way", "neutral"),
        ("Address", "\u22125.5", "strongly against", "against"),
    ]
    assert rows[3].pupil == "not given" and rows[3].agreement == "Not given on one side"


def test_the_one_line_comparison_names_how_each_field_agreed() -> None:
    p = proposal(
        FieldReason("forename", "Alfred", "Alfie", "nickname (Alfie/Alfred)", 4.2),
        FieldReason("surname", "Stone", "Stone", "exact", 6.0),
        FieldReason("date_of_birth", "", "1 Feb 2013", "missing", 0.0),
        FieldReason("address", "1 Mill Lane", "9 Oak Road", "different", -2.0),
    )
    assert words.summary(p) == (
        "Agree: forename (nickname (Alfie/Alfred)), surname; differ: address; "
        "not given: date of birth"
    )


def test_status_says_who_decided_and_an_undone_link_as_such() -> None:
    assert words.status(proposal()) == "Waiting for review"
    assert words.status(proposal(band="auto")) == "Linked by the matcher"
    assert words.status(proposal(decision="confirmed")) == "Confirmed by Casey Morgan"
    assert words.status(proposal(decision="rejected")) == "Rejected by Casey Morgan"
    assert words.status(proposal(decision="rejected", band="auto")) == "Link undone by Casey Morgan"
