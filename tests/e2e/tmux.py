"""Driving the real `peertui` command in tmux, as a person at a terminal would."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest


def require_tmux() -> str:
    path = shutil.which("tmux")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is required for the end-to-end tests in CI")
        pytest.skip("tmux is not installed")
    return path


class Terminal:
    """One tmux session on a private server socket, running one command."""

    def __init__(self, command: list[str], *, width: int = 80, height: int = 24, env=None) -> None:
        self.tmux = require_tmux()
        self.socket = f"peertui-test-{uuid.uuid4().hex[:10]}"
        self.env = {**os.environ, **(env or {}), "TERM": "xterm-256color"}
        script = f"{shlex.join(command)}; echo PEERTUI-EXIT=$?; sleep 600"
        self._tmux("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), script)

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            [self.tmux, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=True,
        )
        return result.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "main")

    def send(self, *keys: str, pause: float = 0.12) -> None:
        """Send keys one at a time, like typing: tmux names (Enter, Tab, C-s) or literal text."""
        for key in keys:
            self._tmux("send-keys", "-t", "main", key)
            time.sleep(pause)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "main", "-l", text)
        time.sleep(0.12)

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear on screen:\n{screen}")
            time.sleep(0.1)

    def command_pid(self) -> int:
        """The pid of the command itself (the pane's shell runs it as its child)."""
        shell = self._tmux("display-message", "-p", "-t", "main", "#{pane_pid}").strip()
        children = subprocess.run(
            ["pgrep", "-P", shell], capture_output=True, text=True, check=True
        ).stdout.split()
        return int(children[0])

    def close(self) -> None:
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], capture_output=True)


def peertui_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "peertui", *args]
