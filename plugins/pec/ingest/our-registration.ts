import type { RequestContext } from '../../../server/context.js';
import { Aoo } from '../../../schema/organisation/index.js';
import type { ProtocolRecord } from '../../../schema/protocollo/index.js';
import type { InteropIdentifierInput, InteropReference } from '../interop/index.js';

/** Our registration as Allegato 6 identifies it (IdentificatoreType): IPA codes, register, number, date. */
export async function ourIdentifier(
  ctx: RequestContext,
  record: ProtocolRecord,
): Promise<InteropIdentifierInput> {
  const aoo = await ctx.em.findOneOrFail(Aoo, { id: record.aooId }, { populate: ['administration'] });
  return {
    codiceAmministrazione: aoo.administration.ipaCode,
    codiceAOO: aoo.code,
    codiceRegistro: aoo.registerCode,
    numero: record.number,
    data: record.date,
    ora: romeTime(record.registeredAt),
    denominazioneAmministrazione: aoo.administration.name,
    denominazioneAOO: aoo.name,
  };
}

/** HH:MM:SS of an instant in Europe/Rome (the time a registration shows). */
function romeTime(at: Date): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Rome',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/** A reference as the builders take it (the sender's registration, read from its Segnatura). */
export function asIdentifier(ref: InteropReference): InteropIdentifierInput {
  return {
    codiceAmministrazione: ref.codiceAmministrazione,
    codiceAOO: ref.codiceAOO,
    codiceRegistro: ref.codiceRegistro,
    numero: ref.numero,
    data: ref.data,
    ora: ref.ora,
  };
}

/** Whether a reference names a registration of this AOO (codes compared as IPA writes them, any case). */
export async function isOurs(ctx: RequestContext, aooId: string, ref: InteropReference): Promise<boolean> {
  const aoo = await ctx.em.findOneOrFail(Aoo, { id: aooId }, { populate: ['administration'] });
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  return (
    same(aoo.administration.ipaCode, ref.codiceAmministrazione) &&
    same(aoo.code, ref.codiceAOO) &&
    same(aoo.registerCode, ref.codiceRegistro)
  );
}
