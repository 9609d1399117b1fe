"""The words of the demo's police episodes (`cme.demo_episodes`): the police's summaries of
how each child went missing and was found, and what the CME officers record of the return
interviews and meetings. Synthetic and bland: generic places of the demo's own town."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from cme.demo_data import CME_OFFICERS
from cme.episodes.interview import Interview

# How the police may write a demo pupil's name (`cme.demo_episode_children.VARIATIONS`).
NICKNAMES = dict(
    pair.split("=")
    for pair in "Callum=Cal Kacper=Kaz Oscar=Ozzy George=Georgie Isaac=Zac Alfie=Alf Violet=Vi "
    "Jordan=Jordy Alex=Lex Robin=Rob Priya=Pri Daisy=Dee Ethan=Eth Tilly=Tils Zara=Zee".split()
)
MISSPELT = dict(
    pair.split("=")
    for pair in "Callum=Calum Layla=Leila Zara=Zarah Isaac=Issac Freya=Freyja Yusuf=Yusef "
    "Kacper=Kasper Jade=Jayde Amara=Amarah Milo=Mylo Isla=Islah Umar=Omar".split()
)
# South Asian short forms: no demo pupil is a Mohammed (whom the police might write as Mo), so
# the demo's is the Yusuf they write as Yus.
SHORT_FORMS = {"Yusuf": "Yus"}
# The half the police add to a pupil's surname, as the family use it ("Nowak-Ashworth"); no
# demo family's name, so it points at no other pupil.
OTHER_HALF = "Ashworth"


def typo(surname: str) -> str:
    """A keying slip: a doubled letter typed once, or two letters swapped."""
    for i in range(1, len(surname)):
        if surname[i] == surname[i - 1]:
            return surname[:i] + surname[i + 1 :]
    i = len(surname) // 2
    return surname[: i - 1] + surname[i] + surname[i - 1] + surname[i + 1 :]


def swappable(born: date) -> bool:
    """Whether the day could be read as the month, giving another date."""
    return born.day <= 12 and born.day != born.month


def slipped(born: date) -> date | None:
    """The date with the last digit of the day keyed one too high (14 for 13), where that is
    one digit's slip and a day every month has; else None."""
    if born.day % 10 == 9 or born.day >= 28:
        return None
    return born.replace(day=born.day + 1)


# What the CME officers record for an episode's return interview; "none" and "open" record
# nothing (the interview is due or overdue, or the child is still missing).
KINDS = ("in_time", "late", "declined", "offered", "none", "open")
WORKERS = ("Jo Barker", "Lee Fenwick")
AGENCIES = "Police, children's social care, school, youth service"
ACTIONS = (
    "Safety plan agreed with the family; school to check in each morning; weekly sessions with "
    "a youth worker."
)
CALLED_BECAUSE = (
    "Found in another town with older males not known to the family; the police have concerns "
    "about criminal exploitation."
)
_HOME = (
    "{name} left the family home at about {last} after an argument with {his} {parent} about "
    "{topic} and did not come back. {His} phone has been switched off since. Reported by {his} "
    "{parent}.",
    "{name} did not come home after school. Friends told {his} {parent} that {he} had gone into "
    "Fernbridge town centre. Calls to {his} phone went unanswered.",
    "{name} went out to meet friends and did not return by the agreed time of {curfew}. {His} "
    "{parent} rang friends' parents without success and reported {him} missing.",
    "{name} was last seen by {his} {parent} at about {last}, leaving the house on foot. Nothing "
    "unusual had happened that day; {he} took {his} phone and a bag.",
)
_CARE = (
    "{name} left the placement at about {last} without saying where {he} was going. Carers rang "
    "{his} friends and checked the places {he} usually goes. {He} has gone missing from "
    "placement before.",
    "{name} did not return to the placement after family time. Carers reported {him} missing "
    "when {he} was not back by {curfew}.",
)
_HIGH = (
    "{name} left home at about {last}, saying {he} was meeting friends. A neighbour saw {him} get "
    "into a car with older males. {His} phone has been off since."
)
_SCHOOL = (
    "{name} left the school site at lunchtime without permission and did not return for the "
    "afternoon. Not at home when staff rang. Reported by the school."
)
_FOUND_HOME = (
    "Returned home of own accord|At a friend's address in Fernbridge|Found by officers in "
    "Fernbridge town centre|At a relative's address in Westmoor|Found by officers at Fernbridge "
    "bus station"
).split("|")
_FOUND_CARE = (
    "Returned to the placement of own accord|At a friend's address in Fernbridge|Found by "
    "officers at Fernbridge railway station"
).split("|")
_HIGH_FOUND = (
    "Found by officers in Westmoor, at a flat not known to the family",
    "Two older males not known to the family",
)
_WITH = ("Alone", "Friends of a similar age", "A friend from school", "Relatives")
_THEMES = {
    "repeat_held": ("Family conflict", "School issues", "Peer influence"),
    "repeat_overdue": ("Peer influence", "Substance use"),
    "repeat_looked_after": ("Placement issues", "Going to see family or friends"),
    "high_risk": ("Exploitation risk (criminal)", "Substance use", "Peer influence"),
    "looked_after": ("Placement issues",),
}
_OTHER_THEMES = (
    "Family conflict|Peer influence|School issues|Relationship|Going to see family or friends|"
    "Bullying|Online contact|Mental health"
).split("|")


