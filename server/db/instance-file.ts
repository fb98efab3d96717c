import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * `DATA_DIR/server.json`: written by a running `dms start`, removed when it stops. It says which
 * process owns the embedded PostgreSQL of this data folder (a PostgreSQL without a live owner
 * was left behind by a crash), and lets other commands (`dms token`) check that they use the
 * server's configuration.
 */
export interface InstanceRecord {
  pid: number;
  url: string;
  startedAt: string;
  /** The database, password removed. */
  database: string;
  /** A fingerprint of the key tokens are verified with (never the key itself). */
  tokenKey: string;
}

const FILE = 'server.json';

export async function writeInstance(dataDir: string, record: InstanceRecord): Promise<void> {
  await writeFile(path.join(dataDir, FILE), JSON.stringify(record, null, 2), { mode: 0o600 });
}

export async function removeInstance(dataDir: string, pid: number): Promise<void> {
  const current = await readInstance(dataDir);
  if (current?.pid === pid) await rm(path.join(dataDir, FILE), { force: true });
}

export async function readInstance(dataDir: string): Promise<InstanceRecord | null> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, FILE), 'utf8')) as InstanceRecord;
  } catch {
    return null;
  }
}

/** The record of a server that is still running (its process alive and a `dms` process). */
export async function liveInstance(dataDir: string): Promise<InstanceRecord | null> {
  const record = await readInstance(dataDir);
  return record && processCommand(record.pid)?.includes('dms') ? record : null;
}

/** The command line of a live process, or null when it is gone (Linux /proc; kill(0) elsewhere). */
export function processCommand(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: alive, owned by another user (the postgres system user runs embedded PostgreSQL as root).
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}
