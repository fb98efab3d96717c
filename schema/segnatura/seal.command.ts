import { randomUUID } from 'node:crypto';
import { CliError } from '../../server/cli/cli-error.js';
import { systemContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import type { PlatformCliCommand } from '../../server/modules/module.js';
import { Aoo } from '../organisation/index.js';
import { storeDevelopmentSeal } from './seal.service.js';

const USAGE = 'segnatura-dev-seal <aoo-code>';

/** `dms segnatura-dev-seal`: a development seal for an AOO of a test or demo installation. */
export const developmentSealCommand: PlatformCliCommand = {
  name: 'segnatura-dev-seal',
  usage: `${USAGE}  generate a development (self-signed) segnatura seal for the AOO`,
  async run(platform, args) {
    const code = args[0];
    if (code === undefined || args.length !== 1) throw new CliError(`Usage: dms ${USAGE}`, 2);
    const ctx = await systemContext(platform, {
      actorId: null,
      requestId: `cli-${randomUUID()}`,
      agent: 'dms segnatura-dev-seal',
    });
    const aoo = await ctx.em.findOne(Aoo, { code });
    if (!aoo) throw new CliError(`No AOO with code ${code}`);
    const seal = await withTransaction(ctx, (tx) => storeDevelopmentSeal(tx, aoo.id));
    console.log(
      `Development seal of AOO ${code}: ${seal.subject}, serial ${seal.serialNumber}, SHA-256 ${seal.certificateSha256}`,
    );
    return 0;
  },
};
