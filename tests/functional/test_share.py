"""Sharing a group's database with a Unix group, and the warning for unshared exposure."""

from __future__ import annotations

import grp
import os
import stat
import subprocess
import sys
from pathlib import Path

GROUP_NAME = grp.getgrgid(os.getgid()).gr_name


def peertui(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "peertui", *args], capture_output=True, text=True, check=check
    )


def test_share_moves_the_database_into_a_setgid_folder(tmp_path: Path) -> None:
    db = tmp_path / "private" / "peertui.db"
    peertui("group", "add", "Deputy Circle", "--db", str(db), check=True)
    peertui("member", "add", "Deputy Circle", "Ann", "--login", "ann", "--db", str(db), check=True)
    shared_dir = tmp_path / "shared"
    result = peertui(
        "share", "Deputy Circle", "--path", str(shared_dir), "--unix-group", GROUP_NAME,
        "--db", str(db),
    )
    assert result.returncode == 0, result.stderr
    target = shared_dir / "deputy-circle.db"
    assert f"peertui meeting 'Deputy Circle' --db {target}" in result.stdout
    assert not db.exists()  # moved, not copied
    folder = shared_dir.stat()
    assert stat.S_IMODE(folder.st_mode) == 0o2770 and folder.st_gid == os.getgid()
    assert stat.S_IMODE(target.stat().st_mode) == 0o660
    listed = peertui("member", "list", "Deputy Circle", "--db", str(target), check=True)
    assert "Ann" in listed.stdout
    assert "warning" not in listed.stderr  # shared on purpose: no exposure warning


def test_sharing_twice_or_to_an_unknown_group_is_refused_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "peertui.db"
    peertui("group", "add", "Circle", "--db", str(db), check=True)
    unknown = peertui(
        "share", "Circle", "--path", str(tmp_path / "s"), "--unix-group", "no-such-group-x",
        "--db", str(db),
    )
    assert unknown.returncode == 2
    assert unknown.stderr.count("\n") == 1 and "no Unix group" in unknown.stderr
    assert db.exists()
    first = peertui("share", "Circle", "--path", str(tmp_path / "s"), "--unix-group", GROUP_NAME, "--db", str(db))
    assert first.returncode == 0
    peertui("group", "add", "Circle", "--db", str(db), check=True)
    again = peertui("share", "Circle", "--path", str(tmp_path / "s"), "--unix-group", GROUP_NAME, "--db", str(db))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_a_database_others_can_read_but_never_shared_gets_a_warning(tmp_path: Path) -> None:
    db = tmp_path / "peertui.db"
    peertui("group", "add", "Circle", "--db", str(db), check=True)
    assert "warning" not in peertui("group", "list", "--db", str(db)).stderr
    db.chmod(0o644)
    listed = peertui("group", "list", "--db", str(db))
    assert listed.returncode == 0
    assert "can be read by other users (mode 644) but was never shared" in listed.stderr
