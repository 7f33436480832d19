import type { DatabaseSync } from 'node:sqlite'

// Schema changes, in order. A ledger opened by a newer app is refused rather than damaged. The
// first two are the schema of the first release, kept verbatim, and so is every later one once
// released: never edit a released migration, add the next one.
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
  // Every endpoint, and a library that stays quick at a million jobs:
  // - kind, parent and address of each job; the input images a request names, by content hash.
  // - rowid follows created_at (created_at * 1000 + n, n < 1000: a guard refuses anything else),
  //   so "newest first" is the rowid order that the table, every index and the full-text index
  //   stream with an early LIMIT; 'since' and 'until' are rowid ranges. Existing rows are re-keyed
  //   in their old order (created_at, then rowid; moved out of the way first, as negatives, when
  //   old and new keys could meet); a millisecond holding more than 1000 jobs moves the extra
  //   ones to the next millisecond, so the rule holds for every row.
  // - the full-text index gains prefix indexes of one to eight characters: a search word of up to
  //   eight letters (one letter included) is one index lookup, not a merge of every word that
  //   starts with it (FTS5 uses a prefix index only of exactly the word's length; at a million
  //   jobs such a merge costs 10-25 ms for a common word, the indexes 65% more index space).
  // - one index per library filter (each ordered by rowid within a value), partial indexes for
  //   saved, unsaved and learnt durations, and per-value counts kept by triggers so a page's
  //   total costs no COUNT(*) over the table.
  `ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'text2video';
   ALTER TABLE jobs ADD COLUMN parent_job_id TEXT;
   ALTER TABLE jobs ADD COLUMN base_url TEXT;
   CREATE TABLE inputs (
     sha256 TEXT PRIMARY KEY,
     ext TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     width INTEGER NOT NULL,
     height INTEGER NOT NULL,
     file TEXT NOT NULL,
     source TEXT NOT NULL,
     origin TEXT NOT NULL,
     added_at INTEGER NOT NULL
   );

   DROP TRIGGER jobs_fts_insert;
   DROP TRIGGER jobs_fts_delete;
   DROP TRIGGER jobs_fts_update;
   DROP TABLE jobs_fts;
   DROP INDEX jobs_created;
   UPDATE jobs SET rowid = -rowid
     WHERE (SELECT min(created_at) FROM jobs) * 1000 <= (SELECT max(rowid) FROM jobs);
   WITH ordered AS (
     SELECT rowid AS old, created_at, row_number() OVER (ORDER BY created_at, abs(rowid)) AS n FROM jobs
   ), keyed AS (
     SELECT old, n + max(CAST(created_at AS INTEGER) * 1000 - n) OVER (ORDER BY n) AS key FROM ordered
   )
   UPDATE jobs SET rowid = keyed.key, created_at = keyed.key / 1000 FROM keyed WHERE jobs.rowid = keyed.old;
   CREATE TRIGGER jobs_rowid_guard BEFORE INSERT ON jobs
     WHEN new.rowid < new.created_at * 1000 OR new.rowid >= new.created_at * 1000 + 1000 BEGIN
     SELECT RAISE(ABORT, 'a job''s rowid must be created_at * 1000 + n');
   END;

   CREATE VIRTUAL TABLE jobs_fts USING fts5 (prompt, negative_prompt, content = 'jobs', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4 5 6 7 8');
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
   INSERT INTO jobs_fts (jobs_fts) VALUES ('rebuild');

   CREATE INDEX jobs_model ON jobs (model);
   CREATE INDEX jobs_aspect ON jobs (aspect_ratio);
   CREATE INDEX jobs_favourite ON jobs (favourite);
   CREATE INDEX jobs_sandbox ON jobs (sandbox);
   CREATE INDEX jobs_kind ON jobs (kind);
   CREATE INDEX jobs_parent ON jobs (parent_job_id);
   CREATE INDEX jobs_saved ON jobs (created_at) WHERE file IS NOT NULL;
   CREATE INDEX jobs_unsaved ON jobs (created_at)
     WHERE task_status = 'succeed' AND file IS NULL AND state <> 'expired';
   CREATE INDEX jobs_durations ON jobs (kind, COALESCE(model, ''), json_extract(request_json, '$.mode'),
     json_extract(request_json, '$.duration'), finished_at)
     WHERE task_status = 'succeed' AND sandbox = 0 AND submitted_at IS NOT NULL;

   CREATE TABLE job_counts (
     facet TEXT NOT NULL,
     value TEXT NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (facet, value)
   ) WITHOUT ROWID;
   INSERT INTO job_counts (facet, value, n) SELECT 'all', '', count(*) FROM jobs;
   INSERT INTO job_counts (facet, value, n)
     SELECT 'state', quote(state), count(*) FROM jobs GROUP BY 2
     UNION ALL SELECT 'model', quote(model), count(*) FROM jobs GROUP BY 2
     UNION ALL SELECT 'aspect_ratio', quote(aspect_ratio), count(*) FROM jobs GROUP BY 2
     UNION ALL SELECT 'favourite', quote(favourite), count(*) FROM jobs GROUP BY 2
     UNION ALL SELECT 'sandbox', quote(sandbox), count(*) FROM jobs GROUP BY 2
     UNION ALL SELECT 'kind', quote(kind), count(*) FROM jobs GROUP BY 2;
   CREATE TRIGGER jobs_count_insert AFTER INSERT ON jobs BEGIN
     INSERT INTO job_counts (facet, value, n) VALUES ('all', '', 1), ('state', quote(new.state), 1),
       ('model', quote(new.model), 1), ('aspect_ratio', quote(new.aspect_ratio), 1),
       ('favourite', quote(new.favourite), 1), ('sandbox', quote(new.sandbox), 1), ('kind', quote(new.kind), 1)
     ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;
   END;
   CREATE TRIGGER jobs_count_delete AFTER DELETE ON jobs BEGIN
     UPDATE job_counts SET n = n - 1 WHERE (facet, value) IN (VALUES ('all', ''), ('state', quote(old.state)),
       ('model', quote(old.model)), ('aspect_ratio', quote(old.aspect_ratio)),
       ('favourite', quote(old.favourite)), ('sandbox', quote(old.sandbox)), ('kind', quote(old.kind)));
   END;
   ${['state', 'model', 'aspect_ratio', 'favourite', 'sandbox', 'kind'].map(countTrigger).join('\n')}`,
  // Takes: the jobs of one Generate share a group id (null: a single take, and every job made
  // before). Partial, the index costs nothing for those, and finds the takes of a group together.
  `ALTER TABLE jobs ADD COLUMN group_id TEXT;
   CREATE INDEX jobs_group ON jobs (group_id) WHERE group_id IS NOT NULL;`,
  // Several processes on one history (the app, command lines): each is a worker with a heartbeat,
  // and a job is worked by the one worker holding its claim (a stale worker's claims are taken
  // over; see ledger-claims.ts). The revision index lets a process find what others changed.
  `CREATE TABLE workers (
     id TEXT PRIMARY KEY,
     pid INTEGER NOT NULL,
     host TEXT NOT NULL,
     role TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     heartbeat_at INTEGER NOT NULL
   );
   CREATE TABLE job_claims (
     job_id TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
     worker_id TEXT NOT NULL,
     claimed_at INTEGER NOT NULL
   );
   CREATE INDEX job_claims_worker ON job_claims (worker_id);
   CREATE INDEX jobs_revision ON jobs (revision);`,
  // Money without reading the jobs: each job's estimate by the unit table (null: unknown) and the
  // model it is priced and counted by (job-price.ts); and per bucket (a span of quarter hours, UTC,
  // from a quarter to a day) and price model, the units charged and the tasks that reported them,
  // and the estimates of finished tasks without a reported charge (and how many cannot be priced).
  // ensureSpend (spend-buckets.ts) prices the jobs in JS, fills the sums once, then makes the
  // triggers that keep them and the partial index that finds jobs not priced yet.
  `ALTER TABLE jobs ADD COLUMN estimate REAL;
   ALTER TABLE jobs ADD COLUMN price_model TEXT;
   CREATE TABLE spend_buckets (
     span INTEGER NOT NULL,
     bucket INTEGER NOT NULL,
     model TEXT NOT NULL,
     charged REAL NOT NULL,
     tasks INTEGER NOT NULL,
     unreported REAL NOT NULL,
     unknown INTEGER NOT NULL,
     PRIMARY KEY (span, bucket, model)
   ) WITHOUT ROWID;`,
]

/** Keeps one facet's per-value counts right when a job's value of it changes. */
function countTrigger(column: string): string {
  return `CREATE TRIGGER jobs_count_${column} AFTER UPDATE OF ${column} ON jobs
     WHEN old.${column} IS NOT new.${column} BEGIN
     UPDATE job_counts SET n = n - 1 WHERE facet = '${column}' AND value = quote(old.${column});
     INSERT INTO job_counts (facet, value, n) VALUES ('${column}', quote(new.${column}), 1)
       ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;
   END;`
}

export const SCHEMA_VERSION = MIGRATIONS.length

/** Brings the history to `target` (the current schema; a test asks for an older one to build one). */
export function migrate(db: DatabaseSync, target = SCHEMA_VERSION): void {
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
    for (let v = current; v < target; v++) db.exec(MIGRATIONS[v]!)
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(Math.max(current, target))
    db.exec('COMMIT')
  } catch (error) {
    db.exec('ROLLBACK')
    throw error
  }
}
