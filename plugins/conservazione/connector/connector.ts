import type { Readable } from 'node:stream';
import type { UnitKey } from '../sip/index.js';

/** One unit (unità documentaria) as the connector sends it. */
export interface UdSubmission {
  key: UnitKey;
  /** The versamento request XML (ParER UnitaDocumentaria, already XSD-valid). */
  xml: string;
  /** In the order the request XML lists them; each is opened once, when its bytes are sent. */
  components: Array<{
    id: string;
    name: string;
    mediaType: string;
    size: number;
    sha256: string;
    open(): Promise<Readable>;
  }>;
}

/**
 * What a rapporto di versamento attests: the unit it names (null when it names none) and the
 * SHA-256 the conservator computed of each component it holds, lowercase hex, in its order (a
 * digest it gives otherwise is `ALGORITHM:value`, comparable to nothing of ours).
 */
export interface Attested {
  key: UnitKey | null;
  sha256: string[];
}

/** Why the conservator refused (or warned about) a unit, per item or component. */
export interface Reason {
  code: string;
  message: string;
  componentId?: string;
}

export type ConnectorOutcome =
  | {
      kind: 'CONSERVED';
      conservatorId: string | null;
      /** The conservator's RapportoVersamento, verbatim. */
      rapportoXml: string;
      /** What that rapporto attests (the transfer checks it against what was sent). */
      attested: Attested;
      responseXml: string;
      warnings: Reason[];
      /** The conservator already held the unit (a resend after a lost answer). */
      alreadyConserved: boolean;
    }
  | { kind: 'REJECTED'; reasons: Reason[]; responseXml: string };

/** A conservator reached over the network (strategy: HTTP in production, the simulator in tests). */
export interface ConservationConnector {
  readonly name: string;
  /**
   * Sends one unit. Throws ConservatorUnavailable (timeout, refused, 5xx: retry later, the item
   * stays ORANGE) or ConservatorResponseInvalid (DOCTYPE/entity, malformed, XSD-invalid, unknown
   * outcome code: state unchanged, recorded as the package's last error).
   */
  send(unit: UdSubmission, signal?: AbortSignal): Promise<ConnectorOutcome>;
  /**
   * What the conservator knows of a unit (after a lost answer): CONSERVED (with the rapporto) or
   * UNKNOWN (never received). ParER keeps no unit for a refused versamento, so REJECTED never
   * comes from this connector's status. Same throws.
   */
  status(key: UnitKey, signal?: AbortSignal): Promise<ConnectorOutcome | { kind: 'UNKNOWN' }>;
}
