"""Full-text search over a group's issues, commitments and shared notes (SQLite FTS5).

The index: three external-content FTS5 tables (issues_fts over title, details and outcome;
commitments_fts over text; notes_fts over body), kept in step with their tables by triggers
and filled for existing rows by the migration that created them (schema 4 -> 5).
Presenter-only notes are indexed but never returned.

The query language is small and forgiving; `fts_query` translates it into FTS5 syntax:

- words: every word matches at its start, so `rota` finds rota, rotas and rotation, and
  words are matched without accents (`zoe` finds Zoë); all words must match;
- `"exact words"`: a phrase, each word matched whole; `"rota"*` matches at the start again;
- `AND`, `OR`, `NOT` (capitals) between words, and brackets: `rota OR (budget NOT travel)`;
- anything else inside a word (`O'Brien`, `night-shift`, `title:`) is just text, not syntax.

A query that cannot mean anything (an unclosed quote, an operator with nothing on one side,
unmatched brackets, a `*` inside a word) raises InvalidInput with a message that says what
to change; it never reaches SQLite as a syntax error. SQLite's own complaint, should one
still come, is turned into InvalidInput too.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from msgspec import Struct

from peertui.core.rules import InvalidInput
from peertui.store.errors import translate

if TYPE_CHECKING:
    from peertui.store.store import Store

QUERY_MAX = 300
DEFAULT_LIMIT = 50
OPERATORS = ("AND", "OR", "NOT")
HIGHLIGHT_ON, HIGHLIGHT_OFF = "\x02", "\x03"
SNIPPET_TOKENS = 12
# FTS5's snippet() takes time that grows with the square of a note's matches: a 1 MB note of
# common words took 20 s. Longer notes show their start instead of the matching passage.
SNIPPET_MAX_CHARS = 20_000

Segments = tuple[tuple[str, bool], ...]


class SearchHit(Struct, frozen=True):
    kind: str  # issue | commitment | note
    id: int
    issue_id: int | None
    meeting_id: int | None  # where to open it: the note's or the action's meeting, the issue's last
    meeting_number: int | None
    at: float  # raised, made or written
    title: str  # the issue's title, the action's text, or a note's issue title ("" for none)
    status: str  # the issue's or the action's status; "" for a note
    who: str  # raised by, or the action's owner; "" for a note
    snippet: Segments  # the matching passage; True marks the words that matched
    title_marks: Segments = ()  # the title with its matching words marked (issues and actions)

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


class SearchResult(Struct, frozen=True):
    query: str
    hits: list[SearchHit]
    more: bool  # there were more hits than the limit


# ---------------------------------------------------------------------- the query language


def _tokens(text: str) -> list[tuple[str, str, bool]]:
    """(kind, value, prefix) with kind one of: word, phrase, op, (, )."""
    out: list[tuple[str, str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            out.append((char, char, False))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise InvalidInput(
                    'The quote is not closed: add a closing " (or leave the quote out).'
                )
            phrase = text[i + 1 : end]
            i = end + 1
            prefix = i < n and text[i] == "*"
            i += prefix
            out.append(("phrase", phrase, prefix))
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in '()"':
                i += 1
            word = text[start:i]
            if word in OPERATORS:
                out.append(("op", word, False))
                continue
            body = word.rstrip("*")
            if "*" in body or len(word) - len(body) > 1:
                raise InvalidInput(
                    f"{word!r}: a * goes once, at the end of a word (budg* finds budget and "
                    "budgeting); words already match at their start."
                )
            if not body:
                raise InvalidInput("A * needs the start of a word before it, as in budg*.")
            out.append(("word", body, True))
    return out


def _searchable(value: str) -> bool:
    return any(char.isalnum() for char in value)


def _quoted(value: str, prefix: bool) -> str:
    return '"' + value.replace('"', '""') + '"' + ("*" if prefix else "")


def fts_query(raw: str) -> str:
    """Translate what a person typed into an FTS5 query; "" when there is nothing to search.

    Raises InvalidInput, with what to change, for a query that cannot mean anything.
    """
    text = raw.strip()
    if len(text) > QUERY_MAX:
        raise InvalidInput(f"The search is too long ({len(text)} characters; at most {QUERY_MAX}).")
    # Words of punctuation only (a lone "-" or "&") match nothing: they are left out.
    tokens = [t for t in _tokens(text) if t[0] not in ("word", "phrase") or _searchable(t[1])]
    if not any(t[0] in ("word", "phrase") for t in tokens):
        if any(t[0] == "op" for t in tokens):
            op = next(t[1] for t in tokens if t[0] == "op")
            raise InvalidInput(
                f"{op} needs words on both sides, as in: rota {op} budget "
                f'(to find the word itself, put it in quotes: "{op.lower()}").'
            )
        if any(t[0] == "(" for t in tokens):
            raise InvalidInput("The brackets are empty: put words between them.")
        return ""
    out: list[str] = []
    depth = 0
    previous = ""  # kind of the previous token: operand, op, ( or ""
    for index, (kind, value, prefix) in enumerate(tokens):
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        if kind in ("word", "phrase"):
            if previous == "operand":
                out.append("AND")  # FTS5 has no implicit AND after a bracket: always say it
            out.append(_quoted(value, prefix))
            previous = "operand"
        elif kind == "op":
            if previous != "operand" or following not in ("word", "phrase", "("):
                raise InvalidInput(
                    f"{value} needs words on both sides, as in: rota {value} budget "
                    f'(to find the word itself, put it in quotes: "{value.lower()}").'
                )
            out.append(value)
            previous = "op"
        elif kind == "(":
            if following == ")":
                raise InvalidInput("The brackets are empty: put words between them.")
            if previous == "operand":
                out.append("AND")
            out.append("(")
            depth += 1
            previous = "("
        else:  # ")"
            if depth == 0:
                raise InvalidInput("A closing bracket ) has no opening one before it.")
            if previous != "operand":
                raise InvalidInput("Something is missing before the closing bracket ).")
            depth -= 1
            out.append(")")
            # A closed group is an operand for what follows.
    if depth:
        raise InvalidInput("A bracket is not closed: add a ) (or leave the ( out).")
    return " ".join(out)


def _segments(snippet: str) -> Segments:
    """Split a snippet marked with HIGHLIGHT_ON/OFF into (text, matched) pieces."""
    out: list[tuple[str, bool]] = []
    matched = False
    piece: list[str] = []
    for char in snippet:
        if char in (HIGHLIGHT_ON, HIGHLIGHT_OFF):
            if piece:
                out.append(("".join(piece), matched))
                piece = []
            matched = char == HIGHLIGHT_ON
        elif char in "\r\n\t":
            piece.append(" ")
        else:
            piece.append(char)
    if piece:
        out.append(("".join(piece), matched))
    return tuple(out)


def _title_marks(marked: str | None, title: str) -> Segments:
    """The title with its matching words marked; whole and unmarked when FTS5's highlight()
    lost part of it (it stops at a NUL character)."""
    whole = _segments(title)
    marks = _segments(marked or title)
    if "".join(text for text, _ in marks) != "".join(text for text, _ in whole):
        return whole
    return marks


# Phase one ranks every match cheaply (bm25 only); phase two makes snippets for the best
# `limit` alone, so a one-letter query on years of history costs little more than a rare word.
# CROSS JOIN: the full-text match drives each part, not a scan of the group's rows.
_RANK_SQL = """
SELECT kind, id FROM (
  SELECT 'issue' AS kind, i.id AS id, bm25(issues_fts, 8.0, 1.0, 3.0) AS rank, i.raised_at AS at
  FROM issues_fts CROSS JOIN issues i ON i.id = issues_fts.rowid
  WHERE issues_fts MATCH :query AND i.group_id = :group
  UNION ALL
  SELECT 'commitment', c.id, bm25(commitments_fts), c.created_at
  FROM commitments_fts CROSS JOIN commitments c ON c.id = commitments_fts.rowid
  WHERE commitments_fts MATCH :query AND c.group_id = :group
  UNION ALL
  SELECT 'note', n.id, bm25(notes_fts), n.updated_at
  FROM notes_fts CROSS JOIN notes n ON n.id = notes_fts.rowid
  CROSS JOIN meetings nm ON nm.id = n.meeting_id
  WHERE notes_fts MATCH :query AND nm.group_id = :group AND n.visibility = 'group'
) ORDER BY rank, at DESC LIMIT :limit
"""

_DETAIL_SQL = {
    "issue": """
        SELECT i.id, i.id AS issue_id, coalesce(i.closed_meeting_id, i.raised_meeting_id)
          AS meeting_id, i.raised_at AS at, i.title, i.status, coalesce(rb.name, '') AS who,
          snippet(issues_fts, -1, :on, :off, '…', :tokens) AS snip, mt.number AS meeting_number,
          highlight(issues_fts, 0, :on, :off) AS marked
        FROM issues_fts CROSS JOIN issues i ON i.id = issues_fts.rowid
        LEFT JOIN members rb ON rb.id = i.raised_by
        LEFT JOIN meetings mt ON mt.id = coalesce(i.closed_meeting_id, i.raised_meeting_id)
        WHERE issues_fts MATCH :query AND issues_fts.rowid IN (SELECT value FROM json_each(:ids))
    """,
    "commitment": """
        SELECT c.id, c.issue_id, c.meeting_id, c.created_at AS at, c.text AS title, c.status,
          ow.name AS who, snippet(commitments_fts, 0, :on, :off, '…', :tokens) AS snip,
          mt.number AS meeting_number, highlight(commitments_fts, 0, :on, :off) AS marked
        FROM commitments_fts CROSS JOIN commitments c ON c.id = commitments_fts.rowid
        JOIN members ow ON ow.id = c.owner_id
        LEFT JOIN meetings mt ON mt.id = c.meeting_id
        WHERE commitments_fts MATCH :query
          AND commitments_fts.rowid IN (SELECT value FROM json_each(:ids))
    """,
    "note": """
        SELECT n.id, n.issue_id, n.meeting_id, n.updated_at AS at, coalesce(ni.title, '') AS title,
          '' AS status, '' AS who,
          CASE WHEN length(n.body) <= :snippet_max
            THEN snippet(notes_fts, 0, :on, :off, '…', :tokens)
            ELSE substr(n.body, 1, 200) || '…' END AS snip,
          mt.number AS meeting_number, '' AS marked
        FROM notes_fts CROSS JOIN notes n ON n.id = notes_fts.rowid
        LEFT JOIN issues ni ON ni.id = n.issue_id
        LEFT JOIN meetings mt ON mt.id = n.meeting_id
        WHERE notes_fts MATCH :query AND notes_fts.rowid IN (SELECT value FROM json_each(:ids))
    """,
}


class SearchQueries:
    """Full-text search in one group (for Store, through DeferredQueries)."""

    async def search(
        self: Store, group_id: int, query: str, *, limit: int = DEFAULT_LIMIT
    ) -> SearchResult:
        """The group's issues, actions and shared notes matching `query`, best match first."""
        translated = fts_query(query)
        if not translated:
            return SearchResult(query, [], False)
        try:
            ranked = await self._db.execute_fetchall(
                _RANK_SQL, {"query": translated, "group": group_id, "limit": limit + 1}
            )
            order = [(row["kind"], row["id"]) for row in ranked][:limit]
            found: dict[tuple[str, int], sqlite3.Row] = {}
            for kind, sql in _DETAIL_SQL.items():
                ids = [id_ for k, id_ in order if k == kind]
                if not ids:
                    continue
                params = {
                    "query": translated,
                    "ids": json.dumps(ids),
                    "on": HIGHLIGHT_ON,
                    "off": HIGHLIGHT_OFF,
                    "tokens": SNIPPET_TOKENS,
                    "snippet_max": SNIPPET_MAX_CHARS,
                }
                for row in await self._db.execute_fetchall(sql, params):
                    found[(kind, row["id"])] = row
        except sqlite3.OperationalError as error:
            text = str(error)
            if "fts5" in text or "unterminated" in text or "no such column" in text:
                raise InvalidInput(f"That search cannot be run ({text}); try plain words.") from None
            raise translate(error, self.path) from None
        except sqlite3.Error as error:
            raise translate(error, self.path) from None
        hits = [
            SearchHit(
                kind=kind,
                id=row["id"],
                issue_id=row["issue_id"],
                meeting_id=row["meeting_id"],
                meeting_number=row["meeting_number"],
                at=row["at"],
                title=row["title"],
                status=row["status"],
                who=row["who"],
                snippet=_segments(row["snip"] or ""),
                title_marks=_title_marks(row["marked"], row["title"]),
            )
            for kind, row in ((kind, found.get((kind, id_))) for kind, id_ in order)
            if row is not None
        ]
        return SearchResult(query, hits, len(ranked) > limit)


__all__ = ["SearchHit", "SearchQueries", "SearchResult", "fts_query"]
