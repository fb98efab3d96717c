import type { InteropCheckOptions } from '../interop/index.js';
import { parsePecMessage, type PecParseOptions } from '../message/index.js';
import { interopReader } from './interop-reader.js';
import type { IncomingReaders } from './store-incoming.service.js';

/**
 * The readers the ingest loop hands storeIncomingMessage: plugins/pec/message's parser (S/MIME
 * against the provider trust anchors, limits) and plugins/pec/interop's check (XSD, seal).
 */
export function pecReaders(
  options: { parse?: PecParseOptions; interop?: InteropCheckOptions } = {},
): IncomingReaders {
  return {
    parse: (raw) => parsePecMessage(raw, options.parse),
    findInterop: interopReader(options.interop),
  };
}
