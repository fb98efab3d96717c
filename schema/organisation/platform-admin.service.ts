import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { withTransaction } from '../../server/db/unit-of-work.js';
import type { RequestContext } from '../../server/context.js';
import { ConflictError } from '../../server/errors/domain-error.js';
import { matching, optionalEmail, optionalText, requiredText } from '../../server/errors/input-checks.js';
import { USERNAME } from './user-admin.service.js';
import { User } from './user.entity.js';

export interface PlatformAdminInput {
  username: string;
  givenName: string;
  familyName: string;
  email?: string | null;
  /** The identity provider's subject; default: the username. */
  subject?: string | null;
}

/**
 * The first administrator of a fresh platform (`dms create-admin`): a user with the platform
 * administrator flag and no AOO, who then creates the administrations, AOOs, UORs and users
 * through the API. Run by the operator of the deployment, not through GraphQL: nobody could
 * authorise it there yet. Audited with no actor, under the CLI's request id.
 */
export async function createPlatformAdmin(ctx: RequestContext, input: PlatformAdminInput): Promise<User> {
  const username = matching(
    'username',
    input.username.toLowerCase(),
    USERNAME,
    '2-64 lowercase letters, digits, . _ or -, starting with a letter or digit',
  );
  const givenName = requiredText('givenName', input.givenName, 100);
  const familyName = requiredText('familyName', input.familyName, 100);
  const email = optionalEmail('email', input.email) ?? null;
  const subject = optionalText('subject', input.subject, 255) ?? username;
  try {
    return await withTransaction(ctx, async (tx) => {
      const em = tx.em;
      const user = em.create(User, {
        username,
        givenName,
        familyName,
        email,
        subject,
        platformAdmin: true,
        createdAt: ctx.clock.now(),
      });
      await tx.audit({
        aooId: null,
        operation: 'user.createPlatformAdmin',
        targetType: 'User',
        targetId: user.id,
        changes: { username, givenName, familyName, email, subject },
      });
      return user;
    });
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException)
      throw new ConflictError(
        'username',
        `a user with username ${username} or subject ${subject} exists already`,
      );
    throw e;
  }
}
