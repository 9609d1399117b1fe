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
    REGISTER_UPLOADED = "register.uploaded"
    REGISTER_IMPORTED = "register.imported"
    REGISTER_REJECTED = "register.rejected"
    # Access to children's records: safeguarding data needs a log of who looked, not only
    # of who changed something.
    PUPIL_VIEWED = "pupil.viewed"
    LIST_DOWNLOADED = "list.downloaded"

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
    Action.REGISTER_UPLOADED: "Register uploaded",
    Action.REGISTER_IMPORTED: "Register imported",
    Action.REGISTER_REJECTED: "Register refused",
    Action.PUPIL_VIEWED: "Child's record viewed",
    Action.LIST_DOWNLOADED: "List of children downloaded",
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
