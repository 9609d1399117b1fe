"""What the audit trail records, and the states an uploaded register passes through.

Stored as their values, so rows written before a member was added still read back.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    LA_ADDED = "la.added"
    SCHOOL_ADDED = "school.added"
    ACCOUNT_ADDED = "account.added"
    ACCOUNT_EDITED = "account.edited"
    ACCOUNT_DEACTIVATED = "account.deactivated"
    ACCOUNT_REACTIVATED = "account.reactivated"
    ACCOUNT_UNLOCKED = "account.unlocked"
    PASSWORD_RESET_ISSUED = "account.reset_issued"  # noqa: S105
    PASSWORD_SET = "account.password_set"  # noqa: S105
    PASSWORD_CHANGED = "account.password_changed"  # noqa: S105
    SIGNIN = "signin"
    SIGNIN_FAILED = "signin.failed"
    SIGNOUT = "signout"
    POLICY_CHANGED = "policy.changed"
    SWEEP_TIME_CHANGED = "policy.sweep_time_changed"
    REGISTER_UPLOADED = "register.uploaded"
    REGISTER_IMPORTED = "register.imported"
    REGISTER_REJECTED = "register.rejected"
    # Access to children's records: safeguarding data needs a log of who looked, not only
    # of who changed something.
    PUPIL_VIEWED = "pupil.viewed"
    LIST_DOWNLOADED = "list.downloaded"
    # Cases: what the register did to them (no person: the account is empty).
    CASE_OPENED = "case.opened"
    CASE_DAY_ONE_MOVED = "case.day_one_moved"
    CASE_CLOSED_BY_REGISTER = "case.closed_by_register"
    CASE_REOPENED = "case.reopened"
    CASE_STEP_OVERDUE = "case.step_overdue"
    # The daily sweep of an LA's schools (no person: the account is empty).
    CASES_SWEPT = "cases.swept"
    CASE_VIEWED = "case.viewed"
    TERM_ADDED = "term.added"
    TERM_REMOVED = "term.removed"
    LEAVE_RECORDED = "leave.recorded"
    LEAVE_WITHDRAWN = "leave.withdrawn"
    # Cases: what people recorded on them (H4).
    CASE_CONTACT_RECORDED = "case.contact_recorded"
    CASE_SCREEN_RECORDED = "case.screen_recorded"
    CASE_REFERRAL_RECORDED = "case.referral_recorded"
    CASE_ENQUIRY_RECORDED = "case.enquiry_recorded"
    CASE_NOTE_ADDED = "case.note_added"
    CASE_HANDED_OFF = "case.handed_off"
    CASE_JOINT_REVIEW_RECORDED = "case.joint_review_recorded"
    CASE_NO_SICKNESS_RECORDED = "case.no_sickness_recorded"
    CASE_CLOSED = "case.closed"
    CASE_REMOVED = "case.removed"
    CASE_FOUND = "case.found"
    CASE_DOCUMENT_DOWNLOADED = "case.document_downloaded"
    CASE_ASSIGNED = "case.assigned"
    # Pupil details (H1).
    PUPIL_DETAILS_IMPORTED = "pupil_details.imported"
    CONTACT_ADDED = "contact.added"
    CONTACT_CORRECTED = "contact.corrected"
    # Missing from home or care (issue 10).
    EPISODES_IMPORTED = "episodes.imported"
    EPISODE_ADDED = "episode.added"
    EPISODE_EDITED = "episode.edited"
    EPISODE_IDENTITY_CONFIRMED = "episode.identity_confirmed"
    EPISODE_IDENTITY_KEPT = "episode.identity_kept"
    EPISODE_VIEWED = "episode.viewed"
    MISSING_CHILD_VIEWED = "missing_child.viewed"
    RETURN_INTERVIEW_RECORDED = "episode.interview_recorded"
    MEETING_RAISED = "meeting.raised"
    MEETING_RECORDED = "meeting.recorded"
    # Cross-matching episodes with pupils (issue 11).
    MATCHES_RUN = "matches.run"
    MATCH_CONFIRMED = "match.confirmed"
    MATCH_REJECTED = "match.rejected"
    MATCH_VIEWED = "match.viewed"
    MATCH_REOPENED = "match.reopened"
    # Data for the partnership (issue 12): figures carry no child's details, but what
    # leaves the tracker is recorded.
    FIGURES_DOWNLOADED = "figures.downloaded"
    PACK_DOWNLOADED = "figures.pack_downloaded"

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value)


_LABELS = {
    Action.LA_ADDED: "LA added",
    Action.SCHOOL_ADDED: "School added",
    Action.ACCOUNT_ADDED: "User added",
    Action.ACCOUNT_EDITED: "User changed",
    Action.ACCOUNT_DEACTIVATED: "User deactivated",
    Action.ACCOUNT_REACTIVATED: "User reactivated",
    Action.ACCOUNT_UNLOCKED: "User unlocked",
    Action.PASSWORD_RESET_ISSUED: "Password reset link issued",
    Action.PASSWORD_SET: "Password set",
    Action.PASSWORD_CHANGED: "Password changed",
    Action.SIGNIN: "Signed in",
    Action.SIGNIN_FAILED: "Sign-in failed",
    Action.SIGNOUT: "Signed out",
    Action.POLICY_CHANGED: "Thresholds changed",
    Action.SWEEP_TIME_CHANGED: "Daily sweep time changed",
    Action.REGISTER_UPLOADED: "Register uploaded",
    Action.REGISTER_IMPORTED: "Register imported",
    Action.REGISTER_REJECTED: "Register refused",
    Action.PUPIL_VIEWED: "Child's record viewed",
    Action.LIST_DOWNLOADED: "List of children downloaded",
    Action.CASE_OPENED: "Case opened",
    Action.CASE_DAY_ONE_MOVED: "Case's day one corrected",
    Action.CASE_CLOSED_BY_REGISTER: "Case closed by the register",
    Action.CASE_REOPENED: "Case opened again by a register correction",
    Action.CASE_STEP_OVERDUE: "Step on a case overdue",
    Action.CASES_SWEPT: "Daily sweep of cases",
    Action.CASE_VIEWED: "Case viewed",
    Action.TERM_ADDED: "Term dates added",
    Action.TERM_REMOVED: "Term dates removed",
    Action.LEAVE_RECORDED: "Leave of absence recorded",
    Action.LEAVE_WITHDRAWN: "Leave of absence withdrawn",
    Action.CASE_CONTACT_RECORDED: "Contact attempt recorded on a case",
    Action.CASE_SCREEN_RECORDED: "Vulnerability screen recorded",
    Action.CASE_REFERRAL_RECORDED: "Referral to police or children's social care recorded",
    Action.CASE_ENQUIRY_RECORDED: "Reasonable enquiry recorded",
    Action.CASE_NOTE_ADDED: "Note added to a case",
    Action.CASE_HANDED_OFF: "Case handed to the LA",
    Action.CASE_JOINT_REVIEW_RECORDED: "Joint review recorded",
    Action.CASE_NO_SICKNESS_RECORDED: (
        "DSL's declaration on sickness or unavoidable cause recorded"
    ),
    Action.CASE_CLOSED: "Case closed with an outcome",
    Action.CASE_REMOVED: "Child removed from roll as missing education",
    Action.CASE_FOUND: "Child missing education found by the LA",
    Action.CASE_DOCUMENT_DOWNLOADED: "Deletion return downloaded",
    Action.CASE_ASSIGNED: "Case assigned to a CME officer",
    Action.PUPIL_DETAILS_IMPORTED: "Pupil details imported",
    Action.CONTACT_ADDED: "Parent or carer contact added",
    Action.CONTACT_CORRECTED: "Parent or carer contact corrected",
    Action.EPISODES_IMPORTED: "Police missing episodes imported",
    Action.EPISODE_ADDED: "Missing episode entered by hand",
    Action.EPISODE_EDITED: "Missing episode changed",
    Action.EPISODE_IDENTITY_CONFIRMED: "Changed identity on a missing episode accepted",
    Action.EPISODE_IDENTITY_KEPT: "Changed identity on a missing episode turned down",
    Action.EPISODE_VIEWED: "Missing episode viewed",
    Action.MISSING_CHILD_VIEWED: "Missing child's episodes viewed",
    Action.RETURN_INTERVIEW_RECORDED: "Return interview recorded",
    Action.MEETING_RAISED: "Intervention meeting called for",
    Action.MEETING_RECORDED: "Intervention meeting recorded",
    Action.MATCHES_RUN: "Police episodes matched with pupils",
    Action.MATCH_CONFIRMED: "Match of an episode with a pupil confirmed",
    Action.MATCH_REJECTED: "Match of an episode with a pupil rejected (or a link undone)",
    Action.MATCH_VIEWED: "Possible match of an episode with a pupil viewed",
    Action.MATCH_REOPENED: "Decision on a match of an episode with a pupil taken back",
    Action.FIGURES_DOWNLOADED: "Figures downloaded",
    Action.PACK_DOWNLOADED: "Termly pack downloaded",
}


class UploadStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (UploadStatus.DONE, UploadStatus.FAILED)

    @property
    def label(self) -> str:
        return {
            UploadStatus.QUEUED: "Waiting",
            UploadStatus.RUNNING: "Importing",
            UploadStatus.DONE: "Imported",
            UploadStatus.FAILED: "Not imported",
        }[self]
