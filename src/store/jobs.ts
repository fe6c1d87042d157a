import type { Db, Queryable, Row } from './db.js';
import { skipLocked } from './db.js';
import { bool, json, now } from './paging.js';

export type JobStatus = 'Pending' | 'InProgress' | 'Complete' | 'Failed' | 'Canceled';

export interface JobStep {
  readonly name: string;
  readonly status: string;
  readonly ms: number;
  readonly sql?: string;
  readonly error?: string;
}

export interface JobRecord {
  readonly id: number;
  readonly sessionId: string;
  readonly jobGroupId: number;
  readonly connectionId: number;
  readonly creatorId: number;
  readonly path: readonly string[];
  readonly table: string;
  readonly finalTable: string | null;
  readonly action: string;
  readonly inputFormat: string;
  readonly status: JobStatus;
  readonly phase: string | null;
  readonly percentComplete: number;
  readonly rowsTotal: number;
  readonly rowsWritten: number;
  readonly bytesRead: number;
  readonly steps: readonly JobStep[];
  readonly warnings: readonly string[];
  readonly errorMessage: string | null;
  readonly cancelRequested: boolean;
  readonly attempts: number;
  readonly owner: string | null;
  readonly leaseUntil: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly lastHeartbeatAt: string | null;
}

const job = (r: Row): JobRecord => ({
  id: Number(r.id),
  sessionId: String(r.session_id),
  jobGroupId: Number(r.job_group_id),
  connectionId: Number(r.connection_id),
  creatorId: Number(r.creator_id),
  path: json(r.path),
  table: String(r.table_name),
  finalTable: (r.final_table as string | null) ?? null,
  action: String(r.action),
  inputFormat: String(r.input_format),
  status: String(r.status) as JobStatus,
  phase: (r.phase as string | null) ?? null,
  percentComplete: Number(r.percent_complete),
  rowsTotal: Number(r.rows_total),
  rowsWritten: Number(r.rows_written),
  bytesRead: Number(r.bytes_read),
  steps: json(r.steps),
  warnings: json(r.warnings),
  errorMessage: (r.error_message as string | null) ?? null,
  cancelRequested: bool(r.cancel_requested),
  attempts: Number(r.attempts),
  owner: (r.owner as string | null) ?? null,
  leaseUntil: (r.lease_until as string | null) ?? null,
  createdAt: String(r.created_at),
  startedAt: (r.started_at as string | null) ?? null,
  finishedAt: (r.finished_at as string | null) ?? null,
  lastHeartbeatAt: (r.last_heartbeat_at as string | null) ?? null,
});

export interface NewJob {
  readonly sessionId: string;
  readonly jobGroupId: number;
  readonly connectionId: number;
  readonly creatorId: number;
  readonly path: readonly string[];
  readonly table: string;
  readonly action: string;
  readonly inputFormat: string;
  readonly rowsTotal: number;
  /** Two requests with the same key while one is queued or running are one publish (api.md). */
  readonly dedupeKey: string;
  /** Jobs with the same key write the same table: they run one after another, oldest first. */
  readonly targetKey: string;
}

export interface ProgressUpdate {
  readonly phase: string;
  readonly percentComplete: number;
  readonly rowsWritten: number;
  readonly bytesRead: number;
  readonly steps?: readonly JobStep[];
  readonly finalTable?: string;
}

export interface Outcome {
  readonly status: 'Complete' | 'Failed' | 'Canceled';
  readonly errorMessage: string | null;
  readonly steps: readonly JobStep[];
  readonly warnings: readonly string[];
  readonly finalTable: string | null;
  readonly rowsWritten: number;
  readonly bytesRead: number;
  readonly percentComplete: number;
  readonly phase: string;
}

const later = (ms: number) => new Date(Date.now() + ms).toISOString();

