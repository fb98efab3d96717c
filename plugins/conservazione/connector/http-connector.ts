import type { Element } from '@xmldom/xmldom';
import type { ConservationConfig } from '../../../server/config.js';
import type { Attested, ConnectorOutcome, ConservationConnector, Reason, UdSubmission } from './connector.js';
import { ConservatorResponseInvalid, ConservatorUnavailable } from './connector.errors.js';
import { postMultipart, type HttpAnswer } from './http-transport.js';
import type { FormPart } from './multipart-body.js';
import {
  keyLabel,
  PARER_CODES,
  PARER_SERVICES,
  recuperoXml,
  RECUPERO_VERSION,
  VERSAMENTO_VERSION,
} from './parer-protocol.js';
import {
  componentsWithOutcome,
  furtherErrors,
  furtherWarnings,
  generalError,
  MAX_RESPONSE_BYTES,
  outcomeCode,
  readTrustedAnswer,
  requestComponentIds,
  screenAnswer,
  validateAnswers,
  type ScreenedAnswer,
} from './response-read.js';
import { parseSafeXml } from './safe-xml.js';
import type { UnitKey, Versatore } from '../sip/index.js';
import { pathElement, pathText, pathValue } from './xml-elements.js';
import { rapportoAttests } from './rapporto-attests.js';
import { readZipEntries } from './zip-read.js';

// Codes ParER gives to a problem of one component (hash, format, signature, file).
const COMPONENT_CODE = /^(HASH|COMP|FIRMA|MARCA|FMT|FORMATO|FILE)-/;

/**
 * The conservator reached over HTTP with ParER SacER's synchronous services (parer-protocol.ts):
 * VersamentoSync to send a unit, RecDIPStatoConservazioneSync and RecDIPRapportiVersSync to learn
 * its fate after a lost answer. Each request has its own timeout (CONSERVATION_TIMEOUT_SECONDS).
 */
