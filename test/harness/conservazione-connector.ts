import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ConservationConfig } from '../../server/config.js';
import type { UdSubmission } from '../../plugins/conservazione/connector/index.js';
import type { UnitKey, Versatore } from '../../plugins/conservazione/sip/index.js';

/** A conservator account and Versatore matching the simulator's defaults. */
export const TEST_VERSATORE: Versatore = {
  ambiente: 'PARER_TEST',
  ente: 'c_a000',
  struttura: 'AOO1',
  userId: 'versatore',
};

export function testConservationConfig(
  url: string,
  overrides: Partial<ConservationConfig> = {},
): ConservationConfig {
  return {
    url,
    user: 'versatore',
    password: 'versatore-secret',
    ambiente: TEST_VERSATORE.ambiente,
    ente: TEST_VERSATORE.ente,
    struttura: TEST_VERSATORE.struttura,
    timeoutMs: 20_000,
    autoDailyRegister: true,
    ...overrides,
  };
}

export interface TestComponent {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  open(): Promise<Readable>;
}

export function bufferComponent(
  id: string,
  name: string,
  data: Buffer,
  mediaType = 'application/pdf',
): TestComponent {
  return {
    id,
    name,
    mediaType,
    size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    open: () => Promise.resolve(Readable.from([data])),
  };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function documentXml(id: string, tipo: string, components: TestComponent[]): string {
  return (
    `<IDDocumento>${esc(id)}</IDDocumento><TipoDocumento>${esc(tipo)}</TipoDocumento><StrutturaOriginale><TipoStruttura>DocumentoGenerico</TipoStruttura><Componenti>` +
    components
      .map(
        (c, i) =>
          `<Componente><ID>${esc(c.id)}</ID><OrdinePresentazione>${i + 1}</OrdinePresentazione><TipoComponente>Contenuto</TipoComponente><TipoSupportoComponente>FILE</TipoSupportoComponente><NomeComponente>${esc(c.name)}</NomeComponente><FormatoFileVersato>PDF</FormatoFileVersato><HashVersato>${c.sha256}</HashVersato></Componente>`,
      )
      .join('') +
    '</Componenti></StrutturaOriginale>'
  );
}

/**
 * A minimal ParER versamento request (WSRequestVersamento.xsd) for the connector's tests: the
 * first component is the principal document, each further one an attachment. (The real one is
 * built by plugins/conservazione/sip/.) `omit` drops a part to make metadata invalid.
 */
export function testVersamentoXml(
  key: UnitKey,
  components: TestComponent[],
  options: { oggetto?: string | null; omitTipologia?: boolean; userId?: string } = {},
): string {
  const [principal, ...attachments] = components;
  const oggetto = options.oggetto === undefined ? 'Richiesta di accesso agli atti' : options.oggetto;
  return (
    '<?xml version="1.0" encoding="UTF-8"?><UnitaDocumentaria><Intestazione><Versione>1.5</Versione>' +
    `<Versatore><Ambiente>${TEST_VERSATORE.ambiente}</Ambiente><Ente>${TEST_VERSATORE.ente}</Ente><Struttura>${TEST_VERSATORE.struttura}</Struttura><UserID>${options.userId ?? TEST_VERSATORE.userId}</UserID></Versatore>` +
    `<Chiave><Numero>${esc(key.numero)}</Numero><Anno>${key.anno}</Anno><TipoRegistro>${esc(key.registro)}</TipoRegistro></Chiave>` +
    (options.omitTipologia
      ? ''
      : '<TipologiaUnitaDocumentaria>PROTOCOLLO IN ARRIVO</TipologiaUnitaDocumentaria>') +
    '</Intestazione>' +
    `<ProfiloUnitaDocumentaria>${oggetto === null ? '' : `<Oggetto>${esc(oggetto)}</Oggetto>`}<Data>2026-12-04</Data></ProfiloUnitaDocumentaria>` +
    `<NumeroAllegati>${attachments.length}</NumeroAllegati>` +
    `<DocumentoPrincipale>${documentXml(`${key.numero}-P`, 'DOCUMENTO PROTOCOLLATO', principal ? [principal] : [])}</DocumentoPrincipale>` +
    (attachments.length
      ? `<Allegati>${attachments.map((a, i) => `<Allegato>${documentXml(`${key.numero}-A${i + 1}`, 'ALLEGATO', [a])}</Allegato>`).join('')}</Allegati>`
      : '') +
    '</UnitaDocumentaria>'
  );
}

export function testSubmission(
  key: UnitKey,
  components: TestComponent[],
  options?: Parameters<typeof testVersamentoXml>[2],
): UdSubmission {
  return { key, xml: testVersamentoXml(key, components, options), components };
}
