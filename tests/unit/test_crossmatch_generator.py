"""The cross-match benchmark's synthetic data: deterministic, with every slip at about its
rate, truth that agrees with the records, and the twins and siblings the matcher must not
confuse. Needs neither Splink nor recordlinkage (CI does not install the bench extra)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from difflib import SequenceMatcher
from functools import cache

import pytest

from bench.crossmatch import errors
from bench.crossmatch.episodes import NAMESAKE_SHARE, OTHER_AREA_SHARE
from bench.crossmatch.generator import ERROR_RATES, generate
from bench.crossmatch.metrics import AUTO, REVIEW, Row, banded, score
from bench.crossmatch.names import NICKNAMES
from cme.matching.records import Person

Data = tuple[list[Person], list[Person], dict[str, str | None], dict[str, set[str]]]


@cache
def data() -> Data:
    return generate(pupils=6_000, episodes=6_000, seed=11)


def folded(text: str) -> str:
    return " ".join(text.casefold().split())


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    assert generate(pupils=800, episodes=300, seed=3) == generate(pupils=800, episodes=300, seed=3)
    assert (
        generate(pupils=800, episodes=300, seed=3)[1]
        != generate(pupils=800, episodes=300, seed=4)[1]
    )


def test_sizes_and_ids_are_as_asked() -> None:
    pupils, episodes, truth, kinds = generate(pupils=1_234, episodes=567, seed=2)
    assert len(pupils) == 1_234
    assert len(episodes) == 567
    assert len({p.id for p in pupils}) == 1_234
    assert set(truth) == set(kinds) == {e.id for e in episodes}


@pytest.mark.parametrize("kind", sorted(ERROR_RATES))
def test_each_error_type_appears_at_about_its_rate(kind: str) -> None:
    _, _, truth, kinds = data()
    of_pupils = [e for e, pupil in truth.items() if pupil is not None]
    share = sum(kind in kinds[e] for e in of_pupils) / len(of_pupils)
    # Slips that exclude one another (a blank date cannot also be transposed) and pupils
    # that cannot carry one (no nickname known) pull a rate a little below its setting.
    assert 0.6 * ERROR_RATES[kind] <= share <= 1.3 * ERROR_RATES[kind], share


def test_other_areas_children_and_namesakes_are_at_their_rates() -> None:
    _, _, truth, kinds = data()
    others = [e for e, pupil in truth.items() if pupil is None]
    assert len(others) == round(len(truth) * OTHER_AREA_SHARE)
    assert all("other_area" in kinds[e] for e in others)
    assert all("other_area" not in kinds[e] for e, p in truth.items() if p is not None)
    namesakes = sum("namesake" in kinds[e] for e in others) / len(others)
    assert 0.6 * NAMESAKE_SHARE <= namesakes <= 1.4 * NAMESAKE_SHARE


def test_truth_points_at_real_pupils_and_exact_episodes_agree_with_them() -> None:
    pupils, episodes, truth, kinds = data()
    by_id = {p.id: p for p in pupils}
    assert all(pupil in by_id for pupil in truth.values() if pupil is not None)
    exact = [e for e in episodes if "exact" in kinds[e.id]]
    assert len(exact) > len(episodes) / 3
    for episode in exact:
        pupil = by_id[truth[episode.id] or ""]
        assert folded(episode.forename) == folded(pupil.forename)
        assert folded(episode.surname) == folded(pupil.surname)
        assert episode.date_of_birth == pupil.date_of_birth
        assert episode.postcode.replace(" ", "").upper() == pupil.postcode.replace(" ", "")
        assert episode.gender[:1] == pupil.gender


def test_each_slip_is_really_in_the_episode() -> None:
    pupils, episodes, truth, kinds = data()
    by_id = {p.id: p for p in pupils}
    seen: Counter[str] = Counter()
    for episode in episodes:
        tags = kinds[episode.id]
        if truth[episode.id] is None:
            continue
        pupil = by_id[truth[episode.id] or ""]
        alone = len(tags - {"twin", "sibling"}) == 1
        if "dob_swap" in tags:
            assert pupil.date_of_birth is not None
            assert episode.date_of_birth == errors.day_month_swapped(pupil.date_of_birth)
        if "dob_digit" in tags:
            assert episode.date_of_birth not in (None, pupil.date_of_birth)
            assert episode.date_of_birth is not None and pupil.date_of_birth is not None
            written = episode.date_of_birth.strftime("%d%m%Y")
            school = pupil.date_of_birth.strftime("%d%m%Y")
            assert sum(a != b for a, b in zip(written, school, strict=True)) == 1
        if "blank_dob" in tags:
            assert episode.date_of_birth is None
        if "blank_gender" in tags:
            assert episode.gender == ""
        if "blank_address" in tags:
            assert episode.address == ""
        if "moved" in tags:
            assert (episode.address, episode.postcode) != (pupil.address, pupil.postcode)
        if alone and "nickname" in tags:
            assert folded(episode.forename) in {folded(n) for n in NICKNAMES[pupil.forename]}
        if alone and "middle_name" in tags:
            assert folded(episode.forename) == folded(pupil.other_names)
        if alone and "name_swap" in tags:
            assert folded(episode.forename) == folded(pupil.surname)
            assert folded(episode.surname) == folded(pupil.forename)
        if alone and "typo_forename" in tags:
            written, school = folded(episode.forename), folded(pupil.forename)
            assert written != school
            assert SequenceMatcher(None, written, school).ratio() >= 0.5
        if alone and "typo_surname" in tags:
            assert folded(episode.surname) != folded(pupil.surname)
        if alone and "surname_hyphen" in tags:
            police_parts = set(folded(episode.surname).replace("-", " ").split())
            school_parts = set(folded(pupil.surname).replace("-", " ").split())
            assert folded(episode.surname) != folded(pupil.surname)
            joined = folded(pupil.surname).replace("-", "")
            assert police_parts & school_parts or folded(episode.surname) == joined
        if alone and "surname_changed" in tags:
            assert folded(episode.surname) != folded(pupil.surname)
        seen.update(tags)
    assert all(seen[kind] > 0 for kind in ERROR_RATES), seen


def test_twins_and_siblings_are_on_the_roll_and_have_episodes() -> None:
    pupils, _, truth, kinds = data()
    at: dict[tuple[str, str], list[Person]] = {}
    for pupil in pupils:
        at.setdefault((pupil.address, pupil.postcode), []).append(pupil)
    by_id = {p.id: p for p in pupils}
    twin_episodes = [e for e, tags in kinds.items() if "twin" in tags]
    sibling_episodes = [e for e, tags in kinds.items() if "sibling" in tags]
    assert len(twin_episodes) >= 0.02 * len(kinds)
    assert len(sibling_episodes) >= 0.1 * len(kinds)
    for episode in twin_episodes:
        child = by_id[truth[episode] or ""]
        twins = [
            other
            for other in at[(child.address, child.postcode)]
            if other.id != child.id and other.date_of_birth == child.date_of_birth
        ]
        assert twins and all(t.forename != child.forename for t in twins)
    for episode in sibling_episodes:
        child = by_id[truth[episode] or ""]
        assert any(
            other.id != child.id and other.date_of_birth != child.date_of_birth
            for other in at[(child.address, child.postcode)]
        )


def test_namesakes_share_a_pupils_name_but_not_the_date_of_birth() -> None:
    pupils, episodes, _, kinds = data()
    by_name: dict[tuple[str, str], set[object]] = {}
    for pupil in pupils:
        by_name.setdefault((pupil.forename, pupil.surname), set()).add(pupil.date_of_birth)
    namesakes = [e for e in episodes if "namesake" in kinds[e.id]]
    assert namesakes
    for episode in namesakes:
        key = next(
            (
                k
                for k in by_name
                if (folded(k[0]), folded(k[1]))
                == (folded(episode.forename), folded(episode.surname))
            ),
            None,
        )
        assert key is not None
        assert episode.date_of_birth not in by_name[key]


def test_typos_change_the_name_and_keep_it_recognisable() -> None:
    import random

    rng = random.Random(1)
    for name in ("Mohammed", "Smith", "McDonald", "Jo", "Zofia"):
        for _ in range(50):
            slipped = errors.typo(name, rng)
            assert slipped.casefold() != name.casefold()
            assert slipped[0] == name[0]


def test_bands_give_each_episode_at_most_one_auto_and_send_ties_to_review() -> None:
    rows = banded(
        [
            ("P1", "E1", 0.995),
            ("P2", "E1", 0.3),
            ("P3", "E2", 0.995),
            ("P4", "E2", 0.995),
            ("P5", "E3", 0.5),
            ("P6", "E4", 0.1),
        ],
        auto_from=0.99,
        review_from=0.2,
    )
    bands = {(r.pupil_id, r.episode_id): r.band for r in rows}
    assert bands == {
        ("P1", "E1"): AUTO,
        ("P2", "E1"): REVIEW,
        ("P3", "E2"): REVIEW,
        ("P4", "E2"): REVIEW,
        ("P5", "E3"): REVIEW,
    }


def test_scores_count_right_and_wrong_links_per_episode() -> None:
    truth: dict[str, str | None] = {"E1": "P1", "E2": "P2", "E3": None, "E4": "P4"}
    kinds = {"E1": {"exact"}, "E2": {"nickname"}, "E3": {"other_area"}, "E4": {"moved"}}
    rows = [
        Row("P1", "E1", 1.0, AUTO),
        Row("P9", "E2", 0.6, REVIEW),
        Row("P2", "E2", 0.3, REVIEW),
        Row("P7", "E3", 0.995, AUTO),
    ]
    result = score(rows, {("P1", "E1"), ("P2", "E2"), ("P7", "E3")}, truth, kinds)
    assert result.candidate_recall == pytest.approx(2 / 3)
    assert result.auto_precision == pytest.approx(1 / 2)
    assert result.auto_recall == pytest.approx(1 / 3)
    assert result.either_recall == pytest.approx(2 / 3)
    assert result.review_per_1000 == pytest.approx(500)
    assert result.kinds["other_area"].wrong_auto == 1
    assert result.kinds["nickname"].either == 1
    assert result.kinds["moved"].either == 0


def test_formatting_is_not_an_error() -> None:
    pupils, episodes, truth, kinds = data()
    by_id = {p.id: p for p in pupils}
    shouting = [
        e for e in episodes if "exact" in kinds[e.id] and e.surname.isupper() and len(e.surname) > 2
    ]
    assert shouting
    for episode in shouting:
        pupil = by_id[truth[episode.id] or ""]
        assert replace(episode, id=pupil.id).surname.casefold() == pupil.surname.casefold()
