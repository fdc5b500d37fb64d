"""Invalid command lines: exit code 2, one line on stderr starting `peertui:`, nothing on
stdout, no traceback, and the database not written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from peertui.store import Store
from tests.badinput.conftest import copy_db, one_line_error, run_async
from tests.badinput.world import Texts, make_worlds

LIVE = "Circle"  # has a meeting in progress
QUIET = "Quiet"  # has none


async def _seed(path: Path) -> None:
    await make_worlds(path, {"circle": Texts(group=LIVE)})
    async with await Store.open(path) as store:
        await store.create_group(QUIET, members=[("Ann", "ann")])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("arguments") / "template.db"
    run_async(_seed(path))
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    return copy_db(template, tmp_path / "args.db")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# (arguments, what the line says). "{db}" is the database, "{tmp}" a fresh folder.
CASES: dict[str, tuple[list[str], str]] = {
    # unknown subcommands and actions
    "unknown-subcommand": (["frobnicate"], "invalid choice: 'frobnicate'"),
    "unknown-action": (["group", "frob"], "invalid choice: 'frob'"),
    "group-without-action": (["group"], "required: ACTION"),
    "issue-without-action": (["issue"], "required: ACTION"),
    # missing arguments
    "member-add-nothing": (["member", "add"], "required: GROUP, NAME"),
    "member-add-no-name": (["member", "add", LIVE], "required: NAME"),
    "issue-add-no-title": (["issue", "add", LIVE], "required: TITLE"),
    "search-no-query": (["search", LIVE], "required: QUERY"),
    "meeting-no-group": (["meeting"], "required: GROUP"),
    "review-no-group": (["review"], "required: GROUP"),
    "export-no-group": (["export"], "required: GROUP"),
    "share-no-options": (["share", LIVE], "required: --path, --unix-group"),
    "db-without-path": (["group", "list", "--db"], "expected one argument"),
    # bad numbers
    "checkin-minutes-abc": (["group", "add", "X", "--checkin-minutes", "abc"], "invalid float value"),
    "checkin-minutes-negative": (["group", "add", "X", "--checkin-minutes", "-5"], "from 1 to 60"),
    "checkin-minutes-nan": (["group", "add", "X", "--checkin-minutes", "nan"], "from 1 to 60"),
    "checkin-minutes-inf": (["group", "add", "X", "--checkin-minutes", "inf"], "from 1 to 60"),
    "cadence-days-fraction": (["group", "add", "X", "--cadence-days", "1.5"], "invalid int value"),
    "cadence-days-zero": (["group", "add", "X", "--cadence-days", "0"], "from 1 to 365"),
    "minutes-negative": (["issue", "add", LIVE, "T", "--minutes", "-5"], "1 to 240"),
    "minutes-abc": (["issue", "add", LIVE, "T", "--minutes", "abc"], "invalid float value"),
    "minutes-nan": (["issue", "add", LIVE, "T", "--minutes", "nan"], "1 to 240"),
    "urgency-z": (["issue", "add", LIVE, "T", "--urgency", "Z"], "invalid choice: 'Z'"),
    "years-zero": (["demo", "--years", "0"], "--years must be"),
    "years-negative": (["demo", "--years", "-1"], "--years must be"),
    "years-nan": (["demo", "--years", "nan", "--no-open", "--db", "{tmp}/demo.db"], "--years must be"),
    "years-inf": (["demo", "--years", "inf"], "--years must be"),
    "years-abc": (["demo", "--years", "abc"], "invalid float value"),
    "seed-abc": (["demo", "--seed", "abc"], "invalid int value"),
    "cadence-daily": (["demo", "--cadence", "daily"], "invalid choice: 'daily'"),
    "no-open-without-db": (["demo", "--no-open"], "--no-open needs --db"),
    "limit-zero": (["search", LIVE, "x", "--limit", "0"], "--limit must be"),
    "limit-huge": (["search", LIVE, "x", "--limit", "99999"], "--limit must be"),
    "limit-abc": (["search", LIVE, "x", "--limit", "abc"], "invalid int value"),
    "meeting-number-abc": (["export", LIVE, "--meeting", "abc"], "--meeting is a meeting number"),
    "meeting-number-zero": (["export", LIVE, "--meeting", "0"], "--meeting is a meeting number"),
    "meeting-number-negative": (["export", LIVE, "--meeting", "-1"], "--meeting is a meeting number"),
    "meeting-number-fraction": (["export", LIVE, "--meeting", "1.5"], "--meeting is a meeting number"),
    "meeting-number-superscript": (["export", LIVE, "--meeting", "²"], "--meeting is a meeting number"),
    "meeting-number-missing": (["export", LIVE, "--meeting", "99"], "has no meeting 99"),
    "format-xml": (["export", LIVE, "--format", "xml"], "invalid choice: 'xml'"),
    "all-as-markdown": (["export", LIVE, "--all", "--format", "md"], "--all writes JSON only"),
    "all-with-meeting": (["export", LIVE, "--all", "--meeting", "1"], "leave out --meeting"),
    "output-no-folder": (["export", LIVE, "-o", "{tmp}/no/such/x.md"], "cannot write there"),
    "output-the-database": (["export", LIVE, "-o", "{db}"], "that is the database itself"),
    # unknown options
    "unknown-option": (["group", "list", "--bogus"], "unrecognized arguments: --bogus"),
    "unknown-short-option": (["search", LIVE, "x", "-z"], "unrecognized arguments: -z"),
    # unknown groups and members
    "unknown-group": (["member", "list", "Nope"], "There is no group named 'Nope'"),
    "unknown-group-id": (["member", "list", "99"], "There is no group named '99'"),
    "superscript-group-id": (["member", "list", "²"], "There is no group named '²'"),
    "blank-group": (["member", "list", "   "], "There is no group named ''"),
    "unknown-group-meeting": (["meeting", "Nope"], "There is no group named 'Nope'"),
    "unknown-group-review": (["review", "Nope"], "There is no group named 'Nope'"),
    "unknown-group-export": (["export", "Nope"], "There is no group named 'Nope'"),
    "unknown-group-search": (["search", "Nope", "x"], "There is no group named 'Nope'"),
    "unknown-group-followup": (["followup", "Nope"], "There is no group named 'Nope'"),
    "unknown-member-by": (["issue", "add", LIVE, "T", "--by", "Nobody"], "no member named 'Nobody'"),
    "unknown-member-followup": (["followup", LIVE, "--member", "Nobody"], "no member named 'Nobody'"),
    "as-unknown-member": (["meeting", LIVE, "--as", "Nobody"], "no member named 'Nobody'"),
    "observe-without-meeting": (["meeting", QUIET, "--observe"], "no meeting of 'Quiet' is in progress"),
    "unknown-template": (["meeting", QUIET, "--template", "Nope"], "no agenda template named 'Nope'"),
    # bad values
    "bad-login": (["member", "add", LIVE, "Dee", "--login", "a b"], "is not a Unix login name"),
    "empty-group-name": (["group", "add", ""], "cannot be empty"),
    "blank-title": (["issue", "add", LIVE, "   "], "needs a title"),
    "taken-group-name": (["group", "add", QUIET], "already exists"),
    "import-missing-file": (["import", "{tmp}/missing.json"], "cannot read"),
    "import-a-database": (["import", "{db}"], "not a peertui group file"),
    "import-bad-json": (["import", "{tmp}/bad.json"], "not a peertui group file"),
    "unknown-unix-group": (["share", LIVE, "--path", "{tmp}/shared", "--unix-group", "no_such_grp"],
                           "There is no Unix group named"),
}
# The real entry point for one case of each kind.
REAL = [
    "unknown-subcommand", "member-add-no-name", "checkin-minutes-abc", "years-zero",
    "unknown-option", "unknown-group", "as-unknown-member", "observe-without-meeting",
    "meeting-number-superscript",
]


def _args(name: str, db: Path, tmp: Path) -> list[str]:
    args, _ = CASES[name]
    args = [a.replace("{db}", str(db)).replace("{tmp}", str(tmp)) for a in args]
    if args[0] == "demo" or "--db" in args:
        return args
    if args in (["group"], ["issue"]):  # `group --db PATH` would take PATH for the action
        return ["--db", str(db), *args]
    return [*args, "--db", str(db)]


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    folder = tmp_path / "scratch"
    folder.mkdir()
    (folder / "bad.json").write_text('{"format": "peertui-group", "version": ')
    return folder


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_command_line_is_one_line_and_exit_2(cli, db: Path, scratch: Path, cases, name: str) -> None:
    before = _digest(db)
    result = cli(*_args(name, db, scratch))
    cases.tried()
    line = one_line_error(result)
    assert CASES[name][1] in line, line
    assert _digest(db) == before, "the database was written"
    assert not (scratch / "demo.db").exists() and not (scratch / "shared").exists()


@pytest.mark.parametrize("name", REAL)
def test_the_real_command_line_too(subprocess_cli, db: Path, scratch: Path, cases, name: str) -> None:
    result = subprocess_cli(*_args(name, db, scratch))
    cases.tried()
    assert CASES[name][1] in one_line_error(result)
