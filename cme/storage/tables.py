"""The database schema. Timestamps are stored in UTC (timestamptz) and shown in Europe/London.

Composite unique constraints, which Piccolo cannot declare, are created by raw statements in
the migrations; `UNIQUE_INDEXES` lists them so tests can check they exist. Each table
declares `id: Serial` only so that type checkers see the primary key Piccolo adds.
"""

from piccolo.columns import (
    Boolean,
    Bytea,
    Date,
    DoublePrecision,
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
    # When the daily sweep runs for this LA's schools, "HH:MM" Europe/London.
    sweep_time = Varchar(length=5, default="06:30")
    # Goes up with every change to the LA's cases (cme/storage/caseload.py): the caseload's
    # counts, worked out once, stay right for as long as it stands.
    cases_version = Integer(default=0)
    # Cross-matching (cme/storage/matching.py): every import that changes episodes or pupils
    # adds one to `matches_wanted`; a run records the value it started from in `matches_done`,
    # so a run still owed is never lost, even when the job queue was down.
    matches_wanted = Integer(default=0)
    matches_done = Integer(default=0)
    matches_run_at = Timestamptz(null=True, default=None)


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


# --- cases (lead) ---


class Case(Table, tablename="cme_case"):
    """A child's case from day one until found, explained or lawfully removed from roll.

    `status` is the school's side ('open', 'closed', 'removed'); after a removal the LA goes on
    looking until `la_closed_on`. The table is not called "case": that is an SQL keyword.
    """

    id: Serial
    pupil = ForeignKey(Pupil, null=False, on_delete=OnDelete.restrict, index=True)
    school = ForeignKey(School, null=False, on_delete=OnDelete.restrict, index=True)
    la = ForeignKey(LocalAuthority, null=False, on_delete=OnDelete.restrict, index=True)
    status = Varchar(length=20, default="open")
    reason = Varchar(length=40)
    day_one = Date()
    clock_start = Date()
    opened_at = Timestamptz()
    closed_on = Date(null=True, default=None)
    outcome = Varchar(length=40, null=True, default=None)
    # The earlier case of the same child (a later absence opens a new, linked case).
    previous = Integer(null=True, default=None)
    handed_to_la_at = Timestamptz(null=True, default=None)
    removed_on = Date(null=True, default=None)
    la_closed_on = Date(null=True, default=None)
    la_outcome = Varchar(length=40, null=True, default=None)
    # The LA's CME officer working the case.
    assigned_to = ForeignKey(Account, null=True, on_delete=OnDelete.set_null, index=True)
    assigned_at = Timestamptz(null=True, default=None)
    # The case as lists show it, worked out on `summary_on` by the sweep, every import's sync
    # and every action on the case (`cme/storage/case_summary.py`): the caseload filters,
    # sorts, counts and pages these in the database instead of evaluating every case per
    # request. `due_steps` is JSON: [[step, due_on], ...] of the steps not done, by due date.
    stage = Varchar(length=40, default="")
    days_missing = Integer(default=0)
    next_due_on = Date(null=True, default=None)
    next_step = Varchar(length=40, default="")
    due_steps = Text(default="[]")
    must_refer = Boolean(default=False)
    school_enquiries = Integer(default=0)
    la_enquiries = Integer(default=0)
    last_activity_at = Timestamptz(null=True, default=None)
    summary_on = Date(null=True, default=None)
    # School days from day one to the hand-over to the LA (day one itself is 0), kept when
    # the case is handed over: the partnership's "time to referral" (issue 12).
    referral_days = Integer(null=True, default=None)


class CaseEvent(Table, tablename="case_event"):
    """Everything that happened on a case, in order: the timeline. `detail` is JSON."""

    id: Serial
    case = ForeignKey(Case, null=False, on_delete=OnDelete.cascade, index=True)
    at = Timestamptz()
    actor = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    kind = Varchar(length=40)
    detail = Text(default="{}")


class CaseDocument(Table, tablename="case_document"):
    """A document produced on a case (the deletion return), kept as it was sent."""

    id: Serial
    case = ForeignKey(Case, null=False, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=40)
    filename = Varchar(length=255)
    created_at = Timestamptz()
    created_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    content = Bytea()


class CaseSync(Table, tablename="case_sync"):
    """The day each school's cases were last brought up to: absences that began after it and
    are already over get their case on the next look, so a missed day never loses a child."""

    id: Serial
    school = ForeignKey(School, null=False, on_delete=OnDelete.cascade, unique=True)
    synced_through = Date()


# --- end cases ---


# --- term dates and leave (H3) ---


class LaTerm(Table, tablename="la_term"):
    """One of the LA's terms (a half term is a term of its own): the gaps are holidays, so
    the clock projects school days into the future over these."""

    id: Serial
    la = ForeignKey(LocalAuthority, null=False, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=60)
    first_day = Date()
    last_day = Date()


class LeaveOfAbsence(Table, tablename="leave_of_absence"):
    """Leave the school authorised, with the day the child is expected back. Withdrawn leave
    is kept (with `withdrawn_at`), never deleted: a case may have started from it."""

    id: Serial
    pupil = ForeignKey(Pupil, null=False, on_delete=OnDelete.cascade, index=True)
    school = ForeignKey(School, null=False, on_delete=OnDelete.restrict, index=True)
    starts_on = Date()
    return_on = Date()
    reason = Text()
    recorded_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    recorded_at = Timestamptz()
    withdrawn_at = Timestamptz(null=True, default=None)


# --- end term dates and leave (H3) ---


# --- notifications (H2) ---


class Notification(Table, tablename="notification"):
    """A notice to one person that something needs them (cme.notices): its kind and the page
    to open, never a child's details. `case_id` is the case it is about, a plain number:
    a notice only points at the case, and must not stand in the way of anything done to it."""

    id: Serial
    account = ForeignKey(Account, null=False, on_delete=OnDelete.cascade)
    created_at = Timestamptz()
    kind = Varchar(length=40)
    link = Varchar(length=500)
    case_id = Integer(null=True, default=None)
    read_at = Timestamptz(null=True, default=None)


class EmailOutbox(Table, tablename="email_outbox"):
    """An email to send, written with the notice in the same transaction and sent later by
    the `send_emails` job, so a mail server that is down delays emails and loses none."""

    id: Serial
    notification = ForeignKey(Notification, null=False, on_delete=OnDelete.cascade, index=True)
    to_address = Varchar(length=254)
    subject = Varchar(length=200)
    body = Text()
    created_at = Timestamptz()
    attempts = Integer(default=0)
    # Not tried again before this: the back-off after a failure, and while one sender has
    # it in hand, so two senders never send the same email.
    next_attempt_at = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    last_error = Text()


# --- end notifications (H2) ---


# --- pupil details (H1) ---
# Each row is one version: the current one has `valid_to` null, and a change closes it and
# adds another, so an old address, contact or status is never lost. `source` is "import" or
# "hand" (school staff, `changed_by`).


class PupilDetailVersion(Table, tablename="pupil_detail"):
    """A pupil's names, birth date, gender and address as an import or a person gave them."""

    id: Serial
    pupil = ForeignKey(Pupil, null=False, on_delete=OnDelete.cascade, index=True)
    legal_forename = Varchar(length=200)
    legal_surname = Varchar(length=200)
    preferred_forename = Varchar(length=200)
    preferred_surname = Varchar(length=200)
    former_surnames = Varchar(length=200)
    date_of_birth = Date(null=True, default=None)
    gender = Varchar(length=30)
    address = Text()  # lines joined by newlines
    postcode = Varchar(length=12)
    valid_from = Timestamptz()
    valid_to = Timestamptz(null=True, default=None)
    source = Varchar(length=20)
    changed_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)


