"""A pupil's personal details, parents and carers, and the statuses the day-one screen needs.

Plain values only: the import builds them from a file, storage keeps their history, and the
pupil page, the screen and the deletion return read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from cme.errors import InvalidField

# The statuses in the order a person reads them; the keys are a contract (CASES.md).
STATUS_LABELS: dict[str, str] = {
    "looked_after": "Child looked after",
    "child_protection_plan": "Child protection plan",
    "child_in_need": "Child in need",
    "s47_enquiries": "Section 47 enquiries",
    "sen_support": "SEN support",
    "ehcp": "Education, health and care plan",
    "young_carer": "Young carer",
    "free_school_meals": "Free school meals",
}
STATUS_KEYS: tuple[str, ...] = tuple(STATUS_LABELS)

# The longest value kept for each detail; the import and the contact form refuse longer.
LIMITS = {
    "name": 200,
    "relationship": 60,
    "gender": 30,
    "address_line": 200,
    "postcode": 12,
    "phone": 40,
    "email": 254,
}
MAX_ADDRESS_LINES = 6
MAX_PHONES = 4


@dataclass(frozen=True)
class Contact:
    name: str
    relationship: str = ""
    lives_with_pupil: bool = False
    phones: tuple[str, ...] = ()
    email: str = ""
    # Only when it differs from the pupil's own address.
    address_lines: tuple[str, ...] = ()
    postcode: str = ""
    priority: int = 1


@dataclass(frozen=True)
class PupilDetails:
    legal_forename: str = ""
    legal_surname: str = ""
    preferred_forename: str = ""
    preferred_surname: str = ""
    former_surnames: str = ""
    date_of_birth: date | None = None
    gender: str = ""
    address_lines: tuple[str, ...] = ()
    postcode: str = ""
    contacts: tuple[Contact, ...] = field(default_factory=tuple)


# The personal fields, as stored in one version of a pupil's details (contacts apart).
PERSONAL_FIELDS: tuple[str, ...] = (
    "legal_forename",
    "legal_surname",
    "preferred_forename",
    "preferred_surname",
    "former_surnames",
    "date_of_birth",
    "gender",
    "address_lines",
    "postcode",
)
FIELD_LABELS = {
    "legal_forename": "Legal forename",
    "legal_surname": "Legal surname",
    "preferred_forename": "Preferred forename",
    "preferred_surname": "Preferred surname",
    "former_surnames": "Former surnames",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "address_lines": "Address",
    "postcode": "Postcode",
}

_EXTENSION = re.compile(r"(?i)\s*(?:ext\.?|extension|x)\s*\d+\s*$")


def tel_href(phone: str) -> str | None:
    """The `tel:` address for a number as people write it ("07700 900123", "+44 (0)7700
    900123 ext 12"), or None if it holds too few digits to dial."""
    number = _EXTENSION.sub("", phone.strip())
    number = number.replace("(0)", "") if number.lstrip().startswith("+") else number
    plus = number.lstrip().startswith("+")
    digits = re.sub(r"\D", "", number)
    if len(digits) < 6:
        return None
    return f"tel:{'+' if plus else ''}{digits}"


def normal_name(name: str) -> str:
    """A contact's name as compared between imports: case and spacing do not matter."""
    return " ".join(name.casefold().split())


def same_address(
    lines: tuple[str, ...], postcode: str, other: tuple[str, ...], other_pc: str
) -> bool:
    def fold(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(re.sub(r"[^a-z0-9]", "", v.casefold()) for v in values if v.strip())

    return fold(lines) == fold(other) and fold((postcode,)) == fold((other_pc,))


def postcode_text(value: str) -> str:
    """A UK postcode in capitals with one space before the inward part, when it looks like
    one; anything else as written (spacing folded)."""
    compact = re.sub(r"\s+", "", value).upper()
    if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}", compact):
        return f"{compact[:-3]} {compact[-3:]}"
    return " ".join(value.split())


@dataclass
class ContactForm:
    """A contact as school staff type it on the pupil page: text as sent by the form."""

    name: str = ""
    relationship: str = ""
    lives_with_pupil: str = ""
    phones: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    priority: str = ""

    @classmethod
    def of(cls, contact: Contact) -> ContactForm:
        return cls(
            name=contact.name,
            relationship=contact.relationship,
            lives_with_pupil="yes" if contact.lives_with_pupil else "",
            phones="\n".join(contact.phones),
            email=contact.email,
            address="\n".join(contact.address_lines),
            postcode=contact.postcode,
            priority=str(contact.priority),
        )

    def contact(self) -> Contact:
        """The contact, or InvalidField naming the first box to put right."""
        name = " ".join(self.name.split())
        if not name:
            raise InvalidField("Name", "Enter the contact's name.")
        _limit("Name", name, LIMITS["name"])
        relationship = " ".join(self.relationship.split())
        _limit("Relationship", relationship, LIMITS["relationship"])
        phones = tuple(
            p for p in (" ".join(x.split()) for x in re.split(r"[\n;,]", self.phones)) if p
        )
        if len(phones) > MAX_PHONES:
            raise InvalidField("Phone numbers", f"Give at most {MAX_PHONES} phone numbers.")
        for phone in phones:
            if tel_href(phone) is None or len(phone) > LIMITS["phone"]:
                raise InvalidField("Phone numbers", f'"{phone}" is not a phone number.')
        email = self.email.strip()
        if email and (not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) or len(email) > 254):
            raise InvalidField("Email address", f'"{email}" is not an email address.')
        lines = tuple(" ".join(x.split()) for x in self.address.splitlines() if x.strip())
        if len(lines) > MAX_ADDRESS_LINES:
            raise InvalidField("Address", f"Use at most {MAX_ADDRESS_LINES} lines.")
        for line in lines:
            _limit("Address", line, LIMITS["address_line"])
        postcode = postcode_text(self.postcode)
        _limit("Postcode", postcode, LIMITS["postcode"])
        text = self.priority.strip() or "1"
        if not text.isdigit() or not 0 < int(text) < 100:
            raise InvalidField("Priority", "Priority is a whole number: 1 for the first contact.")
        return Contact(
            name=name,
            relationship=relationship,
            lives_with_pupil=self.lives_with_pupil.strip().lower() in ("yes", "on", "true", "1"),
            phones=phones,
            email=email,
            address_lines=lines,
            postcode=postcode,
            priority=int(text),
        )


def _limit(label: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise InvalidField(label, f"{label} must be at most {limit} characters.")
