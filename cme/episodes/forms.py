"""The hand-entry forms of missing episodes, as CME officers type them: text as sent by the
browser, parsed into an `Episode` or an `Interview`, or InvalidField naming the box to put
right in words. The form object keeps what was typed, so a page can show it again beside the
message. (The meeting forms are in `meeting_forms`; reading dates, times and text in
`typed_text`.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cme.episodes.episode import LIMITS, Child, Episode, MissingFrom, risk_level, risk_scheme
from cme.episodes.interview import Interview
from cme.episodes.typed_text import (
    CLOCK_SLOP,
    EARLIEST_BIRTH,
    free_lines,
    london_moment,
    london_parts,
    one_line,
    parse_day,
    tick,
    ticked,
    typed_fields,
)
from cme.errors import InvalidField
from cme.pupil_details import postcode_text
from cme.timeline import LONDON

# Each input's label, as the templates show it and messages name it.
EPISODE_LABELS = {
    "force": "Police force",
    "reference": "Police reference",
    "reported_on": "Date reported missing",
    "reported_time": "Time reported missing",
    "last_seen_on": "Date last seen",
    "last_seen_time": "Time last seen",
    "missing_from": "Missing from",
    "forename": "Forename",
    "surname": "Surname",
    "other_names": "Other names",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "address": "Address",
    "postcode": "Postcode",
    "responsible_la": "Responsible LA",
    "looked_after": "Looked after",
    "risk_raw": "Risk, in the police's words",
    "risk_scheme": "Risk scheme",
    "returned_on": "Date returned or found",
    "returned_time": "Time returned or found",
    "where_found": "Where found",
    "who_with": "Who with",
    "safe_and_well_on": "Safe and well check",
    "circumstances": "Circumstances",
    "harmed": "Hurt or harmed while away",
    "exploitation_risk": "At risk of exploitation or trafficking",
    "risky_contacts": "In contact with people posing a risk",
    "crime_while_away": "Involved in crime while away",
    "mental_health": "Known mental-health needs",
}
EPISODE_ERRORS = {label: name for name, label in EPISODE_LABELS.items()}
# The facts RULES.md §7 names for a return interview being especially needed.
ESPECIALLY_FIELDS = (
    "harmed",
    "exploitation_risk",
    "risky_contacts",
    "crime_while_away",
    "mental_health",
)


def _l(name: str) -> str:
    return EPISODE_LABELS[name]


@dataclass
class EpisodeForm:
    """An episode as a CME officer types it (from a phone call or an email from the police,
    or correcting an import)."""

    force: str = ""
    reference: str = ""
    reported_on: str = ""
    reported_time: str = ""
    last_seen_on: str = ""
    last_seen_time: str = ""
    missing_from: str = MissingFrom.HOME.value
    forename: str = ""
    surname: str = ""
    other_names: str = ""
    date_of_birth: str = ""
    gender: str = ""
    address: str = ""
    postcode: str = ""
    responsible_la: str = ""
    looked_after: str = ""
    risk_raw: str = ""
    risk_scheme: str = ""
    returned_on: str = ""
    returned_time: str = ""
    where_found: str = ""
    who_with: str = ""
    safe_and_well_on: str = ""
    circumstances: str = ""
    harmed: str = ""
    exploitation_risk: str = ""
    risky_contacts: str = ""
    crime_while_away: str = ""
    mental_health: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> EpisodeForm:
        return cls(**typed_fields(cls, form))

    @classmethod
    def of(cls, episode: Episode) -> EpisodeForm:
        reported = london_parts(episode.reported_at)
        seen = london_parts(episode.last_seen_at)
        back = london_parts(episode.returned_at)
        child = episode.child
        return cls(
            force=episode.force,
            reference=episode.reference,
            reported_on=reported[0],
            reported_time=reported[1],
            last_seen_on=seen[0],
            last_seen_time=seen[1],
            missing_from=episode.missing_from.value,
            forename=child.forename,
            surname=child.surname,
            other_names=child.other_names,
            date_of_birth=child.date_of_birth.isoformat() if child.date_of_birth else "",
            gender=child.gender,
            address=episode.address,
            postcode=episode.postcode,
            responsible_la=episode.responsible_la,
            looked_after=tick(episode.looked_after),
            risk_raw=episode.risk_raw,
            risk_scheme=episode.risk_scheme,
            returned_on=back[0],
            returned_time=back[1],
            where_found=episode.where_found,
            who_with=episode.who_with,
            safe_and_well_on=(
                episode.safe_and_well_on.isoformat() if episode.safe_and_well_on else ""
            ),
            circumstances=episode.circumstances,
            **{k: tick(getattr(episode, k)) for k in ESPECIALLY_FIELDS},
        )

    def _child(self, today: date) -> Child:
        forename = one_line(self.forename, _l("forename"), LIMITS["forename"])
        surname = one_line(self.surname, _l("surname"), LIMITS["surname"])
        if not forename and not surname:
            raise InvalidField(
                _l("surname"), "Enter the child's name: a surname, a forename or both."
            )
        born = parse_day(self.date_of_birth, _l("date_of_birth"))
        if born is not None and born > today:
            raise InvalidField(_l("date_of_birth"), "The date of birth is in the future: check it.")
        if born is not None and born < EARLIEST_BIRTH:
            raise InvalidField(
                _l("date_of_birth"), "The date of birth is before 1990, so not a child's: check it."
            )
        return Child(
            forename=forename,
            surname=surname,
            other_names=one_line(self.other_names, _l("other_names"), LIMITS["other_names"]),
            date_of_birth=born,
            gender=one_line(self.gender, _l("gender"), LIMITS["gender"]),
        )

    def _moments(self, now: datetime) -> tuple[datetime, datetime | None, datetime | None]:
        reported = london_moment(
            self.reported_on,
            self.reported_time,
            _l("reported_on"),
            _l("reported_time"),
            "the police were told",
        )
        if reported is None:
            raise InvalidField(
                _l("reported_on"), "Enter the date and time the child was reported missing."
            )
        seen = london_moment(
            self.last_seen_on, self.last_seen_time, _l("last_seen_on"), _l("last_seen_time")
        )
        back = london_moment(
            self.returned_on, self.returned_time, _l("returned_on"), _l("returned_time")
        )
        for at, name in ((reported, "reported_on"), (back, "returned_on")):
            if at is not None and at > now + CLOCK_SLOP:
                raise InvalidField(_l(name), f"{_l(name)}: this is in the future. Check it.")
        if seen is not None and seen > reported:
            raise InvalidField(
                _l("last_seen_on"),
                "The child cannot have been last seen after they were reported missing: check "
                "both dates and times.",
            )
        if back is not None and back < (seen or reported) - timedelta(days=30):
            raise InvalidField(
                _l("returned_on"),
                "The child cannot have been found more than 30 days before they were reported "
                "missing: check both dates.",
            )
        if back is not None and seen is not None and back < seen:
            raise InvalidField(
                _l("returned_on"),
                "The child cannot have been found before they were last seen: check both dates "
                "and times.",
            )
        return reported, seen, back

    def episode(self, now: datetime | None = None) -> Episode:
        """The episode, or InvalidField naming the first box to put right."""
        now = now or datetime.now(UTC)
        force = one_line(self.force, _l("force"), LIMITS["force"])
        if not force:
            raise InvalidField(_l("force"), "Enter the police force that reported the episode.")
        # As the import reads it, so that a later file finds this episode by its reference.
        reference = "".join(self.reference.replace("\x00", "").split()).upper()
        if not reference:
            raise InvalidField(_l("reference"), "Enter the police's reference for the episode.")
        if len(reference) > LIMITS["reference"]:
            raise InvalidField(
                _l("reference"),
                f"{_l('reference')}: keep this under {LIMITS['reference']} characters.",
            )
        reported, seen, back = self._moments(now)
        kind = next((m for m in MissingFrom if m.value == self.missing_from), None)
        if kind is None:
            raise InvalidField(_l("missing_from"), "Choose where the child went missing from.")
        raw_risk = one_line(self.risk_raw, _l("risk_raw"), LIMITS["risk_raw"])
        safe = parse_day(self.safe_and_well_on, _l("safe_and_well_on"))
        today = now.astimezone(LONDON).date()
        if safe is not None and safe > today:
            raise InvalidField(
                _l("safe_and_well_on"),
                "The safe and well check is in the future: record it once done.",
            )
        return Episode(
            force=force,
            reference=reference,
            reported_at=reported,
            child=self._child(today),
            missing_from=kind,
            last_seen_at=seen,
            address=free_lines(self.address, _l("address"), LIMITS["address"]),
            postcode=one_line(postcode_text(self.postcode), _l("postcode"), LIMITS["postcode"]),
            responsible_la=one_line(
                self.responsible_la, _l("responsible_la"), LIMITS["responsible_la"]
            ),
            # A child missing from a care placement is looked after, as the import reads it.
            looked_after=ticked(self.looked_after) or kind is MissingFrom.CARE,
            risk_raw=raw_risk,
            risk_scheme=risk_scheme(
                risk_level(raw_risk),
                one_line(self.risk_scheme, _l("risk_scheme"), LIMITS["risk_scheme"]),
            ),
            returned_at=back,
            where_found=free_lines(self.where_found, _l("where_found"), LIMITS["where_found"]),
            who_with=free_lines(self.who_with, _l("who_with"), LIMITS["who_with"]),
            safe_and_well_on=safe,
            circumstances=free_lines(
                self.circumstances, _l("circumstances"), LIMITS["circumstances"]
            ),
            **{k: ticked(getattr(self, k)) for k in ESPECIALLY_FIELDS},
        )


# Input names by the words a message names them with: the form's own and the words
# `record_interview` uses for the same boxes.
INTERVIEW_LABELS = {
    "offered_on": "Date offered",
    "offered_time": "Time offered",
    "offered_by": "Offered by",
    "done_on": "Date held",
    "done_time": "Time held",
    "done_by": "Held by",
    "done_where": "Where held",
    "declined_on": "Date declined",
    "declined_time": "Time declined",
    "themes": "Themes",
    "notes": "Notes",
}
INTERVIEW_ERRORS = {
    **{label: name for name, label in INTERVIEW_LABELS.items()},
    "Offered": "offered_on",
    "Held": "done_on",
    "Declined": "declined_on",
}


@dataclass
class InterviewForm:
    """The return interview as typed: offered, held or declined, its themes and notes."""

    offered_on: str = ""
    offered_time: str = ""
    offered_by: str = ""
    done_on: str = ""
    done_time: str = ""
    done_by: str = ""
    done_where: str = ""
    declined_on: str = ""
    declined_time: str = ""
    notes: str = ""
    themes: tuple[str, ...] = ()

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> InterviewForm:
        getall = getattr(form, "getall", None)
        ticked: Iterable[Any] = getall("themes", []) if getall else form.get("themes") or ()
        if isinstance(ticked, str):
            ticked = (ticked,)
        return cls(**typed_fields(cls, form), themes=tuple(str(t) for t in ticked))

    @classmethod
    def of(cls, interview: Interview | None) -> InterviewForm:
        if interview is None:
            return cls()
        offered = london_parts(interview.offered_at)
        done = london_parts(interview.done_at)
        declined = london_parts(interview.declined_at)
        return cls(
            offered_on=offered[0],
            offered_time=offered[1],
            offered_by=interview.offered_by,
            done_on=done[0],
            done_time=done[1],
            done_by=interview.done_by,
            done_where=interview.done_where,
            declined_on=declined[0],
            declined_time=declined[1],
            notes=interview.notes,
            themes=interview.themes,
        )

    def _moment(self, prefix: str) -> datetime | None:
        return london_moment(
            getattr(self, f"{prefix}_on"),
            getattr(self, f"{prefix}_time"),
            INTERVIEW_LABELS[f"{prefix}_on"],
            INTERVIEW_LABELS[f"{prefix}_time"],
        )

    def interview(self, themes: Sequence[str]) -> Interview:
        """The interview, or InvalidField naming the first box to put right. `themes` are
        those the LA offers (and any the interview had before the LA stopped offering it)."""
        label = INTERVIEW_LABELS
        offered, done, declined = (self._moment(p) for p in ("offered", "done", "declined"))
        offered_by = one_line(self.offered_by, label["offered_by"], LIMITS["offered_by"])
        done_by = one_line(self.done_by, label["done_by"], LIMITS["done_by"])
        done_where = one_line(self.done_where, label["done_where"], LIMITS["done_where"])
        if done is None and (done_by or done_where):
            raise InvalidField(
                label["done_on"],
                "Enter the date and time the interview was held, or clear who held it and where.",
            )
        if done is not None and declined is not None:
            raise InvalidField(
                label["declined_on"],
                "An interview cannot be both held and declined: clear one of them.",
            )
        unknown = [t for t in self.themes if t not in themes]
        if unknown:
            raise InvalidField(label["themes"], "Choose the themes from the list.")
        return Interview(
            offered_at=offered,
            offered_by=offered_by,
            done_at=done,
            done_by=done_by,
            done_where=done_where,
            declined_at=declined,
            themes=tuple(t for t in themes if t in self.themes),
            notes=free_lines(self.notes, label["notes"], LIMITS["notes"]),
        )
