import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { chainOf, PLATFORM_CHAIN } from '../../server/audit/audit-chain.js';
import { exportChain } from '../../server/audit/audit-export.js';
import { verifyChain } from '../../server/audit/audit-verify.js';
import { CliError } from '../../server/cli/cli-error.js';
import type { PlatformCliCommand } from '../../server/modules/module.js';
import type { Platform } from '../../server/platform.js';

/** The chains to look at: one AOO's (by code), or every chain there is. */
async function chainsOf(platform: Platform, aooCode: string | undefined): Promise<string[]> {
  const em = platform.orm.em.fork();
  if (aooCode === undefined) {
    const rows = await em.execute<Array<{ chain: string }>>(
      `select id::text as chain from aoo union select distinct chain from audit_seal order by 1`,
    );
    return [...new Set([PLATFORM_CHAIN, ...rows.map((r) => r.chain)])];
  }
  const rows = await em.execute<Array<{ id: string }>>(`select id::text as id from aoo where code = ?`, [
    aooCode,
  ]);
  if (rows.length === 0) throw new CliError(`No AOO with code ${aooCode}`, 2);
  if (rows.length > 1) throw new CliError(`Several AOOs have code ${aooCode}: give the AOO id instead`, 2);
  return [chainOf(rows[0]?.id ?? null)];
}

/** `dms verify-audit [--aoo CODE]`: walks the chains in the database; exit 1 when one is broken. */
export const verifyAuditCommand: PlatformCliCommand = {
  name: 'verify-audit',
  usage:
    'verify-audit [--aoo CODE]  verify the audit hash chains (every AOO and the platform) and name the first broken link',
  async run(platform, args) {
    const { values } = parseArgs({ args: [...args], options: { aoo: { type: 'string' } } });
    let broken = 0;
    for (const chain of await chainsOf(platform, values.aoo)) {
      const report = await verifyChain(platform.orm.em.fork(), chain, { now: platform.clock.now() });
      console.log(JSON.stringify(report));
      if (!report.ok) broken += 1;
    }
    return broken > 0 ? 1 : 0;
  },
};

/** `dms audit-export --aoo CODE [--out FILE]`: the chain as JSON lines, for an external verifier. */
export const exportAuditCommand: PlatformCliCommand = {
  name: 'audit-export',
  usage:
    'audit-export --aoo CODE|--platform [--out FILE]  write an audit chain with its rows as JSON lines (verify-audit-export checks it)',
  async run(platform, args) {
    const { values } = parseArgs({
      args: [...args],
      options: { aoo: { type: 'string' }, platform: { type: 'boolean' }, out: { type: 'string' } },
    });
    if ((values.aoo === undefined) === (values.platform !== true)) {
      throw new CliError('Usage: dms audit-export --aoo CODE|--platform [--out FILE]', 2);
    }
    const [chain] = values.platform ? [PLATFORM_CHAIN] : await chainsOf(platform, values.aoo);
    const out = values.out ? createWriteStream(values.out, 'utf8') : process.stdout;
    const links = await exportChain(platform.orm.em.fork(), chain ?? PLATFORM_CHAIN, async (line) => {
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    });
    if (values.out) {
      out.end();
      await once(out, 'finish');
      console.error(`Wrote ${links} links of chain ${chain ?? ''} to ${values.out}`);
    }
    return 0;
  },
};
