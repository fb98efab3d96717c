import {
  ProtocolCorrespondentKind,
  type ProtocolCorrespondentInput,
} from '../../../schema/protocollo/index.js';
import type { SegnaturaSummary, StoredSummary } from './stored-summary.js';

const ADDRESS = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,253}\.[^\s@<>"]{2,}$/;

/** `"Name" <a@b.it>` or `a@b.it` → the address and the display name, if any. */
export function splitAddress(value: string | null): { address: string | null; name: string | null } {
  if (value === null) return { address: null, name: null };
  const angle = /^(.*)<([^<>]+)>\s*$/.exec(value.trim());
  const address = (angle?.[2] ?? value).trim().toLowerCase();
  const name = angle
    ? (angle[1] ?? '')
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim()
    : '';
  return { address: ADDRESS.test(address) ? address : null, name: name.length > 0 ? name : null };
}

/**
 * The Segnatura registration trusts: schema-valid and not with a broken seal (an unsigned or
 * untrusted one is recorded on the message, not refused: DOMAIN §8, outcomes never block).
 */
export function validSegnatura(summary: StoredSummary): SegnaturaSummary | null {
  const i = summary.interop;
  return i !== null && i.kind === 'segnatura' && i.schemaValid && i.seal !== 'invalid' ? i.segnatura : null;
}

/**
 * The sender of a registration from a message: with a valid Segnatura, its mittente (an
 * administration with its IPA codes); otherwise the certified sender (daticert mittente), or
 * the original From for ordinary mail, as a correspondent whose nature is unknown (a legal
 * person until the operator corrects it) named by its display name or address.
 */
export function senderOf(summary: StoredSummary, pec: boolean): ProtocolCorrespondentInput | null {
  const seg = validSegnatura(summary);
  const certified = splitAddress(summary.daticert?.mittente ?? null);
  const original = splitAddress(summary.original?.from ?? summary.from);
  const address = certified.address ?? original.address;
  if (seg?.mittente?.denominazione) {
    return {
      kind: ProtocolCorrespondentKind.AMMINISTRAZIONE_ITALIANA,
      denominazione: seg.mittente.denominazione,
      ipaAmministrazione: seg.mittente.codiceAmministrazione ?? null,
      ipaAoo: seg.mittente.codiceAOO ?? null,
      pec: seg.mittente.pec ?? (pec ? address : null),
    };
  }
  if (address === null) return null;
  return {
    kind: ProtocolCorrespondentKind.PERSONA_GIURIDICA,
    denominazione: original.name ?? address,
    ...(pec ? { pec: address } : { email: address }),
  };
}
