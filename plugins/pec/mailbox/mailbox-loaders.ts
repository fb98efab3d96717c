import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../../server/context.js';
import { rightsOn, NO_RIGHTS, fullRightAoos, type MailboxRights } from './mailbox-access.js';
import { PecMailboxGrant } from './pec-mailbox-grant.entity.js';
import type { PecMailbox } from './pec-mailbox.entity.js';
import { PEC_MAILBOX_MANAGE } from './permissions.js';

/** Per-request batches: a list of mailboxes resolves its rights and grants in one statement each. */
export const mailboxLoaders = {
  rights: (ctx: RequestContext) =>
    loader(
      ctx,
      'pec.mailboxRights',
      () =>
        new DataLoader<PecMailbox, MailboxRights, string>(
          async (mailboxes) => {
            const rights = await rightsOn(ctx, mailboxes);
            return mailboxes.map((m) => rights.get(m.id) ?? NO_RIGHTS);
          },
          { cacheKeyFn: (m) => m.id },
        ),
    ),
  grants: (ctx: RequestContext) =>
    loader(
      ctx,
      'pec.mailboxGrants',
      () =>
        new DataLoader<PecMailbox, PecMailboxGrant[], string>(
          async (mailboxes) => {
            const full = new Set(fullRightAoos(ctx));
            const managed = mailboxes.filter(
              (m) => ctx.grants.has(PEC_MAILBOX_MANAGE, m.aooId) || full.has(m.aooId),
            );
            const rows =
              managed.length === 0
                ? []
                : await ctx.em.find(
                    PecMailboxGrant,
                    { mailboxId: { $in: managed.map((m) => m.id) } },
                    { orderBy: { id: 'asc' } },
                  );
            return mailboxes.map((m) => rows.filter((g) => g.mailboxId === m.id));
          },
          { cacheKeyFn: (m) => m.id },
        ),
    ),
};
