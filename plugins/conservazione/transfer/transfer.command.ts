import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { CliError } from '../../../server/cli/cli-error.js';
import { systemContext } from '../../../server/context.js';
import type { PlatformCliCommand } from '../../../server/modules/module.js';
import { sweep } from './conservation-runs.js';
import { runTransfer } from './transfer.service.js';

const USAGE = 'conservazione transfer PACKAGE_ID | conservazione sweep';

/**
 * `dms conservazione transfer PACKAGE_ID`: one transfer run of a package now (what its job does),
 * printing where it stands as JSON; `dms conservazione sweep`: the periodic sweep now.
 */
export const conservazioneCommand: PlatformCliCommand = {
  name: 'conservazione',
  usage: `${USAGE}  transfer a package to the conservator now, or run the sweep`,
  async run(platform, args) {
    const [action, packageId, ...rest] = args;
    if (rest.length > 0 || !((action === 'transfer' && packageId) || (action === 'sweep' && !packageId))) {
      throw new CliError(`Usage: dms ${USAGE}`, 2);
    }
    const ctx = await systemContext(platform, {
      actorId: null,
      requestId: `cli-${randomUUID()}`,
      agent: `dms conservazione ${action}`,
    });
    try {
      const result = action === 'sweep' ? await sweep(ctx) : await runTransfer(ctx, packageId ?? '');
      console.log(JSON.stringify(result));
      return 0;
    } catch (e) {
      if (e instanceof GraphQLError) throw new CliError(`${String(e.extensions['code'])}: ${e.message}`);
      throw e;
    }
  },
};
