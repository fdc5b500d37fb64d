"""Group health over time: pure figures per meeting, computed from what the store aggregates.

Per meeting:
- rating: the average of the members' 1-10 ratings (None when nobody rated);
- attendance: the share of the meeting's roster that was there (present or late);
- top share: the share of the check-in airtime taken by the member who spoke longest;
- gini: the Gini index of the check-in airtime over the members who had a turn
  (0: everyone spoke as long; towards 1: one voice took it all);
- kept: of the commitments reviewed at that meeting, the share marked done
  (the rest were not done or dropped; None when none was reviewed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from msgspec import Struct

# How many recent meetings the "recent" average of a figure covers.
RECENT_MEETINGS = 12


class MeetingFigures(Struct, frozen=True):
    """One meeting's raw counts, as the store reads them in a single query."""

    meeting_id: int
    number: int
    started_at: float
    present: int  # present or late
    expected: int  # everyone on the meeting's attendance list
    average_rating: float | None
    airtime: tuple[float, ...]  # check-in seconds spoken, one value per member who had a turn
    kept: int  # commitment reviews marked done
    not_kept: int  # reviews marked not done or dropped


class HealthPoint(Struct, frozen=True):
    meeting_id: int
    number: int
    started_at: float
    rating: float | None
    attendance: float | None
    top_share: float | None
    gini: float | None
    kept: float | None


class Figure(Struct, frozen=True):
    """One health figure for the summary: its series (oldest first), latest and recent mean."""

    key: str
    label: str
    series: tuple[float, ...]
    latest: float | None
    recent: float | None
    overall: float | None


# (key, label): the figures in the order they are shown.
FIGURES = (
    ("rating", "Average rating"),
    ("attendance", "Attendance"),
    ("top_share", "Top speaker's share"),
    ("gini", "Airtime Gini"),
    ("kept", "Commitments kept"),
)


def share(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to share."""
    if whole <= 0:
        return None
    return part / whole


def top_share(values: Sequence[float]) -> float | None:
    """The largest value's share of the total; None when nobody spoke."""
    total = sum(v for v in values if v > 0)
    if total <= 0:
        return None
    return max(values) / total


def gini(values: Sequence[float]) -> float | None:
    """The Gini index of non-negative values: 0 perfectly even, (n-1)/n one takes all.

    None for no values or a zero total (nothing to compare).
    """
    xs = sorted(max(0.0, float(v)) for v in values)
    n = len(xs)
    total = sum(xs)
    if n == 0 or total <= 0:
        return None
    # Sorted form of sum_i sum_j |x_i - x_j| / (2 n^2 mean): O(n log n).
    weighted = sum((2 * i - n + 1) * x for i, x in enumerate(xs))
    return weighted / (n * total)


def health_point(figures: MeetingFigures) -> HealthPoint:
    return HealthPoint(
        meeting_id=figures.meeting_id,
        number=figures.number,
        started_at=figures.started_at,
        rating=figures.average_rating,
        attendance=share(figures.present, figures.expected),
        top_share=top_share(figures.airtime),
        gini=gini(figures.airtime),
        kept=share(figures.kept, figures.kept + figures.not_kept),
    )


def health_series(figures: Sequence[MeetingFigures]) -> list[HealthPoint]:
    """One point per meeting, oldest first (whatever order the figures came in)."""
    return [health_point(f) for f in sorted(figures, key=lambda f: (f.started_at, f.number))]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(points: Sequence[HealthPoint], recent: int = RECENT_MEETINGS) -> list[Figure]:
    """Each figure's series (meetings without a value left out), latest, recent and overall mean."""
    out = []
    for key, label in FIGURES:
        get: Callable[[HealthPoint], float | None] = lambda p, key=key: getattr(p, key)  # noqa: E731
        series = tuple(v for v in map(get, points) if v is not None)
        out.append(
            Figure(
                key=key,
                label=label,
                series=series,
                latest=series[-1] if series else None,
                recent=_mean(series[-recent:]),
                overall=_mean(series),
            )
        )
    return out


def format_figure(key: str, value: float | None) -> str:
    """A figure as people read it: a rating to one decimal, shares as percentages."""
    if value is None:
        return "—"
    if key == "rating":
        return f"{value:.1f}"
    if key == "gini":
        return f"{value:.2f}"
    return f"{round(value * 100)}%"
