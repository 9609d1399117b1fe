"""The database schema. Timestamps are stored in UTC (timestamptz) and shown in Europe/London.

Composite unique constraints, which Piccolo cannot declare, are created by raw statements in
the migrations; `UNIQUE_INDEXES` lists them so tests can check they exist. Each table
declares `id: Serial` only so that type checkers see the primary key Piccolo adds.
"""

from piccolo.columns import (
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from cme.events import UploadStatus
from cme.identifiers import PUPIL_FIELD_LIMITS


class LocalAuthority(Table, tablename="local_authority"):
    id: Serial
    code = Varchar(length=3, unique=True)
    name = Varchar(length=200)
    # The LA's thresholds (cme.policy.Policy) as JSON; "{}" means RULES.md's defaults.
    policy = Text(default="{}")


class School(Table, tablename="school"):
    id: Serial
    urn = Varchar(length=6, unique=True)
    name = Varchar(length=200)
    la = ForeignKey(LocalAuthority, null=False, on_delete=OnDelete.restrict, index=True)


class Account(Table, tablename="account"):
    id: Serial
    email = Varchar(length=254, unique=True)
    display_name = Varchar(length=200)
    password_hash = Varchar(length=200)
    role = Varchar(length=20)
    la = ForeignKey(LocalAuthority, null=False, on_delete=OnDelete.restrict)
    school = ForeignKey(School, null=True, on_delete=OnDelete.restrict)
    active = Boolean(default=True)
    created_at = Timestamptz()
    # Set while the password was not chosen by the person (a new account, an administrator's
    # reset): every page leads to choosing one until they do.
    must_change_password = Boolean(default=False)


class WebSession(Table, tablename="web_session"):
    id: Serial
    token_hash = Varchar(length=64, unique=True)
    account = ForeignKey(Account, null=False, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    expires_at = Timestamptz(index=True)


class SignInFailure(Table, tablename="sign_in_failure"):
    id: Serial
    email = Varchar(length=254, index=True)
    at = Timestamptz(index=True)


class PasswordReset(Table, tablename="password_reset"):
    """A one-time link to choose a password. Only a hash of its token is stored, so a copy of
    the database cannot be used to take over accounts."""

    id: Serial
    account = ForeignKey(Account, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class AuditEvent(Table, tablename="audit_event"):
    id: Serial
    at = Timestamptz(index=True)
    account = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    la = ForeignKey(LocalAuthority, null=True, on_delete=OnDelete.set_null, index=True)
    school = ForeignKey(School, null=True, on_delete=OnDelete.set_null, index=True)
    action = Varchar(length=60)
    detail = Text()


class JobLedger(Table, tablename="job_ledger"):
    id: Serial
    name = Varchar(length=100)
    run_on = Date()
    started_at = Timestamptz()


class Pupil(Table, tablename="pupil"):
    id: Serial
    school = ForeignKey(School, null=False, on_delete=OnDelete.restrict, index=True)
    # Wider than a valid UPN: a pupil whose UPN fails its check is still imported (and
    # flagged) with a warning, so the column must hold what the MIS exported.
    upn = Varchar(length=PUPIL_FIELD_LIMITS["upn"])
    legal_forename = Varchar(length=PUPIL_FIELD_LIMITS["forename"])
    legal_surname = Varchar(length=PUPIL_FIELD_LIMITS["surname"])
    date_of_birth = Date(null=True, default=None)
    gender = Varchar(length=PUPIL_FIELD_LIMITS["gender"])
    year_group = Varchar(length=PUPIL_FIELD_LIMITS["year_group"])
    reg_group = Varchar(length=PUPIL_FIELD_LIMITS["reg_group"])


class PupilYear(Table, tablename="pupil_year"):
    """A pupil's marks for one academic year: one symbol per session (see cme.timeline)."""

    id: Serial
    pupil = ForeignKey(Pupil, null=False, on_delete=OnDelete.cascade)
    school = ForeignKey(School, null=False, on_delete=OnDelete.restrict, index=True)
    academic_year = Integer()
    marks = Text()


class SchoolYear(Table, tablename="school_year"):
    """The school's calendar for an academic year, derived from its pupils' marks."""

    id: Serial
    school = ForeignKey(School, null=False, on_delete=OnDelete.restrict)
    academic_year = Integer()
    calendar = Text()


class SessionNote(Table, tablename="session_note"):
    id: Serial
    pupil = ForeignKey(Pupil, null=False, on_delete=OnDelete.cascade)
    day = Date()
    session = Varchar(length=2)
    minutes_late = Integer(null=True, default=None)
    comment = Text()


class RegisterUpload(Table, tablename="register_upload"):
    """Every uploaded register file, who sent it, and how its import went."""

    id: Serial
    school = ForeignKey(School, null=False, on_delete=OnDelete.restrict, index=True)
    uploaded_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    uploaded_at = Timestamptz()
    filename = Varchar(length=255)
    size = Integer()
    status = Varchar(length=20, default=UploadStatus.QUEUED.value)
    progress = Integer(default=0)
    stage = Varchar(length=200)
    summary = Text()
    error = Text()
    finished_at = Timestamptz(null=True, default=None)
    # When the current try started, and when it last showed signs of life: an import that
    # stops beating (a killed worker) is shown as interrupted, not as still importing.
    started_at = Timestamptz(null=True, default=None)
    heartbeat_at = Timestamptz(null=True, default=None)


class RegisterFile(Table, tablename="register_file"):
    """An upload's bytes, apart from its status row: SQLite rewrites a whole row on UPDATE,
    and progress updates must not copy a 40 MB file each time."""

    id: Serial
    upload = ForeignKey(RegisterUpload, null=False, on_delete=OnDelete.cascade, unique=True)
    content = Bytea()


ALL_TABLES: tuple[type[Table], ...] = (
    LocalAuthority,
    School,
    Account,
    WebSession,
    SignInFailure,
    PasswordReset,
    AuditEvent,
    JobLedger,
    Pupil,
    PupilYear,
    SchoolYear,
    SessionNote,
    RegisterUpload,
    RegisterFile,
)

UNIQUE_INDEXES = {
    "job_ledger_name_run_on": ("job_ledger", ("name", "run_on")),
    "pupil_school_upn": ("pupil", ("school", "upn")),
    "pupil_year_pupil_year": ("pupil_year", ("pupil", "academic_year")),
    "school_year_school_year": ("school_year", ("school", "academic_year")),
    "session_note_pupil_day_session": ("session_note", ("pupil", "day", "session")),
}
