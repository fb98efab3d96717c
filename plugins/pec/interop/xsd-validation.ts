import { readFileSync } from 'node:fs';
import { validateAgainstXsd, type XsdFile, type XsdSet } from '../../../server/xml/xsd-validation.js';
import { PEC_NS, PROT_NS } from './interop-types.js';

/**
 * Validation against the AgID XSDs (xsd/, copied unchanged) by the platform's pooled validators
 * (server/xml: libxml2 in WebAssembly, compiled once); the schema files are read once.
 */

// dist/plugins/pec/interop/ → the source tree's plugins/pec/interop/xsd/ (the Dockerfile copies it).
const XSD_DIR = new URL('../../../../plugins/pec/interop/xsd/', import.meta.url);

let schemas: { prot: XsdSet; pec: XsdSet } | undefined;

function file(fileName: string): XsdFile {
  return { fileName, contents: readFileSync(new URL(fileName, XSD_DIR), 'utf8') };
}

function loadSchemas(): { prot: XsdSet; pec: XsdSet } {
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
  const [result] = await validateAgainstXsd([{ name: 'document.xml', xml: text }], set);
  const errors = result?.errors ?? [];
  return {
    valid: errors.length === 0,
    errors,
    schema: set.schema.fileName as XsdResult['schema'],
  };
}
