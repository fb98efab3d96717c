import { readFileSync } from 'node:fs';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';
import { PEC_NS, PROT_NS } from './interop-types.js';

/**
 * Validation against the AgID XSDs (xsd/, copied unchanged) by libxml2 in WebAssembly
 * (xmllint-wasm): the same engine as the Debian xmllint, in process, no network. Each call
 * starts a fresh instance (that is how the library works); the schema files are read once.
 */

// dist/plugins/pec/interop/ → the source tree's plugins/pec/interop/xsd/ (the Dockerfile copies it).
const XSD_DIR = new URL('../../../../plugins/pec/interop/xsd/', import.meta.url);

interface SchemaSet {
  schema: XMLFileInfo;
  preload: XMLFileInfo[];
}
let schemas: { prot: SchemaSet; pec: SchemaSet } | undefined;

function file(fileName: string): XMLFileInfo {
  return { fileName, contents: readFileSync(new URL(fileName, XSD_DIR), 'utf8') };
}

function loadSchemas(): { prot: SchemaSet; pec: SchemaSet } {
  if (!schemas) {
    // The file names are the schemaLocations the imports use, so libxml2 finds them preloaded.
    const dsig = file('import_schemas/xmldsig-core-schema.xsd');
    const segnatura = file('segnatura_protocollo.xsd');
    schemas = {
      prot: { schema: segnatura, preload: [dsig] },
      pec: { schema: file('pec_message.xsd'), preload: [segnatura, dsig] },
    };
  }
  return schemas;
}

export interface XsdResult {
  valid: boolean;
  /** xmllint's messages (line: reason), empty when valid. */
  errors: string[];
  /** Which schema was applied: the one whose target namespace is the root's. */
  schema: 'segnatura_protocollo.xsd' | 'pec_message.xsd' | null;
}

/**
 * Validates a document (UTF-8 text, already screened by xml-safety) against the schema of its
 * root element's namespace: `…/protocollo/` → segnatura_protocollo.xsd, `…/protocollo/pec/` →
 * pec_message.xsd (which also declares SegnaturaInformatica). Any other namespace is invalid.
 */
export async function validateInteropXml(text: string, rootNamespace: string | null): Promise<XsdResult> {
  const set =
    rootNamespace === PROT_NS ? loadSchemas().prot : rootNamespace === PEC_NS ? loadSchemas().pec : null;
  if (!set)
    return {
      valid: false,
      errors: [
        `the root element's namespace ${rootNamespace ?? '(none)'} is neither ${PROT_NS} nor ${PEC_NS}`,
      ],
      schema: null,
    };
  const result = await validateXML({
    xml: { fileName: 'document.xml', contents: text },
    schema: set.schema,
    preload: set.preload,
  });
  return {
    valid: result.valid,
    errors: result.errors.map((e) => (e.loc ? `line ${e.loc.lineNumber}: ${e.message}` : e.message)),
    schema: set.schema.fileName as XsdResult['schema'],
  };
}
