import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Element } from '@xmldom/xmldom';
import { systemClock, type Clock } from '../../../server/clock.js';
import type { Reason } from '../connector/connector.js';
import {
  keyLabel,
  PARER_CODES,
  PARER_SERVICES,
  RECUPERO_VERSION,
  VERSAMENTO_VERSION,
} from '../connector/parer-protocol.js';
import { documentsOf } from '../connector/response-read.js';
import { parseSafeXml } from '../connector/safe-xml.js';
import { validateConservationXml, type UnitKey, type Versatore } from '../sip/index.js';
import { childElements, pathElement, pathValue } from '../connector/xml-elements.js';
import { multipartBoundary, MultipartError, parseMultipart } from './multipart-parser.js';
import {
  esitoVersamentoXml,
  rapportoVersamentoXml,
  statoConservazioneXml,
  type DocumentKind,
  type EsitoInput,
  type SimDocument,
  type StatoInput,
  type SimUnit,
} from './simulator-answers.js';
import { storedZip } from './zip-write.js';

/** Misbehaviours a test sets to see how the connector copes. */
export type ConservatorFault =
  /** Answer every request N ms late (longer than the client's timeout: the client sees a timeout). */
  | { kind: 'delay'; ms: number }
  /** 'http-503': answer 503 with an HTML page; 'refuse': stop listening (connection refused) until cleared. */
  | { kind: 'down'; mode: 'http-503' | 'refuse' }
  /** Conserve the unit, then drop the connection before answering: a lost answer. */
  | { kind: 'drop-after-conserve' }
  /** Flip a byte of the first component received, before the digest check (corruption on the way). */
  | { kind: 'tamper' }
  /**
   * Conserve the unit as received, but give it a rapporto (kept, and answered again on request)
   * that attests something else: 'other-bytes', its first component's digest not the one
   * computed; 'other-unit', another unit's key. A conservator whose proof is wrong.
   */
  | { kind: 'false-rapporto'; attests: 'other-bytes' | 'other-unit' }
  /** Answer with a broken document instead of the real one. */
  | { kind: 'malformed' }
  | { kind: 'doctype' }
  | { kind: 'unknown-code' };

export interface ConservatorSimulatorOptions {
  /** 0 (default): a free port. */
  port?: number;
  /** The producer's account (LOGINNAME / PASSWORD); default 'versatore' / 'versatore-secret'. */
  user?: string;
  password?: string;
  /** Dates of the answers (DataVersamento, DataRapportoVersamento); the wall clock by default. */
  clock?: Clock;
}

export interface ConservatorSimulator {
  /** Base URL of the services (CONSERVATION_URL), e.g. http://127.0.0.1:41234/sacerws. */
  url: string;
  port: number;
  stop(): Promise<void>;
  /** The RapportoVersamento of a conserved unit, or undefined. */
  conserved(key: UnitKey): string | undefined;
  /** How many versamento requests named this key (whatever their outcome). */
  receivedCount(key: UnitKey): number;
  /** Component bytes received so far (all requests), counted as they arrive: shows streaming. */
  bytesReceived(): number;
  setFault(fault: ConservatorFault | null): Promise<void>;
}

const MAX_FIELD_BYTES = 8 * 1024 * 1024;
const FIELD_ORDER = ['VERSIONE', 'LOGINNAME', 'PASSWORD', 'XMLSIP'] as const;

interface ReceivedFile {
  filename: string;
  size: number;
  sha256: string;
}

interface ParsedCall {
  fields: Map<string, string>;
  files: Map<string, ReceivedFile>;
  /** A WS-CHECK problem of the call's structure (SacER's RequestPrsr). */
  structure: string | null;
}

interface ConservedUnit {
  rapporto: string;
  urn: string;
  versatore: Versatore;
}

/**
 * A ParER SacER stand-in on loopback: VersamentoSync, RecDIPStatoConservazioneSync and
 * RecDIPRapportiVersSync under /sacerws, the same multipart protocol and the same answers
 * (always HTTP 200 with XML; a refusal is a NEGATIVO with SacER's error code). It authenticates
 * the account, validates XMLSIP against WSRequestVersamento.xsd, checks every component's
 * SHA-256 against HashVersato while the bytes stream in, and keeps what it conserved in memory.
 */
