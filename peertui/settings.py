"""Per-user preferences (theme), kept apart from group data in the user config directory."""

from __future__ import annotations

import json
import os
from pathlib import Path

from msgspec import Struct
from msgspec.structs import asdict

from peertui.paths import config_dir

DEFAULT_THEME = "textual-dark"


class Settings(Struct):
    theme: str = DEFAULT_THEME

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or settings_path()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        theme = raw.get("theme") if isinstance(raw, dict) else None
        return cls(theme=theme if isinstance(theme, str) else DEFAULT_THEME)

    def save(self, path: Path | None = None) -> None:
        """Best effort: a preference that cannot be saved must never stop the app."""
        path = path or settings_path()
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(asdict(self), handle)
            os.replace(tmp, path)
        except OSError:
            pass


def settings_path() -> Path:
    return config_dir() / "settings.json"
