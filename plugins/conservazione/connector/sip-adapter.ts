import { readFileSync } from 'node:fs';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';

/**
 * Stand-in for what plugins/conservazione/sip/ exports (UnitKey, Versatore,
 * validateConservationXml: same names and signatures as the design contract) until that module
 * is on main; then the first three become re-exports from '../sip/index.js'. 'request-stato'
 * (the Recupero request, WSRequestStato_1.3.xsd) is the simulator's own need and stays here.
 */

export interface UnitKey {
  registro: string;
  anno: number;
  numero: string;
}

export interface Versatore {
  ambiente: string;
  ente: string;
  struttura: string;
  userId: string;
}

export type ConnectorSchema = 'versamento' | 'response-versamento' | 'response-stato' | 'request-stato';

// dist/plugins/conservazione/connector/ → the source tree's xsd/ (copied unchanged from ParER).
const XSD_DIR = new URL('../../../../plugins/conservazione/connector/xsd/', import.meta.url);

const FILES: Record<ConnectorSchema, string> = {
  versamento: 'WSRequestVersamento.xsd',
  'response-versamento': 'WSResponseVersamento.xsd',
  'response-stato': 'WSResponseStato.xsd',
  'request-stato': 'WSRequestStato_1.3.xsd',
};
const loaded = new Map<ConnectorSchema, XMLFileInfo>();

function schemaFile(schema: ConnectorSchema): XMLFileInfo {
  let file = loaded.get(schema);
  if (!file) {
    file = { fileName: FILES[schema], contents: readFileSync(new URL(FILES[schema], XSD_DIR), 'utf8') };
    loaded.set(schema, file);
  }
  return file;
}

/** Validates documents against one ParER schema in one xmllint-wasm call; errors per document. */
export async function validateConservationXml(
  docs: Array<{ name: string; xml: string }>,
  schema: ConnectorSchema,
): Promise<Array<{ name: string; errors: string[] }>> {
  if (docs.length === 0) return [];
  const result = await validateXML({
    xml: docs.map((d, i) => ({ fileName: `doc${i}.xml`, contents: d.xml })),
    schema: schemaFile(schema),
  });
  const out = docs.map((d, i) => ({
    name: d.name,
    errors: result.errors
      .filter((e) => e.loc?.fileName === `doc${i}.xml` || (docs.length === 1 && !e.loc))
      .map((e) => (e.loc ? `line ${e.loc.lineNumber}: ${e.message}` : e.message)),
  }));
  // An invalid result no error could be attributed to fails every document rather than none.
  if (!result.valid && out.every((d) => d.errors.length === 0))
    for (const d of out) d.errors.push(`schema validation failed: ${result.rawOutput.slice(0, 300)}`);
  return out;
}
