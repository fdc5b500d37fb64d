"""The issue queue: ordering, dot-vote rules, merging."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from msgspec import Struct

from peertui.core.rules import InvalidInput

SORT_MODES = ("votes", "urgency", "age", "manual")
URGENCY_RANK = {"A": 0, "B": 1, "C": 2}


class QueuedIssue(Struct, frozen=True):
    id: int
    title: str
    details: str
    raised_by: int | None
    raised_by_name: str
    raised_at: float
    urgency: str
    estimate_minutes: float
    status: str
    outcome: str
    meetings_waited: int
    votes: int  # dots in the current meeting
    rank: float | None  # the facilitator's manual order


def sort_queue(issues: Iterable[QueuedIssue], mode: str) -> list[QueuedIssue]:
    """Votes first (then urgency, then age); urgency first; oldest first; or the manual order."""
    items = list(issues)
    if mode == "urgency":
        key = lambda i: (URGENCY_RANK.get(i.urgency, 1), -i.votes, i.raised_at)  # noqa: E731
    elif mode == "age":
        key = lambda i: (i.raised_at, i.id)  # noqa: E731
    elif mode == "manual":
        key = lambda i: (i.rank is None, i.rank or 0.0, i.raised_at)  # noqa: E731
    else:
        key = lambda i: (-i.votes, URGENCY_RANK.get(i.urgency, 1), i.raised_at)  # noqa: E731
    return sorted(items, key=key)


def check_vote(used: int, per_member: int, delta: int, on_issue: int) -> None:
    """Dot voting: at most `per_member` dots per meeting, several on one issue allowed."""
    if delta > 0 and used + delta > per_member:
        raise InvalidInput(f"No votes left: each member has {per_member} per meeting.")
    if delta < 0 and on_issue + delta < 0:
        raise InvalidInput("There is no vote of this member on that issue to take back.")


def combine_votes(*vote_sets: Mapping[int, int]) -> dict[int, int]:
    """Merged issues keep every member's dots: counts add up per member."""
    combined: dict[int, int] = {}
    for votes in vote_sets:
        for member, count in votes.items():
            combined[member] = combined.get(member, 0) + count
    return combined


def manual_ranks(ordered_ids: Iterable[int]) -> dict[int, float]:
    return {issue_id: float(index) for index, issue_id in enumerate(ordered_ids, start=1)}