export function httpConnector(config: ConservationConfig, versatore: Versatore): ConservationConnector {
  function account(): { base: string; user: string; password: string } {
    if (!config.url || !config.user || !config.password)
      throw new ConservatorUnavailable(
        'No conservator is configured: set CONSERVATION_URL, CONSERVATION_USER and CONSERVATION_PASSWORD',
      );
    return { base: config.url.replace(/\/+$/, ''), user: config.user, password: config.password };
  }

  function call(
    service: string,
    version: string,
    xml: string,
    files: FormPart[],
    signal?: AbortSignal,
  ): Promise<HttpAnswer> {
    const { base, user, password } = account();
    const fields: FormPart[] = [
      // The order is part of the protocol: SacER reads the fields positionally.
      { kind: 'field', name: 'VERSIONE', value: version },
      { kind: 'field', name: 'LOGINNAME', value: user },
      { kind: 'field', name: 'PASSWORD', value: password },
      { kind: 'field', name: 'XMLSIP', value: xml },
    ];
    return postMultipart(new URL(`${base}/${service}`), [...fields, ...files], config.timeoutMs, signal);
  }

  /** An answer that is not the service's XML: an error page of a proxy, a 5xx. */
  function xmlBody(answer: HttpAnswer, service: string): Buffer {
    // SacER answers 200 even to a refusal; another status is a proxy's or container's page
    // unless it declares XML (then it is read, and judged, like any answer).
    if (answer.status >= 500 || (answer.status !== 200 && !/xml/i.test(answer.contentType)))
      throw new ConservatorUnavailable(`The conservator answered ${service} with HTTP ${answer.status}`);
    return answer.body;
  }

  const connector: ConservationConnector = {
    name: 'parer-http',

    async send(unit: UdSubmission, signal?: AbortSignal): Promise<ConnectorOutcome> {
      const files: FormPart[] = unit.components.map((c) => ({
        kind: 'file',
        name: c.id,
        filename: c.name,
        mediaType: c.mediaType,
        size: c.size,
        open: () => c.open(),
      }));
      // Read into plain facts before the schema check (an xmllint run) is awaited: the answer's
      // DOM would otherwise outlive that wait, with the other documents' work allocating, and be
      // promoted to V8's old generation for every document sent.
      const read = readVersamento(
        xmlBody(
          await call(PARER_SERVICES.versamento, VERSAMENTO_VERSION, unit.xml, files, signal),
          PARER_SERVICES.versamento,
        ),
        unit,
      );
      await validateAnswers(read.answers);
      if (read.kind === 'CONSERVED') {
        return {
          kind: 'CONSERVED',
          conservatorId: read.conservatorId,
          rapportoXml: read.rapportoXml,
          attested: read.attested,
          responseXml: read.responseXml,
          warnings: read.warnings,
          alreadyConserved: false,
        };
      }
      if (read.kind === 'ALREADY_PRESENT') {
        // A resend after a lost answer: what the conservator holds decides, with its rapporto.
        const known = await connector.status(unit.key, signal);
        if (known.kind !== 'CONSERVED')
          throw new ConservatorResponseInvalid(
            `The conservator says ${keyLabel(unit.key)} is already present (${read.code}) but its status service does not know it`,
          );
        return { ...known, responseXml: read.responseXml, alreadyConserved: true };
      }
      return { kind: 'REJECTED', reasons: read.reasons, responseXml: read.responseXml };
    },

    async status(key: UnitKey, signal?: AbortSignal): Promise<ConnectorOutcome | { kind: 'UNKNOWN' }> {
      const request = recuperoXml(key, versatore);
      const answer = await call(PARER_SERVICES.stato, RECUPERO_VERSION, request, [], signal);
      const { root, text } = await readTrustedAnswer(
        xmlBody(answer, PARER_SERVICES.stato),
        'StatoConservazione',
        'StatoConservazione',
        'response-stato',
      );
      const code = outcomeCode(root, 'StatoConservazione');
      if (code === 'NEGATIVO') {
        const general = generalError(root);
        if (general?.code === PARER_CODES.keyNotFound) return { kind: 'UNKNOWN' };
        // Credentials, version, versatore: nothing said about the unit; retry once fixed.
        throw new ConservatorUnavailable(
          `The conservator's status service refused the request for ${keyLabel(key)}: ${general?.code ?? 'NEGATIVO'} ${general?.message ?? ''}`.trim(),
        );
      }
      if (!pathElement(root, 'UnitaDocumentaria'))
        throw new ConservatorResponseInvalid(
          `The conservator's status for ${keyLabel(key)} names no UnitaDocumentaria`,
        );
      const { rapportoXml, attested } = await fetchRapporto(key, request, signal);
      return {
        kind: 'CONSERVED',
        conservatorId: pathValue(root, 'UnitaDocumentaria', 'urnUD'),
        rapportoXml,
        attested,
        responseXml: text,
        warnings: [],
        alreadyConserved: true,
      };
    },
  };

  async function fetchRapporto(
    key: UnitKey,
    request: string,
    signal?: AbortSignal,
  ): Promise<{ rapportoXml: string; attested: Attested }> {
    const answer = await call(PARER_SERVICES.rapporti, RECUPERO_VERSION, request, [], signal);
    if (answer.status === 200 && answer.body.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
      let entries: Array<{ name: string; data: Buffer }>;
      try {
        entries = readZipEntries(answer.body, MAX_RESPONSE_BYTES);
      } catch (error) {
        throw new ConservatorResponseInvalid(
          `The conservator's rapporti of ${keyLabel(key)}: ${(error as Error).message}`,
        );
      }
      const first = entries
        .filter((e) => e.name.toLowerCase().endsWith('.xml'))
        .sort((a, b) => a.name.localeCompare(b.name))[0];
      if (!first)
        throw new ConservatorResponseInvalid(
          `The conservator's rapporti of ${keyLabel(key)} hold no XML file`,
        );
      const rapportoXml = first.data.toString('utf8');
      return { rapportoXml, attested: rapportoAttests(await readRapporto(rapportoXml)) };
    }
    // No zip: a StatoConservazione saying why (UD-005-004: no rapporto produced).
    const { root } = await readTrustedAnswer(
      xmlBody(answer, PARER_SERVICES.rapporti),
      'answer to RecDIPRapportiVersSync',
      'StatoConservazione',
      'response-stato',
    );
    const general = generalError(root);
    throw new ConservatorResponseInvalid(
      `The conservator holds ${keyLabel(key)} but returned no rapporto di versamento: ${general?.code ?? outcomeCode(root, 'answer')} ${general?.message ?? ''}`.trim(),
    );
  }

  return connector;
}

/** The RapportoVersamento (escaped text inside the answer, or a file): screened, parsed, validated. */
async function readRapporto(xml: string): Promise<Element> {
  const { root } = await readTrustedAnswer(
    xml,
    'RapportoVersamento',
    'RapportoVersamento',
    'response-versamento',
  );
  return rapportoRoot(root);
}

/** What an EsitoVersamento says, read from its DOM (and its rapporto's), with the texts to validate. */
type VersamentoRead = { answers: SchemaCheck[]; responseXml: string } & (
  | {
      kind: 'CONSERVED';
      conservatorId: string | null;
      rapportoXml: string;
      attested: Attested;
      warnings: Reason[];
    }
  | { kind: 'ALREADY_PRESENT'; code: string }
  | { kind: 'REJECTED'; reasons: Reason[] }
);

