import { createHash } from 'node:crypto';
import { XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { interopMessageFacts, type InteropMessageFacts } from './parse-messages.js';
import { verifySeal } from './seal-verification.js';
import { segnaturaFacts, type SegnaturaFacts } from './segnatura-facts.js';
import type { SignatureOutcome } from './signature-outcome.js';
import {
  INTEROP_FILES,
  INTEROP_NAMESPACES,
  PEC_NS,
  type InteropKind,
  type InteropReference,
} from './interop-types.js';
import { DEFAULT_MAX_XML_BYTES, parseUntrustedXml } from './xml-safety.js';
import { validateInteropXml } from './xsd-validation.js';

/**
 * The check of an interoperability attachment of an incoming message: which one it is, whether
 * it is valid against the AgID XSD of its namespace, whether its seal holds, what it says, and
 * every problem in words. Never blocking, never throwing on bad input: a message that is not
 * compliant is still registered, marked (DOMAIN §8).
 */

/** What the check needs of an attachment (pec-parse's PecAttachment has these fields). */
export interface InteropAttachment {
  fileName: string;
  mediaType?: string;
  /** Lower-case hex SHA-256 of bytes, when the caller has it. */
  sha256?: string;
  bytes: Buffer;
}

export interface DocumentCheck {
  ruolo: 'primario' | 'allegato';
  nomeFile: string | null;
  /** An attachment of that name is in the message. */
  attached: boolean;
  /** Its digest equals the Segnatura's impronta (null: nothing to compare). */
  digestMatches: boolean | null;
}

export interface InteropCheck {
  kind: InteropKind;
  fileName: string;
  /** The root element's namespace (null when unreadable). */
  namespace: string | null;
  schemaValid: boolean;
  schemaErrors: string[];
  seal: SignatureOutcome;
  sealReason: string | null;
  /** The seal certificate's subject. */
  signer: string | null;
  problems: string[];
  segnatura?: SegnaturaFacts;
  /** Segnatura: each document it lists against the message's attachments (Allegato 6 §3.1.1 B). */
  documents?: DocumentCheck[];
  /** Messages: the record the message concerns (see InteropMessageFacts). */
  reference?: InteropReference | null;
  counterpart?: InteropReference | null;
  eccezione?: InteropMessageFacts['eccezione'];
  annullamento?: InteropMessageFacts['annullamento'];
  message?: InteropMessageFacts;
}

export interface InteropCheckOptions {
  /** DER certificates the seal must chain to; none → an intact seal is `untrusted`. */
  trustAnchors?: Buffer[];
  /** When the seal certificate must be valid (the message's reception), if given. */
  at?: Date | null;
  maxBytes?: number;
}

const KIND_BY_FILE = new Map(
  (Object.entries(INTEROP_FILES) as [InteropKind, { root: string; fileName: string }][]).map(([kind, f]) => [
    f.fileName.toLowerCase(),
    kind,
  ]),
);
const KIND_BY_ROOT = new Map(
  (Object.entries(INTEROP_FILES) as [InteropKind, { root: string; fileName: string }][]).map(([kind, f]) => [
    f.root,
    kind,
  ]),
);
const ORDER: InteropKind[] = ['segnatura', 'conferma', 'aggiornamento', 'eccezione', 'annullamento'];
const NAMESPACES = new Set<string | null>(INTEROP_NAMESPACES);
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

function baseName(fileName: string): string {
  return (fileName.split(/[\\/]/).pop() ?? fileName).trim().toLowerCase();
}

function rootKind(root: Element | null): InteropKind | null {
  if (!root || !NAMESPACES.has(root.namespaceURI)) return null;
  return KIND_BY_ROOT.get(root.localName ?? '') ?? null;
}

/** The document as text without the root's ds:Signature (the four messages' XSD has no slot). */
function withoutRootSignature(doc: Document, text: string): string {
  const root = doc.documentElement;
  if (!root) return text;
  let removed = false;
  const copy = doc.cloneNode(true) as Document;
  const copyRoot = copy.documentElement;
  for (let n = copyRoot?.firstChild ?? null; n;) {
    const next = n.nextSibling;
    if (
      n.nodeType === 1 &&
      (n as Element).namespaceURI === DS_NS &&
      (n as Element).localName === 'Signature'
    ) {
      copyRoot?.removeChild(n);
      removed = true;
    }
    n = next;
  }
  return removed ? new XMLSerializer().serializeToString(copy) : text;
}

function digest(algorithm: string, bytes: Buffer): string | null {
  const name = { 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' }[
    algorithm.toUpperCase()
  ];
  return name ? createHash(name).update(bytes).digest('hex') : null;
}

function documentChecks(
  facts: SegnaturaFacts,
  attachments: InteropAttachment[],
  problems: string[],
): DocumentCheck[] {
  return facts.documenti.map((d) => {
    const file = d.nomeFile
      ? attachments.find((a) => baseName(a.fileName) === baseName(d.nomeFile ?? ''))
      : undefined;
    if (!file) {
      problems.push(`the document ${d.nomeFile ?? '(no name)'} listed in the Segnatura is not attached`);
      return { ruolo: d.ruolo, nomeFile: d.nomeFile, attached: false, digestMatches: null };
    }
    if (!d.digestHex) {
      problems.push(`the impronta of ${d.nomeFile} is missing or not a ${d.algoritmo} digest in base64`);
      return { ruolo: d.ruolo, nomeFile: d.nomeFile, attached: true, digestMatches: null };
    }
    const actual =
      d.algoritmo.toUpperCase() === 'SHA-256' && file.sha256
        ? file.sha256.toLowerCase()
        : digest(d.algoritmo, file.bytes);
    if (actual === null) {
      problems.push(`the impronta of ${d.nomeFile} uses ${d.algoritmo}, which is not checked`);
      return { ruolo: d.ruolo, nomeFile: d.nomeFile, attached: true, digestMatches: null };
    }
    const matches = actual === d.digestHex;
    if (!matches)
      problems.push(`the impronta of ${d.nomeFile} does not match the attached file (${d.algoritmo})`);
    return { ruolo: d.ruolo, nomeFile: d.nomeFile, attached: true, digestMatches: matches };
  });
}

/**
 * Checks one interoperability XML file. `expected` is the kind its file name says (null: found
 * by its root element). `attachments`: the message's other files, for the Segnatura's digests.
 */
export async function checkInteropXml(
  fileName: string,
  bytes: Buffer,
  expected: InteropKind | null,
  options: InteropCheckOptions = {},
  attachments: InteropAttachment[] = [],
): Promise<InteropCheck> {
  const problems: string[] = [];
  const parsed = parseUntrustedXml(bytes, options.maxBytes ?? DEFAULT_MAX_XML_BYTES);
  if (!parsed.ok) {
    return {
      kind: expected ?? 'segnatura',
      fileName,
      namespace: null,
      schemaValid: false,
      schemaErrors: [parsed.reason],
      seal: 'invalid',
      sealReason: `not verified: ${parsed.reason}`,
      signer: null,
      problems: [`${fileName}: ${parsed.reason}`],
    };
  }
  const root = parsed.doc.documentElement as Element;
  const found = rootKind(root);
  const kind = found ?? expected ?? 'segnatura';
  if (!found)
    problems.push(
      `${fileName}: the root element {${root.namespaceURI ?? ''}}${root.localName} is not ${INTEROP_FILES[kind].root} of an AgID namespace`,
    );
  else if (expected && found !== expected)
    problems.push(
      `${fileName}: named as ${INTEROP_FILES[expected].fileName} but its root element is ${root.localName}`,
    );
  if (found && found !== 'segnatura' && root.namespaceURI !== PEC_NS)
    problems.push(
      `${fileName}: ${root.localName} is defined only in the namespace ${PEC_NS}, not ${root.namespaceURI}`,
    );

  const xsd = await validateInteropXml(
    found && found !== 'segnatura' ? withoutRootSignature(parsed.doc, parsed.text) : parsed.text,
    root.namespaceURI,
  );
  if (!xsd.valid)
    problems.push(`${fileName} does not validate against ${xsd.schema ?? 'the AgID XSDs'}: ${xsd.errors[0]}`);

  const seal = await verifySeal(parsed.doc, options.trustAnchors ?? [], options.at ?? null);
  // The seal is mandatory on the Segnatura only (Allegato 6 §2.2 E); a message may carry one.
  if (seal.outcome !== 'valid' && (kind === 'segnatura' || seal.outcome !== 'unsigned'))
    problems.push(`${fileName}: seal ${seal.outcome}: ${seal.reason}`);

  const check: InteropCheck = {
    kind,
    fileName,
    namespace: root.namespaceURI,
    schemaValid: xsd.valid && found !== null,
    schemaErrors: xsd.errors,
    seal: seal.outcome,
    sealReason: seal.reason,
    signer: seal.signer,
    problems,
  };
  if (kind === 'segnatura') {
    const facts = segnaturaFacts(root);
    for (const m of facts.missing) problems.push(`${fileName}: missing ${m}`);
    check.segnatura = facts;
    check.documents = documentChecks(facts, attachments, problems);
  } else {
    const message = interopMessageFacts(root, kind);
    for (const m of message.missing) problems.push(`${fileName}: missing ${m}`);
    check.message = message;
    check.reference = message.reference;
    check.counterpart = message.counterpart;
    if (message.eccezione) check.eccezione = message.eccezione;
    if (message.annullamento) check.annullamento = message.annullamento;
  }
  return check;
}

/**
 * Finds the interoperability file among a message's attachments — by name (Segnatura.xml,
 * Conferma.xml, Eccezione.xml, Aggiornamento.xml, Annullamento.xml, any case), else by the root
 * element of an XML attachment — and checks it. Null when there is none. Never throws: any
 * failure is a problem of the check.
 */
export async function findInteropAttachment(
  attachments: InteropAttachment[],
  options: InteropCheckOptions = {},
): Promise<InteropCheck | null> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  const candidates: { attachment: InteropAttachment; kind: InteropKind; named: boolean }[] = [];
  for (const attachment of attachments) {
    const named = KIND_BY_FILE.get(baseName(attachment.fileName));
    if (named) {
      candidates.push({ attachment, kind: named, named: true });
      continue;
    }
    const looksXml = /\.xml$/i.test(attachment.fileName) || /[/+]xml\b/i.test(attachment.mediaType ?? '');
    if (!looksXml || attachment.bytes.length > maxBytes) continue;
    const parsed = parseUntrustedXml(attachment.bytes, maxBytes);
    const kind = parsed.ok ? rootKind(parsed.doc.documentElement) : null;
    if (kind) candidates.push({ attachment, kind, named: false });
  }
  if (candidates.length === 0) return null;
  // A message carries one: the Segnatura first, then the messages; named before sniffed.
  candidates.sort(
    (a, b) => Number(b.named) - Number(a.named) || ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind),
  );
  const chosen = candidates[0];
  try {
    const check = await checkInteropXml(
      chosen.attachment.fileName,
      chosen.attachment.bytes,
      chosen.named ? chosen.kind : null,
      options,
      attachments.filter((a) => a !== chosen.attachment),
    );
    for (const other of candidates.slice(1))
      check.problems.push(
        `the message also carries ${other.attachment.fileName} (${other.kind}), not checked`,
      );
    return check;
  } catch (error) {
    // A defect of ours (or of a library) on this input: reported, never thrown at the ingest.
    return {
      kind: chosen.kind,
      fileName: chosen.attachment.fileName,
      namespace: null,
      schemaValid: false,
      schemaErrors: [],
      seal: 'invalid',
      sealReason: 'not verified: the check failed',
      signer: null,
      problems: [
        `${chosen.attachment.fileName}: the check failed: ${error instanceof Error ? error.message : String(error)}`,
      ],
    };
  }
}
