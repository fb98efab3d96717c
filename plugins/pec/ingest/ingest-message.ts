import { randomUUID } from 'node:crypto';
import { systemContext } from '../../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../../server/db/unit-of-work.js';
import type { Platform } from '../../../server/platform.js';
import { Aoo } from '../../../schema/organisation/index.js';
import { storeIncomingMessage, type ImapRef } from '../inbox/store-incoming.service.js';
import type { PecMailbox } from '../mailbox/pec-mailbox.entity.js';
import type { PecParseOptions } from '../message/index.js';
import { dispatchIncoming, type Dispatched } from './dispatch.js';
import { PecIngestProblem } from './ingest.events.js';
import { capturingReaders } from './readers.js';
import { sendRegistrationReplies } from './registration-replies.js';
import { underSavepoint } from './savepoint.js';

export interface IngestOutcome {
  pecMessageId: string;
  /** False: the message was there already (seen again after a crash or a UIDVALIDITY change). */
  created: boolean;
  dispatched: Dispatched | null;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function keepProblem(
  tx: UnitOfWork,
  message: { id: string },
  mailbox: PecMailbox,
  problem: string,
): Promise<void> {
  await tx.em.execute(`update pec_message set problems = problems || ?::jsonb where id = ?`, [
    JSON.stringify([problem.slice(0, 2000)]),
    message.id,
  ]);
  tx.logger.warn(
    { pecMessageId: message.id, mailboxId: mailbox.id, problem },
    'PEC ingest: message kept with a problem',
  );
  tx.publish(
    new PecIngestProblem({ pecMessageId: message.id, mailboxId: mailbox.id, aooId: mailbox.aooId, problem }),
  );
}

/**
 * One message from the mailbox's server into the platform, in ONE transaction: stored
 * (pec-core's storeIncomingMessage: idempotent on the bytes and the Message-ID) and dispatched
 * (dispatch.ts). The caller marks it on the server only after this returns (committed). What
 * the dispatch cannot do is undone alone (a savepoint) and kept on the message as a problem,
 * so the message is never lost nor retried forever. A message stored before (a crash between
 * the commit and the marking) is not dispatched again.
 */
export async function ingestMessage(
  platform: Platform,
  mailbox: PecMailbox,
  raw: Buffer,
  imapRef: ImapRef | null,
  options: { parse: PecParseOptions; extraProblems?: readonly string[]; oversize?: boolean },
): Promise<IngestOutcome> {
  const ctx = await systemContext(platform, {
    actorId: null,
    requestId: `pec-ingest-${randomUUID()}`,
    agent: 'pec ingest',
  });
  const aoo = await ctx.em.findOneOrFail(Aoo, { id: mailbox.aooId }, { populate: ['administration'] });
  const { readers, read } = capturingReaders(
    { ...options.parse, at: ctx.clock.now() },
    options.extraProblems ?? [],
    { codiceAmministrazione: aoo.administration.ipaCode, codiceAOO: aoo.code },
  );
  return withTransaction(ctx, async (tx) => {
    const stored = await storeIncomingMessage(tx, mailbox.id, raw, imapRef, readers);
    if (!stored.created) return { pecMessageId: stored.message.id, created: false, dispatched: null };
    const dispatched = await underSavepoint(tx, (inner) =>
      dispatchIncoming(inner, stored.message, mailbox, read, { oversize: options.oversize ?? false }),
    );
    if (!dispatched.ok) {
      await keepProblem(tx, stored.message, mailbox, `dispatch failed: ${describe(dispatched.error)}`);
      return { pecMessageId: stored.message.id, created: true, dispatched: null };
    }
    if (dispatched.value.problem) await keepProblem(tx, stored.message, mailbox, dispatched.value.problem);
    if (dispatched.value.action === 'registered') {
      // The registration stands even if a reply cannot be built now: the reconciliation job retries it.
      const replies = await underSavepoint(tx, (inner) => sendRegistrationReplies(inner, stored.message.id));
      if (!replies.ok)
        await keepProblem(
          tx,
          stored.message,
          mailbox,
          `replies to the sender not enqueued yet: ${describe(replies.error)}`,
        );
    }
    return { pecMessageId: stored.message.id, created: true, dispatched: dispatched.value };
  });
}
