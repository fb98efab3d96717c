import {
  type Attested,
  type ConnectorOutcome,
  ConservatorResponseInvalid,
  keyLabel,
} from '../connector/index.js';
import type { UnitKey } from '../sip/index.js';

/**
 * A rapporto di versamento is the proof that the conservator holds a unit: before the item is
 * recorded conserved (GREEN), the rapporto must name the unit that was sent and attest, as the
 * conservator computed them, the SHA-256 of exactly the files that were sent — none missing, none
 * other. A rapporto that proves something else (another unit, other bytes, a digest that cannot
 * be compared) is refused as an invalid answer: the item is not recorded, the package keeps the
 * error, and an archivist takes it up with the conservator; a later run asks again. (A rapporto
 * that names no unit, which its schema allows, is judged by the files it attests.)
 */
export function checkRapportoAttests(
  attested: Attested,
  key: UnitKey,
  sent: ReadonlyArray<{ sha256: string }>,
): void {
  const label = keyLabel(key);
  const named = attested.key;
  if (named && (named.registro !== key.registro || named.anno !== key.anno || named.numero !== key.numero)) {
    throw new ConservatorResponseInvalid(
      `The conservator's rapporto for ${label} names unit ${keyLabel(named)}`,
    );
  }
  const missing = sent.map((f) => f.sha256.toLowerCase());
  const other: string[] = [];
  for (const digest of attested.sha256) {
    const i = missing.indexOf(digest);
    if (i >= 0) missing.splice(i, 1);
    else other.push(digest);
  }
  if (missing.length > 0 || other.length > 0) {
    throw new ConservatorResponseInvalid(
      `The conservator's rapporto for ${label} does not attest the files sent: ` +
        [
          missing.length > 0 ? `no component with SHA-256 ${missing.join(', ')}` : '',
          other.length > 0 ? `components with digests not sent ${other.join(', ')}` : '',
        ]
          .filter((part) => part !== '')
          .join('; '),
    );
  }
}

/** A connector's outcome, its rapporto checked when it says CONSERVED (checkRapportoAttests). */
export function checkedOutcome<T extends ConnectorOutcome | { kind: 'UNKNOWN' }>(
  outcome: T,
  key: UnitKey,
  sent: ReadonlyArray<{ sha256: string }>,
): T {
  if (outcome.kind === 'CONSERVED') checkRapportoAttests(outcome.attested, key, sent);
  return outcome;
}
