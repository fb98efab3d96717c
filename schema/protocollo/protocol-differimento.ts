import { Field, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { isoDate, requiredText } from '../../server/errors/input-checks.js';
import { ProtocolKind } from './protocollo-enums.js';
import type { ProtocolRecord } from './protocol-record.entity.js';
import type { RegisterProtocolInput } from './protocollo.inputs.js';

/** The means of transmission whose date is legally binding: never deferred (001 §6.5). */
const PEC = 'PEC';

@ObjectType({
  simpleResolvers: true,
  description:
    'Protocollo differito (001 §6.5): when the document actually arrived, why and who authorised it',
})
@AnyAuthenticated()
export class ProtocolDifferimento {
  @Field({ description: 'The day the document actually arrived (YYYY-MM-DD, Europe/Rome)' })
  receivedOn!: string;

  @Field({ description: 'Why the registration was deferred (the cause)' })
  reason!: string;

  @Field({ description: 'The act that authorised the deferral' })
  authorisation!: string;
}

/** The differimento columns of a record (registratura), all set or all null. */
export interface DifferimentoColumns {
  receivedOn: string | null;
  differimentoReason: string | null;
  differimentoAuthorisation: string | null;
}

/**
 * A day the caller gives at registration is a day that has happened: today (Europe/Rome) or
 * earlier. A later one is refused before any number is taken.
 */
export function notInFuture(field: string, value: string, today: string): string {
  const day = isoDate(field, value);
  if (day > today) {
    throw new DomainError('PROTOCOL_DATE_IN_FUTURE', `${field}: ${day} is after today (${today})`, {
      field,
    });
  }
  return day;
}

function differitoPec(field: string): DomainError {
  return new DomainError(
    'PROTOCOL_DIFFERITO_PEC',
    `${field}: a document received by PEC is never differito (the PEC date is legally binding)`,
    { field },
  );
}

/**
 * Protocollo differito at registration: incoming only, not for PEC, the receipt day not in
 * the future (so never after the registration day), the cause and the authorising act given.
 */
export function checkDifferimento(
  input: RegisterProtocolInput,
  means: string | null,
  today: string,
): DifferimentoColumns {
  const d = input.differimento;
  if (d === undefined || d === null) {
    return { receivedOn: null, differimentoReason: null, differimentoAuthorisation: null };
  }
  if (input.kind !== ProtocolKind.ARRIVO) {
    throw new DomainError(
      'PROTOCOL_DIFFERITO_NOT_ARRIVO',
      `input.differimento: protocollo differito is for incoming registrations only, not ${input.kind}`,
      { field: 'input.differimento' },
    );
  }
  if (means === PEC) throw differitoPec('input.meansOfTransmission');
  return {
    receivedOn: notInFuture('input.differimento.receivedOn', d.receivedOn, today),
    differimentoReason: requiredText('input.differimento.reason', d.reason, 2000),
    differimentoAuthorisation: requiredText('input.differimento.authorisation', d.authorisation, 500),
  };
}

/** A differito record keeps its non-PEC means: a later change to PEC would rewrite its legal date. */
export function refuseDifferitoToPec(record: ProtocolRecord, means: string | null): void {
  if (record.receivedOn !== null && means === PEC) throw differitoPec('input.meansOfTransmission');
}

/** The differimento of a record, or null when it was registered on the day it arrived. */
export function differimentoOf(record: ProtocolRecord): ProtocolDifferimento | null {
  if (record.receivedOn === null) return null;
  return Object.assign(new ProtocolDifferimento(), {
    receivedOn: record.receivedOn,
    reason: record.differimentoReason ?? '',
    authorisation: record.differimentoAuthorisation ?? '',
  });
}
