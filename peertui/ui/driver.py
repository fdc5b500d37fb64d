"""Textual's Linux driver, with an input thread that sleeps until there is input.

Textual's input thread wakes ten times a second whether or not a key was pressed: to see
if the app is closing, and to time out a lone Escape (which could be the start of a longer
key sequence). In an app that otherwise waits for a once-a-second clock, those wake-ups were
a quarter of its CPU, in every terminal of a meeting. This thread waits on the terminal and
on a wake-up pipe instead; it sets a timeout only while the parser holds a pending Escape.

Written against Textual's LinuxDriver.run_input_thread (textual is pinned exactly); the
tmux tests drive it as a person would: keys, Escape, the mouse, paste, resizing.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class QuietLinuxDriver(LinuxDriver):
    _wake_read: int | None = None
    _wake_write: int | None = None

    def start_application_mode(self) -> None:
        self._wake_read, self._wake_write = os.pipe()
        super().start_application_mode()

    def disable_input(self) -> None:
        # A byte on the pipe stops the input thread, which Textual then joins.
        if self._wake_write is not None:
            try:
                os.write(self._wake_write, b"x")
            except OSError:
                pass
        super().disable_input()

    def stop_application_mode(self) -> None:
        try:
            super().stop_application_mode()
        finally:
            for fd in (self._wake_read, self._wake_write):
                if fd is not None:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            self._wake_read = self._wake_write = None

    def run_input_thread(self) -> None:
        """As Textual's, but blocking: no timeout unless an Escape waits to be timed out."""
        fileno = self.fileno
        wake = self._wake_read
        if wake is None:  # not started the usual way: Textual's own loop
            super().run_input_thread()
            return
        selector = selectors.DefaultSelector()
        selector.register(fileno, selectors.EVENT_READ)
        selector.register(wake, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def timeout() -> float | None:
            due = parser._timeout_time  # set while a lone Escape may still grow a sequence
            return None if due is None else max(0.0, due - get_time())

        try:
            stopping = False
            while not (stopping or self.exit_event.is_set()):
                for key, _mask in selector.select(timeout()):
                    if key.fd == wake:
                        stopping = True
                        continue
                    data = decode(os.read(fileno, 1024 * 4))
                    if not data:  # stdin closed (piped input ran out): wait for the stop
                        selector.unregister(fileno)
                        continue
                    for event in parser.feed(data):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
