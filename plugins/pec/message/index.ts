/** The message area of the PEC plugin: what the other areas import (parsing, daticert, limits). */
export * from './parsed-message.js';
export { parseDaticert, type DaticertResult } from './daticert.js';
export { parsePecMessage, type PecParseOptions } from './parse-pec-message.js';
export { loadTrustAnchors, type TrustAnchorInput } from './smime-verification.js';
export { inspectArchive } from './archive-inspection.js';