export async function startConservatorSimulator(
  options: ConservatorSimulatorOptions = {},
): Promise<ConservatorSimulator> {
  const user = options.user ?? 'versatore';
  const password = options.password ?? 'versatore-secret';
  const clock = options.clock ?? systemClock;
  const conserved = new Map<string, ConservedUnit>();
  const received = new Map<string, number>();
  const sockets = new Set<Socket>();
  let fault: ConservatorFault | null = null;
  let bytesReceived = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`simulator error: ${(error as Error).message}`);
      } else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const service = /^\/sacerws\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
    if (!service || !Object.values(PARER_SERVICES).includes(service as never)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (req.method !== 'POST') {
      res
        .writeHead(405, { 'content-type': 'text/html' })
        .end('<html><body>Use POST multipart/form-data</body></html>');
      return;
    }
    const current = fault;
    if (current?.kind === 'down') {
      req.resume();
      res
        .writeHead(503, { 'content-type': 'text/html' })
        .end('<html><body>Service Unavailable</body></html>');
      return;
    }
    const tamper = current?.kind === 'tamper' && service === PARER_SERVICES.versamento;
    const call = await readCall(req, tamper);
    if (current?.kind === 'delay') await new Promise((r) => setTimeout(r, current.ms));
    if (current?.kind === 'malformed')
      return xml(res, '<?xml version="1.0"?><EsitoVersamento><EsitoGenerale><CodiceEsito>POSITIVO');
    if (current?.kind === 'doctype')
      return xml(
        res,
        '<?xml version="1.0"?><!DOCTYPE EsitoVersamento [<!ENTITY x "boom">]><EsitoVersamento>&x;</EsitoVersamento>',
      );
    const now = clock.now().toISOString();
    if (current?.kind === 'unknown-code') return xml(res, unknownCodeAnswer(service, now));
    if (service === PARER_SERVICES.versamento) {
      const { answer, conservedKey } = await versamento(call, now);
      if (current?.kind === 'drop-after-conserve' && conservedKey) {
        res.socket?.destroy();
        return;
      }
      return xml(res, answer);
    }
    const outcome = await recupero(call, now);
    if (service === PARER_SERVICES.rapporti && outcome.unit) {
      const zip = await storedZip(
        [{ name: 'RapportoVersamento00001.xml', data: Buffer.from(outcome.unit.rapporto, 'utf8') }],
        new Date(now),
      );
      res.writeHead(200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="RV-${outcome.label}.zip"`,
        'content-length': String(zip.length),
      });
      res.end(zip);
      return;
    }
    return xml(res, outcome.answer);
  }

  function xml(res: http.ServerResponse, body: string): void {
    res.writeHead(200, { 'content-type': 'application/xml; charset="utf-8"' });
    res.end(body);
  }

  async function readCall(req: http.IncomingMessage, tamper: boolean): Promise<ParsedCall> {
    const call: ParsedCall = { fields: new Map(), files: new Map(), structure: null };
    const boundary = multipartBoundary(req.headers['content-type']);
    if (!boundary) {
      req.resume();
      call.structure = 'La chiamata non è multipart/formdata ';
      return call;
    }
    let position = 0;
    let tampered = false;
    try {
      await parseMultipart(req, boundary, (head) => {
        const expected = FIELD_ORDER[position];
        position++;
        if (expected !== undefined) {
          // SacER reads the four fields positionally, each a form field with its exact name.
          if (head.name !== expected || head.filename !== null)
            call.structure ??= `Manca il campo ${expected}`;
          const chunks: Buffer[] = [];
          let size = 0;
          return {
            write(chunk) {
              size += chunk.length;
              if (size > MAX_FIELD_BYTES)
                throw new MultipartError(`the field ${head.name} is larger than 8 MiB`);
              chunks.push(chunk);
            },
            end() {
              call.fields.set(head.name, Buffer.concat(chunks).toString('utf8'));
            },
          };
        }
        if (head.filename === null)
          call.structure ??= 'I campi usati per rappresentare i componenti devono essere di tipo FILE';
        const hash = createHash('sha256');
        let size = 0;
        return {
          write(chunk) {
            if (tamper && !tampered && chunk.length > 0) {
              const copy = Buffer.from(chunk);
              copy[0] = (copy[0] ?? 0) ^ 0xff;
              chunk = copy;
              tampered = true;
            }
            size += chunk.length;
            bytesReceived += chunk.length;
            hash.update(chunk);
          },
          end() {
            // SacER ignores an empty file part (no name or no bytes).
            if (size > 0 && head.filename)
              call.files.set(head.name, { filename: head.filename, size, sha256: hash.digest('hex') });
          },
        };
      });
    } catch (error) {
      if (!(error instanceof MultipartError)) throw error;
      call.structure ??= `Corpo multipart non valido: ${error.message}`;
    }
    return call;
  }

  function credentials(call: ParsedCall): {
    versioneOk: boolean;
    credentialsOk: boolean;
    error: Reason | null;
  } {
    if (call.structure)
      return {
        versioneOk: true,
        credentialsOk: true,
        error: {
          code: PARER_CODES.wsCheck,
          message: `Errore nella struttura della chiamata al Web service: ${call.structure}`,
        },
      };
    const credentialsOk = call.fields.get('LOGINNAME') === user && call.fields.get('PASSWORD') === password;
    if (!credentialsOk)
      return {
        versioneOk: true,
        credentialsOk,
        error: {
          code: PARER_CODES.authentication,
          message: 'Errore di autenticazione: utente o password errati',
        },
      };
    return { versioneOk: true, credentialsOk, error: null };
  }

  async function versamento(
    call: ParsedCall,
    now: string,
  ): Promise<{ answer: string; conservedKey: string | null }> {
    const xmlSip = call.fields.get('XMLSIP') ?? null;
    const base: Omit<EsitoInput, 'outcome' | 'errors'> = {
      versioneChiamata: call.fields.get('VERSIONE') ?? null,
      versioneOk: true,
      credentialsOk: true,
      filesOk: true,
      xsdOk: true,
      unit: null,
      rapporto: null,
      xmlVersamento: xmlSip,
      now,
    };
    const refuse = (
      errors: Reason[],
      extra: Partial<typeof base> = {},
    ): { answer: string; conservedKey: null } => ({
      answer: esitoVersamentoXml({ ...base, ...extra, outcome: 'NEGATIVO', errors }),
      conservedKey: null,
    });
    const check = credentials(call);
    if (check.error) return refuse([check.error], { credentialsOk: check.credentialsOk });
    if (base.versioneChiamata !== VERSAMENTO_VERSION)
      return refuse(
        [
          {
            code: PARER_CODES.versionUnsupported,
            message: `La versione [${base.versioneChiamata ?? ''}] indicata non è supportata`,
          },
        ],
        { versioneOk: false },
      );
    const parsed = xmlSip
      ? parseSafeXml(xmlSip, MAX_FIELD_BYTES)
      : ({ ok: false, reason: 'XMLSIP vuoto' } as const);
    if (!parsed.ok)
      return refuse(
        [
          {
            code: PARER_CODES.xmlMalformed,
            message: `Errore: XML malformato nel blocco di dati generali. Eccezione: ${parsed.reason}`,
          },
        ],
        { xsdOk: false },
      );
    const [validation] = await validateConservationXml([{ name: 'XMLSIP', xml: parsed.text }], 'versamento');
    const root = parsed.doc.documentElement;
    const xsdErrors = validation?.errors ?? [];
    if (xsdErrors.length > 0 || !root || root.localName !== 'UnitaDocumentaria')
      return refuse(
        [
          {
            code: PARER_CODES.xmlInvalid,
            message: `Errore di validazione del blocco di dati generali. Eccezione: ${xsdErrors[0] ?? 'root is not UnitaDocumentaria'}`,
          },
        ],
        { xsdOk: false },
      );
    const tagVersione = pathValue(root, 'Intestazione', 'Versione');
    if (tagVersione !== base.versioneChiamata)
      return refuse([
        {
          code: PARER_CODES.versionMismatch,
          message: `Il valore [${tagVersione ?? ''}] indicato nel tag <Versione> non coincide con la versione indicata nella chiamata al WS`,
        },
      ]);
    const versatore: Versatore = {
      ambiente: pathValue(root, 'Intestazione', 'Versatore', 'Ambiente') ?? '',
      ente: pathValue(root, 'Intestazione', 'Versatore', 'Ente') ?? '',
      struttura: pathValue(root, 'Intestazione', 'Versatore', 'Struttura') ?? '',
      userId: pathValue(root, 'Intestazione', 'Versatore', 'UserID') ?? '',
    };
    const key: UnitKey = {
      numero: pathValue(root, 'Intestazione', 'Chiave', 'Numero') ?? '',
      anno: Number(pathValue(root, 'Intestazione', 'Chiave', 'Anno')),
      registro: pathValue(root, 'Intestazione', 'Chiave', 'TipoRegistro') ?? '',
    };
    const label = keyLabel(key);
    received.set(label, (received.get(label) ?? 0) + 1);
    if (versatore.userId !== user)
      return refuse([
        {
          code: PARER_CODES.userMismatch,
          message: `Il valore [${versatore.userId}] indicato nel tag <UserID> non coincide con l'utente indicato nella chiamata al WS`,
        },
      ]);
    const already = conserved.get(label);
    if (already)
      // SacER 1.5 answers a duplicate with the rapporto of the versamento that conserved it.
      return refuse(
        [
          {
            code: PARER_CODES.alreadyPresent,
            message: `Unità Documentaria ${label}: la chiave indicata corrisponde ad una Unità Documentaria già presente nel sistema`,
          },
        ],
        { rapporto: already.rapporto },
      );
    // The producer's profile makes oggetto and data mandatory (ParER FL_OBBL_OGGETTO / FL_OBBL_DATA).
    if (!pathValue(root, 'ProfiloUnitaDocumentaria', 'Oggetto'))
      return refuse([
        {
          code: PARER_CODES.oggettoMissing,
          message: `Unità Documentaria ${label}: L'oggetto è un dato di profilo configurato come obbligatorio`,
        },
      ]);
    if (!pathValue(root, 'ProfiloUnitaDocumentaria', 'Data'))
      return refuse([
        {
          code: PARER_CODES.dataMissing,
          message: `Unità Documentaria ${label}: La data dell'unità documentaria è un dato di profilo configurato come obbligatorio`,
        },
      ]);

    const urn = `urn:${versatore.ambiente}:${versatore.ente}:${versatore.struttura}:${label}`;
    const unit: SimUnit = {
      key,
      versatore,
      tipologia: pathValue(root, 'Intestazione', 'TipologiaUnitaDocumentaria') ?? '',
      urn,
      documents: [],
    };
    const expected = new Set<string>();
    const errors: Reason[] = [];
    documentsOf(root).forEach((doc: Element, i) => {
      const chiaveDoc =
        i === 0
          ? 'DOCUMENTO_PRINCIPALE'
          : `${(doc.localName ?? '').toUpperCase()}_${String(i).padStart(3, '0')}`;
      const simDoc: SimDocument = {
        kind: doc.localName as DocumentKind,
        chiaveDoc,
        idDocumento: pathValue(doc, 'IDDocumento') ?? '',
        tipoDocumento: pathValue(doc, 'TipoDocumento') ?? '',
        components: [],
      };
      for (const c of childElements(pathElement(doc, 'StrutturaOriginale', 'Componenti'), 'Componente')) {
        const id = pathValue(c, 'ID') ?? '';
        const order = Number(pathValue(c, 'OrdinePresentazione') ?? 0);
        const supporto = pathValue(c, 'TipoSupportoComponente') ?? 'FILE';
        if (supporto !== 'FILE') continue;
        expected.add(id);
        const file = call.files.get(id);
        const hashVersato = pathValue(c, 'HashVersato');
        const chiaveComp = `${urn}:${chiaveDoc}:${String(order).padStart(5, '0')}`;
        let outcome: 'POSITIVO' | 'NEGATIVO' = 'POSITIVO';
        if (file && !hashVersato) {
          outcome = 'NEGATIVO';
          errors.push({
            code: PARER_CODES.hashMissing,
            message: `Componente ${chiaveComp}: per questo componente è obbligatorio indicare l'hash`,
          });
        } else if (file && hashVersato && !sameDigest(hashVersato, file.sha256)) {
          outcome = 'NEGATIVO';
          errors.push({
            code: PARER_CODES.hashMismatch,
            message: `Componente ${chiaveComp}: l'hash calcolato non coincide con l'hash versato (l'encoding usato è hexBinary, l'algoritmo è SHA-256)`,
          });
        }
        simDoc.components.push({
          id,
          order,
          name: pathValue(c, 'NomeComponente'),
          hashVersato,
          sha256: file?.sha256 ?? null,
          size: file?.size ?? 0,
          urn: chiaveComp,
          outcome,
        });
      }
      unit.documents.push(simDoc);
    });
    const unexpected = [...call.files.keys()].filter((id) => !expected.has(id));
    const missing = [...expected].filter((id) => !call.files.has(id));
    if (unexpected.length > 0 || missing.length > 0)
      return refuse(
        [
          {
            code: PARER_CODES.wsCheck,
            message:
              unexpected.length > 0
                ? `Errore nella struttura della chiamata al Web service: un file caricato non corrisponde a nessun componente dichiarato (${unexpected.join(', ')})`
                : `Errore nella struttura della chiamata al Web service: non tutti i componenti di tipo FILE hanno un file associato (${missing.join(', ')})`,
          },
        ],
        { filesOk: false },
      );
    if (errors.length > 0) return refuse(errors, { unit });
    const rapporto = rapportoVersamentoXml(
      fault?.kind === 'false-rapporto' ? falsified(unit, fault.attests) : unit,
      now,
    );
    conserved.set(label, { rapporto, urn, versatore });
    return {
      answer: esitoVersamentoXml({
        ...base,
        outcome: 'POSITIVO',
        errors: [],
        unit,
        rapporto,
        xmlVersamento: null,
      }),
      conservedKey: label,
    };
  }

  async function recupero(
    call: ParsedCall,
    now: string,
  ): Promise<{ answer: string; unit: ConservedUnit | null; label: string }> {
    const base: Omit<StatoInput, 'outcome' | 'error'> = {
      versioneChiamata: call.fields.get('VERSIONE') ?? null,
      versioneOk: true,
      credentialsOk: true,
      unit: null,
      now,
    };
    const refuse = (
      error: Reason,
      extra: Partial<typeof base> = {},
    ): { answer: string; unit: null; label: string } => ({
      answer: statoConservazioneXml({ ...base, ...extra, outcome: 'NEGATIVO', error }),
      unit: null,
      label: '',
    });
    const check = credentials(call);
    if (check.error) return refuse(check.error, { credentialsOk: check.credentialsOk });
    if (base.versioneChiamata !== RECUPERO_VERSION)
      return refuse(
        {
          code: PARER_CODES.versionUnsupported,
          message: `La versione [${base.versioneChiamata ?? ''}] indicata non è supportata`,
        },
        { versioneOk: false },
      );
    const parsed = parseSafeXml(call.fields.get('XMLSIP') ?? '', MAX_FIELD_BYTES);
    if (!parsed.ok)
      return refuse({
        code: PARER_CODES.xmlMalformed,
        message: `Errore: XML malformato nel blocco di dati generali. Eccezione: ${parsed.reason}`,
      });
    const [validation] = await validateConservationXml(
      [{ name: 'XMLSIP', xml: parsed.text }],
      'request-stato',
    );
    const root = parsed.doc.documentElement;
    if ((validation?.errors.length ?? 0) > 0 || root?.localName !== 'Recupero')
      return refuse({
        code: PARER_CODES.xmlInvalid,
        message: `Errore di validazione del blocco di dati generali. Eccezione: ${validation?.errors[0] ?? 'root is not Recupero'}`,
      });
    const key: UnitKey = {
      numero: pathValue(root, 'Chiave', 'Numero') ?? '',
      anno: Number(pathValue(root, 'Chiave', 'Anno')),
      registro: pathValue(root, 'Chiave', 'TipoRegistro') ?? '',
    };
    const label = keyLabel(key);
    const unit = conserved.get(label);
    if (!unit)
      return refuse({
        code: PARER_CODES.keyNotFound,
        message: `Unità Documentaria ${label}: la chiave indicata non corrisponde a nessuna Unità Documentaria presente nel sistema`,
      });
    return {
      answer: statoConservazioneXml({
        ...base,
        outcome: 'POSITIVO',
        error: null,
        unit: { versatore: unit.versatore, key, urn: unit.urn },
      }),
      unit,
      label,
    };
  }

  let port = options.port ?? 0;
  await listen();
  async function listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    port = (server.address() as AddressInfo).port;
  }
  async function close(): Promise<void> {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  return {
    url: `http://127.0.0.1:${port}/sacerws`,
    port,
    stop: close,
    conserved: (key) => conserved.get(keyLabel(key))?.rapporto,
    receivedCount: (key) => received.get(keyLabel(key)) ?? 0,
    bytesReceived: () => bytesReceived,
    async setFault(next) {
      const wasRefusing = fault?.kind === 'down' && fault.mode === 'refuse';
      fault = next;
      const refusing = next?.kind === 'down' && next.mode === 'refuse';
      if (refusing && !wasRefusing) await close();
      if (!refusing && wasRefusing) await listen();
    },
  };
}

