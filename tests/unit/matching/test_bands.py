"""Auto or review: twins, siblings at one address and same-name children are never linked
without a person; each episode has at most one auto link; proposals come best first."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cme.matching import Band, Model, Person, match
from tests.unit.matching.roll import BACKGROUND, found, proposals

HOME = {"address": "22 Foxglove Way, Millbrook", "postcode": "MB3 5HN"}
JACK = Person("T1", "Jack", "Pemberton", date(2014, 6, 17), "M", **HOME)
OLIVER = Person("T2", "Oliver", "Pemberton", date(2014, 6, 17), "M", **HOME)
AMELIA = Person("S1", "Amelia", "Pemberton", date(2011, 2, 3), "F", **HOME)
EMILY = Person("S2", "Emily", "Pemberton", date(2016, 8, 25), "F", **HOME)
FAMILY = [JACK, OLIVER, AMELIA, EMILY]


def as_episode(person: Person, **changes: object) -> Person:
    return replace(person, **{"id": "E1", **changes})  # type: ignore[arg-type]


def test_a_twin_named_by_the_police_links_and_the_other_twin_is_not_proposed() -> None:
    result = found(FAMILY, as_episode(JACK))
    assert result["T1"].band is Band.AUTO
    assert "T2" not in result


def test_a_twin_by_nickname_links_to_that_twin() -> None:
    result = found(FAMILY, as_episode(OLIVER, forename="Ollie"))
    assert result["T2"].band is Band.AUTO
    assert "T1" not in result


def test_twins_without_a_forename_both_go_to_a_person() -> None:
    result = found(FAMILY, as_episode(JACK, forename=""))
    assert {"T1", "T2"} <= result.keys()
    assert {p.band for p in result.values()} == {Band.REVIEW}


def test_twins_with_close_forenames_are_never_auto() -> None:
    jayden = replace(JACK, id="T3", forename="Jayden")
    jaden = replace(OLIVER, id="T4", forename="Jaden")
    result = found([jayden, jaden], as_episode(jayden, forename="Jaydon"))
    assert result, "the episode is proposed"
    assert all(p.band is Band.REVIEW for p in result.values())


def test_a_sibling_at_the_same_address_is_not_linked() -> None:
    result = found(FAMILY, as_episode(AMELIA))
    assert result["S1"].band is Band.AUTO
    assert not {"S2", "T1", "T2"} & result.keys()


def test_a_sibling_name_with_the_other_siblings_birthday_is_never_auto() -> None:
    # Amelia's name, Emily's date of birth: which child the police meant is for a person.
    result = found(FAMILY, as_episode(AMELIA, date_of_birth=EMILY.date_of_birth))
    assert all(p.band is Band.REVIEW for p in result.values())


def test_a_same_name_child_with_another_date_of_birth_is_never_auto() -> None:
    other = as_episode(
        JACK, date_of_birth=date(2012, 1, 30), address="5 Dock Road", postcode="EC1 1AA"
    )
    assert all(p.band is Band.REVIEW for p in found([JACK], other).values())
    same_street = as_episode(JACK, date_of_birth=date(2012, 1, 30))
    assert all(p.band is Band.REVIEW for p in found([JACK], same_street).values())


def test_a_same_name_same_birthday_child_elsewhere_is_taken_as_a_move_if_nobody_else_fits() -> None:
    # Indistinguishable from the family having moved: the model's probability says how likely
    # another child of this name and birthday is, and for this name it is very unlikely.
    elsewhere = as_episode(JACK, address="5 Dock Road, Eastcliff", postcode="EC1 1AA")
    result = found(FAMILY, elsewhere)
    assert result["T1"].band is Band.AUTO
    assert "T2" not in result


def test_two_same_name_same_birthday_pupils_and_a_move_go_to_a_person() -> None:
    namesake = replace(JACK, id="N1", address="9 Quay Street, Eastcliff", postcode="EC4 2RT")
    elsewhere = as_episode(JACK, address="5 Dock Road, Eastcliff", postcode="EC1 1AA")
    result = found([*FAMILY, namesake], elsewhere)
    assert {"T1", "N1"} <= result.keys()
    assert all(p.band is Band.REVIEW for p in result.values())


def test_a_sibling_name_with_the_other_siblings_birthday_after_a_move_is_never_auto() -> None:
    moved = as_episode(
        AMELIA, date_of_birth=EMILY.date_of_birth, address="5 Dock Road", postcode="EC1 1AA"
    )
    assert all(p.band is Band.REVIEW for p in found(FAMILY, moved).values())


def test_a_twin_named_without_a_date_of_birth_links_to_that_twin_only() -> None:
    result = found(FAMILY, as_episode(OLIVER, date_of_birth=None))
    assert result["T2"].band is Band.AUTO
    assert all(p.band is Band.REVIEW for k, p in result.items() if k != "T2")


def test_siblings_without_a_date_of_birth_or_a_forename_go_to_a_person() -> None:
    result = found(FAMILY, as_episode(AMELIA, date_of_birth=None, forename=""))
    assert {"T1", "T2", "S1", "S2"} <= result.keys()
    assert all(p.band is Band.REVIEW for p in result.values())


def test_a_changed_surname_with_the_twins_birthday_links_only_the_named_twin() -> None:
    result = found(FAMILY, as_episode(JACK, surname="Okoro"))
    assert result["T1"].band is Band.AUTO
    assert all(p.band is Band.REVIEW for k, p in result.items() if k != "T1")


def test_a_changed_surname_with_a_siblings_forename_is_never_auto() -> None:
    # Emily's forename, Amelia's birthday, another surname: which child is for a person.
    episode = as_episode(EMILY, surname="Okoro", date_of_birth=AMELIA.date_of_birth)
    assert all(p.band is Band.REVIEW for p in found(FAMILY, episode).values())


def test_the_household_is_counted_once() -> None:
    result = found([JACK], as_episode(JACK))
    fields = {r.field: r for r in result["T1"].reasons}
    assert fields["address"].agreement == "same house"
    assert fields["address"].weight > 0
    assert fields["postcode"].agreement == "exact, counted with the address"
    assert fields["postcode"].weight == 0
    neighbour = found([JACK], as_episode(JACK, address="24 Foxglove Way"))
    fields = {r.field: r for r in neighbour["T1"].reasons}
    assert fields["address"].agreement == "same street, different house"
    assert fields["postcode"].agreement == "exact"
    assert fields["postcode"].weight > 0


def test_why_auto_or_not_reads_as_english() -> None:
    linked = found([JACK], as_episode(JACK))["T1"]
    assert linked.why == "the child's own details agree and no other pupil comes close"
    twins = found(FAMILY, as_episode(JACK, forename=""))
    assert all(p.why.startswith("another pupil") for p in twins.values())
    assert "a person must check" in found([JACK], as_episode(JACK, surname=""))["T1"].why


def test_a_child_not_on_the_roll_is_not_proposed() -> None:
    stranger = Person(
        "E1", "Zebedee", "Quartermaine", date(2012, 12, 12), "M", "1 Pier St", "EC9 9ZZ"
    )
    assert proposals(FAMILY, stranger) == []


def test_each_episode_has_at_most_one_auto_and_best_comes_first() -> None:
    episodes = [
        as_episode(JACK, id="E1"),
        as_episode(OLIVER, id="E2", forename=""),
        as_episode(AMELIA, id="E3", date_of_birth=EMILY.date_of_birth),
        as_episode(EMILY, id="E4", forename="Em", date_of_birth=date(2016, 7, 25)),
        *(replace(p, id=f"X{n}") for n, p in enumerate(BACKGROUND[:300])),
    ]
    result = match([*FAMILY, *BACKGROUND], episodes, model=Model())
    by_episode: dict[str, list[float]] = {}
    autos: dict[str, int] = {}
    for p in result:
        by_episode.setdefault(p.episode_id, []).append(p.score)
        autos[p.episode_id] = autos.get(p.episode_id, 0) + (p.band is Band.AUTO)
        assert 0 < p.score <= 1
        assert [r.field for r in p.reasons] == [
            "forename",
            "surname",
            "date_of_birth",
            "gender",
            "address",
            "postcode",
        ]
    assert max(autos.values()) == 1
    assert all(scores == sorted(scores, reverse=True) for scores in by_episode.values())
    # The background's own copies link to themselves.
    linked = {(p.episode_id, p.pupil_id) for p in result if p.band is Band.AUTO}
    copies = {(f"X{n}", p.id) for n, p in enumerate(BACKGROUND[:300])}
    assert len(linked & copies) >= 280
    # Episodes come out in the order given.
    order = [p.episode_id for p in result]
    assert order.index("E1") < order.index("E3") < order.index("X0")


def test_the_reasons_read_as_one_line() -> None:
    result = found([JACK], as_episode(JACK, forename="Jak", gender="Male"))
    words = result["T1"].words()
    assert words.startswith("forename: typing slip (+")
    assert "; date of birth: exact (+" in words
    assert "\n" not in words
    assert result["T1"].reasons[0].pupil == "Jack"
    assert result["T1"].reasons[0].episode == "Jak"
    assert result["T1"].reasons[2].pupil == "17 Jun 2014"


def test_thresholds_can_be_chosen() -> None:
    episode = as_episode(JACK, forename="")
    everyone = match([*FAMILY, *BACKGROUND], [episode], model=Model(), review_threshold=0.6)
    assert everyone == []
    relaxed = match([*FAMILY, *BACKGROUND], [as_episode(JACK)], model=Model(), auto_threshold=1.1)
    assert [p.band for p in relaxed] == [Band.REVIEW]


def test_progress_is_reported() -> None:
    seen: list[tuple[int, int]] = []
    match(
        [JACK],
        [as_episode(JACK, id=f"E{n}") for n in range(250)],
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[-1] == (250, 250)
    assert len(seen) >= 10
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_why_names_everything_out_of_place_not_only_the_first() -> None:
    moved_no_birthday = as_episode(
        JACK, date_of_birth=None, address="9 Quarry Road, Elsewhere", postcode="ZZ9 9ZZ"
    )
    found_ = found([JACK], moved_no_birthday)
    assert found_["T1"].band is Band.REVIEW
    assert found_["T1"].why == (
        "the date of birth is missing and the addresses differ: a person must check"
    )
