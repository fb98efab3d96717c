import { readFileSync } from 'node:fs';
import { validateAgainstXsd, type XsdFile } from '../../../server/xml/xsd-validation.js';

/**
 * Validation against the conservator's XSDs (xsd/, copied unchanged from ParER SacER and UNI
 * SInCRO), by the platform's pooled validators (server/xml).
 */

export type ConservationSchema =
  | 'versamento'
  | 'pindex'
  | 'indice-fascicolo'
  | 'response-versamento'
  | 'response-stato'
  | 'request-stato'
  | 'rapporto-fascicolo';

const SCHEMA_FILES: Record<ConservationSchema, string> = {
  versamento: 'WSRequestVersamento.xsd',
  pindex: 'Unisincro_PIndex.xsd',
  'indice-fascicolo': 'WSRequestIndiceSIPFascicolo.xsd',
  'response-versamento': 'WSResponseVersamento.xsd',
  'response-stato': 'WSResponseStato.xsd',
  'request-stato': 'WSRequestStato_1.3.xsd',
  'rapporto-fascicolo': 'WSResponseRapportoVersamentoFascicolo.xsd',
};

// dist/plugins/conservazione/sip/ → the source tree's plugins/conservazione/sip/xsd/ (the Dockerfile copies it).
const XSD_DIR = new URL('../../../../plugins/conservazione/sip/xsd/', import.meta.url);

const loaded = new Map<ConservationSchema, XsdFile>();

function schemaFile(schema: ConservationSchema): XsdFile {
  let file = loaded.get(schema);
  if (!file) {
    // None of these schemas imports another: nothing to preload.
    file = {
      fileName: SCHEMA_FILES[schema],
      contents: readFileSync(new URL(SCHEMA_FILES[schema], XSD_DIR), 'utf8'),
    };
    loaded.set(schema, file);
  }
  return file;
}

/**
 * Validates every document against one schema; the result lists each document with xmllint's
 * messages (`line N: reason`), empty when valid (see validateAgainstXsd).
 */
export async function validateConservationXml(
  docs: ReadonlyArray<{ name: string; xml: string }>,
  schema: ConservationSchema,
): Promise<Array<{ name: string; errors: string[] }>> {
  return await validateAgainstXsd(docs, { schema: schemaFile(schema) });
}
