"""The `peertui` command: opens the app, or runs a scriptable subcommand.

Exit codes: 0 success; 2 bad input or a database that cannot be used; 1 an unexpected failure.
Errors are one line on stderr, never a traceback (set PEERTUI_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from peertui import __version__
from peertui.core.models import format_day
from peertui.core.rules import InvalidInput
from peertui.core.text import visible
from peertui.paths import default_db_path
from peertui.store import Store, StoreError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad command-line input, reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    db_help = "database file (default: $PEERTUI_DB or peertui.db in your user data directory)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", type=Path, default=argparse.SUPPRESS, help=db_help)

    parser = _Parser(
        prog="peertui",
        description="Run live peer-group meetings in the terminal. With no command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"peertui {__version__}")
    parser.add_argument("--no-mouse", action="store_true", help="do not capture the mouse")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser(
        "demo", parents=[common], help="open the app on a throw-away database of a realistic group"
    )
    demo.add_argument("--years", type=float, default=1, help="years of history (default 1)")
    demo.add_argument(
        "--cadence",
        choices=["weekly", "fortnightly", "monthly"],
        default="monthly",
        help="how often the group meets (default monthly)",
    )
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.add_argument("--no-open", action="store_true", help="write the data and exit (needs --db)")
    demo.add_argument("--no-mouse", action="store_true", default=argparse.SUPPRESS)

    meeting = commands.add_parser(
        "meeting", parents=[common], help="open the group's live meeting, starting one if needed"
    )
    meeting.add_argument("group", metavar="GROUP", help="group name or id")
    meeting.add_argument(
        "--template", metavar="NAME", help="agenda for a new meeting (default: the group's usual)"
    )
    meeting.add_argument("--no-mouse", action="store_true", default=argparse.SUPPRESS)

    group = commands.add_parser("group", help="create and list groups")
    group_commands = group.add_subparsers(
        dest="group_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    group_add = group_commands.add_parser("add", parents=[common], help="create a group")
    group_add.add_argument("name", metavar="NAME")
    group_add.add_argument("--checkin-minutes", type=float, default=5, metavar="N")
    group_add.add_argument("--cadence-days", type=int, default=28, metavar="N")
    group_list = group_commands.add_parser("list", parents=[common], help="list groups")
    group_list.add_argument("--json", action="store_true", help="machine-readable output")

    member = commands.add_parser("member", help="add and list a group's members")
    member_commands = member.add_subparsers(
        dest="member_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    member_add = member_commands.add_parser("add", parents=[common], help="add a member")
    member_add.add_argument("group", metavar="GROUP", help="group name or id")
    member_add.add_argument("name", metavar="NAME")
    member_add.add_argument("--login", metavar="LOGIN", help="the member's Unix login")
    member_list = member_commands.add_parser("list", parents=[common], help="list members")
    member_list.add_argument("group", metavar="GROUP", help="group name or id")
    member_list.add_argument("--json", action="store_true", help="machine-readable output")

    issue = commands.add_parser("issue", help="raise and list a group's issues")
    issue_commands = issue.add_subparsers(
        dest="issue_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    issue_add = issue_commands.add_parser(
        "add",
        parents=[common],
        help="raise an issue for the group's queue",
        description="Raise an issue: it waits in the group's queue until a meeting takes it up.",
    )
    issue_add.add_argument("group", metavar="GROUP", help="group name or id")
    issue_add.add_argument("title", metavar="TITLE")
    issue_add.add_argument("--by", metavar="NAME", help="who raises it: a member's name or login")
    issue_add.add_argument("--details", metavar="TEXT", default="", help="more about the issue")
    issue_add.add_argument(
        "--urgency",
        type=str.upper,
        choices=["A", "B", "C"],
        default="B",
        help="A (most urgent), B or C (default B)",
    )
    issue_add.add_argument(
        "--minutes", type=float, default=10, metavar="N", help="minutes needed, 1-240 (default 10)"
    )
    issue_list = issue_commands.add_parser(
        "list",
        parents=[common],
        help="list the group's issue queue",
        description="The group's open issues in queue order; VOTES counts dots over all meetings.",
    )
    issue_list.add_argument("group", metavar="GROUP", help="group name or id")
    issue_list.add_argument(
        "--all",
        action="store_true",
        help="also resolved, parked and merged issues (after the open ones, newest first)",
    )
    issue_list.add_argument("--json", action="store_true", help="machine-readable output")

    followup = commands.add_parser(
        "followup",
        parents=[common],
        help="open commitments by owner, ready to send between meetings",
        description="Open commitments by owner with due dates, ready to paste into an email "
        "or chat between meetings.",
    )
    followup.add_argument("group", metavar="GROUP", help="group name or id")
    followup.add_argument("--member", metavar="NAME", help="only this member's (name or login)")
    followup.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(list(sys.argv[1:] if argv is None else argv))
    except UsageError as error:
        _fail(str(error))
        code = EXIT_BAD_INPUT
    except (StoreError, InvalidInput) as error:
        _fail(str(error))
        code = EXIT_BAD_INPUT
    except KeyboardInterrupt:
        code = 130
    except Exception as error:  # noqa: BLE001 - the promise is: never a traceback
        if os.environ.get("PEERTUI_DEBUG"):
            raise
        _fail(f"unexpected error: {error.__class__.__name__}: {error} (PEERTUI_DEBUG=1 shows more)")
        code = EXIT_FAILURE
    if argv is None:
        sys.exit(code)
    return code


def _fail(message: str) -> None:
    print(f"peertui: {visible(message)}", file=sys.stderr)


def _main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    db: Path = getattr(args, "db", None) or default_db_path()
    if args.command is None:
        return run_app(db, mouse=not args.no_mouse)
    if args.command == "demo":
        return demo(args, getattr(args, "db", None))
    if args.command == "meeting":
        meeting_id = asyncio.run(_with_store(db, _open_meeting, args))
        return run_app(db, mouse=not getattr(args, "no_mouse", False), meeting_id=meeting_id)
    if args.command == "followup":
        return asyncio.run(_with_store(db, _followup, args))
    handlers: dict[tuple[str, str], Callable[[Store, argparse.Namespace], Awaitable[int]]] = {
        ("group", "add"): _group_add,
        ("group", "list"): _group_list,
        ("member", "add"): _member_add,
        ("member", "list"): _member_list,
        ("issue", "add"): _issue_add,
        ("issue", "list"): _issue_list,
    }
    action = getattr(args, f"{args.command}_command")
    return asyncio.run(_with_store(db, handlers[(args.command, action)], args))


async def _with_store(
    db: Path, handler: Callable[[Store, argparse.Namespace], Awaitable[int]], args: Any
) -> int:
    store = await Store.open(db)
    try:
        return await handler(store, args)
    finally:
        await store.close()


def run_app(
    db: Path,
    *,
    mouse: bool = True,
    on_exit: Callable[[], None] | None = None,
    meeting_id: int | None = None,
) -> int:
    from peertui.ui.app import PeerTuiApp  # Textual loads only when the app runs

    app = PeerTuiApp(db, meeting_id=meeting_id)
    try:
        app.run(mouse=mouse)
    finally:
        if on_exit:
            on_exit()
    if app.fatal_error:
        _fail(app.fatal_error)
        return EXIT_BAD_INPUT
    return app.return_code or EXIT_OK


# ---------------------------------------------------------------- demo


def demo(args: argparse.Namespace, db: Path | None) -> int:
    from peertui.core.demo import build_demo

    if args.years <= 0 or args.years > 50:
        raise UsageError("--years must be more than 0 and at most 50")
    if db is None and args.no_open:
        raise UsageError("--no-open needs --db PATH to write to")
    cleanup: Callable[[], None] | None = None
    if db is None:
        folder = tempfile.mkdtemp(prefix="peertui-demo-")  # created 0700
        db = Path(folder) / "demo.db"

        def cleanup() -> None:
            shutil.rmtree(folder, ignore_errors=True)

    archive = build_demo(end=date.today(), years=args.years, cadence=args.cadence, seed=args.seed)

    async def write() -> None:
        async with await Store.open(db) as store:
            await store.import_archive(archive)

    try:
        asyncio.run(write())
    except BaseException:
        if cleanup:
            cleanup()
        raise
    if args.no_open:
        print(
            f"Wrote {len(archive.meetings)} meetings of {visible(archive.name)!r} to {db}",
        )
        return EXIT_OK
    return run_app(db, mouse=not getattr(args, "no_mouse", False), on_exit=cleanup)


# ---------------------------------------------------------------- meetings


async def _open_meeting(store: Store, args: argparse.Namespace) -> int:
    """The meeting in progress, or a new one with the chosen (or usual) agenda."""
    group = await store.find_group(args.group)
    meeting_id = await store.meeting_in_progress(group.id)
    if meeting_id is not None:
        return meeting_id
    wanted = args.template or group.default_template
    templates = await store.templates(group.id)
    template = next((t for t in templates if t.name.lower() == wanted.lower()), None)
    if template is None:
        names = ", ".join(repr(t.name) for t in templates)
        raise UsageError(f"no agenda template named {wanted!r}; choose one of {names}")
    return await store.start_meeting(group.id, template)


# ---------------------------------------------------------------- groups and members


async def _group_add(store: Store, args: argparse.Namespace) -> int:
    group = await store.create_group(
        args.name, checkin_minutes=args.checkin_minutes, cadence_days=args.cadence_days
    )
    print(f"Created group {visible(group.name)!r} (id {group.id}).")
    return EXIT_OK


async def _group_list(store: Store, args: argparse.Namespace) -> int:
    overviews = await store.list_groups()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": o.group.id,
                        "name": o.group.name,
                        "members": o.members_active,
                        "checkin_minutes": o.group.checkin_minutes,
                        "cadence_days": o.group.cadence_days,
                        "meetings_held": o.meetings_held,
                        "last_meeting": format_day(o.last_meeting_at, empty="") or None,
                        "next_meeting": format_day(o.next_meeting_on, empty="") or None,
                        "meeting_in_progress": o.meeting_in_progress,
                        "open_issues": o.open_issues,
                        "open_commitments": o.open_commitments,
                    }
                    for o in overviews
                ],
                indent=2,
            )
        )
        return EXIT_OK
    if not overviews:
        print("No groups yet. Create one with: peertui group add NAME")
        return EXIT_OK
    _print_table(
        ["ID", "GROUP", "MEMBERS", "LAST MEETING", "NEXT MEETING", "OPEN ISSUES", "OPEN ACTIONS"],
        [
            [
                str(o.group.id),
                visible(o.group.name),
                str(o.members_active),
                format_day(o.last_meeting_at),
                format_day(o.next_meeting_on),
                str(o.open_issues),
                str(o.open_commitments),
            ]
            for o in overviews
        ],
    )
    return EXIT_OK


async def _member_add(store: Store, args: argparse.Namespace) -> int:
    group = await store.find_group(args.group)
    member = await store.add_member(group.id, args.name, args.login)
    print(f"Added {visible(member.name)!r} to {visible(group.name)!r} (member id {member.id}).")
    return EXIT_OK


async def _member_list(store: Store, args: argparse.Namespace) -> int:
    group = await store.find_group(args.group)
    members = await store.list_members(group.id)
    if args.json:
        print(
            json.dumps(
                [
                    {"id": m.id, "name": m.name, "login": m.login, "active": m.active}
                    for m in members
                ],
                indent=2,
            )
        )
        return EXIT_OK
    _print_table(
        ["ID", "NAME", "LOGIN", "STATUS"],
        [
            [str(m.id), visible(m.name), visible(m.login or "—"), "active" if m.active else "left"]
            for m in members
        ],
    )
    return EXIT_OK


# ---------------------------------------------------------------- issues and commitments

CLOSED_ISSUE_STATUSES = ("resolved", "parked", "merged")


async def _issue_add(store: Store, args: argparse.Namespace) -> int:
    group = await store.find_group(args.group)
    raised_by = (await store.find_member(group.id, args.by)).id if args.by is not None else None
    issue_id = await store.add_issue(
        group.id,
        args.title,
        raised_by=raised_by,
        details=args.details,
        urgency=args.urgency,
        minutes=args.minutes,
    )
    issue = await store.get_issue(issue_id)
    print(f"Raised issue {issue_id}: {visible(issue.title)!r} in {visible(group.name)!r}.")
    return EXIT_OK


async def _issue_list(store: Store, args: argparse.Namespace) -> int:
    group = await store.find_group(args.group)
    issues = await store.list_issues(group.id)  # total dots: no meeting_id
    if args.all:
        closed = await store.list_issues(group.id, statuses=CLOSED_ISSUE_STATUSES)
        issues += sorted(closed, key=lambda i: (i.raised_at, i.id), reverse=True)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": i.id,
                        "title": i.title,
                        "details": i.details,
                        "raised_by": i.raised_by_name or None,
                        "raised_at": _utc_iso(i.raised_at),
                        "urgency": i.urgency,
                        "estimate_minutes": i.estimate_minutes,
                        "status": i.status,
                        "outcome": i.outcome or None,
                        "meetings_waited": i.meetings_waited,
                        "votes": i.votes,
                    }
                    for i in issues
                ],
                indent=2,
            )
        )
        return EXIT_OK
    if not issues:
        which = "issues" if args.all else "open issues"
        hint = "Raise one with: peertui issue add GROUP TITLE"
        print(f"No {which} in {visible(group.name)!r}. {hint}")
        return EXIT_OK
    _print_table(
        ["ID", "VOTES", "URG", "WAITED", "BY", "STATUS", "TITLE"],
        [
            [
                str(i.id),
                str(i.votes),
                i.urgency,
                str(i.meetings_waited),
                visible(i.raised_by_name or "—"),
                i.status,
                visible(i.title),
            ]
            for i in issues
        ],
    )
    return EXIT_OK


async def _followup(store: Store, args: argparse.Namespace) -> int:
    group = await store.find_group(args.group)
    owner_id = (await store.find_member(group.id, args.member)).id if args.member else None
    commitments = await store.commitments(group.id, owner_id=owner_id)
    today = date.today()

    def overdue(due_on: str) -> bool:
        try:
            return date.fromisoformat(due_on) < today
        except ValueError:
            return False

    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "owner": c.owner_name,
                        "text": c.text,
                        "due_on": c.due_on,
                        "overdue": overdue(c.due_on),
                        "issue": c.issue_title or None,
                        "last_review": c.last_review,
                    }
                    for c in commitments
                ],
                indent=2,
            )
        )
        return EXIT_OK
    if not commitments:
        print("No open commitments.")
        return EXIT_OK
    print(f"Open commitments in {visible(group.name)} (as of {today.isoformat()})")
    owner: int | None = None
    for c in commitments:  # the store orders them by owner (roster order), then due date
        if c.owner_id != owner:
            owner = c.owner_id
            print()
            print(visible(c.owner_name))
        notes = [f"due {visible(c.due_on)}"]
        if overdue(c.due_on):
            notes.append("OVERDUE")
        if c.last_review == "not_done":
            notes.append("not done at the last meeting")
        line = f"  - {visible(c.text)} ({', '.join(notes)})"
        if c.issue_title:
            line += f"  [from: {visible(c.issue_title)}]"
        print(line)
    return EXIT_OK


def _utc_iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat(timespec="seconds")


def _print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]
    for row in [headers, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