class PupilStatusVersion(Table, tablename="pupil_status"):
    """One status (`cme.pupil_details.STATUS_KEYS`) of a pupil, yes or no, over a time."""

    id: Serial
    pupil = ForeignKey(Pupil, null=False, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=40)
    value = Boolean(default=False)
    valid_from = Timestamptz()
    valid_to = Timestamptz(null=True, default=None)
    source = Varchar(length=20)
    changed_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)


class PupilContactVersion(Table, tablename="pupil_contact"):
    """A parent or carer of a pupil. `contact` numbers the person within the pupil, so all
    versions of one person's details share it."""

    id: Serial
    pupil = ForeignKey(Pupil, null=False, on_delete=OnDelete.cascade, index=True)
    contact = Integer()
    name = Varchar(length=200)
    relationship = Varchar(length=60)
    lives_with_pupil = Boolean(default=False)
    phones = Text()  # one number a line
    email = Varchar(length=254)
    address = Text()  # lines joined by newlines; empty when it is the pupil's address
    postcode = Varchar(length=12)
    priority = Integer(default=1)
    valid_from = Timestamptz()
    valid_to = Timestamptz(null=True, default=None)
    source = Varchar(length=20)
    changed_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)


# --- end pupil details (H1) ---


# --- stored flags (issue 9, C) ---


