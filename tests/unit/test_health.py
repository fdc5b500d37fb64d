"""Group health figures: pure computations on per-meeting counts."""

from __future__ import annotations

import itertools

import pytest

from peertui.core.health import (
    FIGURES,
    MeetingFigures,
    format_figure,
    gini,
    health_point,
    health_series,
    share,
    summarise,
    top_share,
)


def figures(number: int, **values: object) -> MeetingFigures:
    defaults: dict[str, object] = dict(
        meeting_id=number * 10,
        number=number,
        started_at=1000.0 * number,
        present=4,
        expected=5,
        average_rating=7.5,
        airtime=(60.0, 60.0, 60.0, 60.0),
        kept=3,
        not_kept=1,
    )
    defaults.update(values)
    return MeetingFigures(**defaults)  # type: ignore[arg-type]


def naive_gini(values: list[float]) -> float:
    n, mean = len(values), sum(values) / len(values)
    return sum(abs(a - b) for a, b in itertools.product(values, values)) / (2 * n * n * mean)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([5, 5, 5, 5], 0.0),
        ([0, 0, 0, 10], 0.75),  # one takes all: (n - 1) / n
        ([1, 2, 3, 4], 0.25),
        ([100], 0.0),
        ([300, 60, 0], None),  # checked against the definition below
    ],
)
def test_gini(values: list[float], expected: float | None) -> None:
    assert gini(values) == pytest.approx(naive_gini(values) if expected is None else expected)


def test_gini_matches_the_pairwise_definition_in_any_order() -> None:
    values = [371.5, 218.4, 318.6, 357.7, 7.0, 12.7, 413.7, 347.6]
    assert gini(values) == pytest.approx(naive_gini(values))
    assert gini(list(reversed(values))) == pytest.approx(gini(values))
    assert gini([v * 3 for v in values]) == pytest.approx(gini(values))  # scale-free


def test_gini_and_top_share_of_nothing_are_unknown() -> None:
    assert gini([]) is None and gini([0, 0]) is None
    assert top_share([]) is None and top_share([0.0, 0.0]) is None
    assert gini([-5, 5]) == pytest.approx(0.5)  # a negative duration counts as none


def test_top_share() -> None:
    assert top_share([60, 60, 60, 60]) == pytest.approx(0.25)
    assert top_share([300, 100, 100]) == pytest.approx(0.6)
    assert top_share([42]) == 1.0


def test_share() -> None:
    assert share(3, 4) == 0.75
    assert share(0, 4) == 0.0
    assert share(0, 0) is None


def test_a_meetings_point() -> None:
    point = health_point(figures(3, present=3, expected=4, airtime=(300.0, 100.0, 100.0),
                                 kept=1, not_kept=3, average_rating=6.5))
    assert (point.meeting_id, point.number, point.started_at) == (30, 3, 3000.0)
    assert point.rating == 6.5
    assert point.attendance == 0.75
    assert point.top_share == pytest.approx(0.6)
    assert point.gini == pytest.approx(naive_gini([300, 100, 100]))
    assert point.kept == 0.25


def test_a_meeting_without_ratings_reviews_or_check_in_has_gaps_not_zeros() -> None:
    point = health_point(figures(1, average_rating=None, airtime=(), kept=0, not_kept=0,
                                 present=0, expected=0))
    assert (point.rating, point.attendance, point.top_share, point.gini, point.kept) == (
        None, None, None, None, None)


def test_series_are_oldest_first_whatever_the_input_order() -> None:
    points = health_series([figures(3), figures(1), figures(2)])
    assert [p.number for p in points] == [1, 2, 3]


def test_summary_latest_recent_and_overall_skip_missing_values() -> None:
    meetings = [figures(n, average_rating=float(n)) for n in range(1, 21)]
    meetings[-1] = figures(20, average_rating=None, kept=0, not_kept=0)  # the latest: no ratings
    summary = {f.key: f for f in summarise(health_series(meetings), recent=4)}
    assert [f.key for f in summarise([])] == [key for key, _ in FIGURES]
    rating = summary["rating"]
    assert rating.series == tuple(float(n) for n in range(1, 20))
    assert rating.latest == 19.0  # the latest meeting that had ratings
    assert rating.recent == pytest.approx((16 + 17 + 18 + 19) / 4)
    assert rating.overall == pytest.approx(10.0)
    assert summary["kept"].series == (0.75,) * 19
    assert summary["attendance"].latest == 0.8
    empty = {f.key: f for f in summarise([])}
    assert empty["gini"].series == () and empty["gini"].latest is None and empty["gini"].recent is None


def test_figures_read_as_people_read_them() -> None:
    assert format_figure("rating", 7.25) == "7.2"
    assert format_figure("attendance", 0.875) == "88%"
    assert format_figure("kept", 1.0) == "100%"
    assert format_figure("top_share", 0.25) == "25%"
    assert format_figure("gini", 0.3141) == "0.31"
    assert format_figure("gini", None) == "—"
