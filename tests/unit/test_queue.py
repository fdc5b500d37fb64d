"""The issue queue as pure rules: ordering, the dot-vote cap, merged votes, manual ranks."""

from __future__ import annotations

import pytest

from peertui.core.queue import (
    SORT_MODES,
    QueuedIssue,
    check_vote,
    combine_votes,
    manual_ranks,
    sort_queue,
)
from peertui.core.rules import InvalidInput


def issue(
    id: int, *, votes: int = 0, urgency: str = "B", raised_at: float = 0.0, rank: float | None = None
) -> QueuedIssue:
    return QueuedIssue(
        id=id,
        title=f"Issue {id}",
        details="",
        raised_by=None,
        raised_by_name="",
        raised_at=raised_at,
        urgency=urgency,
        estimate_minutes=10,
        status="open",
        outcome="",
        meetings_waited=0,
        votes=votes,
        rank=rank,
    )


def ids(issues: list[QueuedIssue]) -> list[int]:
    return [i.id for i in issues]


QUEUE = [
    issue(1, votes=1, urgency="C", raised_at=10),
    issue(2, votes=3, urgency="C", raised_at=50),
    issue(3, votes=1, urgency="A", raised_at=40),
    issue(4, votes=1, urgency="A", raised_at=20),
    issue(5, votes=0, urgency="B", raised_at=5),
]


def test_sort_modes_are_the_four_documented() -> None:
    assert SORT_MODES == ("votes", "urgency", "age", "manual")


def test_votes_first_ties_by_urgency_then_age() -> None:
    # 2 has most dots; 1, 3, 4 tie on one dot: A before C, and the older A first.
    assert ids(sort_queue(QUEUE, "votes")) == [2, 4, 3, 1, 5]


def test_unknown_mode_falls_back_to_votes() -> None:
    assert ids(sort_queue(QUEUE, "nonsense")) == ids(sort_queue(QUEUE, "votes"))


def test_urgency_first_then_votes_then_age() -> None:
    assert ids(sort_queue(QUEUE, "urgency")) == [4, 3, 5, 2, 1]


def test_age_is_oldest_first_and_ties_by_id() -> None:
    same_time = [issue(9, raised_at=1), issue(7, raised_at=1), issue(8, raised_at=0)]
    assert ids(sort_queue(QUEUE, "age")) == [5, 1, 4, 3, 2]
    assert ids(sort_queue(same_time, "age")) == [8, 7, 9]


def test_manual_order_by_rank_with_unranked_last_oldest_first() -> None:
    queue = [
        issue(1, rank=None, raised_at=30),
        issue(2, rank=2.0),
        issue(3, rank=None, raised_at=10),
        issue(4, rank=1.0, votes=9),
        issue(5, rank=0.5),
    ]
    assert ids(sort_queue(queue, "manual")) == [5, 4, 2, 3, 1]


def test_sorting_takes_any_iterable_and_leaves_it_alone() -> None:
    original = list(QUEUE)
    assert ids(sort_queue(iter(QUEUE), "votes")) == [2, 4, 3, 1, 5]
    assert QUEUE == original


def test_votes_within_the_cap_and_several_on_one_issue() -> None:
    check_vote(used=0, per_member=3, delta=1, on_issue=0)
    check_vote(used=2, per_member=3, delta=1, on_issue=2)  # a third dot on the same issue


@pytest.mark.parametrize(("used", "per_member"), [(3, 3), (5, 5), (1, 1)])
def test_no_dot_beyond_the_cap(used: int, per_member: int) -> None:
    with pytest.raises(InvalidInput, match=f"each member has {per_member} per meeting"):
        check_vote(used=used, per_member=per_member, delta=1, on_issue=0)


def test_taking_back_needs_a_dot_on_that_issue() -> None:
    with pytest.raises(InvalidInput, match="no vote of this member"):
        check_vote(used=3, per_member=3, delta=-1, on_issue=0)
    # A member with all dots spent can still take one back.
    check_vote(used=3, per_member=3, delta=-1, on_issue=1)


def test_combined_votes_add_per_member() -> None:
    source = {1: 2, 2: 1}
    target = {1: 1, 3: 1}
    assert combine_votes(source, target) == {1: 3, 2: 1, 3: 1}
    assert source == {1: 2, 2: 1} and target == {1: 1, 3: 1}
    assert combine_votes() == {}
    assert combine_votes({4: 1}, {4: 1}, {4: 1}) == {4: 3}


def test_manual_ranks_follow_the_given_order() -> None:
    assert manual_ranks([5, 3, 9]) == {5: 1.0, 3: 2.0, 9: 3.0}
    assert manual_ranks([]) == {}
    ranked = [issue(i, rank=r) for i, r in manual_ranks([5, 3, 9]).items()]
    assert ids(sort_queue(ranked, "manual")) == [5, 3, 9]