/** A text and the schema it must follow (no DOM: only the text is validated). */
type SchemaCheck = Pick<ScreenedAnswer, 'what' | 'text' | 'schema'>;

function schemaCheck({ what, text, schema }: ScreenedAnswer): SchemaCheck {
  return { what, text, schema };
}

/**
 * Screens and parses an answer to VersamentoSync (and the rapporto it carries) and reads what it
 * says; the caller validates `answers` before using any of it. Throws ConservatorResponseInvalid.
 */
function readVersamento(body: Buffer, unit: UdSubmission): VersamentoRead {
  const esito = screenAnswer(body, 'EsitoVersamento', 'EsitoVersamento', 'response-versamento');
  const { root, text } = esito;
  const code = outcomeCode(root, 'EsitoVersamento');
  if (code !== 'NEGATIVO') {
    const rapportoXml = pathText(root, 'RapportoVersamento');
    if (!rapportoXml?.trim())
      throw new ConservatorResponseInvalid(
        `The conservator answered ${code} for ${keyLabel(unit.key)} without a RapportoVersamento`,
      );
    // The answer and the rapporto it carries (escaped text) in one schema check.
    const rapportoAnswer = screenAnswer(
      rapportoXml,
      'RapportoVersamento',
      'RapportoVersamento',
      'response-versamento',
    );
    const rapporto = rapportoRoot(rapportoAnswer.root);
    const warnings: Reason[] = [
      ...(code === 'WARNING' ? [generalError(root)].filter((r): r is Reason => r !== null) : []),
      ...furtherWarnings(root),
      ...componentReasons(root, unit.xml, 'WARNING', []),
    ];
    return {
      kind: 'CONSERVED',
      answers: [schemaCheck(esito), schemaCheck(rapportoAnswer)],
      responseXml: text,
      conservatorId: pathValue(rapporto, 'SIP', 'URNSIP') ?? pathValue(root, 'URNSIP'),
      rapportoXml,
      attested: rapportoAttests(rapporto),
      warnings,
    };
  }
  const general = generalError(root);
  if (
    general &&
    (general.code === PARER_CODES.alreadyPresent || general.code === PARER_CODES.alreadyPresentOld)
  )
    return { kind: 'ALREADY_PRESENT', answers: [schemaCheck(esito)], responseXml: text, code: general.code };
  const errors = [...(general ? [general] : []), ...furtherErrors(root)];
  const reasons = componentReasons(root, unit.xml, 'NEGATIVO', errors);
  const attributed = new Set(reasons.map((r) => r.code));
  for (const e of errors) if (!attributed.has(e.code) || !COMPONENT_CODE.test(e.code)) reasons.push(e);
  if (reasons.length === 0)
    reasons.push({
      code: 'NEGATIVO',
      message: 'The conservator refused the unit without naming an error',
    });
  return { kind: 'REJECTED', answers: [schemaCheck(esito)], responseXml: text, reasons: dedupe(reasons) };
}

/** A rapporto is the proof of a conservation: one that says NEGATIVO proves nothing. */
function rapportoRoot(root: Element): Element {
  const code = outcomeCode(root, 'RapportoVersamento');
  if (code === 'NEGATIVO')
    throw new ConservatorResponseInvalid(
      'The conservator returned a RapportoVersamento whose outcome is NEGATIVO',
    );
  return root;
}

/**
 * A reason per component the answer marks NEGATIVO (or WARNING), with our component ID: found by
 * the document's position and OrdinePresentazione in our request, else by NomeComponente. The
 * answer's component carries no code of its own, so the first component-kind error is used.
 */
function componentReasons(
  answerRoot: Element,
  requestXml: string,
  outcome: 'NEGATIVO' | 'WARNING',
  errors: Reason[],
): Reason[] {
  const marked = componentsWithOutcome(pathElement(answerRoot, 'UnitaDocumentaria'), outcome);
  if (marked.length === 0) return [];
  const request = parseSafeXml(requestXml, MAX_RESPONSE_BYTES);
  const ids = requestComponentIds(request.ok ? request.doc.documentElement : null);
  const error = errors.find((e) => COMPONENT_CODE.test(e.code)) ?? errors[0];
  return marked.map((m) => {
    const componentId =
      (m.order ? ids.byOrder.get(`${m.document}:${Number(m.order)}`) : undefined) ??
      (m.name ? ids.byName.get(m.name) : undefined);
    return {
      code: error?.code ?? outcome,
      message: error?.message ?? `The conservator marked the component ${m.name ?? m.order ?? ''} ${outcome}`,
      ...(componentId ? { componentId } : {}),
    };
  });
}

function dedupe(reasons: Reason[]): Reason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const k = `${r.code}\u0000${r.message}\u0000${r.componentId ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
