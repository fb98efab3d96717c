import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CliError } from '../../server/cli/cli-error.js';
import { systemContext } from '../../server/context.js';
import { DomainError } from '../../server/errors/domain-error.js';
import type { PlatformCliCommand } from '../../server/modules/module.js';
import { createPlatformAdmin } from './platform-admin.service.js';

const USAGE = 'create-admin <username> --given-name N --family-name N [--email E] [--subject S]';

/** `dms create-admin`: the first user of a fresh database, created by the deployment's operator. */
export const createAdminCommand: PlatformCliCommand = {
  name: 'create-admin',
  usage: `${USAGE}  create a platform administrator (the first user of a fresh database)`,
  async run(platform, args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        'given-name': { type: 'string' },
        'family-name': { type: 'string' },
        email: { type: 'string' },
        subject: { type: 'string' },
      },
    });
    const username = positionals[0];
    const givenName = values['given-name'];
    const familyName = values['family-name'];
    if (username === undefined || givenName === undefined || familyName === undefined) {
      throw new CliError(`Usage: dms ${USAGE}`, 2);
    }
    const ctx = await systemContext(platform, {
      actorId: null,
      requestId: `cli-${randomUUID()}`,
      agent: 'dms create-admin',
    });
    try {
      const user = await createPlatformAdmin(ctx, {
        username,
        givenName,
        familyName,
        email: values.email,
        subject: values.subject,
      });
      console.log(
        `Created platform administrator ${user.username} (id ${user.id}, identity-provider subject "${user.subject}")`,
      );
      return 0;
    } catch (e) {
      if (e instanceof DomainError) throw new CliError(e.message);
      throw e;
    }
  },
};
