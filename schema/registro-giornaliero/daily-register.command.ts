import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { CliError } from '../../server/cli/cli-error.js';
import { systemContext } from '../../server/context.js';
import type { PlatformCliCommand } from '../../server/modules/module.js';
import { Aoo } from '../organisation/index.js';
import { produceDailyRegister } from './daily-register.service.js';
import { isDay } from './rome-day.js';

const USAGE = 'daily-register --aoo CODE --date YYYY-MM-DD';

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `dms daily-register`: produces one AOO's register of one day by hand (idempotent, like the job). */
export const dailyRegisterCommand: PlatformCliCommand = {
  name: 'daily-register',
  usage: `${USAGE}  produce (or show) the daily protocol register of the AOO for that day`,
  async run(platform, args) {
    const code = option(args, '--aoo');
    const day = option(args, '--date');
    if (code === undefined || day === undefined || args.length !== 4)
      throw new CliError(`Usage: dms ${USAGE}`, 2);
    if (!isDay(day)) throw new CliError(`--date: ${day} is not a date YYYY-MM-DD`, 2);
    const ctx = await systemContext(platform, {
      actorId: null,
      requestId: `cli-${randomUUID()}`,
      agent: 'dms daily-register',
    });
    const aoos = await ctx.em.find(Aoo, { code });
    if (aoos.length === 0) throw new CliError(`No AOO with code ${code}`);
    if (aoos.length > 1) throw new CliError(`More than one AOO has code ${code}`);
    try {
      const { register: r, created } = await produceDailyRegister(ctx, aoos[0]?.id ?? '', day);
      console.log(
        `${created ? 'Produced' : 'Already produced'}: ${r.identifier}, progressive ${r.progressive}/${r.progressiveYear}, ` +
          `${r.registrationCount} registrations${r.firstNumber !== null ? ` (${r.firstNumber}-${r.lastNumber})` : ''}, ` +
          `SHA-256 ${r.sha256}, ${r.state}`,
      );
      return 0;
    } catch (e) {
      if (e instanceof GraphQLError) throw new CliError(`${String(e.extensions['code'])}: ${e.message}`);
      throw e;
    }
  },
};
