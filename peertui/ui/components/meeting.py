"""The live meeting: agenda phase, the round-robin check-in and closing round, attendance.

Everything shown is computed from the stored MeetingState and the clock; the screen keeps
no truth of its own. One timer wakes the screen when the visible second changes.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from peertui.core.agenda import describe_pace, format_duration, pace
from peertui.core.models import MeetingState
from peertui.core.rules import InvalidInput
from peertui.core.timer import Round, SpeakerStatus, TimerError, TurnClock
from peertui.store import StoreError
from peertui.ui.commands import ScreenActions
from peertui.ui.compositor import RowCroppedCompositor
from peertui.ui.components.line_table import Column, LineTable
from peertui.ui.components.timebar import Countdown, TimeBar
from peertui.ui.components.meeting_presence import (
    PRESENCE_BINDINGS,
    PRESENCE_PALETTE,
    PresenceActions,
)
from peertui.ui.components.meeting_queue import QUEUE_BINDINGS, QUEUE_PALETTE, QueueActions
from peertui.ui.messages import StoreChanged
from peertui.ui.text import fitted, literal

if TYPE_CHECKING:
    from peertui.ui.components.notes import NoteScope, NotesPane

ORDER_MODES = ("roster", "shuffled", "quietest")
ORDER_LABELS = {"roster": "roster order", "shuffled": "shuffled", "quietest": "quietest first"}
FLASH_SECONDS = 1.5
STATUS_MARKS = {
    SpeakerStatus.DONE: "✓",
    SpeakerStatus.PASSED: "–",
    SpeakerStatus.SPEAKING: "▶",
    SpeakerStatus.WAITING: "·",
    SpeakerStatus.SKIPPED: "↷",
}


ONE_LINE = {"#meeting-bar", "#presence"}
SPEAKERS = Binding.Group("Speaker", compact=True)
TIME = Binding.Group("±1m", compact=True)


# Which actions make sense in which mode of the screen (see MeetingScreen.mode).
ROUND_ACTIONS = {
    "toggle", "next_speaker", "previous_speaker", "skip", "pass_turn", "more_time",
    "less_time", "end_round", "cycle_order", "move",
}
DISCUSSION_ACTIONS = {"toggle", "next_step", "previous_step", "more_time", "less_time", "outcome"}
QUEUE_ACTIONS = {"vote", "unvote", "next_voter", "discuss", "sort", "parking_lot", "merge", "move"}
REVIEW_ACTIONS = {"review"}
ANY_MODE = {
    "next_phase", "previous_phase", "toggle_absent", "mark_late", "ratings", "closing_word",
    "end_meeting", "agenda", "leave", "raise_issue", "command_palette",
    "raise_hand", "call_hand", "take_over", "hand_over",
    "notes", "read_notes", "toggle_note_visibility",
}


class MeetingScreen(PresenceActions, QueueActions, Screen[None]):
    COMMANDS = Screen.COMMANDS | {ScreenActions}
    BINDINGS = [
        Binding("space", "toggle", "Start/pause"),
        Binding("p", "previous_speaker", "Previous", group=SPEAKERS),
        Binding("n", "next_speaker", "Next", group=SPEAKERS),
        Binding("s", "skip", "Skip"),
        Binding("x", "pass_turn", "Pass"),
        Binding("plus,equals_sign", "more_time", "More time", key_display="+", group=TIME),
        Binding("minus,underscore", "less_time", "Less time", key_display="-", group=TIME),
        Binding("e", "end_round", "End round"),
        Binding("N", "next_phase", "Next phase", show=False),
        Binding("P", "previous_phase", "Previous phase", show=False),
        Binding("A", "toggle_absent", "Absent/present", show=False),
        Binding("L", "mark_late", "Late", show=False),
        Binding("o", "cycle_order", "Order", show=False),
        Binding("J", "move(1)", "Move later", show=False),
        Binding("K", "move(-1)", "Move earlier", show=False),
        Binding("r", "ratings", "Ratings", show=False),
        Binding("w", "closing_word", "Closing word", show=False),
        Binding("E", "end_meeting", "End meeting", show=False),
        Binding("G", "agenda", "Agenda", show=False),
        Binding("escape", "leave", "Home", show=False),
        Binding("ctrl+n", "notes", "Notes"),
        Binding("ctrl+r", "read_notes", "Read notes", show=False),
        Binding("ctrl+t", "toggle_note_visibility", "Presenter only", show=False),
        *QUEUE_BINDINGS,
        *PRESENCE_BINDINGS,
    ]
    PALETTE = [
        ("Notes: open, switch (meeting, issue, private) and focus", "ctrl+n", "notes"),
        ("Read the notes as Markdown", "ctrl+r", "read_notes"),
        ("Toggle presenter-only for these notes", "ctrl+t", "toggle_note_visibility"),
        *QUEUE_PALETTE,
        *PRESENCE_PALETTE,
        ("Start or pause the timer", "space", "toggle"),
        ("Next speaker", "n: the speaker is done; the next one starts", "next_speaker"),
        ("Previous speaker", "p: give the floor back to the one before", "previous_speaker"),
        ("Skip speaker", "s: they come back at the end of the round", "skip"),
        ("Pass", "x: the speaker passes this round", "pass_turn"),
        ("Add one minute for this speaker", "+", "more_time"),
        ("Remove one minute from this speaker", "-", "less_time"),
        ("End the round", "e: everyone still waiting is left out", "end_round"),
        ("Next phase of the agenda", "N", "next_phase"),
        ("Previous phase of the agenda", "P", "previous_phase"),
        ("Mark the highlighted member absent or present", "A", "toggle_absent"),
        ("Mark the highlighted member late", "L: they join the end of the round", "mark_late"),
        ("Order the round: roster, shuffled, quietest first", "o", "cycle_order"),
        ("Move the highlighted member later in the round", "J", "move(1)"),
        ("Move the highlighted member earlier in the round", "K", "move(-1)"),
        ("Rate the meeting (1 to 10 per member)", "r", "ratings"),
        ("Record the closing word of the speaker", "w", "closing_word"),
        ("Edit the agenda or save it as a template", "G", "agenda"),
        ("End the meeting and save it", "E", "end_meeting"),
        ("Go home (the meeting goes on)", "escape", "leave"),
    ]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self._compositor = RowCroppedCompositor()  # the clock's tick repaints its own lines
        self.meeting_id = meeting_id
        self.state: MeetingState | None = None
        self._tick: Timer | None = None
        self._rung: set[float] = set()
        self._order_mode: str | None = None
        self._shown: dict[str, Any] = {}
        self._mode = ""
        self.notes_open = False
        self.notes_pane: NotesPane | None = None  # built when the notes first open
        self._away = False  # another screen is on top
        self._parts: dict[str, Any] = {}
        self.init_queue()
        self.init_presence()

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        # The lines around the clock come in groups: Textual repaints every widget whose
        # container overlaps a change, so the clock's tick then passes over two groups
        # instead of their six lines one by one.
        with Vertical(id="meeting-top", classes="group"):
            yield Static("", id="meeting-bar")
            yield Static("", id="presence")
        with Horizontal(id="meeting-body"):
            with Vertical(id="stage"):
                with Vertical(classes="group"):
                    yield Static("", id="prompt")
                    yield Static("", id="speaker")
                yield Countdown("", id="countdown")
                yield TimeBar(id="progress")
                with Vertical(classes="group"):
                    yield Static("", id="up-next")
                    yield Static("", id="speaker-commitments")
            with ContentSwitcher(id="side", initial="round"):
                yield LineTable(id="round")
                yield LineTable(id="queue")
                yield LineTable(id="review")

    async def on_mount(self) -> None:
        self.layout_side(self.app.size.width)
        await self.reload()
        self.side_table().focus()
        self.part("#presence")  # found now: the join below may end as the screen is removed
        # Joining is a write (a commit and its fsync): it runs while the first frame is drawn,
        # and on the app's own message queue, so a key pressed before the role is known waits
        # in that queue until it is.
        self.app.call_later(self.join_and_show_presence)
        # The footer's keys are the costliest widgets here (each styled on its own): they come
        # a frame after the meeting itself, so the speaker and the clock show first.
        self.call_after_refresh(self.mount_footer)

    async def join_and_show_presence(self) -> None:
        if not self.is_attached:  # closed already (a fatal error, a quick quit)
            return
        try:
            await self.join()
            await self.load_presence()
            self.render_presence()
        finally:
            self.joined = True  # or tried to: the error is on the screen

    async def mount_footer(self) -> None:
        if not self.is_attached:  # closed already (a fatal error, a quick quit)
            return
        from textual.widgets import Footer  # imported once the meeting is on the screen

        await self.mount(Footer())
        self.refresh_bindings()  # the footer lists the keys when told they are known

    def on_resize(self, event: events.Resize) -> None:
        if self.layout_side(event.size.width):
            self.render_state()

    def layout_side(self, screen_width: int) -> bool:
        """Size the side tables to the terminal: wider screens show longer names.

        Returns True when the columns were rebuilt (the rows must be filled again).
        """
        extra = max(0, min(30, (screen_width - 80) // 2))
        if self._shown.get("extra") == extra:
            return False
        self._shown = {"extra": extra}
        self.part("#side").styles.width = 42 + extra
        self.name_width = 16 + extra // 2
        self.note_width = 8 + extra - extra // 2
        self.part("#round").set_columns([
            Column("mark", "", 1),
            Column("name", "Member", self.name_width),
            Column("time", "Time", 6),
            Column("note", "", self.note_width),
        ])
        self.mount_queue_tables(extra)
        return True

    async def on_store_changed(self, message: StoreChanged) -> None:
        if self.notes_pane is not None and self.notes_open and message.touches("note"):
            await self.notes_pane.pull()
        if message.touches("presence", "hand"):
            await self.load_presence()
            self.render_presence()
        # Notes edits only concern the notes pane: no full reload while someone types.
        if any(change.entity not in ("presence", "hand", "note") for change in message.changes):
            await self.reload()

    @property
    def mode(self) -> str:
        """round (check-in, closing) · queue · discussion · review (to-do review)."""
        state = self.state
        if state is None:
            return ""
        kind = state.phase.kind
        if kind == "issues":
            return "discussion" if self.discussion is not None else "queue"
        if kind == "review":
            return "review"
        return "round"

    def side_table(self) -> Widget:
        table_id = {"queue": "queue", "discussion": "queue", "review": "review"}.get(self.mode, "round")
        return self.part(f"#{table_id}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.may(action):
            return False
        if self.notes_open and action == "discuss":
            return False  # Enter types a new line in the notes
        if action == "review":
            if self.mode == "review":
                return True
            # In the check-in: only while the speaker has a commitment left to mark.
            return (
                self.state is not None
                and self.state.phase.kind == "checkin"
                and self.next_to_review() is not None
            )
        if action in ANY_MODE:
            return True
        mode = self.mode
        allowed = {
            "round": ROUND_ACTIONS,
            "queue": QUEUE_ACTIONS,
            "discussion": DISCUSSION_ACTIONS,
            "review": REVIEW_ACTIONS,
        }.get(mode, set())
        if action == "move" and mode == "queue":
            return True
        return action in allowed

    def on_screen_suspend(self) -> None:
        self._away = True

    async def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler (this class comes first in the MRO).
        if not self._away:
            # The first showing: every widget was styled as it mounted and on_mount has just
            # loaded it all; restyling the whole screen again would delay the first frame.
            event.refresh_styles = False
            return
        self._away = False
        await self.reload()

    def on_unmount(self) -> None:
        if self._tick is not None:
            self._tick.stop()

    # ------------------------------------------------------------------ data

    def part(self, selector: str) -> Any:
        """One of this screen's widgets by its #id, found once: query_one walks the DOM, and
        the clock asks for the same few widgets every second."""
        widget = self._parts.get(selector)
        if widget is None:
            widget = self._parts[selector] = self.query_one(selector)
        return widget

    @property
    def now(self) -> float:
        return self.app.clock()

    async def reload(self) -> None:
        try:
            self.state = await self.app.store.load_meeting(self.meeting_id)
            await self.load_queue_data()
        except StoreError as error:
            self.app.report(error)
            return
        self.render_state()

    def current_round(self) -> tuple[str, Round] | None:
        state = self.state
        if state is None:
            return None
        kind = state.phase.kind
        if kind == "checkin":
            return "checkin", state.checkin
        if kind == "wrapup" and state.closing is not None:
            return "closing", state.closing
        return None

    def stage_clock(self) -> TurnClock | None:
        """The clock the big countdown shows: the speaker's, or the phase's timebox."""
        state = self.state
        if state is None:
            return None
        if self.discussion is not None and state.phase.kind == "issues":
            return self.discussion[1].clock
        current = self.current_round()
        if current is not None:
            _, the_round = current
            if the_round.current_clock is not None:
                return the_round.current_clock
            if not the_round.is_finished:
                return None
        return TurnClock(state.phase.minutes * 60, started_at=state.phase_started_at)

    # ------------------------------------------------------------------ rendering

    def render_state(self) -> None:
        state = self.state
        if state is None:
            return
        if state.ended_at is not None:
            self._set("#prompt", "This meeting has ended and is saved.")
            return
        mode = self.mode
        if mode != self._mode:
            self._mode = mode
            if not self.notes_open:
                self.part("#side").current = self.side_table().id
                self.side_table().focus()
            self.refresh_bindings()
        current = self.current_round()
        phase = state.phase
        self._set("#speaker-commitments", self.stage_note())
        reviewable = self.state.phase.kind == "checkin" and self.next_to_review() is not None
        if reviewable != self._shown.get("reviewable"):
            self._shown["reviewable"] = reviewable
            self.refresh_bindings()
        if mode in ("queue", "discussion", "review"):
            self.render_queue_stage()
        elif current is None:
            self._set("#prompt", literal(f"{phase.name} · timebox {phase.minutes:g} min"))
            self._set("#speaker", "")
            self._set("#up-next", "N moves to the next phase when the group is ready.")
        else:
            kind, the_round = current
            prompt = state.checkin_prompt if kind == "checkin" else "One word to close the meeting."
            self._set("#prompt", literal(f"{phase.name} · {prompt}"))
            speaker = the_round.speaker
            up_next = the_round.up_next
            if the_round.is_finished:
                self._set("#speaker", "Round complete")
                self._set("#up-next", "Up next: nobody; N moves to the next phase.")
            else:
                name = state.members[speaker].name if speaker is not None else "Nobody yet"
                self._set("#speaker", literal(name))
                next_name = state.members[up_next].name if up_next is not None else "nobody"
                self._set("#up-next", literal(f"Up next: {next_name}"))
        if mode == "round":
            self._render_table()
        else:
            self.render_queue_tables()
        self.render_clock()

    def _render_table(self) -> None:
        state = self.state
        assert state is not None
        table = self.part("#round")
        current = self.current_round()
        the_round = current[1] if current else state.checkin
        now = self.now
        airtime = the_round.airtime(now)
        longest = max(airtime.values(), default=0.0) or 1.0
        rows: list[tuple[Any, ...]] = []
        in_round = set(the_round.order)
        for turn in the_round.turns:
            attendee = state.attendee(turn.member_id)
            if attendee is None:
                continue
            note = "late" if attendee.status == "late" else ""
            if turn.status is SpeakerStatus.SPEAKING:
                note = "speaking"
            elif turn.status is SpeakerStatus.SKIPPED:
                note = "skipped"
            elif turn.status is SpeakerStatus.PASSED:
                note = "passed"
            if the_round.is_finished and turn.clock.is_started:
                note = "█" * max(1, round(8 * airtime[turn.member_id] / longest))
            if current is not None and current[0] == "closing":
                rating = f"{attendee.rating} " if attendee.rating else ""
                note = rating + (attendee.closing_word or "")
            spoken = ""
            if turn.clock.is_started and turn.status is not SpeakerStatus.SPEAKING:
                spoken = format_duration(airtime[turn.member_id])
            if turn.clock.is_started and turn.clock.overtime(now) > 0 and turn.status is not SpeakerStatus.SPEAKING:
                spoken += " +"
            rows.append((turn.member_id, STATUS_MARKS[turn.status], attendee.member.name, spoken, note))
        for attendee in state.attendees:
            if attendee.member.id not in in_round:
                note = "absent" if attendee.status == "absent" else "not in round"
                rows.append((attendee.member.id, "✗" if attendee.status == "absent" else " ", attendee.member.name, "", note))
        signature = tuple(rows)
        if self._shown.get("table") == signature:
            return
        self._shown["table"] = signature

        def cells(row: tuple[Any, ...]) -> tuple[Any, ...]:
            _, mark, name, spoken, note = row
            style = "dim" if mark in ("✗", "✓", "–") else ("bold" if mark == "▶" else "")
            return (mark, fitted(name, self.name_width, style=style), spoken, fitted(note, self.note_width))

        # The table repaints only the rows that changed; its cursor stays on its member.
        table.set_rows([(str(row[0]), cells(row)) for row in rows])

    def render_clock(self) -> None:
        """Repaint what depends on the time: countdown, bar, state line, meeting bar."""
        state = self.state
        if state is None or state.ended_at is not None:
            return
        now = self.now
        clock = self.stage_clock()
        current = self.current_round()
        stage = self.part("#stage")
        if clock is None:
            self._set_digits(format_duration(current[1].default_allotted_s if current else 0))
            self._set_clock(0, 1, "Press space to start the round.")
            stage.set_class(False, "-warning")
            stage.set_class(False, "-overtime")
        else:
            remaining = clock.remaining(now)
            overtime = remaining < 0
            warning = clock.is_warning(now, state.group.warn_seconds)
            if overtime:
                self._set_digits("+" + format_duration(math.floor(-remaining)))
            else:
                self._set_digits(format_duration(math.ceil(remaining)))
            stage.set_class(warning, "-warning")
            stage.set_class(overtime, "-overtime")
            left = format_duration(math.ceil(max(remaining, 0)))
            of = format_duration(clock.allotted_s)
            if overtime:
                status = f"OVERTIME +{format_duration(math.floor(-remaining))} (had {of})"
            elif clock.is_ended:
                status = "Round complete"
            elif self.mode == "discussion":
                status = f"{left} left of {of}"
            elif current is None:
                status = f"{left} left · timebox {of}"
            else:
                status = f"{left} left of {of}"
            if clock.is_paused:
                status = f"Paused · {status} · space resumes"
            self._set_clock(min(clock.elapsed(now), clock.allotted_s), clock.allotted_s or 1, status)
            self._maybe_ring(clock, remaining)
            self.check_timebox(now)
        self._render_bar(now)
        self._schedule_tick(clock, now)

    def _render_bar(self, now: float) -> None:
        state = self.state
        assert state is not None
        where = pace(state.phases, state.started_at, state.phase_index, state.phase_started_at, now)
        ends = datetime.fromtimestamp(where.forecast_end).strftime("%H:%M")
        # Called every second, but the bar changes about once a minute: build it only then.
        key = (
            state.phase.name, state.phase_index, len(state.phases), int(where.elapsed_s // 60),
            describe_pace(where.behind_s), ends, state.group.name,
        )
        if self._shown.get("bar-key") == key:
            return
        self._shown["bar-key"] = key
        # The group's name goes last: on a narrow terminal it is what gets cut.
        bar = Text.assemble(
            literal(f"{state.phase.name} ({state.phase_index + 1}/{len(state.phases)})", style="bold"),
            f" · {key[3]} min in",
            f" · {key[4]}",
            f" · ends ~{ends} · ",
            literal(state.group.name),
        )
        self._set("#meeting-bar", bar)

    def _set(self, selector: str, content: Any) -> None:
        """Update a widget only when what it shows changes (keeps idle repaints at zero).

        One-line widgets skip the layout pass: their size cannot change.
        """
        key = str(content) if not isinstance(content, Text) else content.markup
        if self._shown.get(selector) == key:
            return
        self._shown[selector] = key
        self.part(selector).update(content, layout=selector not in ONE_LINE)

    def _set_digits(self, value: str) -> None:
        if self._shown.get("digits") != value:
            self._shown["digits"] = value
            self.part("#countdown").update(value)

    def _set_clock(self, progress: float, total: float, status: str) -> None:
        self.part("#progress").show(progress / total if total else 1.0, status)

    def _maybe_ring(self, clock: TurnClock, remaining: float) -> None:
        """At zero: a bell and a visible flash, once per turn (not again after a restart)."""
        if not clock.is_running or remaining > 0 or clock.started_at is None:
            return
        if clock.started_at in self._rung:
            return
        self._rung.add(clock.started_at)
        if remaining > -2:
            self.app.bell()
            stage = self.part("#stage")
            stage.add_class("-flash")
            self.set_timer(FLASH_SECONDS, lambda: stage.remove_class("-flash"))

    def _schedule_tick(self, clock: TurnClock | None, now: float) -> None:
        """Wake exactly when the shown second changes; otherwise once the minute turns."""
        if self._tick is not None:
            self._tick.stop()
        if clock is not None and clock.is_running:
            remaining = clock.remaining(now)
            if remaining > 0:
                delay = remaining - (math.ceil(remaining) - 1)
            else:
                over = -remaining
                delay = math.floor(over) + 1 - over
        else:
            elapsed = now - (self.state.started_at if self.state else now)
            delay = 60 - (elapsed % 60)
        self._tick = self.set_timer(max(0.02, delay + 0.005), self.render_clock, name="meeting-tick")

    # ------------------------------------------------------------------ actions

    def highlighted_member(self) -> int | None:
        key = self.part("#round").cursor_key
        return None if key is None else int(key)

    async def _do(self, action: Awaitable[Any]) -> bool:
        """Run one store action; explain refusals; re-render from the store either way."""
        try:
            await action
        except (TimerError, InvalidInput) as error:
            # Inert: a refusal may name a member ("NAME is facilitating").
            self.app.notify(literal(str(error)).plain.capitalize(), severity="warning", markup=False)
            return False
        except StoreError as error:
            self.app.report(error)
            return False
        await self.reload()
        return True

    async def _round_op(self, what: str, operation) -> None:
        current = self.current_round()
        if current is None:
            self.app.notify(
                f"{self.state.phase.name if self.state else 'This phase'} has no speaking round.",
                severity="warning",
                markup=False,
            )
            return
        kind, _ = current
        await self._do(self.app.store.change_round(self.meeting_id, kind, operation, what))

    async def action_toggle(self) -> None:
        if self.mode == "discussion":
            await self.discussion_op("toggle", lambda d, now: d.toggle(now))
            return
        current = self.current_round()
        if current is not None and not current[1].is_started:
            await self._round_op("start", lambda r, now: r.start_round(now))
        else:
            await self._round_op("toggle", lambda r, now: r.toggle_pause(now))

    async def action_next_speaker(self) -> None:
        current = self.current_round()
        if current is not None and not current[1].is_started:
            await self._round_op("start", lambda r, now: r.start_round(now))
        else:
            await self._round_op("next", lambda r, now: r.next(now))

    async def action_previous_speaker(self) -> None:
        await self._round_op("previous", lambda r, now: r.previous(now))

    async def action_skip(self) -> None:
        await self._round_op("skip", lambda r, now: r.skip(now))

    async def action_pass_turn(self) -> None:
        await self._round_op("pass", lambda r, now: r.pass_(now))

    async def action_more_time(self) -> None:
        if self.mode == "discussion":
            await self.discussion_op("add", lambda d, _now: d.add_time(60))
        else:
            await self._round_op("add", lambda r, _now: r.add_time(60))

    async def action_less_time(self) -> None:
        if self.mode == "discussion":
            await self.discussion_op("subtract", lambda d, _now: d.add_time(-60))
        else:
            await self._round_op("subtract", lambda r, _now: r.add_time(-60))

    async def action_end_round(self) -> None:
        await self._round_op("end", lambda r, now: r.end(now))

    async def action_next_phase(self) -> None:
        if self.state is None:
            return
        if self.state.phase_index + 1 >= len(self.state.phases):
            self.app.notify("This is the last phase: E ends the meeting.", markup=False)
            return
        await self._do(self.app.store.set_phase(self.meeting_id, self.state.phase_index + 1))

    async def action_previous_phase(self) -> None:
        if self.state is None or self.state.phase_index == 0:
            return
        await self._do(self.app.store.set_phase(self.meeting_id, self.state.phase_index - 1))

    async def action_toggle_absent(self) -> None:
        member_id = self.highlighted_member()
        if self.state is None or member_id is None:
            return
        attendee = self.state.attendee(member_id)
        status = "present" if attendee and attendee.status == "absent" else "absent"
        await self._do(self.app.store.set_attendance(self.meeting_id, member_id, status))

    async def action_mark_late(self) -> None:
        member_id = self.highlighted_member()
        if member_id is not None:
            await self._do(self.app.store.set_attendance(self.meeting_id, member_id, "late"))

    async def action_cycle_order(self) -> None:
        if self.state is None or self.state.phase.kind != "checkin":
            return
        mode = self._order_mode or self.state.group.checkin_order
        mode = ORDER_MODES[(ORDER_MODES.index(mode) + 1) % len(ORDER_MODES)]
        if await self._do(self.app.store.set_round_order(self.meeting_id, mode)):
            self._order_mode = mode
            self.app.notify(f"Round order: {ORDER_LABELS[mode]}.", markup=False)

    async def action_move(self, offset: int) -> None:
        if self.mode == "queue":
            await self.move_issue(offset)
            return
        member_id = self.highlighted_member()
        current = self.current_round()
        if member_id is None or current is None:
            return
        await self._do(self.app.store.move_in_round(self.meeting_id, current[0], member_id, offset))

    def action_ratings(self) -> None:
        from peertui.ui.components.meeting_dialogs import RatingsModal

        if self.state is not None:
            # A member rates for themselves; the facilitator may enter everyone's.
            only = None if self.facilitating else self.me
            if not self.facilitating and only is None:
                self.app.notify("This terminal is not a member (use --as NAME).", markup=False)
                return
            self.app.push_screen(
                RatingsModal(self.state, only=only), callback=lambda _: self.reload()
            )

    def action_closing_word(self) -> None:
        from peertui.ui.components.meeting_dialogs import ClosingWordModal

        state = self.state
        current = self.current_round()
        if state is None or current is None or current[0] != "closing":
            self.app.notify("Closing words are recorded during the wrap-up round.", markup=False)
            return
        member_id = current[1].speaker or self.highlighted_member()
        if member_id is None:
            return
        self.app.push_screen(
            ClosingWordModal(state, member_id), callback=lambda _: self.reload()
        )

    def action_agenda(self) -> None:
        from peertui.ui.components.meeting_dialogs import AgendaModal

        if self.state is not None:
            self.app.push_screen(AgendaModal(self.state), callback=lambda _: self.reload())

    def action_end_meeting(self) -> None:
        from peertui.ui.components.modals import ConfirmModal

        state = self.state
        if state is None:
            return
        unrated = sum(1 for a in state.attendees if a.here and a.rating is None)
        detail = ""
        if unrated:
            who = "member has" if unrated == 1 else "members have"
            detail = f"{unrated} present {who} not rated it yet (r rates). "

        async def answered(yes: bool | None) -> None:
            if yes and await self._do(self.app.store.end_meeting(self.meeting_id)):
                await self.app.go_home()
                self.app.notify(f"Meeting {state.number} ended and saved.", markup=False)

        self.app.push_screen(
            ConfirmModal("End the meeting?", detail + "It is saved as it stands."),
            callback=answered,
        )

    async def action_leave(self) -> None:
        if self.notes_open:
            await self.close_notes()
            return
        await self.before_quit()
        await self.app.go_home()

    async def before_quit(self) -> None:
        """Save what is still pending in the notes pane."""
        if self.notes_pane is not None:
            await self.notes_pane.close_private()

    # ------------------------------------------------------------------ notes

    def note_scopes(self) -> list[NoteScope]:
        """In the order ctrl+n goes through them: the discussed issue's first, if any."""
        from peertui.ui.components.notes import NoteScope

        scopes = [NoteScope("meeting"), NoteScope("private")]
        if self.discussion is not None:
            issue = self.discussion[0]
            scopes.insert(0, NoteScope("issue", issue.id, issue.title, issue.raised_by))
        return scopes

    async def action_notes(self) -> None:
        """Open the notes; again: the next kind (issue, meeting, private); after the last: close."""
        pane = await self.mount_notes()
        scopes = self.note_scopes()
        if not self.notes_open:
            await self.open_notes(scopes[0])
            return
        kinds = [scope.kind for scope in scopes]
        current = pane.scope.kind if pane.scope else "meeting"
        index = kinds.index(current) if current in kinds else -1
        if index + 1 >= len(scopes):
            await self.close_notes()
            return
        await self.open_notes(scopes[index + 1])

    async def mount_notes(self) -> NotesPane:
        """The notes pane, built the first time it is needed: start-up does without the editor."""
        if self.notes_pane is None:
            from peertui.ui.components.notes import NotesPane

            self.notes_pane = NotesPane(id="notes")
            self.notes_pane.display = False  # shown by the switcher, once it has its note
            await self.part("#side").mount(self.notes_pane)
        return self.notes_pane

    async def open_notes(self, scope: NoteScope) -> None:
        pane = await self.mount_notes()
        may_see = self.facilitating or (
            self.me is not None and scope.presenter_id is not None and self.me.id == scope.presenter_id
        )
        try:
            await pane.open(scope, self.meeting_id, may_see_presenter=may_see)
        except StoreError as error:
            self.app.report(error)
            return
        self.notes_open = True
        self.part("#side").current = "notes"
        pane.text_area.focus()

    async def close_notes(self) -> None:
        if self.notes_pane is not None:
            await self.notes_pane.flush()
        self.notes_open = False
        self.part("#side").current = self.side_table().id
        self.side_table().focus()

    def action_read_notes(self) -> None:
        pane = self.notes_pane
        if pane is None or not self.notes_open or pane.hidden_for_me:
            self.app.notify("Open the notes first (ctrl+n).", markup=False)
            return
        from peertui.ui.components.notes import NotesReadView

        title = "Private notes" if pane.scope and pane.scope.kind == "private" else "Notes"
        self.app.push_screen(NotesReadView(title, pane.text_area.text))

    async def action_toggle_note_visibility(self) -> None:
        pane = self.notes_pane
        if pane is None or not self.notes_open or pane.scope is None or pane.scope.kind == "private":
            self.app.notify("Presenter-only applies to shared notes.", markup=False)
            return
        target = "group" if pane.visibility == "presenter" else "presenter"
        try:
            await pane.set_visibility(target)
        except StoreError as error:
            self.app.report(error)
