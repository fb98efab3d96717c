/**
 * Preloaded (`node --import`) into a command under test: the moment the command writes a line
 * matching SIGNAL_AT_READY (a regular expression) to stdout, the process sends itself
 * SIGNAL_AT_READY_SIGNAL (SIGINT by default), synchronously, before the command's next statement.
 *
 * That is the worst case of a supervisor that signals as soon as it reads the announcement, made
 * deterministic: a command that installs its handlers only after announcing is killed by Node's
 * default action (the exit reports the signal), one that installed them before stops cleanly.
 */
const pattern = process.env.SIGNAL_AT_READY;
if (pattern) {
  const ready = new RegExp(pattern, 'm');
  const signal = (process.env.SIGNAL_AT_READY_SIGNAL ?? 'SIGINT') as NodeJS.Signals;
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  let sent = false;
  process.stdout.write = (...args: unknown[]): boolean => {
    const written = write(...args);
    if (!sent && ready.test(String(args[0]))) {
      sent = true;
      process.kill(process.pid, signal);
    }
    return written;
  };
}
