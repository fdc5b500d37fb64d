"""Where peertui keeps its files by default (platformdirs), created private."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "peertui"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    """PEERTUI_DB if set, else peertui.db in the user data directory."""
    env = os.environ.get("PEERTUI_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / "peertui.db"
