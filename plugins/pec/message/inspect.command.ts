import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CliError } from '../../../server/cli/cli-error.js';
import type { Config } from '../../../server/config.js';
import type { OfflineCliCommand } from '../../../server/modules/module.js';
import { findInteropAttachment, type InteropCheck } from '../interop/index.js';
import { parseDaticert } from './daticert.js';
import { parsePecMessage } from './parse-pec-message.js';
import { PEC_RECEIPT_KINDS, type Daticert, type ParsedPecMessage } from './parsed-message.js';
import { loadTrustAnchors } from './smime-verification.js';

const USAGE = 'pec inspect FILE [--trust CA.pem]';

interface InspectRecipient {
  address: string;
  /** certificato | esterno (daticert.xml), to | cc (headers, when there is no daticert). */
  type: string | null;
}

/** What `dms pec inspect` prints: the facts an operator looks for first, then the detail. */
export interface InspectReport {
  file: string;
  /** busta | anomalia | receipt | peo, or 'daticert' for a bare daticert.xml. */
  kind: string;
  receipt: string | null;
  sender: string | null;
  recipients: InspectRecipient[];
  subject: string | null;
  provider: string | null;
  dateTime: string | null;
  identificativo: string | null;
  msgid: string | null;
  messageId: string | null;
  riferimentoMessageId: string | null;
  signature: ParsedPecMessage['signature'] | null;
  daticert: Daticert | null;
  original: {
    messageId: string | null;
    from: string | null;
    subject: string | null;
    date: string | null;
  } | null;
  attachments: { name: string; type: string; size: number; sha256: string }[];
  droppedAttachments: ParsedPecMessage['droppedAttachments'];
  /** The Segnatura.xml or interoperability message among the attachments (pec-interop's check), or null. */
  interop: InteropCheck | null;
  problems: string[];
}

function looksLikeXml(bytes: Buffer, file: string): boolean {
  const head = bytes
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return file.toLowerCase().endsWith('.xml') || head.startsWith('<?xml') || head.startsWith('<postacert');
}

function daticertReport(file: string, daticert: Daticert | null, problems: string[]): InspectReport {
  return {
    file,
    kind: 'daticert',
    receipt:
      daticert && (PEC_RECEIPT_KINDS as readonly string[]).includes(daticert.tipo) ? daticert.tipo : null,
    sender: daticert?.mittente ?? null,
    recipients: (daticert?.destinatari ?? []).map((d) => ({ address: d.address, type: d.tipo })),
    subject: daticert?.oggetto ?? null,
    provider: daticert?.gestoreEmittente ?? null,
    dateTime: daticert?.dataOra ?? null,
    identificativo: daticert?.identificativo ?? null,
    msgid: daticert?.msgid ?? null,
    messageId: null,
    riferimentoMessageId: null,
    signature: null,
    daticert,
    original: null,
    attachments: [],
    droppedAttachments: [],
    interop: null,
    problems,
  };
}

/** The facts of a parsed message: daticert.xml first (what the provider certifies), headers otherwise. */
export function inspectReport(
  file: string,
  parsed: ParsedPecMessage,
  interop: InteropCheck | null = null,
): InspectReport {
  const d = parsed.daticert;
  const headerRecipients = (parsed.original ?? { to: parsed.to, cc: parsed.cc }) as {
    to: string[];
    cc: string[];
  };
  return {
    file,
    kind: parsed.kind,
    receipt: parsed.receipt,
    sender: d?.mittente ?? parsed.original?.from ?? parsed.from,
    recipients: d
      ? d.destinatari.map((r) => ({ address: r.address, type: r.tipo }))
      : [
          ...headerRecipients.to.map((address) => ({ address, type: 'to' })),
          ...headerRecipients.cc.map((address) => ({ address, type: 'cc' })),
        ],
    subject: d?.oggetto ?? parsed.original?.subject ?? parsed.subject,
    provider: d?.gestoreEmittente ?? null,
    dateTime: d?.dataOra ?? parsed.date,
    identificativo: d?.identificativo ?? null,
    msgid: d?.msgid ?? null,
    messageId: parsed.messageId,
    riferimentoMessageId: parsed.riferimentoMessageId,
    signature: parsed.signature,
    daticert: d,
    original: parsed.original && {
      messageId: parsed.original.messageId,
      from: parsed.original.from,
      subject: parsed.original.subject,
      date: parsed.original.date,
    },
    attachments: parsed.attachments.map((a) => ({
      name: a.fileName,
      type: a.mediaType,
      size: a.size,
      sha256: a.sha256,
    })),
    droppedAttachments: parsed.droppedAttachments,
    interop,
    problems: parsed.problems,
  };
}

async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new CliError(
      `Cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/**
 * `dms pec inspect FILE [--trust CA.pem]`: prints as JSON what the plugin understands of a
 * message (.eml) or a bare daticert.xml. Offline: no database, nothing stored. Exit 0 whenever
 * the file was read, problems included (they are in the JSON); 1 when a file cannot be read.
 */
async function inspect(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { trust: { type: 'string' } },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new CliError(`Usage: dms ${USAGE}`, 2);
  const bytes = await readInput(file, 'the message');
  let report: InspectReport;
  if (looksLikeXml(bytes, file)) {
    const result = parseDaticert(bytes);
    report = daticertReport(file, result.daticert, result.problems);
  } else {
    let trustAnchors: ReturnType<typeof loadTrustAnchors> = [];
    if (values.trust) {
      const pem = await readInput(values.trust, 'the trust anchors');
      try {
        trustAnchors = loadTrustAnchors([pem]);
      } catch (error) {
        throw new CliError(
          `The trust anchors in ${values.trust} are not readable: ${(error as Error).message}`,
        );
      }
    }
    const parsed = await parsePecMessage(bytes, { trustAnchors });
    // The same anchors vouch for the AOOs' seals here (an operator passes one bundle).
    const interop = await findInteropAttachment(parsed.attachments, {
      trustAnchors: trustAnchors.map((c) => Buffer.from(c.toSchema().toBER())),
    });
    report = inspectReport(file, parsed, interop);
  }
  console.log(JSON.stringify(report, null, 2));
  return 0;
}

/** `dms pec <subcommand>`: the plugin's offline commands (pec-parse owns `inspect`). */
export const pecCommand: OfflineCliCommand = {
  name: 'pec',
  usage: `${USAGE}  print as JSON what the PEC plugin understands of a message (.eml) or a daticert.xml (offline)`,
  offline: true,
  async run(args: readonly string[], _config: Config): Promise<number> {
    const [subcommand, ...rest] = args;
    if (subcommand === 'inspect') return inspect(rest);
    throw new CliError(`Unknown subcommand "pec ${subcommand ?? ''}". Usage: dms ${USAGE}`, 2);
  },
};
