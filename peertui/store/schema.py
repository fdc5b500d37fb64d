"""Schema and migrations, keyed on PRAGMA user_version.

MIGRATIONS[i] takes a database from version i to i + 1. Never edit a released migration;
append a new one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 0 -> 1: groups, roster, meeting history and the change feed.
    """
    CREATE TABLE groups (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        checkin_minutes REAL NOT NULL DEFAULT 5 CHECK (checkin_minutes > 0),
        cadence_days INTEGER NOT NULL DEFAULT 28 CHECK (cadence_days > 0),
        votes_per_member INTEGER NOT NULL DEFAULT 3 CHECK (votes_per_member > 0),
        created_at REAL NOT NULL
    );
    CREATE TABLE members (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        name TEXT NOT NULL,
        login TEXT,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        position INTEGER NOT NULL,
        joined_at REAL NOT NULL,
        UNIQUE (group_id, name)
    );
    CREATE UNIQUE INDEX members_login ON members (group_id, login) WHERE login IS NOT NULL;
    CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        number INTEGER NOT NULL,
        started_at REAL NOT NULL,
        ended_at REAL,
        UNIQUE (group_id, number)
    );
    CREATE INDEX meetings_by_group_time ON meetings (group_id, started_at);
    CREATE TABLE attendance (
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        member_id INTEGER NOT NULL REFERENCES members(id),
        status TEXT NOT NULL CHECK (status IN ('present', 'late', 'absent')),
        rating INTEGER CHECK (rating BETWEEN 1 AND 10),
        closing_word TEXT,
        PRIMARY KEY (meeting_id, member_id)
    ) WITHOUT ROWID;
    CREATE TABLE turns (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        member_id INTEGER NOT NULL REFERENCES members(id),
        round TEXT NOT NULL CHECK (round IN ('checkin', 'closing')),
        position INTEGER NOT NULL,
        allotted_s REAL NOT NULL,
        spoken_s REAL NOT NULL DEFAULT 0,
        status TEXT NOT NULL CHECK (status IN ('done', 'passed', 'skipped')),
        started_at REAL,
        ended_at REAL,
        summary TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX turns_by_meeting ON turns (meeting_id, round, position);
    CREATE INDEX turns_by_member ON turns (member_id);
    CREATE TABLE issues (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        title TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '',
        raised_by INTEGER REFERENCES members(id),
        raised_at REAL NOT NULL,
        raised_meeting_id INTEGER REFERENCES meetings(id),
        urgency TEXT NOT NULL DEFAULT 'B' CHECK (urgency IN ('A', 'B', 'C')),
        estimate_minutes REAL NOT NULL DEFAULT 10,
        status TEXT NOT NULL DEFAULT 'open'
            CHECK (status IN ('open', 'resolved', 'parked', 'merged')),
        outcome TEXT NOT NULL DEFAULT '',
        closed_meeting_id INTEGER REFERENCES meetings(id),
        closed_at REAL,
        meetings_waited INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX issues_by_group_status ON issues (group_id, status);
    CREATE TABLE votes (
        issue_id INTEGER NOT NULL REFERENCES issues(id),
        member_id INTEGER NOT NULL REFERENCES members(id),
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        count INTEGER NOT NULL CHECK (count > 0),
        PRIMARY KEY (issue_id, member_id, meeting_id)
    ) WITHOUT ROWID;
    CREATE TABLE commitments (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        issue_id INTEGER REFERENCES issues(id),
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        owner_id INTEGER NOT NULL REFERENCES members(id),
        text TEXT NOT NULL,
        due_on TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
        created_at REAL NOT NULL,
        closed_at REAL
    );
    CREATE INDEX commitments_by_group_status ON commitments (group_id, status);
    CREATE INDEX commitments_by_owner ON commitments (owner_id, status);
    CREATE TABLE commitment_reviews (
        commitment_id INTEGER NOT NULL REFERENCES commitments(id),
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        result TEXT NOT NULL CHECK (result IN ('done', 'not_done', 'dropped')),
        PRIMARY KEY (commitment_id, meeting_id)
    ) WITHOUT ROWID;
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        issue_id INTEGER REFERENCES issues(id),
        body TEXT NOT NULL DEFAULT '',
        visibility TEXT NOT NULL DEFAULT 'group' CHECK (visibility IN ('group', 'presenter')),
        updated_at REAL NOT NULL
    );
    CREATE INDEX notes_by_meeting ON notes (meeting_id);
    -- The change feed: every write appends here in the same transaction, so other
    -- terminals polling PRAGMA data_version can read exactly what changed.
    CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id INTEGER,
        entity TEXT NOT NULL,
        entity_id INTEGER,
        kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        origin TEXT NOT NULL,
        at REAL NOT NULL
    );
    """,
    # 1 -> 2: live meetings: agenda and phase, per-meeting rounds (timer state), templates.
    """
    ALTER TABLE groups ADD COLUMN warn_seconds INTEGER NOT NULL DEFAULT 30;
    ALTER TABLE groups ADD COLUMN checkin_budget_minutes REAL;
    ALTER TABLE groups ADD COLUMN checkin_order TEXT NOT NULL DEFAULT 'roster'
        CHECK (checkin_order IN ('roster', 'shuffled', 'quietest'));
    ALTER TABLE groups ADD COLUMN default_template TEXT NOT NULL
        DEFAULT 'Check-in, Issues, Wrap-up';
    ALTER TABLE meetings ADD COLUMN template TEXT NOT NULL DEFAULT '';
    ALTER TABLE meetings ADD COLUMN agenda TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE meetings ADD COLUMN phase_index INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE meetings ADD COLUMN phase_started_at REAL;
    ALTER TABLE attendance ADD COLUMN arrived_at REAL;
    -- At most one meeting in progress per group, even when two terminals start one at once.
    CREATE UNIQUE INDEX one_meeting_in_progress ON meetings (group_id) WHERE ended_at IS NULL;
    -- A round's whole timer state (core.timer.Round as JSON): timestamps and durations only,
    -- so every terminal and every restart computes the same remaining time.
    CREATE TABLE rounds (
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        kind TEXT NOT NULL CHECK (kind IN ('checkin', 'closing')),
        prompt TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL,
        PRIMARY KEY (meeting_id, kind)
    ) WITHOUT ROWID;
    CREATE TABLE agenda_templates (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        name TEXT NOT NULL,
        phases TEXT NOT NULL,
        UNIQUE (group_id, name)
    );
    CREATE TABLE group_prompts (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        text TEXT NOT NULL,
        UNIQUE (group_id, text)
    );
    """,
    # 2 -> 3: the issue queue in meetings: discussions with timeboxes, merging, manual order.
    """
    ALTER TABLE issues ADD COLUMN merged_into INTEGER REFERENCES issues(id);
    ALTER TABLE issues ADD COLUMN queue_rank REAL;
    ALTER TABLE groups ADD COLUMN use_protocol INTEGER NOT NULL DEFAULT 0
        CHECK (use_protocol IN (0, 1));
    ALTER TABLE groups ADD COLUMN timeboxes TEXT NOT NULL DEFAULT '7,5,3';
    ALTER TABLE groups ADD COLUMN queue_sort TEXT NOT NULL DEFAULT 'votes'
        CHECK (queue_sort IN ('votes', 'urgency', 'age', 'manual'));
    ALTER TABLE meetings ADD COLUMN discussing_issue_id INTEGER REFERENCES issues(id);
    -- One row per time an issue is discussed; state is core.discussion.Discussion as JSON.
    CREATE TABLE discussions (
        id INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL REFERENCES issues(id),
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        state TEXT NOT NULL,
        started_at REAL NOT NULL,
        ended_at REAL,
        outcome TEXT CHECK (outcome IN ('resolved', 'parked', 'carried'))
    );
    CREATE INDEX discussions_by_issue ON discussions (issue_id);
    CREATE INDEX discussions_by_meeting ON discussions (meeting_id);
    CREATE INDEX votes_by_meeting ON votes (meeting_id, member_id);
    CREATE INDEX commitments_by_issue ON commitments (issue_id);
    """,
    # 3 -> 4: several terminals in one meeting: sessions (presence), the facilitator, hands.
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        member_id INTEGER REFERENCES members(id),
        login TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('member', 'observer')),
        pid INTEGER NOT NULL,
        started_at REAL NOT NULL,
        seen_at REAL NOT NULL
    );
    CREATE INDEX sessions_by_meeting ON sessions (meeting_id, seen_at);
    ALTER TABLE meetings ADD COLUMN facilitator_session TEXT;
    CREATE TABLE hands (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        member_id INTEGER NOT NULL REFERENCES members(id),
        kind TEXT NOT NULL CHECK (kind IN ('question', 'reply', 'point')),
        raised_at REAL NOT NULL,
        lowered_at REAL,
        called INTEGER NOT NULL DEFAULT 0 CHECK (called IN (0, 1))
    );
    CREATE INDEX hands_open ON hands (meeting_id, lowered_at);
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 4 -> 5: between meetings: full-text search (FTS5) and indexes for reviewing history.
    # External-content FTS5 tables over the rows themselves, kept in step by triggers; the
    # UPDATE triggers fire only when an indexed column is written. Filled here for existing rows.
    # Words match without accents; prefix indexes of 1 and 2 characters keep search-as-you-type
    # fast from the first keystroke.
    """
    CREATE VIRTUAL TABLE issues_fts USING fts5(
        title, details, outcome,
        content = 'issues', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2'
    );
    CREATE TRIGGER issues_fts_insert AFTER INSERT ON issues BEGIN
        INSERT INTO issues_fts (rowid, title, details, outcome)
        VALUES (new.id, new.title, new.details, new.outcome);
    END;
    CREATE TRIGGER issues_fts_delete AFTER DELETE ON issues BEGIN
        INSERT INTO issues_fts (issues_fts, rowid, title, details, outcome)
        VALUES ('delete', old.id, old.title, old.details, old.outcome);
    END;
    CREATE TRIGGER issues_fts_update AFTER UPDATE OF id, title, details, outcome ON issues BEGIN
        INSERT INTO issues_fts (issues_fts, rowid, title, details, outcome)
        VALUES ('delete', old.id, old.title, old.details, old.outcome);
        INSERT INTO issues_fts (rowid, title, details, outcome)
        VALUES (new.id, new.title, new.details, new.outcome);
    END;
    INSERT INTO issues_fts (issues_fts) VALUES ('rebuild');

    CREATE VIRTUAL TABLE commitments_fts USING fts5(
        text, content = 'commitments', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2'
    );
    CREATE TRIGGER commitments_fts_insert AFTER INSERT ON commitments BEGIN
        INSERT INTO commitments_fts (rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER commitments_fts_delete AFTER DELETE ON commitments BEGIN
        INSERT INTO commitments_fts (commitments_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END;
    CREATE TRIGGER commitments_fts_update AFTER UPDATE OF id, text ON commitments BEGIN
        INSERT INTO commitments_fts (commitments_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO commitments_fts (rowid, text) VALUES (new.id, new.text);
    END;
    INSERT INTO commitments_fts (commitments_fts) VALUES ('rebuild');

    -- Every note is indexed; searches return only notes shared with the group.
    CREATE VIRTUAL TABLE notes_fts USING fts5(
        body, content = 'notes', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2'
    );
    CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts (rowid, body) VALUES (new.id, new.body);
    END;
    CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, body) VALUES ('delete', old.id, old.body);
    END;
    CREATE TRIGGER notes_fts_update AFTER UPDATE OF id, body ON notes BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO notes_fts (rowid, body) VALUES (new.id, new.body);
    END;
    INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');

    -- Reviewing history: per-meeting aggregates and one issue's life, without table scans.
    CREATE INDEX commitment_reviews_by_meeting ON commitment_reviews (meeting_id, result);
    CREATE INDEX commitments_by_meeting ON commitments (meeting_id);
    CREATE INDEX notes_by_issue ON notes (issue_id) WHERE issue_id IS NOT NULL;
    CREATE INDEX issues_by_closed_meeting ON issues (closed_meeting_id)
        WHERE closed_meeting_id IS NOT NULL;
    CREATE INDEX issues_by_raised_meeting ON issues (raised_meeting_id)
        WHERE raised_meeting_id IS NOT NULL;
    """,
    # 5 -> 6: shared notes as CRDT documents (pycrdt / Yjs): every edit kept as an update
    # so two people typing in one pane both keep every character; `notes.body` stays the
    # plain text (search, export) and `crdt_state` the merged document up to `crdt_seq`.
    """
    ALTER TABLE notes ADD COLUMN crdt_state BLOB;
    ALTER TABLE notes ADD COLUMN crdt_seq INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE note_updates (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        note_id INTEGER NOT NULL REFERENCES notes(id),
        data BLOB NOT NULL,
        origin TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX note_updates_by_note ON note_updates (note_id, id);
    CREATE INDEX notes_by_scope ON notes (meeting_id, issue_id);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