def found(child: str, where: str, returned: datetime | None, rng: random.Random) -> tuple[str, str]:
    """Where the child was found, and who with."""
    if returned is None:
        return "", ""
    if child == "high_risk":
        return _HIGH_FOUND
    places = _FOUND_HOME if where in ("Home", "Family home", "School") else _FOUND_CARE
    return rng.choice(places), rng.choice(_WITH)


def circumstances(
    child: str,
    forename: str,
    gender: str,
    in_care: bool,
    where: str,
    last: datetime,
    rng: random.Random,
) -> str:
    """The police's summary of how the child went missing."""
    if child == "high_risk":
        template = _HIGH
    elif where == "School":
        template = _SCHOOL
    else:
        template = rng.choice(_CARE if in_care else _HOME)
    she = gender == "F"
    return template.format(
        name=forename,
        he="she" if she else "he",
        He="She" if she else "He",
        him="her" if she else "him",
        his="her" if she else "his",
        His="Her" if she else "His",
        parent=rng.choice(("mother", "father", "grandmother")),
        topic=rng.choice(("screen time", "coming home late", "school work", "a younger sibling")),
        last=f"{last:%H:%M}",
        curfew=rng.choice(("21:00", "21:30", "22:00")),
    )


def interview(
    kind: str,
    child: str,
    forename: str,
    in_care: bool,
    other_la: str,
    returned: datetime | None,
    now: datetime,
    r: random.Random,
) -> Interview | None:
    """What the CME officers record of the return interview (`kind`: see `KINDS`), at times
    after the return and never after `now`; `other_la` is the responsible council when it is
    not the demo's, whose own worker sees the child."""
    if returned is None or kind in ("none", "open"):
        return None

    def after(low: int, high: int) -> datetime:
        return min(
            returned + timedelta(hours=r.randint(low, high), minutes=r.randrange(0, 60, 5)), now
        )

    officer = CME_OFFICERS[r.randrange(len(CME_OFFICERS))][1]
    offered = after(2, 8)
    if kind == "offered":
        return Interview(
            offered_at=after(18, 24),
            offered_by=officer,
            notes="Offered by phone; the family asked for a visit after the weekend.",
        )
    if kind == "declined":
        return Interview(
            offered_at=offered,
            offered_by=officer,
            declined_at=after(20, 48),
            notes=f"{forename} did not want to talk to a worker; the family has the "
            "service's number if that changes.",
        )
    themes = _THEMES.get(child) or tuple(r.sample(_OTHER_THEMES, r.randint(1, 2)))
    return Interview(
        offered_at=offered,
        offered_by=officer,
        done_at=after(80, 130) if kind == "late" else after(18, 60),
        done_by=f"{other_la} missing children worker" if other_la else r.choice(WORKERS),
        done_where="At the placement"
        if in_care
        else r.choice(("At home", "At school", "At the youth centre in Fernbridge")),
        themes=tuple(sorted(themes[: r.randint(1, len(themes))])),
        notes="Family could not be reached at first; seen at the third attempt."
        if kind == "late"
        else f"{forename} talked about what led up to going missing; a safety plan was agreed.",
    )
