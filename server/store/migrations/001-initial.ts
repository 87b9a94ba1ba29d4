/**
 * First schema. Times are Unix milliseconds; JSON columns hold small
 * documents that the code validates on the way in.
 */
export const sql = `
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('viewer','operator','admin')),
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

-- A user can hold a higher role on the targets carrying one tag.
CREATE TABLE role_grants (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tag     TEXT NOT NULL,
  role    TEXT NOT NULL CHECK (role IN ('viewer','operator','admin')),
  PRIMARY KEY (user_id, tag)
);

-- Only digests are stored: a stolen database file opens no session.
CREATE TABLE sessions (
  id_hash      TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  address      TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  role         TEXT NOT NULL CHECK (role IN ('viewer','operator','admin')),
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER,
  UNIQUE (user_id, name)
);

CREATE TABLE targets (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  bmc_protocol      TEXT NOT NULL CHECK (bmc_protocol IN ('none','ipmi','redfish')),
  bmc_address       TEXT,
  bmc_port          INTEGER,
  bmc_user          TEXT,
  console_transport TEXT NOT NULL CHECK (console_transport IN ('ipmi-sol','tcp','ssh','serial')),
  console_json      TEXT NOT NULL DEFAULT '{}',
  tags_json         TEXT NOT NULL DEFAULT '[]',
  settings_json     TEXT NOT NULL DEFAULT '{}',
  capabilities_json TEXT,
  probed_at         INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);

-- AES-256-GCM; the additional data binds each ciphertext to its owner and kind.
CREATE TABLE secrets (
  owner      TEXT NOT NULL,
  kind       TEXT NOT NULL,
  nonce      BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  auth_tag   BLOB NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (owner, kind)
);

-- digest = sha256 over the other columns: a reader can prove every row whole.
CREATE TABLE audit (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at      INTEGER NOT NULL,
  user    TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok','denied','error')),
  detail  TEXT NOT NULL DEFAULT '{}',
  digest  TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_user ON audit(user, at);
CREATE INDEX audit_target ON audit(target, at);

CREATE TABLE playbook_runs (
  id          TEXT PRIMARY KEY,
  playbook    TEXT NOT NULL,
  target      TEXT NOT NULL,
  started_by  TEXT NOT NULL,
  state       TEXT NOT NULL,
  params_json TEXT NOT NULL DEFAULT '{}',
  step        INTEGER NOT NULL DEFAULT 0,
  result_json TEXT,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX playbook_runs_target ON playbook_runs(target, started_at);

CREATE TABLE transcript_index (
  target       TEXT NOT NULL,
  file         TEXT NOT NULL,
  start_offset INTEGER NOT NULL,
  end_offset   INTEGER,
  started_at   INTEGER NOT NULL,
  ended_at     INTEGER,
  PRIMARY KEY (target, file)
);
`;
