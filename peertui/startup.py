"""The `peertui` command's entry point: start-up with the garbage collector paused.

While peertui imports its modules and draws its first screen, nearly every object it makes
lives as long as the process, so the collector's passes over them free nothing and cost
about 15 ms before the first paint. The command pauses the collector from its first line;
once the first screen is painted (or a subcommand is about to run), everything made so far
is frozen out of later passes and collection resumes as usual.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    """Collect as usual from here on; what start-up made is left out of every later pass."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def main() -> None:
    pause_collector()
    try:
        from peertui.cli import main as cli_main

        cli_main()
    finally:
        resume_collector()
