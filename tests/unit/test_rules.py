"""Validation of what users type (core.rules) and how their text is shown (core.text)."""

from __future__ import annotations

import unicodedata

import pytest

from peertui.core import rules
from peertui.core.rules import InvalidInput
from peertui.core.text import normalise_name, visible

# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Tuesday Circle", "Tuesday Circle"),
        ("  padded \t\n", "padded"),
        ("Cafe\u0301", "Caf\u00e9"),  # decomposed é is stored composed (NFC)
        ("[bold]x[/]", "[bold]x[/]"),  # markup is just text
        ("\x1b[31mred", "\x1b[31mred"),  # kept exactly; only *shown* defanged
        ("inner  spaces kept", "inner  spaces kept"),
    ],
)
def test_names_are_nfc_and_stripped_but_otherwise_kept(raw: str, clean: str) -> None:
    assert rules.group_name(raw) == clean
    assert rules.member_name(raw) == clean
    assert normalise_name(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
def test_empty_names_are_rejected_naming_the_field(raw: str) -> None:
    with pytest.raises(InvalidInput, match="^Group name cannot be empty"):
        rules.group_name(raw)
    with pytest.raises(InvalidInput, match="^Member name cannot be empty"):
        rules.member_name(raw)


def test_name_length_limit_counts_characters_after_normalising() -> None:
    assert rules.group_name("x" * rules.NAME_MAX) == "x" * rules.NAME_MAX
    # 160 code points typed, 80 characters once composed: allowed.
    assert rules.member_name("e\u0301" * rules.NAME_MAX) == "\u00e9" * rules.NAME_MAX
    with pytest.raises(InvalidInput, match=r"too long \(81 characters; at most 80\)"):
        rules.group_name("x" * (rules.NAME_MAX + 1))
    with pytest.raises(InvalidInput, match="^Member name is too long"):
        rules.member_name(" " + "y" * (rules.NAME_MAX + 1) + " ")


# ---------------------------------------------------------------- logins


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_empty_login_means_none(raw: str | None) -> None:
    assert rules.login(raw) is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("alice", "alice"),
        ("  bob  ", "bob"),
        ("_svc", "_svc"),
        ("a.b-c_9", "a.b-c_9"),
        ("Mixed", "Mixed"),
        ("host$", "host$"),  # Samba machine accounts
        ("a" * 32, "a" * 32),
    ],
)
def test_valid_logins(raw: str, clean: str) -> None:
    assert rules.login(raw) == clean


@pytest.mark.parametrize(
    "raw",
    ["1alice", "-dash", ".dot", "bad login", "al/ice", "ali\nce", "é", "a" * 33, "a$b", "$"],
)
def test_invalid_logins_are_rejected_with_the_value(raw: str) -> None:
    with pytest.raises(InvalidInput, match="is not a Unix login name") as info:
        rules.login(raw)
    assert repr(raw.strip()) in str(info.value)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------- numbers


def test_checkin_minutes_accepts_fractions_within_range() -> None:
    assert rules.checkin_minutes("7.5") == 7.5
    assert rules.checkin_minutes(" 1 ") == 1.0
    assert rules.checkin_minutes(60) == 60.0
    assert isinstance(rules.checkin_minutes(5), float)


@pytest.mark.parametrize("raw", ["0", "0.99", "60.5", "-3", "abc", "", "nan", "inf"])
def test_checkin_minutes_out_of_range_or_not_a_number(raw: str) -> None:
    with pytest.raises(InvalidInput, match="^Check-in minutes must be"):
        rules.checkin_minutes(raw)


@pytest.mark.parametrize(
    ("rule", "low", "high", "what"),
    [
        (rules.cadence_days, 1, 365, "Days between meetings"),
        (rules.votes_per_member, 1, 20, "Votes per member"),
    ],
)
def test_whole_number_rules(rule, low: int, high: int, what: str) -> None:
    assert rule(str(low)) == low
    assert rule(f" {high} ") == high
    assert rule("14.0") == 14
    assert isinstance(rule("14"), int)
    with pytest.raises(InvalidInput, match=f"^{what} must be a whole number from {low} to {high}"):
        rule("1.5")
    with pytest.raises(InvalidInput, match=f"^{what} must be from {low} to {high}"):
        rule(str(high + 1))
    with pytest.raises(InvalidInput, match=f"^{what} must be from {low} to {high}"):
        rule("0")
    with pytest.raises(InvalidInput, match=f"^{what} must be a number from {low} to {high}"):
        rule("twelve")


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "1e400"])
@pytest.mark.parametrize("rule", [rules.cadence_days, rules.votes_per_member])
def test_whole_number_rules_reject_non_finite_input(rule, raw: str) -> None:
    with pytest.raises(InvalidInput, match=" must be a number from 1 to "):
        rule(raw)


# ---------------------------------------------------------------- visible()


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "\u241b[31mred\u241b[0m"),
        ("\x1b]0;pwned\x07", "\u241b]0;pwned\u2407"),
        ("a\x00b", "a\u2400b"),
        ("bell\x07", "bell\u2407"),
        ("del\x7f", "del\u2421"),
        ("one\ntwo", "one\u240atwo"),
        ("cr\rlf", "cr\u240dlf"),
        ("tab\there", "tab\u2409here"),
        ("\x9b31m", "\ufffd31m"),  # 8-bit CSI (C1) cannot reach the terminal either
        ("\x85next", "\ufffdnext"),
    ],
)
def test_visible_replaces_control_characters(raw: str, shown: str) -> None:
    assert visible(raw) == shown


@pytest.mark.parametrize(
    "text",
    ["[bold]x[/bold]", "[/]", "[link=file:///etc/passwd]x", "unclosed [b", "Zoë 🙂 名前", ""],
)
def test_visible_leaves_markup_and_printable_text_untouched(text: str) -> None:
    assert visible(text) == text


def test_visible_keep_newlines_keeps_only_newline_and_tab() -> None:
    assert visible("a\nb\tc", keep_newlines=True) == "a\nb\tc"
    assert visible("a\r\nb\x1bc", keep_newlines=True) == "a\u240d\nb\u241bc"
    assert visible("a\nb") == "a\u240ab"  # default: a name never spans lines


def test_visible_output_never_contains_a_control_character() -> None:
    every_control = "".join(chr(code) for code in [*range(0x20), *range(0x7F, 0xA0)])
    shown = visible(every_control)
    assert len(shown) == len(every_control)
    assert [c for c in shown if unicodedata.category(c) == "Cc"] == []
    kept = visible(every_control, keep_newlines=True)
    assert [c for c in kept if unicodedata.category(c) == "Cc"] == ["\t", "\n"]
