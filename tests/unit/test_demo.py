from __future__ import annotations

import sqlite3
import time
import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from peertui.core import archive as A
from peertui.core.demo import CADENCES, build_demo
from peertui.store.store import Store

END = date(2026, 11, 1)
END_TS = datetime.combine(END, datetime.min.time(), tzinfo=timezone.utc).timestamp()


@pytest.fixture(scope="module")
def demo() -> A.GroupArchive:
    return build_demo(end=END, years=1)


def test_same_arguments_give_the_same_archive() -> None:
    assert build_demo(end=END, years=2, cadence="weekly") == build_demo(
        end=END, years=2, cadence="weekly"
    )


def test_another_seed_gives_another_archive() -> None:
    assert build_demo(end=END, seed=1) != build_demo(end=END, seed=2)


def test_unknown_cadence_and_no_years_are_refused() -> None:
    with pytest.raises(ValueError, match="cadence"):
        build_demo(end=END, cadence="daily")
    with pytest.raises(ValueError, match="years"):
        build_demo(end=END, years=0)


def test_members(demo: A.GroupArchive) -> None:
    active = [m for m in demo.members if m.active]
    assert len(active) == 8
    assert sorted(m.position for m in active) == list(range(1, 9))
    assert len({m.name for m in demo.members}) == len(demo.members)
    assert any(not m.name.isascii() for m in demo.members)
    assert all(m.name == unicodedata.normalize("NFC", m.name) for m in demo.members)
    logins = [m.login for m in demo.members if m.login]
    assert len(logins) > len(demo.members) / 2 and len(set(logins)) == len(logins)
    assert all(login == login.lower() and login.isascii() for login in logins)
    # One left partway: they attended early meetings but not the last one.
    leaver = next(m for m in demo.members if not m.active)
    there = {a.meeting for a in demo.attendance if a.member == leaver.key}
    assert 1 in there and len(demo.meetings) not in there
    # One joined later: not at the first meeting, joined before their first one.
    joiner = max(demo.members, key=lambda m: m.joined_at)
    first = min(a.meeting for a in demo.attendance if a.member == joiner.key)
    assert first > 1 and joiner.joined_at < demo.meetings[first - 1].started_at


@pytest.mark.parametrize(("years", "cadence"), [(1, "monthly"), (2, "fortnightly"), (1, "weekly")])
def test_meetings_cover_the_years_and_all_ended_before_end(years: float, cadence: str) -> None:
    archive = build_demo(end=END, years=years, cadence=cadence)
    days = CADENCES[cadence]
    assert archive.cadence_days == days
    assert abs(len(archive.meetings) - years * 365 / days) <= 1
    assert [m.key for m in archive.meetings] == list(range(1, len(archive.meetings) + 1))
    for m in archive.meetings:
        assert m.ended_at is not None and 90 * 60 <= m.ended_at - m.started_at <= 160 * 60
    last = archive.meetings[-1]
    assert END_TS - 7 * 86400 < last.ended_at < END_TS
    starts = [m.started_at for m in archive.meetings]
    assert all(b - a == pytest.approx(days * 86400, abs=600) for a, b in zip(starts, starts[1:]))
    assert archive.created_at < starts[0]


def test_attendance_ratings_and_turns(demo: A.GroupArchive) -> None:
    statuses = Counter(a.status for a in demo.attendance)
    assert set(statuses) <= set(A.ATTENDANCE)
    assert 0.75 < statuses["present"] / sum(statuses.values()) < 0.95
    assert len({(a.meeting, a.member) for a in demo.attendance}) == len(demo.attendance)
    for a in demo.attendance:
        if a.status == "absent":
            assert a.rating is None and a.closing_word is None
        else:
            assert 1 <= a.rating <= 10 and a.closing_word and " " not in a.closing_word
    there = {(a.meeting, a.member) for a in demo.attendance if a.status != "absent"}
    assert all((t.meeting, t.member) in there for t in demo.turns)
    checkins = [t for t in demo.turns if t.round == "checkin"]
    assert {t.allotted_s for t in checkins} == {demo.checkin_minutes * 60}
    assert any(t.spoken_s > t.allotted_s for t in checkins)
    assert {t.status for t in demo.turns} <= set(A.TURN_STATUSES)
    assert all(t.summary for t in checkins if t.status == "done")
    for meeting in demo.meetings:
        for kind in A.TURN_ROUNDS:
            turns = [t for t in demo.turns if t.meeting == meeting.key and t.round == kind]
            positions = [t.position for t in turns]
            assert positions == list(range(1, len(positions) + 1)) and positions
        mine = [t for t in demo.turns if t.meeting == meeting.key]
        assert all(meeting.started_at <= t.started_at < t.ended_at <= meeting.ended_at
                   for t in mine)


