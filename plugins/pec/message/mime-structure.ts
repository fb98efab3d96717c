import { Splitter, type MimeNode } from '@zone-eu/mailsplit';
import type { PecParseLimits } from './parsed-message.js';

type SplitterNode = MimeNode;

/** The two halves of a multipart/signed (RFC 1847), as they were on the wire. */
export interface SignedParts {
  /** The signed entity (first body part), CRLF-canonicalised (RFC 5751 §3.1.1): the bytes the signature covers. */
  content: Buffer;
  /** The decoded CMS of the second body part; null when the part is missing. */
  signature: Buffer | null;
  /** Content-Type of the second part (application/pkcs7-signature...), null when missing. */
  signatureType: string | null;
}

export interface MimeStructure {
  /** MIME nodes counted, embedded messages included (stops counting past the limit). */
  parts: number;
  /** Deepest nesting of message/rfc822 (a busta with its postacert.eml: 1). */
  depth: number;
  rootType: string | null;
  /** When the root is multipart/signed. */
  signed: SignedParts | null;
  /** When the root is application/pkcs7-mime (opaque signed): its decoded body. */
  opaque: Buffer | null;
  /** The structure is beyond the limits or unreadable: the content should not be parsed further. */
  refused: boolean;
  problems: string[];
}

/** Lone LF (and lone CR) become CRLF: S/MIME signs the canonical form, openssl writes LF. */
export function canonicaliseCrlf(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length * 2);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 0x0d) {
      out[length++] = 0x0d;
      out[length++] = 0x0a;
      if (bytes[i + 1] === 0x0a) i++;
    } else if (byte === 0x0a) {
      out[length++] = 0x0d;
      out[length++] = 0x0a;
    } else {
      out[length++] = byte;
    }
  }
  return Buffer.from(out.subarray(0, length));
}

function decodeBody(node: SplitterNode, body: Buffer): Buffer {
  if (node.encoding === 'base64')
    return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  return body;
}

interface Chunk {
  node: SplitterNode | null;
  kind: 'node' | 'data' | 'body';
  bytes: Buffer;
}

interface SplitResult {
  chunks: Chunk[];
  error: string | null;
  overflow: boolean;
}

/** Runs mailsplit over one message; stops (overflow) past `maxNodes` nodes. */
function split(raw: Buffer, maxNodes: number): Promise<SplitResult> {
  return new Promise((resolve) => {
    const chunks: Chunk[] = [];
    let nodes = 0;
    let settled = false;
    const finish = (error: string | null, overflow = false): void => {
      if (settled) return;
      settled = true;
      resolve({ chunks, error, overflow });
    };
    // ignoreEmbedded: message/rfc822 parts stay leaves; analyse() descends into them itself,
    // whatever their disposition, so that nesting is measured the same for every embedded message.
    const splitter = new Splitter({ ignoreEmbedded: true, maxChildNodes: maxNodes + 1 });
    splitter.on('data', (chunk) => {
      if (settled) return;
      if (chunk.type === 'node') {
        nodes++;
        if (nodes > maxNodes) {
          finish(null, true);
          splitter.destroy();
          return;
        }
        chunks.push({ node: chunk, kind: 'node', bytes: chunk.getHeaders() });
      } else {
        chunks.push({ node: chunk.node, kind: chunk.type, bytes: chunk.value });
      }
    });
    // The typings declare only 'data'; the splitter is a Transform and emits the usual events.
    const stream: NodeJS.EventEmitter = splitter;
    stream.on('error', (error: Error) => finish(error.message));
    stream.on('end', () => finish(null));
    splitter.end(raw);
  });
}

/**
 * The exact bytes of the signed entity: from the first child's headers to the CRLF that precedes
 * the next delimiter (that CRLF belongs to the delimiter, RFC 2046 §5.1.1).
 */
function signedParts(root: SplitterNode, chunks: Chunk[]): SignedParts | null {
  const children = chunks.filter((c) => c.kind === 'node' && c.node?.parentNode === root);
  const contentNode = children[0]?.node;
  if (!contentNode) return null;
  const signatureNode = children[1]?.node ?? null;
  const start = chunks.findIndex((c) => c.kind === 'node' && c.node === contentNode);
  const end = signatureNode
    ? chunks.findIndex((c) => c.kind === 'node' && c.node === signatureNode)
    : chunks.length;
  let entity = Buffer.concat(chunks.slice(start, end).map((c) => c.bytes));
  const boundary = root._boundary ? Buffer.concat([Buffer.from('--'), root._boundary]) : null;
  const delimiter = boundary ? entity.lastIndexOf(boundary) : -1;
  if (delimiter >= 0) {
    let cut = delimiter;
    if (entity[cut - 1] === 0x0a) cut--;
    if (entity[cut - 1] === 0x0d) cut--;
    entity = entity.subarray(0, cut);
  }
  let signature: Buffer | null = null;
  if (signatureNode) {
    const body = Buffer.concat(
      chunks.filter((c) => c.kind === 'body' && c.node === signatureNode).map((c) => c.bytes),
    );
    signature = decodeBody(signatureNode, body);
  }
  return {
    content: canonicaliseCrlf(entity),
    signature,
    signatureType: signatureNode ? signatureNode.contentType || null : null,
  };
}

