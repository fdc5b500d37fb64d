"""Validation rules for what users type. Each returns a clean value or raises InvalidInput."""

from __future__ import annotations

import math
import re

from peertui.core.text import normalise_name

NAME_MAX = 80
CHECKIN_MINUTES_RANGE = (1, 60)
CADENCE_DAYS_RANGE = (1, 365)
VOTES_RANGE = (1, 20)
ROUND_BUDGET_RANGE = (1, 600)
WARN_SECONDS_RANGE = (0, 600)
CHECKIN_ORDERS = ("roster", "shuffled", "quietest")
_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}\$?$", re.IGNORECASE)


class InvalidInput(ValueError):
    """User input that breaks a rule; the message is shown to the user as is."""


def group_name(raw: str) -> str:
    return _name(raw, "Group name")


def member_name(raw: str) -> str:
    return _name(raw, "Member name")


def _name(raw: str, what: str) -> str:
    name = normalise_name(raw)
    if not name:
        raise InvalidInput(f"{what} cannot be empty.")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"{what} is too long ({len(name)} characters; at most {NAME_MAX}).")
    return name


def login(raw: str | None) -> str | None:
    """A Unix login name, or None when left empty."""
    value = (raw or "").strip()
    if not value:
        return None
    if not _LOGIN.match(value):
        raise InvalidInput(
            f"{value!r} is not a Unix login name (letters, digits, '_', '.', '-'; at most 32)."
        )
    return value


def checkin_minutes(raw: str | int | float) -> float:
    return _number(raw, "Check-in minutes", CHECKIN_MINUTES_RANGE, allow_fraction=True)


def cadence_days(raw: str | int) -> int:
    return int(_number(raw, "Days between meetings", CADENCE_DAYS_RANGE, allow_fraction=False))


def votes_per_member(raw: str | int) -> int:
    return int(_number(raw, "Votes per member", VOTES_RANGE, allow_fraction=False))


def round_budget_minutes(raw: str | float | None) -> float | None:
    """A whole round's minutes split among those present; empty means minutes per member."""
    if raw is None or not str(raw).strip():
        return None
    return _number(raw, "Round budget minutes", ROUND_BUDGET_RANGE, allow_fraction=True)


def warn_seconds(raw: str | int) -> int:
    return int(_number(raw, "Warning seconds", WARN_SECONDS_RANGE, allow_fraction=False))


def checkin_order(raw: str) -> str:
    value = raw.strip().lower()
    for order in CHECKIN_ORDERS:
        if order.startswith(value) and value:
            return order
    raise InvalidInput(f"Check-in order is one of: {', '.join(CHECKIN_ORDERS)}.")


def _number(raw: str | int | float, what: str, bounds: tuple[int, int], *, allow_fraction: bool) -> float:
    low, high = bounds
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise InvalidInput(f"{what} must be a number from {low} to {high}.") from None
    if not math.isfinite(value):
        raise InvalidInput(f"{what} must be a number from {low} to {high}.")
    if not allow_fraction and value != int(value):
        raise InvalidInput(f"{what} must be a whole number from {low} to {high}.")
    if not low <= value <= high:
        raise InvalidInput(f"{what} must be from {low} to {high}.")
    return value
