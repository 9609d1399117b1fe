"""Registers for the case rules' tests, written as a day-by-day story."""

from __future__ import annotations

from datetime import date, timedelta

from cme.attendance import PupilMarks
from cme.marks import symbol_for
from cme.timeline import Session, academic_year, apply, blank_year, position


def weekdays(first: date, last: date, skip: set[date] | None = None) -> list[date]:
    days, d = [], first
    while d <= last:
        if d.weekday() < 5 and d not in (skip or set()):
            days.append(d)
        d += timedelta(days=1)
    return days


def register(story: dict[date, str], default: str | None = "/", days: list[date] | None = None):
    """Marks for a pupil: `story` maps a day to one code for both sessions or "AM PM";
    every other day in `days` gets `default`."""
    by_year: dict[int, dict[int, str]] = {}
    for d in days or []:
        if default:
            story.setdefault(d, default)
    for d, codes in story.items():
        am, pm = (codes.split() + codes.split())[:2] if " " in codes else (codes, codes)
        updates = by_year.setdefault(academic_year(d), {})
        updates[position(d, Session.AM)] = symbol_for(None if am == "-" else am)
        updates[position(d, Session.PM)] = symbol_for(None if pm == "-" else pm)
    return PupilMarks({y: apply(blank_year(y), u) for y, u in by_year.items()})
