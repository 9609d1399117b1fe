"""What a user is told needs them, in words for people.

A notice names only the kind of action due and links to the page where it is done: it is
shown in the header of every page and may be emailed, and an email leaves the tracker's
control, so no notice ever carries a child's name or any other detail of a child.
"""

from __future__ import annotations

from enum import StrEnum


class NoticeKind(StrEnum):
    CASE_HANDED_OFF = "case_handed_off"
    REFER_NOW = "refer_now"
    STEP_OVERDUE = "step_overdue"
    CASE_ASSIGNED = "case_assigned"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def what_to_do(self) -> str:
        return _TO_DO[self]


_LABELS = {
    NoticeKind.CASE_HANDED_OFF: "A school has handed a case to the LA",
    NoticeKind.REFER_NOW: (
        "A vulnerability screen says refer to police and children's social care now"
    ),
    NoticeKind.STEP_OVERDUE: "A step on a case is overdue",
    NoticeKind.CASE_ASSIGNED: "A case has been assigned to you",
}

_TO_DO = {
    NoticeKind.CASE_HANDED_OFF: "Open the case to start the LA's enquiries.",
    NoticeKind.REFER_NOW: "Open the case and record the referral once it is made.",
    NoticeKind.STEP_OVERDUE: "Open the case to see which step is due.",
    NoticeKind.CASE_ASSIGNED: "Open the case to see what is due.",
}

EMAIL_SUBJECT = "CME tracker: a case needs you"


def email_text(kind: NoticeKind, link_url: str, notifications_url: str) -> str:
    """The body of a notice's email: the kind of action and where to do it, nothing else."""
    return (
        "Hello,\n\n"
        f"{kind.label}.\n"
        f"{kind.what_to_do}\n\n"
        f"{link_url}\n\n"
        f"All your notifications: {notifications_url}\n\n"
        "For the child's safety this email holds no details of the child: sign in to the "
        "CME tracker to see them.\n"
    )


def safe_link(link: str) -> str:
    """`link` if it is a path inside the tracker. Opening a notice redirects to its link, so
    anything else (another site, a scheme) would be an open redirect."""
    if not link.startswith("/") or link.startswith("//") or "\\" in link:
        raise ValueError(f"a notice links to a page of the tracker, not {link!r}")
    if any(ord(c) < 33 for c in link):
        raise ValueError(f"a notice's link has spaces or control characters: {link!r}")
    return link