class FlagSnapshot(Table, tablename="flag_snapshot"):
    """A school's flags on its latest register day, as `school_flags` works them out, so that
    pages read them instead of scanning the whole register on every request. Written by the
    import in the transaction that changes the marks or pupils, and by the first page that
    finds none; deleted with the LA's thresholds' change. `policy` is the LA's thresholds as
    stored when they were worked out: under other thresholds they are not used."""

    id: Serial
    school = ForeignKey(School, null=False, on_delete=OnDelete.cascade, unique=True)
    day = Date()
    school_days = Text()  # JSON: every school day of the register, ISO, in order
    flags = Text()  # JSON: one array per flag, most urgent first (cme/storage/flags.py)
    policy = Text()
    stored_at = Timestamptz()


# --- end stored flags (issue 9, C) ---

# --- missing from home or care (issue 10) ---


class MissingChild(Table, tablename="missing_child"):
    """A child the police have reported missing, as the LA knows them before cross-matching:
    the episodes with the same `key` (`cme.episodes.episode.Child.key`) within the LA. The
    names shown are those of the child's latest episode."""

    id: Serial
    la = ForeignKey(LocalAuthority, null=False, on_delete=OnDelete.restrict, index=True)
    key = Varchar(length=500)
    forename = Varchar(length=200)
    surname = Varchar(length=200)
    date_of_birth = Date(null=True, default=None)
    created_at = Timestamptz()


class MissingEpisode(Table, tablename="missing_episode"):
    """One police notification of a child missing from home or care (`cme.episodes`). Unique
    within the LA by force and reference, so that re-importing updates it."""

    id: Serial
    la = ForeignKey(LocalAuthority, null=False, on_delete=OnDelete.restrict, index=True)
    child = ForeignKey(MissingChild, null=False, on_delete=OnDelete.restrict, index=True)
    force = Varchar(length=100)
    # The force as compared (`cme.episodes.episode.force_key`): "FERNSHIRE POLICE" and
    # "Fernshire Police" are one force, so one episode per reference, enforced by an index.
    force_key = Varchar(length=100)
    reference = Varchar(length=100)
    reported_at = Timestamptz()
    last_seen_at = Timestamptz(null=True, default=None)
    missing_from = Varchar(length=20)
    forename = Varchar(length=200)
    surname = Varchar(length=200)
    other_names = Varchar(length=200)
    date_of_birth = Date(null=True, default=None)
    gender = Varchar(length=30)
    address = Text()
    postcode = Varchar(length=12)
    responsible_la = Varchar(length=100)
    looked_after = Boolean(default=False)
    risk_raw = Varchar(length=100)
    risk_level = Varchar(length=20)  # cme.episodes.episode.RiskLevel, "" when not given
    risk_scheme = Varchar(length=100)
    returned_at = Timestamptz(null=True, default=None)
    where_found = Text()
    who_with = Text()
    safe_and_well_on = Date(null=True, default=None)
    circumstances = Text()
    harmed = Boolean(default=False)
    exploitation_risk = Boolean(default=False)
    risky_contacts = Boolean(default=False)
    crime_while_away = Boolean(default=False)
    mental_health = Boolean(default=False)
    # An import's change to the child's identity fields, waiting for a person (JSON), or "".
    pending_identity = Text(default="")
    source = Varchar(length=20)  # "import" or "hand"
    created_at = Timestamptz()
    updated_at = Timestamptz()
    updated_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)


class ReturnInterview(Table, tablename="return_interview"):
    """The return interview offered after an episode, and held or declined. Who offered and
    held it are written as names: it is often another agency's worker, not a user here."""

    id: Serial
    episode = ForeignKey(MissingEpisode, null=False, on_delete=OnDelete.cascade, unique=True)
    offered_at = Timestamptz(null=True, default=None)
    offered_by = Varchar(length=200)
    done_at = Timestamptz(null=True, default=None)
    done_by = Varchar(length=200)
    done_where = Varchar(length=200)
    declined_at = Timestamptz(null=True, default=None)
    themes = Text(default="[]")  # JSON list of theme names
    notes = Text()
    recorded_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    recorded_at = Timestamptz()


