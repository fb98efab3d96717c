import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Debian's dovecot (package dovecot-imapd). */
export const DOVECOT_BINARY = '/usr/sbin/dovecot';

export interface DovecotUser {
  user: string;
  password: string;
}

export interface DovecotServer {
  readonly host: string;
  readonly port: number;
  /** The instance's private directory (config, run files, log, maildirs). */
  readonly dir: string;
  readonly running: boolean;
  /** Adds (or replaces the password of) an account; dovecot re-reads the passwd-file on change. */
  addUser(user: string, password: string): Promise<void>;
  removeUser(user: string): Promise<void>;
  users(): string[];
  /** Stops the IMAP server (clients then get "connection refused"); the mail stays on disk. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same mail. */
  start(): Promise<void>;
  /** The instance's log (dovecot's own lines), for failure messages. */
  log(): Promise<string>;
  /** Stops the server and deletes its directory. */
  close(): Promise<void>;
}

export interface DovecotOptions {
  users?: DovecotUser[];
  /** Fixed port (default: a free one of 127.0.0.1). */
  port?: number;
  /** Keep the directory here instead of a fresh temp dir (it is never deleted then). */
  dir?: string;
}

/** The unprivileged account mail runs as when we are root (dovecot refuses to run mail as root). */
const NOBODY = 65534;

/** A free TCP port of 127.0.0.1 (the kernel's pick; closed again before dovecot binds it). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on host:port. */
export async function portAnswers(host: string, port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function checkAccountText(value: string, what: string): void {
  // The passwd-file is colon separated and line based: such characters would forge entries.
  if (value.length === 0 || /[:\r\n\0]/.test(value))
    throw new Error(`Invalid ${what} for dovecot: ${JSON.stringify(value)}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts a private instance of Debian's dovecot IMAP server: its own config, run directory,
 * state, log and maildirs under a temp dir, listening on 127.0.0.1 on a free port, plain text
 * (ssl=no, plaintext auth allowed), accounts in a passwd-file. Several instances run side by
 * side (each has its own base_dir). When we run as root mail runs as nobody (uid 65534), as
 * dovecot requires; otherwise as the current user.
 */
export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotServer> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'dms-dovecot-')));
  const ownsDir = options.dir === undefined;
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort());
  const uid = process.getuid?.() ?? NOBODY;
  const root = uid === 0;
  const mailUid = root ? NOBODY : uid;
  const mailGid = root ? NOBODY : (process.getgid?.() ?? NOBODY);
  const mailRoot = join(dir, 'mail');
  const passwdDir = join(dir, 'passwd');
  const logFile = join(dir, 'dovecot.log');
  await mkdir(mailRoot, { recursive: true });
  await mkdir(passwdDir, { recursive: true, mode: 0o700 });
  await mkdir(join(dir, 'run'), { recursive: true });
  await mkdir(join(dir, 'state'), { recursive: true });
  if (root) {
    // nobody must traverse the (0700) temp dir and own the maildirs.
    await chmod(dir, 0o755);
    await chown(mailRoot, mailUid, mailGid);
  }
  const accounts = new Map<string, string>();
  for (const u of options.users ?? []) {
    checkAccountText(u.user, 'user');
    checkAccountText(u.password, 'password');
    accounts.set(u.user.toLowerCase(), u.password);
  }
  let generation = 0;
  /**
   * One passwd-file per account (passdb path with %Lu): a new account's file has never been
   * read, so it logs in at once. dovecot re-checks a file it has read at most once a second, so
   * a changed or removed account is settled by waiting into the next second.
   */
  const writeUser = async (user: string, password: string): Promise<void> => {
    const next = join(passwdDir, `.${user}.${++generation}`);
    // Written then renamed: the auth process never sees a half-written file.
    await writeFile(next, `${user}:{PLAIN}${password}\n`, { mode: 0o600 });
    await rename(next, join(passwdDir, user));
  };
  const nextSecond = async (): Promise<void> => {
    const wallMs = performance.timeOrigin + performance.now();
    await sleep(1000 - (wallMs % 1000) + 20);
  };
  for (const [user, password] of accounts) await writeUser(user, password);

  const owner = root
    ? ''
    : `default_internal_user = ${userInfo().username}\ndefault_login_user = ${userInfo().username}\n`;
  // The passwd-files (0600, ours) must be readable by the auth process: as root it runs as root
  // here instead of the shared "dovecot" account, so the file never needs to be world-readable.
  const authAsRoot = root
    ? 'service auth {\n  user = root\n}\nservice auth-worker {\n  user = root\n}\n'
    : '';
  const conf = `# A private test/simulator instance (generated)
protocols = imap
listen = ${host}
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
instance_name = dms-dovecot-${port}
log_path = ${logFile}
info_log_path = ${logFile}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
${owner}first_valid_uid = 1
mail_location = maildir:${mailRoot}/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu ${passwdDir}/%Lu
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${mailRoot}/%Lu
}
service imap-login {
  inet_listener imap {
    address = ${host}
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
protocol imap {
  mail_max_userip_connections = 100
}
${authAsRoot}`;
  const confFile = join(dir, 'dovecot.conf');
  await writeFile(confFile, conf);

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const readLog = async (): Promise<string> => await readFile(logFile, 'utf8').catch(() => '');

  const start = async (): Promise<void> => {
    if (child) return;
    let stderr = '';
    // In a process group of its own: dovecot's shutdown signals its group, which must not reach
    // the process that runs it (seen as `dms pec-simulator` dying by a signal while stopping).
    const proc = spawn(DOVECOT_BINARY, ['-F', '-c', confFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    proc.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    let gone = false;
    exited = new Promise((resolve) => {
      proc.once('exit', () => {
        gone = true;
        if (child === proc) child = undefined;
        resolve();
      });
      proc.once('error', (e) => {
        gone = true;
        stderr += String(e);
        if (child === proc) child = undefined;
        resolve();
      });
    });
    child = proc;
    for (let waited = 0; waited < 10_000; waited += 10) {
      if (gone) break;
      if (await portAnswers(host, port)) return;
      await sleep(10);
    }
    if (!gone) proc.kill('SIGKILL');
    await exited;
    child = undefined;
    throw new Error(`dovecot did not start on ${host}:${port}: ${stderr.trim()} ${(await readLog()).trim()}`);
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc) return;
    // Not running from now on: deliveries failing meanwhile know the server is meant to be down.
    child = undefined;
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(killer);
    // The master is gone; its login processes close the listener with it.
    for (let waited = 0; waited < 3000 && (await portAnswers(host, port)); waited += 10) await sleep(10);
  };

  await start();

  return {
    host,
    port,
    dir,
    get running() {
      return child !== undefined;
    },
    async addUser(user, password) {
      checkAccountText(user, 'user');
      checkAccountText(password, 'password');
      const known = accounts.has(user.toLowerCase());
      accounts.set(user.toLowerCase(), password);
      await writeUser(user.toLowerCase(), password);
      if (known) await nextSecond();
    },
    async removeUser(user) {
      if (!accounts.delete(user.toLowerCase())) return;
      await unlink(join(passwdDir, user.toLowerCase()));
      await nextSecond();
    },
    users: () => [...accounts.keys()],
    stop,
    start,
    log: readLog,
    async close() {
      await stop();
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
