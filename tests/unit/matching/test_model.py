"""The Fellegi-Sunter model: sensible defaults, learned from data, kept and read back."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import timedelta

from cme.matching import Band, Model, Person, match
from cme.matching.compare import FIELDS, LEVELS
from cme.matching.model import estimate
from tests.unit.matching.roll import BACKGROUND, background


def _noisy_copies(pupils: list[Person], count: int, seed: int) -> list[Person]:
    """Episodes of some of the pupils, with slips, and of children not on the roll."""
    rng = random.Random(seed)
    episodes = []
    for number, pupil in enumerate(rng.sample(pupils, count)):
        slip = rng.random()
        if slip < 0.1:
            pupil = replace(pupil, forename=pupil.forename[:-1] + "x")
        elif slip < 0.15 and pupil.date_of_birth:
            pupil = replace(pupil, date_of_birth=pupil.date_of_birth + timedelta(days=1))
        elif slip < 0.25:
            pupil = replace(pupil, address="1 Elsewhere Road", postcode="QQ1 1QQ")
        episodes.append(replace(pupil, id=f"E{number}"))
    strangers = background(count // 3, seed=seed + 1)
    return episodes + [replace(p, id=f"S{n}") for n, p in enumerate(strangers)]


def test_default_weights_count_for_agreement_and_against_difference() -> None:
    weights = Model().weights()
    for f in FIELDS:
        assert len(weights[f]) == len(LEVELS[f])
        assert weights[f][0] > 0, f
        assert weights[f][-1] < 0, f
    assert Model().prior_weight(200_000) < Model().prior_weight(2_000) < 0


def test_a_model_is_kept_and_read_back() -> None:
    model = Model()
    assert Model.from_dict(json.loads(json.dumps(model.as_dict()))) == model


def test_estimation_learns_from_the_data() -> None:
    episodes = _noisy_copies(BACKGROUND, 600, seed=3)
    model = Model.estimate(BACKGROUND, episodes)
    for f in FIELDS:
        assert abs(sum(model.m[f]) - 1) < 1e-9 and abs(sum(model.u[f]) - 1) < 1e-9
        # Exact agreement is far likelier for the same child than for two children.
        assert model.m[f][0] > 10 * model.u[f][0] or f == "gender"
    # Three in four episodes here are of a pupil; the estimate should be near that.
    assert 0.55 < model.match_rate < 0.95
    # The learned model links the copies as well as the default one does.
    result = match(BACKGROUND, episodes, model=model)
    right = sum(p.band is Band.AUTO and p.episode_id.startswith("E") for p in result)
    wrong_strangers = [p for p in result if p.band is Band.AUTO and p.episode_id.startswith("S")]
    assert right > 450
    assert wrong_strangers == []


def test_estimation_on_tiny_files_stays_near_the_defaults() -> None:
    model = Model.estimate(BACKGROUND[:3], [replace(BACKGROUND[0], id="E1")])
    default = Model()
    for f in FIELDS:
        for learned, prior in zip(model.u[f], default.u[f], strict=True):
            assert learned < 20 * prior + 0.05


def test_estimate_with_nothing_to_learn_from_is_the_default() -> None:
    from cme.matching.blocking import Roll

    assert estimate(Roll([], []), []) == Model()
