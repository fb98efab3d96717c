/**
 * The anomalies of NotificaEccezione (Allegato 6 §3.1.1 B–C, §3.1.2–3.1.3), written at the start
 * of Motivo. The spellings are those of the Allegato's text; the WSDL's variants (typos of the
 * standard itself: 002_AnomaliaImpronte, 005_…VaidazioneMarcaTemporale, 000_Irricevibilita) are
 * recognised on input by their number.
 */
export const ECCEZIONE_CODES = {
  '000_Irricevibile': 'Messaggio irricevibile (il motivo di irricevibilità è indicato)',
  '001_ValidazioneFirma': 'La firma (sigillo) della segnatura di protocollo non è verificata',
  '002_AnomaliaImpronta':
    "Almeno un'impronta della segnatura (documento principale o allegati) non corrisponde al file ricevuto",
  '003_DocumentoAllegatiNonLeggibili':
    'Almeno uno dei file ricevuti (documento principale o allegati) non è leggibile',
  '004_DocumentoAllegatiErroreValidazioneFirma':
    'Almeno uno dei file ricevuti è firmato digitalmente e la validazione della firma fallisce',
  '005_DocumentoAllegatiErroreValidazioneMarcaTemporale':
    'Almeno uno dei file ricevuti ha una marca temporale e la sua validazione fallisce',
  '006_DocumentoAllegatiErroreValidazioneSigillo':
    'Almeno uno dei file ricevuti ha un sigillo elettronico e la sua validazione fallisce',
  '007_ErroreIdentificatoreNonTrovato': "Il messaggio di protocollo indicato dall'identificatore non risulta",
} as const;

export type EccezioneCode = keyof typeof ECCEZIONE_CODES;

export const ECCEZIONE_CODE_LIST = Object.keys(ECCEZIONE_CODES) as EccezioneCode[];

const BY_NUMBER = new Map(ECCEZIONE_CODE_LIST.map((c) => [c.slice(0, 3), c]));

/** The code a Motivo starts with (by its number, so the WSDL's spellings count), and the rest. */
export function readEccezioneMotivo(motivo: string): { code: EccezioneCode | null; detail: string } {
  const m = /^\s*(\d{3})_[A-Za-z]*\s*[:\-–]?\s*([\s\S]*)$/.exec(motivo);
  const code = m ? (BY_NUMBER.get(m[1]) ?? null) : null;
  return code && m ? { code, detail: m[2].trim() } : { code: null, detail: motivo.trim() };
}
