import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConservationConfig } from '../../../server/config.js';
import { Aoo } from '../../../schema/organisation/index.js';
import type { Versatore } from '../sip/index.js';

/**
 * Who sends (ParER Versatore): the configured environment and account; the ente and structure
 * are configured, else the administration's IPA code and the AOO code.
 */
export async function versatoreFor(
  em: EntityManager,
  config: ConservationConfig,
  aooId: string,
): Promise<Versatore> {
  const aoo = await em.findOneOrFail(Aoo, { id: aooId }, { populate: ['administration'] });
  return {
    ambiente: config.ambiente,
    ente: config.ente ?? aoo.administration.ipaCode,
    struttura: config.struttura ?? aoo.code,
    userId: config.user ?? 'dms',
  };
}
