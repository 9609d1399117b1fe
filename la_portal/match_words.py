"""The words the match pages and their download use."""

from __future__ import annotations

from dataclasses import dataclass

from cme.matching.compare import Field
from cme.matching.explain import LABELS, FieldReason
from cme.storage.match_queue import Kind, Proposal
from la_portal.episode_words import capital, day, when

__all__ = ["capital", "day", "when"]

KINDS = {
    Kind.WAITING: "Waiting for review",
    Kind.LINKED: "Linked by the matcher",
    Kind.DECIDED: "Decided",
}
KIND_LEADS = {
    Kind.WAITING: "Possible matches the tracker is not sure of, most likely first. Open one to "
    "compare the police's record with the pupil's, field by field, and confirm or reject it.",
    Kind.LINKED: "Episodes the tracker linked to a pupil by itself: the date of birth and both "
    "names agree and no other pupil comes close. Open one to check it; a wrong link can be "
    "undone.",
    Kind.DECIDED: "Every match a person has confirmed or rejected, most recent first. A "
    "rejected pupil is never proposed for that episode again.",
}
EMPTY = {
    Kind.WAITING: "Nothing is waiting for review.",
    Kind.LINKED: "The tracker has not linked any episode by itself.",
    Kind.DECIDED: "No one has confirmed or rejected a match yet.",
}
WEIGHT_HINT = (
    "Each field's weight says how much its agreement counted: +1 doubles the odds that the two "
    "records are the same child, \u22121 halves them, +3 multiplies them by 8. The weights are "
    "learned from the LA's own records: agreeing on a rare surname counts for more than on a "
    "common one."
)


def likelihood(score: float) -> str:
    """ "97% likely"; never 100% or 0%: the tracker is never certain."""
    percent = min(99.9, max(0.1, score * 100))
    shown = f"{percent:.0f}" if 1 <= percent <= 99 else f"{percent:.1f}"
    return f"{shown}% likely"


def status(p: Proposal) -> str:
    if p.decision == "confirmed":
        return f"Confirmed by {p.decided_by or 'a former user'}"
    if p.undone:
        return f"Link undone by {p.decided_by or 'a former user'}"
    if p.decision == "rejected":
        return f"Rejected by {p.decided_by or 'a former user'}"
    return "Linked by the matcher" if p.band == "auto" else "Waiting for review"


def status_class(p: Proposal) -> str:
    if p.linked:
        return "s-done"
    return "s-warning" if p.waiting else ""


def counted(weight: float) -> str:
    if weight >= 4:
        return "strongly for"
    if weight >= 1:
        return "for"
    if weight > -1:
        return "hardly either way"
    if weight > -4:
        return "against"
    return "strongly against"


@dataclass(frozen=True)
class FieldRow:
    label: str
    police: str
    pupil: str
    agreement: str
    weight: str  # "+6.2"
    counted: str
    css: str  # "for", "against" or "neutral"


def _row(r: FieldReason) -> FieldRow:
    blank = "not given"
    weight = round(r.weight, 1)  # judged as shown, so "+1.0" never reads "hardly either way"
    return FieldRow(
        label=capital(LABELS[Field(r.field)]),
        police=r.episode or blank,
        pupil=r.pupil or blank,
        agreement=capital(r.agreement if r.agreement != "missing" else "not given on one side"),
        weight=f"{weight:+.1f}".replace("-", "\u2212"),
        counted=counted(weight),
        css="for" if weight >= 1 else "against" if weight <= -1 else "neutral",
    )


def field_rows(p: Proposal) -> list[FieldRow]:
    return [_row(r) for r in p.reasons]


def _named(r: FieldReason) -> str:
    """ "date of birth", or "date of birth (day and month swapped)" when not exact."""
    label = LABELS[Field(r.field)]
    plain = r.agreement in ("exact", "same", "same house", "missing", "different")
    return label if plain else f"{label} ({r.agreement})"


def summary(p: Proposal) -> str:
    """One line of the fields that agreed and those that did not, for the list and download."""
    agreed = [_named(r) for r in p.reasons if round(r.weight, 1) >= 1]
    against = [_named(r) for r in p.reasons if round(r.weight, 1) <= -1]
    blank = [LABELS[Field(r.field)] for r in p.reasons if r.agreement == "missing"]
    parts = []
    if agreed:
        parts.append("agree: " + ", ".join(agreed))
    if against:
        parts.append("differ: " + ", ".join(against))
    if blank:
        parts.append("not given: " + ", ".join(blank))
    return capital("; ".join(parts)) if parts else "Nothing counted either way"