/** The unit as a false rapporto describes it (ConservatorFault 'false-rapporto'). */
function falsified(unit: SimUnit, attests: 'other-bytes' | 'other-unit'): SimUnit {
  if (attests === 'other-unit') return { ...unit, key: { ...unit.key, numero: `${unit.key.numero}9` } };
  let first = true;
  const documents = unit.documents.map((d) => ({
    ...d,
    components: d.components.map((c) => {
      if (!first || c.sha256 === null) return c;
      first = false;
      return { ...c, sha256: createHash('sha256').update(c.sha256).digest('hex') };
    }),
  }));
  return { ...unit, documents };
}

/** HashVersato as ParER accepts it: hex or base64 of the digest. */
function sameDigest(declared: string, hex: string): boolean {
  const d = declared.trim();
  if (/^[0-9a-fA-F]{64}$/.test(d)) return d.toLowerCase() === hex;
  return Buffer.from(d, 'base64').toString('hex') === hex;
}

function unknownCodeAnswer(service: string, now: string): string {
  const general =
    '<EsitoGenerale><CodiceEsito>FORSE</CodiceEsito><CodiceErrore></CodiceErrore><MessaggioErrore></MessaggioErrore></EsitoGenerale>';
  if (service === PARER_SERVICES.versamento)
    return `<?xml version="1.0" encoding="UTF-8"?><EsitoVersamento><Versione>1.5</Versione><DataVersamento>${now}</DataVersamento>${general}<EsitoChiamataWS><VersioneWSCorretta>POSITIVO</VersioneWSCorretta><CredenzialiOperatore>POSITIVO</CredenzialiOperatore><FileAttesiRicevuti>POSITIVO</FileAttesiRicevuti></EsitoChiamataWS><EsitoXSD><CodiceEsito>POSITIVO</CodiceEsito></EsitoXSD></EsitoVersamento>`;
  return `<?xml version="1.0" encoding="UTF-8"?><StatoConservazione><DataRichiestaStato>${now}</DataRichiestaStato>${general}<EsitoChiamataWS><VersioneWSCorretta>POSITIVO</VersioneWSCorretta><CredenzialiOperatore>POSITIVO</CredenzialiOperatore></EsitoChiamataWS></StatoConservazione>`;
}
