"""Cross-matching police missing episodes with pupils, which carry no shared identifier.

Plain Python (no database, no web): `match(pupils, episodes)` gives, for each episode, the
pupils it may be about, each with a probability, a band (`auto` or `review`) and, field by
field, how the two records agreed and how much that counted. See match.py for the bands,
model.py for why a Fellegi-Sunter model with learned weights, compare.py for the kinds of
agreement and blocking.py for how candidates are found without comparing all pairs.
"""

from cme.matching.explain import FieldReason
from cme.matching.match import AUTO_THRESHOLD, REVIEW_THRESHOLD, Band, Proposal, match
from cme.matching.model import Model
from cme.matching.records import Person

__all__ = [
    "AUTO_THRESHOLD",
    "REVIEW_THRESHOLD",
    "Band",
    "FieldReason",
    "Model",
    "Person",
    "Proposal",
    "match",
]