/** Multiparts without a boundary, or whose closing delimiter never comes (a truncated message). */
function multipartDefects(chunks: Chunk[], depth: number): string[] {
  const where = depth > 0 ? ` in an embedded message (depth ${depth})` : '';
  const problems: string[] = [];
  for (const chunk of chunks) {
    const node = chunk.node;
    if (chunk.kind !== 'node' || !node?.multipart) continue;
    if (!node._boundary) {
      problems.push(
        `malformed MIME${where}: ${node.contentType || 'multipart'} without a boundary parameter`,
      );
      continue;
    }
    const closing = Buffer.concat([Buffer.from('--'), node._boundary, Buffer.from('--')]);
    if (!chunks.some((c) => c.kind === 'data' && c.bytes.includes(closing))) {
      problems.push(
        `malformed MIME${where}: ${node.contentType || 'multipart'} never closes (no "--${node._boundary.toString()}--"): the message is truncated`,
      );
    }
  }
  return problems;
}

/**
 * Walks the MIME tree of a raw message with mailsplit: counts parts, measures message/rfc822
 * nesting (descending into each embedded message), and for S/MIME keeps the exact bytes the
 * signature covers. Never throws; beyond a limit it stops and says so.
 */
export async function analyseMime(raw: Buffer, limits: PecParseLimits): Promise<MimeStructure> {
  const structure: MimeStructure = {
    parts: 0,
    depth: 0,
    rootType: null,
    signed: null,
    opaque: null,
    refused: false,
    problems: [],
  };
  // Depth-first over embedded messages, iteratively: a hostile nesting cannot grow the JS stack.
  const pending: { bytes: Buffer; depth: number }[] = [{ bytes: raw, depth: 0 }];
  while (pending.length > 0) {
    const { bytes, depth } = pending.pop() as { bytes: Buffer; depth: number };
    if (depth > limits.maxMessageDepth) {
      structure.problems.push(
        `message/rfc822 nested more than ${limits.maxMessageDepth} levels deep: the content is not parsed (the message is kept)`,
      );
      structure.refused = true;
      break;
    }
    structure.depth = Math.max(structure.depth, depth);
    const result = await split(bytes, limits.maxParts - structure.parts);
    const nodes = result.chunks.filter((c) => c.kind === 'node');
    structure.parts += nodes.length;
    if (result.overflow) {
      structure.problems.push(
        `more than ${limits.maxParts} MIME parts: the content is not parsed (the message is kept)`,
      );
      structure.refused = true;
      break;
    }
    if (result.error) {
      structure.problems.push(
        `malformed MIME${depth > 0 ? ` in an embedded message (depth ${depth})` : ''}: ${result.error}`,
      );
      if (depth === 0) structure.refused = nodes.length === 0;
      continue;
    }
    structure.problems.push(...multipartDefects(result.chunks, depth));
    if (depth === 0) {
      const root = nodes[0]?.node ?? null;
      structure.rootType = root?.contentType || null;
      if (root && root.contentType === 'multipart/signed')
        structure.signed = signedParts(root, result.chunks);
      if (root && /^application\/(x-)?pkcs7-mime$/.test(root.contentType || '')) {
        const body = Buffer.concat(
          result.chunks.filter((c) => c.kind === 'body' && c.node === root).map((c) => c.bytes),
        );
        structure.opaque = decodeBody(root, body);
      }
    }
    for (const chunk of nodes) {
      const node = chunk.node as SplitterNode;
      // An embedded message's own root is the part seen from outside: skip the root node itself.
      if (node.contentType !== 'message/rfc822' || node.root) continue;
      const body = Buffer.concat(
        result.chunks.filter((c) => c.kind === 'body' && c.node === node).map((c) => c.bytes),
      );
      pending.push({ bytes: decodeBody(node, body), depth: depth + 1 });
    }
  }
  return structure;
}
