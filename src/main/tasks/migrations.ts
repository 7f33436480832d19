import type { DatabaseSync } from 'node:sqlite'

// Schema changes, in order. A ledger opened by a newer app is refused rather than damaged.
const MIGRATIONS: string[] = [
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     external_task_id TEXT NOT NULL UNIQUE,
     task_id TEXT,
     state TEXT NOT NULL,
     task_status TEXT,
     status_msg TEXT NOT NULL DEFAULT '',
     request_json TEXT NOT NULL,
     prompt TEXT NOT NULL,
     negative_prompt TEXT NOT NULL DEFAULT '',
     model TEXT,
     aspect_ratio TEXT,
     sandbox INTEGER NOT NULL DEFAULT 0,
     favourite INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     submitted_at INTEGER,
     finished_at INTEGER,
     updated_at INTEGER NOT NULL,
     units TEXT,
     error_json TEXT,
     request_id TEXT,
     video_id TEXT,
     video_url TEXT,
     video_duration TEXT,
     file TEXT,
     bytes INTEGER,
     revision INTEGER NOT NULL
   );
   CREATE INDEX jobs_created ON jobs (created_at DESC);
   CREATE INDEX jobs_state ON jobs (state);
   CREATE INDEX jobs_task ON jobs (task_id);
   CREATE TABLE job_events (
     id INTEGER PRIMARY KEY,
     job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
     at INTEGER NOT NULL,
     state TEXT NOT NULL,
     task_status TEXT,
     message TEXT NOT NULL DEFAULT ''
   );
   CREATE INDEX job_events_job ON job_events (job_id);
   CREATE VIRTUAL TABLE jobs_fts USING fts5 (prompt, negative_prompt, content = 'jobs', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2');
   CREATE TRIGGER jobs_fts_insert AFTER INSERT ON jobs BEGIN
     INSERT INTO jobs_fts (rowid, prompt, negative_prompt) VALUES (new.rowid, new.prompt, new.negative_prompt);
   END;
   CREATE TRIGGER jobs_fts_delete AFTER DELETE ON jobs BEGIN
     INSERT INTO jobs_fts (jobs_fts, rowid, prompt, negative_prompt) VALUES ('delete', old.rowid, old.prompt, old.negative_prompt);
   END;
   CREATE TRIGGER jobs_fts_update AFTER UPDATE OF prompt, negative_prompt ON jobs BEGIN
     INSERT INTO jobs_fts (jobs_fts, rowid, prompt, negative_prompt) VALUES ('delete', old.rowid, old.prompt, old.negative_prompt);
     INSERT INTO jobs_fts (rowid, prompt, negative_prompt) VALUES (new.rowid, new.prompt, new.negative_prompt);
   END;
   INSERT INTO meta (key, value) VALUES ('revision', 0);`,
  // Every library folder this history has saved into: the media protocol serves videos from these
  // and nothing else, so switching folders (or the command line's --library) keeps old videos
  // playable.
  `CREATE TABLE library_roots (path TEXT PRIMARY KEY, added_at INTEGER NOT NULL);`,
]

export const SCHEMA_VERSION = MIGRATIONS.length

export function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)')
  db.exec('BEGIN IMMEDIATE')
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
      { value: number } | undefined
    const current = row ? Number(row.value) : 0
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `This history was written by a newer Kling Studio (schema ${current}, this app knows ${SCHEMA_VERSION})`,
      )
    }
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!)
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(SCHEMA_VERSION)
    db.exec('COMMIT')
  } catch (error) {
    db.exec('ROLLBACK')
    throw error
  }
}
