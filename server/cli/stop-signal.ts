/**
 * The first SIGINT or SIGTERM a long-running command receives, as a promise.
 *
 * The handlers are installed when this is called, not when the promise is awaited: a command calls
 * it before it starts anything and long before it announces that it is ready. A supervisor (or a
 * test) that signals the moment it reads the announcement must find them, or Node's default action
 * kills the process on the spot and leaves its children (dovecot, the HTTP server's sockets, an
 * embedded PostgreSQL) behind. A signal that arrives while the command is still starting settles
 * the promise; the command stops as soon as it has started. The handlers stay until `release`:
 * a second Ctrl-C while the command shuts down must not kill it half-way.
 */
export interface StopSignal {
  readonly received: Promise<NodeJS.Signals>;
  release(): void;
}

export function stopSignal(): StopSignal {
  let settle: (signal: NodeJS.Signals) => void = () => undefined;
  const received = new Promise<NodeJS.Signals>((resolve) => (settle = resolve));
  const onSigint = (): void => settle('SIGINT');
  const onSigterm = (): void => settle('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return {
    received,
    release: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}
