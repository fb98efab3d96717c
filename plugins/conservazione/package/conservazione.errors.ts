import type { ErrorCodeDefinition } from '../../../server/errors/error-codes.js';

/** Outcomes of the conservation desk that a client branches on. */
export const CONSERVATION_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'CONSERVATION_UNIT_NOT_READY',
    httpStatus: 409,
    description:
      'A document cannot be conserved yet: it is a draft (neither registered nor filed in a closed fascicolo), or a file of it is missing or differs from its digest. `extensions.documentId` names it',
  },
  {
    code: 'CONSERVATION_ALREADY_CONSERVED',
    httpStatus: 409,
    description:
      'The document (or daily register) is already conserved: a conserved unit is never sent twice. `extensions.documentIds` lists them',
  },
  {
    code: 'CONSERVATION_IN_PROGRESS',
    httpStatus: 409,
    description:
      'The document is in a package still waiting for the conservator (orange): wait for its outcome. `extensions.packageId` names that package',
  },
  {
    code: 'CONSERVATION_PACKAGE_NOT_RED',
    httpStatus: 409,
    description:
      'Only a rejected (red) package whose transfer has finished is resent, once; this one is green, still orange, or already resent (`extensions.resentAs`)',
  },
  {
    code: 'CONSERVATION_FASCICOLO_NOT_CLOSED',
    httpStatus: 409,
    description: 'A fascicolo is transferred to conservation once it is closed (with all its sottofascicoli)',
  },
  {
    code: 'CONSERVATION_EMPTY_PACKAGE',
    httpStatus: 409,
    description:
      'Nothing to send: no document was chosen, or every document of the fascicolo is already conserved or on its way',
  },
  {
    code: 'CONSERVATOR_UNAVAILABLE',
    httpStatus: 503,
    description:
      'The conservator did not answer (down, timeout, server error): the items stay orange and the transfer is retried',
  },
  {
    code: 'CONSERVATOR_RESPONSE_INVALID',
    httpStatus: 502,
    description:
      "The conservator's answer was refused (a DOCTYPE or entity, malformed XML, not valid against WSResponseVersamento.xsd, or an unknown outcome code): nothing changed; the package records the error",
  },
];