export const jobsRepo = (db: Db) => ({
  /** Enqueues, unless the same publish is already queued or running: then answers that one. */
  async enqueue(j: NewJob): Promise<{ job: JobRecord; duplicate: boolean }> {
    return db.tx(async (q) => {
      const same = await q.get(
        "SELECT * FROM jobs WHERE dedupe_key = ? AND status IN ('Pending', 'InProgress') ORDER BY id LIMIT 1",
        [j.dedupeKey],
      );
      if (same) return { job: job(same), duplicate: true };
      const t = now();
      const r = await q.get(
        `INSERT INTO jobs (session_id, job_group_id, connection_id, creator_id, path, table_name, action,
           input_format, dedupe_key, target_key, status, rows_total, steps, warnings, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Pending', ?, '[]', '[]', ?, ?) RETURNING *`,
        [
          j.sessionId,
          j.jobGroupId,
          j.connectionId,
          j.creatorId,
          JSON.stringify(j.path),
          j.table,
          j.action,
          j.inputFormat,
          j.dedupeKey,
          j.targetKey,
          j.rowsTotal,
          t,
          t,
        ],
      );
      return { job: job(r!), duplicate: false };
    });
  },

  /**
   * Claims the oldest runnable job for `owner`: one that is Pending, or InProgress with an expired lease
   * (its worker died). A job waits while an older job for the same table is queued or holds a live lease.
   * On PostgreSQL, `SKIP LOCKED` lets instances claim different jobs at once; each job goes to one.
   *
   * `running` are the jobs the caller is running right now: never claimed again by it, even when their
   * lease ran out (a process paused longer than the lease, or heartbeats that could not reach the store).
   * Its own heartbeat takes the lease back if nobody else did; reclaiming it here would run the job twice
   * in one process, under one owner, so neither run would see that it lost the job.
   */
  async claim(
    owner: string,
    leaseMs: number,
    running: readonly number[] = [],
  ): Promise<JobRecord | undefined> {
    return db.tx(async (q: Queryable) => {
      const t = now();
      const notRunning = running.length ? `AND j.id NOT IN (${running.map(() => '?').join(', ')})` : '';
      const candidate = await q.get<{ id: number }>(
        `SELECT j.id FROM jobs j
          WHERE ((j.status = 'Pending' AND (j.lease_until IS NULL OR j.lease_until < ?))
                 OR (j.status = 'InProgress' AND j.lease_until < ?))
            ${notRunning}
            AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.target_key = j.target_key AND o.id <> j.id
                  AND ((o.status = 'InProgress' AND o.lease_until >= ?) OR (o.status IN ('Pending', 'InProgress') AND o.id < j.id)))
          ORDER BY j.id LIMIT 1 ${skipLocked(db)}`,
        [t, t, ...running, t],
      );
      if (!candidate) return undefined;
      const r = await q.get(
        `UPDATE jobs SET status = 'InProgress', owner = ?, lease_until = ?, attempts = attempts + 1,
           started_at = COALESCE(started_at, ?), last_heartbeat_at = ?, updated_at = ?
         WHERE id = ? RETURNING *`,
        [owner, later(leaseMs), t, t, t, candidate.id],
      );
      return r && job(r);
    });
  },

  /**
   * Extends the lease and records progress. Answers whether the job is still this owner's and whether a
   * cancel was asked for; a worker that lost its lease stops.
   */
  async heartbeat(
    id: number,
    owner: string,
    leaseMs: number,
    p: ProgressUpdate | undefined,
  ): Promise<{ owned: boolean; cancelRequested: boolean }> {
    const t = now();
    const sets = ['lease_until = ?', 'last_heartbeat_at = ?', 'updated_at = ?'];
    const params: unknown[] = [later(leaseMs), t, t];
    if (p) {
      sets.push('phase = ?', 'percent_complete = ?', 'rows_written = ?', 'bytes_read = ?');
      params.push(p.phase, p.percentComplete, p.rowsWritten, p.bytesRead);
      if (p.steps) {
        sets.push('steps = ?');
        params.push(JSON.stringify(p.steps));
      }
      if (p.finalTable) {
        sets.push('final_table = ?');
        params.push(p.finalTable);
      }
    }
    const r = await db.get(
      `UPDATE jobs SET ${sets.join(', ')} WHERE id = ? AND owner = ? AND status = 'InProgress' RETURNING cancel_requested`,
      [...params, id, owner],
    );
    return { owned: r !== undefined, cancelRequested: r ? bool(r.cancel_requested) : false };
  },

  /** Records the end, if the job is still this owner's. */
  async finish(id: number, owner: string, o: Outcome): Promise<boolean> {
    const t = now();
    const n = await db.run(
      `UPDATE jobs SET status = ?, error_message = ?, steps = ?, warnings = ?, final_table = COALESCE(?, final_table),
         rows_written = ?, bytes_read = ?, percent_complete = ?, phase = ?, finished_at = ?, updated_at = ?, lease_until = NULL
       WHERE id = ? AND owner = ? AND status = 'InProgress'`,
      [
        o.status,
        o.errorMessage,
        JSON.stringify(o.steps),
        JSON.stringify(o.warnings),
        o.finalTable,
        o.rowsWritten,
        o.bytesRead,
        o.percentComplete,
        o.phase,
        t,
        t,
        id,
        owner,
      ],
    );
    return n > 0;
  },

  /**
   * Hands a job back to the queue, to be claimed again after `delayMs` (a transient failure, or this
   * instance stopping before the job could finish). Pending's `lease_until` is the earliest retry time.
   */
  async release(id: number, owner: string, delayMs: number, reason: string | null): Promise<void> {
    await db.run(
      `UPDATE jobs SET status = 'Pending', owner = NULL, lease_until = ?, error_message = ?, updated_at = ?
       WHERE id = ? AND owner = ? AND status = 'InProgress'`,
      [delayMs > 0 ? later(delayMs) : null, reason, now(), id, owner],
    );
  },

  /**
   * A queued job is canceled at once; a running one is asked to stop (its worker rolls back and marks
   * it). Answers the job as it now is, or undefined when it had already ended.
   */
  async requestCancel(id: number): Promise<JobRecord | undefined> {
    return db.tx(async (q) => {
      const t = now();
      await q.run(
        "UPDATE jobs SET status = 'Canceled', finished_at = ?, updated_at = ?, error_message = 'canceled before it started' WHERE id = ? AND status = 'Pending'",
        [t, t, id],
      );
      await q.run(
        "UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ? AND status = 'InProgress'",
        [t, id],
      );
      const r = await q.get('SELECT * FROM jobs WHERE id = ?', [id]);
      return r && job(r);
    });
  },

  async byId(id: number): Promise<JobRecord | undefined> {
    const r = await db.get('SELECT * FROM jobs WHERE id = ?', [id]);
    return r && job(r);
  },
  async forJobGroup(jobGroupId: number, newestFirst: boolean): Promise<JobRecord[]> {
    const rows = await db.all(
      `SELECT * FROM jobs WHERE job_group_id = ? ORDER BY id ${newestFirst ? 'DESC' : 'ASC'}`,
      [jobGroupId],
    );
    return rows.map(job);
  },
  async activeCount(): Promise<number> {
    const r = await db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM jobs WHERE status IN ('Pending', 'InProgress')",
    );
    return Number(r?.n ?? 0);
  },
});
