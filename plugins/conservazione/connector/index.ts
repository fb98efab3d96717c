/**
 * Talking to a conservator (ParER SacER-style synchronous web services): the connector
 * interface the transfer uses, its HTTP implementation, and the two failures it can throw.
 */
export type { Attested, ConnectorOutcome, ConservationConnector, Reason, UdSubmission } from './connector.js';
export { ConservatorResponseInvalid, ConservatorUnavailable } from './connector.errors.js';
export { httpConnector } from './http-connector.js';
export { keyLabel, PARER_CODES, PARER_SERVICES, RECUPERO_VERSION, recuperoXml } from './parer-protocol.js';
export { MAX_RESPONSE_BYTES } from './response-read.js';
