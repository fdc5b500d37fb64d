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
from peertui.startup import resume_collector
from peertui.store import Store, StoreError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad command-line input, reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, just that command's part of it (argparse
    takes a few milliseconds to build all of them, on the way to the first paint)."""
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
    for name, add_arguments in COMMANDS.items():
        if only is None or name == only:
            add_arguments(commands, common)
    return parser


def _demo_arguments(commands: Any, common: argparse.ArgumentParser) -> None:
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


def _meeting_arguments(commands: Any, common: argparse.ArgumentParser) -> None:
    meeting = commands.add_parser(
        "meeting", parents=[common], help="open the group's live meeting, starting one if needed"
    )
    meeting.add_argument("group", metavar="GROUP", help="group name or id")
    meeting.add_argument(
        "--template", metavar="NAME", help="agenda for a new meeting (default: the group's usual)"
    )
    meeting.add_argument(
        "--observe", action="store_true", help="watch the meeting in progress; change nothing"
    )
    meeting.add_argument(
        "--as",
        dest="identity",
        metavar="NAME",
        help="who this terminal is (a member's name or login) instead of your Unix login",
    )
    meeting.add_argument("--no-mouse", action="store_true", default=argparse.SUPPRESS)


def _group_arguments(commands: Any, common: argparse.ArgumentParser) -> None:
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


def _member_arguments(commands: Any, common: argparse.ArgumentParser) -> None:
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


def _issue_arguments(commands: Any, common: argparse.ArgumentParser) -> None:
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


def _share_arguments(commands: Any, common: argparse.ArgumentParser) -> None:
    share = commands.add_parser(
        "share",
        parents=[common],
        help="move a group's database into a folder shared with a Unix group",
        description="Move (or, when the database holds other groups too, copy) the group's"
        " database into DIR, shared with the Unix group NAME: the folder setgid 2770, the"
        " files 0660. Prints the command members run to join. Everyone must be on this"
        " machine: SQLite does not work over network file systems.",
    )
    share.add_argument("group", metavar="GROUP", help="group name or id")
    share.add_argument("--path", metavar="DIR", type=Path, required=True)
    share.add_argument("--unix-group", metavar="NAME", required=True)


def _followup_arguments(commands: Any, common: argparse.ArgumentParser) -> None:
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


def _review_arguments(commands: Any, common: argparse.ArgumentParser) -> None:
    review = commands.add_parser(
        "review",
        parents=[common],
        help="open the app on the group's history: meetings, issues, commitments, health",
    )
    review.add_argument("group", metavar="GROUP", help="group name or id")
    review.add_argument("--no-mouse", action="store_true", default=argparse.SUPPRESS)


def _search_arguments(commands: Any, common: argparse.ArgumentParser) -> None:
    search = commands.add_parser(
        "search",
        parents=[common],
        help="full-text search of the group's issues, actions and shared notes",
        description="Search the group's issues (title, details, outcome), actions and shared "
        "notes. Words match at their start and without accents; all must match. "
        '"exact words" for a phrase; AND, OR, NOT and brackets combine them.',
    )
    search.add_argument("group", metavar="GROUP", help="group name or id")
    search.add_argument("query", metavar="QUERY", help="what to look for, e.g. 'rota budget'")
    search.add_argument(
        "--limit", type=int, default=50, metavar="N", help="at most N results (default 50)"
    )
    search.add_argument("--json", action="store_true", help="machine-readable output")


def _export_arguments(commands: Any, common: argparse.ArgumentParser) -> None:
    export = commands.add_parser(
        "export",
        parents=[common],
        help="a meeting's minutes (Markdown or JSON), or the whole group as a backup file",
        description="Write a meeting's minutes, ready to paste into an email: attendance, "
        "decisions, actions by owner, issues carried over, ratings and shared notes. "
        "Check-ins and presenter-only notes are confidential and left out unless "
        "--include-confidential. With --all, write the whole group (everything, confidential "
        "content included) as a JSON file that 'peertui import' reads back. Files are "
        "written readable by you only (0600).",
    )
    export.add_argument("group", metavar="GROUP", help="group name or id")
    export.add_argument(
        "--meeting",
        metavar="N|latest",
        help="the meeting's number in the group; latest (the default) is the most recent "
        "meeting that has ended, or the one in progress if none has ended yet",
    )
    export.add_argument(
        "--format", choices=["md", "json"], help="md (default) or json; --all is always json"
    )
    export.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (0600); '-' or none: standard output"
    )
    export.add_argument(
        "--include-confidential",
        action="store_true",
        help="include check-ins and presenter-only notes in the minutes",
    )
    export.add_argument(
        "--all", action="store_true", help="the whole group as JSON, for backup or a move"
    )


def _import_arguments(commands: Any, common: argparse.ArgumentParser) -> None:
    import_ = commands.add_parser(
        "import",
        parents=[common],
        help="recreate a group from a file written by 'peertui export GROUP --all'",
        description="Recreate a group, its whole history included, from a file written by "
        "'peertui export GROUP --all'; all or nothing, in one transaction.",
    )
    import_.add_argument("file", metavar="FILE", help="the group file ('-': standard input)")
    import_.add_argument(
        "--name", metavar="NEW", help="import under this name (when the name is taken)"
    )

COMMANDS: dict[str, Callable[[Any, argparse.ArgumentParser], None]] = {
    "demo": _demo_arguments,
    "meeting": _meeting_arguments,
    "group": _group_arguments,
    "member": _member_arguments,
    "issue": _issue_arguments,
    "share": _share_arguments,
    "followup": _followup_arguments,
    "review": _review_arguments,
    "search": _search_arguments,
    "export": _export_arguments,
    "import": _import_arguments,
}


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
    command = argv[0] if argv and argv[0] in COMMANDS else None
    args = build_parser(only=command).parse_args(argv)
    db: Path = getattr(args, "db", None) or default_db_path()
    if args.command not in (None, "meeting", "review"):
        resume_collector()  # the app resumes it once its first screen is painted
    if args.command is None:
        return run_app(db, mouse=not args.no_mouse)
    if args.command == "demo":
        return demo(args, getattr(args, "db", None))
    if args.command == "meeting":
        return run_app(
            db,
            mouse=not getattr(args, "no_mouse", False),
            prepare=lambda store: _open_meeting(store, args),
            identity=args.identity,
            observe=args.observe,
        )
    if args.command == "export":
        return asyncio.run(_with_store(db, _export, args))
    if args.command == "import":
        return _import(args, db)
    if args.command == "share":
        return _share(args, db)
    if args.command == "followup":
        return asyncio.run(_with_store(db, _followup, args))
    if args.command == "search":
        return asyncio.run(_with_store(db, _search, args))
    if args.command == "review":
        return run_app(
            db,
            mouse=not getattr(args, "no_mouse", False),
            prepare=lambda store: _find_group_id(store, args),
            review=True,
        )
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
        warning = await store.exposure_warning()
        if warning:
            print(f"peertui: warning: {visible(warning)}", file=sys.stderr)
        return await handler(store, args)
    finally:
        await store.close()


def _share(args: argparse.Namespace, db: Path) -> int:
    import shlex

    from peertui.store.share import share_group

    target = asyncio.run(share_group(db, args.group, args.path, args.unix_group))
    print(f"Shared in {target} with the Unix group {args.unix_group!r} (folder 2770, files 0660).")
    print("Members join the meeting with:")
    print(f"  peertui meeting {shlex.quote(visible(args.group))} --db {shlex.quote(str(target))}")
    return EXIT_OK


def run_app(
    db: Path,
    *,
    mouse: bool = True,
    on_exit: Callable[[], None] | None = None,
    prepare: Callable[[Store], Awaitable[int]] | None = None,
    review: bool = False,
    identity: str | None = None,
    observe: bool = False,
) -> int:
    """Run the app. With `prepare`, the store is opened first and `prepare(store)` names the
    meeting to open (or with `review`, the group to review): a bad argument is one line on
    the terminal before the screen is taken, and the app starts on that open store, in the
    same event loop (one open, not two, on the way to the first paint)."""

    async def run() -> int:
        store: Store | None = None
        target: int | None = None
        if prepare is not None:
            store = await Store.open(db)
            try:
                warning = await store.exposure_warning()
                if warning:
                    print(f"peertui: warning: {visible(warning)}", file=sys.stderr)
                target = await prepare(store)
            except BaseException:
                await store.close()
                raise
        return await run_ui(
            db,
            store=store,
            mouse=mouse,
            meeting_id=None if review else target,
            review_group=target if review else None,
            identity=identity,
            observe=observe,
        )

    try:
        return asyncio.run(run())
    finally:
        if on_exit:
            on_exit()


async def run_ui(db: Path, *, store: Store | None, mouse: bool, **options: Any) -> int:
    """The Textual app itself, on `store` if it is open already (the app closes it)."""
    from peertui.ui.app import PeerTuiApp  # Textual loads only when the app runs

    try:
        app = PeerTuiApp(db, store=store, **options)
        await app.run_async(mouse=mouse)
    finally:
        # The app closes its store when it unmounts; not if it failed before it mounted.
        if store is not None:
            await store.close()  # at most once: a second close does nothing
    if app.fatal_error:
        _fail(app.fatal_error)
        return EXIT_BAD_INPUT
    return app.return_code or EXIT_OK


# ---------------------------------------------------------------- demo


def demo(args: argparse.Namespace, db: Path | None) -> int:
    from peertui.core.demo import build_demo

    if not 0 < args.years <= 50:  # also refuses nan
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
    if args.identity:
        await store.find_member(group.id, args.identity)  # one clear line if unknown
    meeting_id = await store.meeting_in_progress(group.id)
    if meeting_id is not None:
        return meeting_id
    if args.observe:
        raise UsageError(f"no meeting of {visible(group.name)!r} is in progress to observe")
    wanted = args.template or group.default_template
    templates = await store.templates(group.id)
    template = next((t for t in templates if t.name.lower() == wanted.lower()), None)
    if template is None:
        names = ", ".join(repr(t.name) for t in templates)
        raise UsageError(f"no agenda template named {wanted!r}; choose one of {names}")
    try:
        return await store.start_meeting(group.id, template)
    except InvalidInput:
        # Another terminal started it a moment ago: join that one.
        meeting_id = await store.meeting_in_progress(group.id)
        if meeting_id is None:
            raise
        return meeting_id


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


# ---------------------------------------------------------------- between meetings


async def _find_group_id(store: Store, args: argparse.Namespace) -> int:
    return (await store.find_group(args.group)).id


async def _search(store: Store, args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= 1000:
        raise UsageError("--limit must be from 1 to 1000")
    group = await store.find_group(args.group)
    result = await store.search(group.id, args.query, limit=args.limit)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "kind": hit.kind,
                        "id": hit.id,
                        "issue_id": hit.issue_id,
                        "meeting_id": hit.meeting_id,
                        "meeting_number": hit.meeting_number,
                        "date": format_day(hit.at),
                        "title": hit.title or None,
                        "status": hit.status or None,
                        "who": hit.who or None,
                        "snippet": hit.snippet_text,
                    }
                    for hit in result.hits
                ],
                indent=2,
            )
        )
        return EXIT_OK
    if not result.hits:
        print(f"No matches for {visible(args.query)!r} in {visible(group.name)!r}.")
        return EXIT_OK
    count = f"{len(result.hits)}{'+' if result.more else ''}"
    noun = "match" if count == "1" else "matches"
    print(f"{count} {noun} for {visible(args.query)!r} in {visible(group.name)!r}, best first")
    labels = {"issue": "Issue", "commitment": "Action", "note": "Note"}
    for hit in result.hits:
        where = [f"{labels.get(hit.kind, hit.kind)} {hit.id}"]
        if hit.meeting_number is not None:
            where.append(f"meeting {hit.meeting_number}")
        where.append(format_day(hit.at))
        if hit.status:
            where.append(hit.status)
        if hit.who:
            where.append(visible(hit.who))
        print()
        print(" · ".join(where))
        if hit.title:
            print(f"  {visible(hit.title)}")
        print(f"  {visible(hit.snippet_text)}")
    if result.more:
        print(f"\n(more than {args.limit}; narrow the search or raise --limit)")
    return EXIT_OK


def _utc_iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat(timespec="seconds")


def _print_table(headers: list[str], rows: list[list[str]]) -> None:
    # Padded by terminal cells, not characters: a CJK character or an emoji takes two.
    from rich.cells import cell_len

    widths = [max(cell_len(cell) for cell in column) for column in zip(headers, *rows)]
    for row in [headers, *rows]:
        print("  ".join(cell + " " * (width - cell_len(cell)) for cell, width in zip(row, widths)).rstrip())


# ---------------------------------------------------------------- export and import


async def _export(store: Store, args: argparse.Namespace) -> int:
    from peertui.core.minutes import minutes_dict, render_markdown
    from peertui.store.export import group_file_text

    if args.all:
        if args.meeting is not None:
            raise UsageError("--all exports every meeting; leave out --meeting")
        if args.format == "md":
            raise UsageError("--all writes JSON only (--format json)")
    meeting = _meeting_number(args.meeting)
    if args.output not in (None, "-"):
        database = store.path.resolve()
        if Path(args.output).resolve() in {database, *(Path(f"{database}{x}") for x in ("-wal", "-shm"))}:
            raise UsageError(f"{args.output}: that is the database itself; choose another file")
    group = await store.find_group(args.group)
    if args.all:
        archive = await store.group_archive(group.id)
        text = group_file_text(archive)
        what = f"{visible(group.name)!r} ({len(archive.meetings)} meetings)"
    else:
        minutes = await store.meeting_minutes(
            group.id, meeting, include_confidential=args.include_confidential
        )
        if args.format == "json":
            text = json.dumps(minutes_dict(minutes), indent=2) + "\n"
        else:
            text = render_markdown(minutes)
        what = f"the minutes of meeting {minutes.number} of {visible(group.name)!r}"
    if args.output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        _write_private(Path(args.output), text)
        print(f"Wrote {what} to {visible(args.output)}")
    return EXIT_OK


def _meeting_number(raw: str | None) -> int | None:
    if raw is None or raw.strip().lower() == "latest":
        return None
    if raw.strip().isdecimal() and int(raw) > 0:  # isdigit() takes '²', which int() refuses
        return int(raw)
    raise UsageError(f"--meeting is a meeting number (1, 2, ...) or 'latest', not {raw!r}")


def _write_private(path: Path, text: str) -> None:
    """Write a whole file readable by its owner only (0600), replacing it in one step."""
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise UsageError(f"{path}: cannot write there ({error.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), 0o600)
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"{path}: cannot write ({error.strerror})") from None


def _import(args: argparse.Namespace, db: Path) -> int:
    """Read and check the whole file before the database is even opened: a bad file writes
    nothing, not even a new database."""
    from peertui.core.rules import group_name
    from peertui.store.export import parse_group_file

    source = "standard input" if args.file == "-" else args.file
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as error:
        raise UsageError(f"{source}: cannot read ({error.strerror})") from None
    try:
        archive = parse_group_file(raw)
    except InvalidInput as error:
        raise UsageError(f"{source}: {error}") from None
    if args.name is not None:
        archive.name = group_name(args.name)

    async def write(store: Store, _args: argparse.Namespace) -> int:
        if any(o.group.name == archive.name for o in await store.list_groups()):
            hint = "choose another" if args.name else "import it under another name"
            raise UsageError(
                f"a group named {visible(archive.name)!r} already exists in {db}; {hint} with --name NEW"
            )
        group = await store.import_archive(archive)
        print(
            f"Imported {visible(group.name)!r} (group id {group.id}): {len(archive.members)} "
            f"members, {len(archive.meetings)} meetings, {len(archive.issues)} issues."
        )
        return EXIT_OK

    return asyncio.run(_with_store(db, write, args))