class InterventionMeeting(Table, tablename="intervention_meeting"):
    """A multi-agency intervention meeting a child's episodes call for: raised by the repeat
    trigger (`trigger` "repeat", for the episode that reached the count) or by hand ("hand"),
    then recorded when held."""

    id: Serial
    la = ForeignKey(LocalAuthority, null=False, on_delete=OnDelete.restrict, index=True)
    child = ForeignKey(MissingChild, null=False, on_delete=OnDelete.cascade, index=True)
    episode = ForeignKey(MissingEpisode, null=True, on_delete=OnDelete.set_null)
    trigger = Varchar(length=20)
    reason = Text()
    triggered_on = Date()
    due_on = Date()
    held_on = Date(null=True, default=None)
    agencies = Text()
    actions = Text()
    review_on = Date(null=True, default=None)
    raised_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    recorded_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()


# --- end missing from home or care (issue 10) ---


# --- cross-matching episodes with pupils (issue 11) ---


class EpisodeMatch(Table, tablename="episode_match"):
    """A pupil the matcher proposes as the child of a police episode (`cme.matching`), and
    what a person decided. A decided pair is never changed by matching again: a confirmed
    one stays linked, a rejected one is never proposed again."""

    id: Serial
    la = ForeignKey(LocalAuthority, null=False, on_delete=OnDelete.restrict, index=True)
    episode = ForeignKey(MissingEpisode, null=False, on_delete=OnDelete.cascade, index=True)
    pupil = ForeignKey(Pupil, null=False, on_delete=OnDelete.cascade, index=True)
    score = DoublePrecision(default=0.0)
    weight = DoublePrecision(default=0.0)
    band = Varchar(length=10)  # "auto" or "review", as last proposed
    reasons = Text(default="[]")  # JSON: the per-field explanation
    why = Text(default="")  # in words, why the pair is or is not linked without a person
    # "" while proposed; "confirmed" or "rejected" (for an `auto` pair: the link was undone).
    decision = Varchar(length=20, default="")
    decided_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(null=True, default=None)
    proposed_at = Timestamptz()


# --- end cross-matching (issue 11) ---

# --- data for the partnership (issue 12) ---


class AbsenceDay(Table, tablename="absence_day"):
    """A day on which a pupil had an unexplained (N or O) session, as the register stands
    now (`cme.measures.absence_days`): written with the marks, in the same transaction, so
    the partnership's figures add these rows up instead of unpacking every pupil's year."""

    id: Serial
    pupil = ForeignKey(Pupil, null=False, on_delete=OnDelete.cascade)
    school = ForeignKey(School, null=False, on_delete=OnDelete.restrict)
    academic_year = Integer()
    day = Date()
    week = Date()  # the Monday of the day's week: the weekly trend groups by it
    sessions = Integer()
    part_day = Boolean(default=False)
    run_start = Date(null=True, default=None)
    run_end = Date(null=True, default=None)
    run_length = Integer(default=0)  # the whole run's days, inside the period or not


class AbsenceWeek(Table, tablename="absence_week"):
    """A school's week of absence days added up: the weekly trend reads these instead of
    every day of every pupil. Written from `absence_day` in the same transaction."""

    id: Serial
    school = ForeignKey(School, null=False, on_delete=OnDelete.cascade)
    academic_year = Integer()
    week = Date()  # its Monday
    sessions = Integer()
    children = Integer()


# --- end data for the partnership (issue 12) ---

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
    Case,
    CaseEvent,
    CaseDocument,
    CaseSync,
    LaTerm,
    LeaveOfAbsence,
    Notification,
    EmailOutbox,
    PupilDetailVersion,
    PupilStatusVersion,
    PupilContactVersion,
    FlagSnapshot,
    MissingChild,
    MissingEpisode,
    ReturnInterview,
    InterventionMeeting,
    EpisodeMatch,
    AbsenceDay,
    AbsenceWeek,
)

UNIQUE_INDEXES = {
    # Partial: one *open* case per pupil.
    "cme_case_one_open": ("cme_case", ("pupil",)),
    "job_ledger_name_run_on": ("job_ledger", ("name", "run_on")),
    "pupil_school_upn": ("pupil", ("school", "upn")),
    "pupil_year_pupil_year": ("pupil_year", ("pupil", "academic_year")),
    "school_year_school_year": ("school_year", ("school", "academic_year")),
    "session_note_pupil_day_session": ("session_note", ("pupil", "day", "session")),
    "missing_episode_la_force_reference": ("missing_episode", ("la", "force_key", "reference")),
    "missing_child_la_key": ("missing_child", ("la", "key")),
    "episode_match_episode_pupil": ("episode_match", ("episode", "pupil")),
}
