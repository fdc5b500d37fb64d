"""Markup and control characters in every text field: kept exactly by the store, shown inert
by the command (text: visible symbols; JSON: the exact text) and literally by every view.

One database holds a group per bad value (see world.py): every field of that group, from its
name to its check-in prompt, carries the value. Each test copies it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, OptionList, Static

from peertui.core.rules import InvalidInput
from peertui.core.text import visible
from peertui.store import Store
from peertui.store.notes import NoteDoc
from peertui.ui.components.home import HomeScreen
from peertui.ui.components.line_table import LineTable
from peertui.ui.components.meeting import MeetingScreen
from peertui.ui.components.review import ReviewScreen
from tests.badinput.conftest import (
    NASTY,
    copy_db,
    no_raw_controls,
    one_line_error,
    run_async,
    shown,
)
from tests.badinput.world import Clock, Texts, World, make_worlds
from tests.conftest import make_app, screen_text, wait_for

VALUES = list(NASTY)
BIG = (160, 50)  # room for every text in full
# Typing into the dialogs is slow to drive (about half a second a dialog): every value shows
# in every view, and these go through the dialogs too (markup, ESC, NUL, CR).
DIALOG_VALUES = ("link", "esc", "nul", "cr")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, World]]:
    path = tmp_path_factory.mktemp("hostile") / "template.db"
    worlds = run_async(make_worlds(path, {key: Texts.around(value) for key, value in NASTY.items()}))
    return path, worlds


@pytest.fixture
def db(hostile, tmp_path: Path) -> Path:
    return copy_db(hostile[0], tmp_path / "hostile.db")


def lines_of(text: str) -> list[str]:
    """How a multi-line view shows user text: CR and LF break lines, other controls visible."""
    return [visible(line) for line in text.splitlines()]


def in_view(text: str, screen: str, *, multiline: bool = False) -> bool:
    if multiline:
        return all(line in screen for line in lines_of(text))
    return shown(text) in screen


def plain(app, selector: str) -> str:
    content = app.screen.query_one(selector, Static).content
    return content.plain if isinstance(content, Text) else str(content)


# ---------------------------------------------------------------- the store


@pytest.mark.parametrize("key", VALUES)
async def test_the_store_keeps_every_field_exactly(db: Path, hostile, cases, key: str) -> None:
    world = hostile[1][key]
    t = world.texts
    async with await Store.open(db) as store:
        got: dict[str, str] = {}
        got["group"] = (await store.get_group(world.group_id)).name
        names = {m.id: m.name for m in await store.list_members(world.group_id)}
        got["ann"], got["bob"] = names[world.ann], names[world.bob]
        history = await store.issue_history(world.issue)
        got["title"], got["details"], got["outcome"] = history.title, history.details, history.outcome
        got["action"] = history.actions[0].text
        got["issue_note"] = history.notes[0].body
        detail = await store.review_meeting(world.ended)
        got["word"] = next(a.closing_word for a in detail.attendance if a.member_id == world.ann)
        got["note"] = next(n.body for n in detail.notes if n.issue_title == "")
        got["template"] = detail.template
        got["queued"] = (await store.get_issue(world.queued)).title
        got["prompt"] = (await store.load_meeting(world.live)).checkin_prompt
        assert await store.prompts(world.group_id) == [t.prompt]
        snapshot = await store.open_note(world.live)
        doc = NoteDoc(snapshot.state)
        for _seq, update, _origin in await store.note_updates_since(snapshot.note_id, snapshot.seq):
            doc.apply(update)
        got["live_note"] = str(doc)
        # Found by a word of the field, the text comes back exactly.
        hits = await store.search(world.group_id, "title")
        assert [hit.title for hit in hits.hits if hit.kind == "issue"] == [t.title]
    cases.tried(len(got) + 1)
    assert got == dict(t.items())


BARE = ["[/]", "[bold]", "\x1b", "\x07", "\x00", "\r", " \x1b[2J ", "[link=x]"]


@pytest.mark.parametrize("value", BARE, ids=[repr(v) for v in BARE])
async def test_a_name_that_is_only_markup_or_a_control_is_kept_or_refused_clearly(
    db: Path, cases, value: str
) -> None:
    async with await Store.open(db) as store:
        for what, create in (
            ("group", lambda: store.create_group(value)),
            ("member", lambda: store.add_member(1, value)),
            ("issue", lambda: store.add_issue(1, value)),
        ):
            cases.tried()
            try:
                made = await create()
            except InvalidInput as error:
                message = str(error)
                assert value.strip() == "", f"{what} {value!r} refused: {message}"
                assert "\n" not in message and message.endswith(".")
                continue
            if what == "issue":
                assert (await store.get_issue(made)).title == value.strip()
            else:
                assert made.name == value.strip()


@pytest.mark.parametrize("key", VALUES)
async def test_a_bad_login_gets_a_clear_message(db: Path, cases, key: str) -> None:
    value = NASTY[key]
    async with await Store.open(db) as store:
        with pytest.raises(InvalidInput) as info:
            await store.add_member(1, "Dee", value)
    cases.tried()
    message = str(info.value)
    assert "is not a Unix login name" in message and "\n" not in message


# ---------------------------------------------------------------- the command


def _json(result) -> object:
    assert result.code == 0 and result.stderr == "", result
    return json.loads(result.stdout)


def _text(result) -> str:
    assert result.code == 0 and result.stderr == "", result
    assert no_raw_controls(result.stdout), repr(result.stdout)
    return result.stdout


@pytest.mark.parametrize("key", VALUES)
def test_the_command_shows_text_inert_and_json_exact(cli, db: Path, hostile, cases, key: str) -> None:
    world = hostile[1][key]
    t = world.texts
    g = t.group  # the group by its (hostile) name: found exactly
    run = lambda *args: cli(*args, "--db", str(db))  # noqa: E731

    out = _text(run("group", "list"))
    assert shown(t.group) in out
    assert t.group in [item["name"] for item in _json(run("group", "list", "--json"))]

    out = _text(run("member", "list", g))
    assert shown(t.ann) in out and shown(t.bob) in out
    assert [m["name"] for m in _json(run("member", "list", g, "--json"))][:2] == [t.ann, t.bob]

    out = _text(run("issue", "list", g, "--all"))
    assert shown(t.title) in out and shown(t.queued) in out
    issues = {i["id"]: i for i in _json(run("issue", "list", g, "--all", "--json"))}
    assert (issues[world.issue]["title"], issues[world.issue]["details"]) == (t.title, t.details)
    assert issues[world.issue]["outcome"] == t.outcome
    assert issues[world.queued]["raised_by"] == t.ann

    out = _text(run("followup", g))
    assert shown(t.action) in out and shown(t.ann) in out and shown(t.title) in out
    [action] = _json(run("followup", g, "--json"))
    assert (action["text"], action["owner"], action["issue"]) == (t.action, t.ann, t.title)

    out = _text(run("search", g, "action"))
    assert shown(t.action) in out
    hits = _json(run("search", g, "title", "--json"))
    assert t.title in [hit["title"] for hit in hits]

    # The bad value as the query itself: results, or one clear line; never raw controls.
    result = run("search", g, NASTY[key])
    if result.code == 0:
        _text(result)
    else:
        one_line_error(result)

    markdown = _text(run("export", g, "--meeting", "1"))
    for field in ("group", "ann", "bob", "title", "outcome", "action", "word", "note", "template"):
        value = getattr(t, field).replace("\r", " ")  # one-line text: a CR is a space
        assert visible(value) in markdown or all(line in markdown for line in lines_of(getattr(t, field))), field
    minutes = _json(run("export", g, "--meeting", "1", "--format", "json"))
    assert (minutes["group"], minutes["meeting"]["template"]) == (t.group, t.template)
    assert {a["name"]: a["closing_word"] for a in minutes["attendance"]}[t.ann] == t.word
    assert [(i["title"], i["text"]) for i in minutes["issues"]] == [(t.title, t.outcome)]
    assert [(a["text"], a["owner"]) for a in minutes["actions"]] == [(t.action, t.ann)]
    assert {n["body"] for n in minutes["notes"]} == {t.note, t.issue_note}

    # An agenda that does not exist, for a group with no meeting in progress.
    fresh = f"Fresh {NASTY[key]}"
    _text(run("group", "add", fresh))
    _text(run("member", "add", fresh, f"Fay {NASTY[key]}"))
    line = one_line_error(run("meeting", fresh, "--template", f"Nope {NASTY[key]}"))
    assert "no agenda template named" in line

    added = _text(run("member", "add", g, f"Dee {NASTY[key]}"))
    assert shown(f"Dee {NASTY[key]}") in added
    raised = _text(run("issue", "add", g, f"New {NASTY[key]}", "--details", f"More {NASTY[key]}"))
    assert shown(f"New {NASTY[key]}") in raised
    new = [i for i in _json(run("issue", "list", g, "--json")) if i["title"] == f"New {NASTY[key]}"]
    assert new and new[0]["details"] == f"More {NASTY[key]}"

    line = one_line_error(run("member", "add", g, "Eve", "--login", NASTY[key]))
    assert "is not a Unix login name" in line
    cases.tried(24)


@pytest.mark.parametrize("key", VALUES)
def test_the_whole_group_file_round_trips_every_text(
    cli, db: Path, hostile, tmp_path: Path, cases, key: str
) -> None:
    world = hostile[1][key]
    t = world.texts
    backup = tmp_path / "group.json"
    assert cli("export", str(world.group_id), "--all", "-o", str(backup), "--db", str(db)).code == 0
    assert no_raw_controls(backup.read_text(encoding="utf-8"))  # JSON escapes them
    copy = f"Copy {NASTY[key]}"
    result = cli("import", str(backup), "--name", copy, "--db", str(db))
    assert result.code == 0 and no_raw_controls(result.stdout), result

    async def read() -> dict[str, object]:
        async with await Store.open(db) as store:
            group = await store.find_group(copy)
            templates = [tp.name for tp in await store.templates(group.id)]
            return {
                "members": [m.name for m in await store.list_members(group.id)][:2],
                "prompts": await store.prompts(group.id),
                "template": t.template in templates and group.default_template,
                "issues": sorted(i.title for i in await store.list_issues(
                    group.id, statuses=("open", "resolved"))),
            }

    got = run_async(read())
    cases.tried(4)
    assert got == {
        "members": [t.ann, t.bob],
        "prompts": [t.prompt],
        "template": t.template,
        "issues": sorted([t.title, t.queued]),
    }


@pytest.mark.parametrize("key", ["esc", "bel", "nul", "link"])
def test_the_real_command_writes_no_raw_control_characters(
    subprocess_cli, db: Path, hostile, cases, key: str
) -> None:
    world = hostile[1][key]
    for args in (["group", "list"], ["export", str(world.group_id), "--meeting", "1"]):
        result = subprocess_cli(*args, "--db", str(db))
        cases.tried()
        assert result.code == 0 and result.stderr == "", result
        assert no_raw_controls(result.stdout), repr(result.stdout)
        assert shown(world.texts.group) in result.stdout


# ---------------------------------------------------------------- the app


async def test_home_and_its_dialogs_show_every_text_literally(db: Path, hostile, cases) -> None:
    """The groups, the roster, and the dialogs filled from the store: a member's name, the
    group's settings, the group's prompt pool (an editor)."""
    worlds = hostile[1]
    app = make_app(db)
    async with app.run_test(size=BIG) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        groups = home.query_one("#groups", DataTable)
        for key, world in worlds.items():
            t = world.texts
            groups.focus()
            groups.move_cursor(row=groups.get_row_index(str(world.group_id)))
            await wait_for(pilot, lambda: home._selected_group == world.group_id)
            await pilot.pause()
            _look(app, t.group, t.ann, t.bob)
            cases.tried()
            if key not in DIALOG_VALUES:
                continue
            home.query_one("#roster", DataTable).focus()
            for dialog, field in (("e", t.ann), ("s", t.group), ("P", t.prompt)):
                await pilot.press(dialog)
                await wait_for(pilot, lambda: app.screen is not home)
                await pilot.pause()
                text = _look(app)
                if key != "cr":  # an Input drops a CR from view; an editor breaks the line there
                    assert shown(field) in text, (dialog, field)
                await pilot.press("escape")
                await wait_for(pilot, lambda: app.screen is home)
                cases.tried()


async def test_the_first_run_takes_every_value_exactly(tmp_path: Path, cases) -> None:
    from peertui.ui.components.group_form import GroupFormScreen

    db = tmp_path / "first.db"
    group = "First [bold]x \x1b[2J [/]"
    app = make_app(db)
    async with app.run_test(size=BIG) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, GroupFormScreen))
        form = app.screen
        form.query_one("#group-name", Input).value = group
        name = form.query_one("#member-name", Input)
        login = form.query_one("#member-login", Input)
        for value in NASTY.values():
            # A bad login first: a clear message, shown literally; nothing added.
            name.value, login.value = "Lo", value
            name.focus()
            await pilot.press("enter")
            _look(app, "is not a Unix login name")
            login.value = ""
            name.value = f"M {value}"
            name.focus()
            await pilot.press("enter")
            _look(app)
            members = form.query_one("#member-list", OptionList)
            last = members.get_option_at_index(members.option_count - 1).prompt
            assert last.plain == f"{members.option_count}. {shown(f'M {value}')}"
            cases.tried(2)
        assert form.query_one("#member-list", OptionList).option_count == len(NASTY)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        _look(app, group)
    async with await Store.open(db) as store:
        [overview] = await store.list_groups()
        assert overview.group.name == group
        names = [m.name for m in await store.list_members(overview.group.id)]
        assert names == [f"M {value}" for value in NASTY.values()]


def _look(app, *expected: str, where: str = "", multiline: bool = False) -> str:
    text = screen_text(app) + ("\n" + plain(app, where) if where else "")
    assert no_raw_controls(text), repr(text)
    for item in expected:
        assert in_view(item, text, multiline=multiline), (item, text)
    return text


@pytest.mark.parametrize("key", VALUES)
async def test_the_meeting_shows_every_text_literally_and_takes_it_back_exactly(
    db: Path, hostile, cases, key: str
) -> None:
    world = hostile[1][key]
    t = world.texts
    value = NASTY[key]
    typing = key in DIALOG_VALUES
    app = make_app(db, clock=Clock(world.now + 5), meeting_id=world.live)
    async with app.run_test(size=BIG) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen) and app.screen.state)
        await pilot.pause()
        screen = app.screen
        # The check-in: the group (meeting bar), the prompt, the round table.
        _look(app, t.group, t.prompt, t.ann, t.bob)
        await pilot.press("space")  # Ann speaks; her commitment is beside her
        _look(app, t.ann, t.bob, t.action)
        # The notes: the editor (the exact text, shown inert), then read as Markdown.
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: screen.notes_open)
        await pilot.pause()
        assert screen.query_one("#notes-text").text == t.live_note
        _look(app, t.live_note, multiline=True)
        await pilot.press("ctrl+r")
        await pilot.pause()
        _look(app, t.live_note, multiline=True)
        await pilot.press("escape")
        await pilot.press("escape")  # notes closed
        await wait_for(pilot, lambda: not screen.notes_open)
        if typing:  # raise an issue through the dialog: typed text goes in exactly
            await pilot.press("a")
            await wait_for(pilot, lambda: app.screen is not screen)
            app.screen.query_one("#title", Input).value = f"Raised {value}"
            app.screen.query_one("#details", Input).value = f"Said {value}"
            _look(app, f"Raised {value}".replace("\r", ""))  # an Input drops a CR from view
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.screen is screen)
        # The queue and a discussion: titles and who raised them.
        await pilot.press("N")
        await wait_for(pilot, lambda: screen.mode == "queue")
        _look(app, t.queued, *([f"Raised {value}"] if typing else []))
        queue = screen.query_one("#queue", LineTable)
        queue.move_cursor(row=queue.get_row_index(str(world.queued)))
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.mode == "discussion")
        _look(app, t.queued, f"Raised by {t.ann}")
        if typing:  # close it: the decision and an action typed in the dialog
            await pilot.press("o")
            await wait_for(pilot, lambda: app.screen is not screen)
            dialog = app.screen
            _look(app, f"Outcome: {t.queued}")
            dialog.query_one("#decision", Input).value = f"Decided {value}"
            dialog.query_one("#action-text", Input).value = f"Do {value}"
            dialog.query_one("#action-owner", Input).value = t.bob
            dialog.query_one("#action-text", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
            assert dialog.query_one("#action-list", OptionList).option_count == 1
            _look(app, f"Do {value} — {t.bob}")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.screen is screen and screen.mode == "queue")
        # The wrap-up: the closing round; a closing word typed in shows there.
        await pilot.press("N")
        await wait_for(pilot, lambda: screen.mode == "round" and screen.state.phase.kind == "wrapup")
        _look(app, t.ann, t.bob)
        if typing:
            await pilot.press("w")
            await wait_for(pilot, lambda: app.screen is not screen)
            app.screen.query_one("#word", Input).value = f"Bye {value}"
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.screen is screen)
            await pilot.pause()
            _look(app, f"Bye {value}"[:14])  # the note column is narrow: the word's start
            # The agenda dialog: a template saved under a hostile name.
            await pilot.press("G")
            await wait_for(pilot, lambda: app.screen is not screen)
            app.screen.query_one("#template-name", Input).value = f"Saved {value}"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.screen is screen)
            _look(app)
            assert all(no_raw_controls(str(n.message)) for n in app._notifications)
        await pilot.press("escape")  # home
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        _look(app, t.group)
    cases.tried(8)
    if not typing:
        return
    cases.tried(5)
    async with await Store.open(db) as store:
        raised = [i for i in await store.list_issues(world.group_id) if i.title == f"Raised {value}"]
        assert raised and raised[0].details == f"Said {value}"
        closed = await store.issue_history(world.queued)
        assert closed.outcome == f"Decided {value}"
        assert [(a.text, a.owner_name) for a in closed.actions] == [(f"Do {value}", t.bob)]
        detail = await store.review_meeting(world.live)
        words = {a.member_id: a.closing_word for a in detail.attendance}
        assert words[world.ann] == f"Bye {value}"
        assert f"Saved {value}" in [tp.name for tp in await store.templates(world.group_id)]


@pytest.mark.parametrize("key", VALUES)
async def test_review_shows_every_text_literally(db: Path, hostile, cases, key: str) -> None:
    world = hostile[1][key]
    t = world.texts
    value = NASTY[key]
    app = make_app(db, clock=Clock(world.now + 5), review_group=world.group_id)
    async with app.run_test(size=BIG) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.overview)
        await pilot.pause()
        screen = app.screen
        _look(app, t.group, t.title)  # the bar, the meetings list
        meetings = screen.query_one("#rv-meetings", DataTable)
        meetings.move_cursor(row=meetings.get_row_index(str(world.ended)))
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.view == "meeting")
        _look(app, t.template, t.title, t.outcome)
        _look(app, t.ann, t.bob, t.word, t.title, t.outcome, t.action, where="#rv-meeting-body")
        _look(app, t.note, t.issue_note, where="#rv-meeting-body", multiline=True)
        await pilot.press("enter")  # the issue's history
        await wait_for(pilot, lambda: screen.view == "issue")
        _look(app, t.title, t.bob)
        _look(app, t.action, t.ann, where="#rv-issue-body")
        _look(app, t.details, t.outcome, t.issue_note, where="#rv-issue-body", multiline=True)
        await pilot.press("escape", "escape", "c")  # my commitments (Ann's login is ours)
        await wait_for(pilot, lambda: screen.view == "mine")
        _look(app, t.ann, t.action, t.title)
        await pilot.press("h")
        await wait_for(pilot, lambda: screen.view == "health")
        _look(app)
        # Search as you type: hits, then the bad value as the query itself.
        search = screen.query_one("#review-search", Input)
        search.focus()
        search.value = "action"
        await wait_for(pilot, lambda: screen.view == "results")
        # A result is one line per hit: a CR shows as a space there.
        _look(app, t.action.replace("\r", " "))
        search.value = "title"
        await pilot.pause()
        _look(app, t.title.replace("\r", " "))
        search.value = value
        await pilot.pause()
        await pilot.pause()
        _look(app)
        search.value = f"zz {value}"
        await pilot.pause()
        text = _look(app)
        hint = plain(app, "#review-hint")
        assert shown(f"zz {value}".strip()) in hint or "search" in hint.lower() or "quote" in hint
        assert no_raw_controls(text + hint)
    cases.tried(16)


@pytest.mark.parametrize("key", ["esc", "nul", "link"])
async def test_a_refusal_that_names_a_member_is_shown_inert(db: Path, hostile, cases, key: str) -> None:
    """Bob's terminal facilitates; another terminal, as Ann, takes over while Bob's has not
    heard yet. Bob's next key is refused with "Ann ... is facilitating": Ann's name inert."""
    world = hostile[1][key]
    t = world.texts
    # Bob's terminal hears of no change by itself during the test.
    app = make_app(db, clock=Clock(world.now + 5), meeting_id=world.live, identity=t.bob,
                   feed_poll_seconds=3600, watch_bell=False)
    async with app.run_test(size=BIG) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen) and app.screen.facilitating)
        async with await Store.open(db, clock=Clock(world.now + 60)) as other:
            await other.join_meeting(world.live, world.ann)  # Bob's seems gone, to this one
            await other.take_over(world.live)
        await pilot.press("space")
        await wait_for(pilot, lambda: app._notifications)
        messages = [str(n.message) for n in app._notifications]
    cases.tried()
    assert any("is facilitating" in m for m in messages), messages
    assert all(no_raw_controls(m) for m in messages), messages