def test_issues_votes_and_outcomes(demo: A.GroupArchive) -> None:
    statuses = Counter(i.status for i in demo.issues)
    assert statuses["resolved"] and statuses["parked"] and statuses["open"]
    assert statuses["open"] <= 8
    assert [i.key for i in demo.issues] == list(range(1, len(demo.issues) + 1))
    for i in demo.issues:
        assert i.urgency in A.URGENCIES and 5 <= i.estimate_minutes <= 20 and i.title
        if i.status == "open":
            assert i.closed_meeting is None and i.closed_at is None
        else:
            assert i.raised_meeting <= i.closed_meeting and i.raised_at <= i.closed_at
            assert i.outcome
        if i.status == "parked":
            assert i.outcome.startswith("parked: ")
    assert any(i.meetings_waited > 0 for i in demo.issues if i.status == "open")
    # Carried over: raised at an earlier meeting than the one that settled it.
    assert any(i.closed_meeting and i.closed_meeting > i.raised_meeting for i in demo.issues)
    assert len({(v.issue, v.member, v.meeting) for v in demo.votes}) == len(demo.votes)
    per_member = Counter()
    for v in demo.votes:
        assert v.count > 0
        per_member[v.meeting, v.member] += v.count
    assert max(per_member.values()) <= demo.votes_per_member


def test_commitments_and_reviews(demo: A.GroupArchive) -> None:
    statuses = Counter(c.status for c in demo.commitments)
    assert statuses["done"] > statuses["dropped"] > 0 and statuses["open"] > 0
    results = Counter(r.result for r in demo.reviews)
    assert results["done"] and results["not_done"]
    there = {(a.meeting, a.member) for a in demo.attendance if a.status != "absent"}
    days = {m.key: m.started_at for m in demo.meetings}
    for c in demo.commitments:
        assert (c.meeting, c.owner) in there and c.text
        due = date.fromisoformat(c.due_on)
        assert due == datetime.fromtimestamp(days[c.meeting], timezone.utc).date() + timedelta(
            days=demo.cadence_days
        )
        assert (c.closed_at is None) == (c.status == "open")
    last = demo.meetings[-1].key
    assert any(c.status == "open" and c.meeting == last for c in demo.commitments)
    assert len({(r.commitment, r.meeting) for r in demo.reviews}) == len(demo.reviews)
    made_at = {c.key: c.meeting for c in demo.commitments}
    assert all(r.meeting > made_at[r.commitment] for r in demo.reviews)


def test_notes(demo: A.GroupArchive) -> None:
    meeting_notes = [n for n in demo.notes if n.issue is None]
    assert len(meeting_notes) == len(demo.meetings)
    assert all(n.visibility == "group" and n.body.startswith("## ") for n in meeting_notes)
    assert any(n.issue is not None for n in demo.notes)
    assert {n.visibility for n in demo.notes} <= set(A.NOTE_VISIBILITIES)


def test_ten_years_of_weekly_meetings_build_fast() -> None:
    began = time.perf_counter()
    archive = build_demo(end=END, years=10, cadence="weekly")
    assert time.perf_counter() - began < 2
    assert abs(len(archive.meetings) - 3650 / 7) <= 1
    assert len({i.title for i in archive.issues}) > len(archive.issues) / 3


async def test_imports_into_a_real_store(tmp_path: Path, demo: A.GroupArchive) -> None:
    store = await Store.open(tmp_path / "demo.db")
    try:
        group = await store.import_archive(demo)
        [overview] = await store.list_groups()
        members = await store.list_members(group.id)
    finally:
        await store.close()
    assert group.name == "Deputy Managers Circle"
    assert overview.members_active == 8 and len(members) == 9
    assert overview.meetings_held == len(demo.meetings)
    assert not overview.meeting_in_progress
    assert overview.open_issues == sum(i.status == "open" for i in demo.issues) > 0
    assert overview.open_commitments == sum(c.status == "open" for c in demo.commitments) > 0
    assert overview.next_meeting_on is not None and overview.next_meeting_on > END


async def test_ten_years_weekly_import_without_constraint_errors(tmp_path: Path) -> None:
    archive = build_demo(end=END, years=10, cadence="weekly", name="Vistage Chair Group 12")
    path = tmp_path / "demo.db"
    async with await Store.open(path) as store:
        await store.import_archive(archive)
        await store.import_archive(build_demo(end=END, seed=3))  # a second group: ids offset
        overviews = {o.group.name: o for o in await store.list_groups()}
    assert overviews["Vistage Chair Group 12"].meetings_held == len(archive.meetings)
    assert overviews["Deputy Managers Circle"].members_active == 8
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("SELECT count(*) FROM turns").fetchone()[0] > len(archive.turns)
    finally:
        db.close()
