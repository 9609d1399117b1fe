"""Splink (DuckDB) linking pupils and episodes, set up as its documentation recommends.

Followed: the link_only and FEBRL4 examples (docs/demos/examples/duckdb/link_only and febrl4),
tutorial 04 (estimating parameters) and 08 (tips for building your own model), the
out-of-the-box comparisons guide and the feature-engineering guide, all in the Splink 4/5
documentation.

- Data preparation: trimmed, case-folded text, blanks as NULL, the postcode in its spaced form
  (the PostcodeComparison patterns expect the space), the house number apart from the street
  (as FEBRL4's street_number), a forename_surname column for the joint term frequency.
- Comparisons: ForenameSurnameComparison (names compared together, swaps included, with the
  full-name term frequency), DateOfBirthComparison, PostcodeComparison (full, sector, district,
  area), ExactMatch on house number and on gender, with term-frequency adjustments where the
  examples use them.
- Blocking for prediction: several strict rules rather than a few loose ones (tutorial 08).
- Training: probability two random records match from deterministic rules with a recall guess
  of 0.7 (as the tutorials do), u by random sampling with 1e7 pairs ("often adequate"; 1e8+
  would be slower), m by expectation maximisation in three sessions blocked on date of birth,
  postcode, and full name, so each comparison is estimated at least once.
- Bands: `auto` is an episode's best pupil at match probability >= 0.99 (the 99% the FEBRL4
  example clusters at), `review` anything else >= 0.2 (the threshold it predicts at).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bench.crossmatch.metrics import Row, banded
from cme.matching.records import Person

AUTO_FROM = 0.99
REVIEW_FROM = 0.2
U_SAMPLE_PAIRS = 1e7
SEED = 42
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
HOUSE_NUMBER = re.compile(r"(?:^|,\s*|\s)(\d+[A-Z]?)\s+([A-Z][^,]*)")


def table(people: list[Person]) -> list[dict[str, Any]]:
    rows = []
    for person in people:
        forename = _text(person.forename)
        surname = _text(person.surname)
        number, street = _house_and_street(person.address)
        rows.append(
            {
                "unique_id": person.id,
                "forename": forename,
                "surname": surname,
                "forename_surname": f"{forename} {surname}" if forename and surname else None,
                "dob": person.date_of_birth.isoformat() if person.date_of_birth else None,
                "gender": (_text(person.gender) or "")[:1] or None,
                "house_number": number,
                "street": street,
                "postcode": _postcode(person.postcode),
            }
        )
    return rows


def _text(value: str) -> str | None:
    cleaned = " ".join(value.upper().split())
    return cleaned or None


def _postcode(value: str) -> str | None:
    cleaned = _text(value)
    if cleaned is None:
        return None
    found = POSTCODE.match(cleaned.replace(" ", ""))
    return f"{found.group(1)} {found.group(2)}" if found else cleaned


def _house_and_street(address: str) -> tuple[str | None, str | None]:
    cleaned = _text(address)
    if cleaned is None:
        return None, None
    found = HOUSE_NUMBER.search(cleaned)
    if found:
        return found.group(1), found.group(2)
    return None, cleaned


def link(pupils: list[Person], episodes: list[Person]) -> tuple[list[Row], set[tuple[str, str]]]:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.blocking_rule_library import CustomRule

    pupil_frame = pd.DataFrame(table(pupils))
    episode_frame = pd.DataFrame(table(episodes))
    has_gender = bool(pupil_frame["gender"].notna().any() and episode_frame["gender"].notna().any())
    comparisons: list[Any] = [
        cl.ForenameSurnameComparison(
            "forename", "surname", forename_surname_concat_col_name="forename_surname"
        ),
        cl.DateOfBirthComparison(
            "dob", input_is_string=True, datetime_format="%Y-%m-%d", invalid_dates_as_null=True
        ),
        cl.PostcodeComparison("postcode"),
        cl.ExactMatch("house_number").configure(term_frequency_adjustments=True),
    ]
    if has_gender:
        comparisons.append(cl.ExactMatch("gender"))
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("forename", "surname"),
            CustomRule("l.forename = r.surname and l.surname = r.forename"),
            block_on("dob"),
            block_on("postcode"),
            block_on("surname", "substr(dob, 1, 4)"),
            block_on("forename", "substr(dob, 1, 4)"),
            block_on("postcode", "house_number"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    tables = [
        db_api.register(pupil_frame, dataset_display_name="pupils"),
        db_api.register(episode_frame, dataset_display_name="episodes"),
    ]
    linker = Linker(tables, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("forename", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=SEED)
    for rule in (block_on("dob"), block_on("postcode"), block_on("forename", "surname")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predicted: Any = linker.inference.predict()
    predictions = predicted.as_pandas_dataframe()
    pupil_ids = set(pupil_frame["unique_id"])
    scored: list[tuple[str, str, float]] = []
    candidates: set[tuple[str, str]] = set()
    for left, right, probability in zip(
        predictions["unique_id_l"],
        predictions["unique_id_r"],
        predictions["match_probability"],
        strict=True,
    ):
        pupil_id, episode_id = (left, right) if left in pupil_ids else (right, left)
        candidates.add((pupil_id, episode_id))
        scored.append((pupil_id, episode_id, float(probability)))
    return banded(scored, AUTO_FROM, REVIEW_FROM), candidates
