/**
 * The subset of parsePecMessage's result (plugins/pec/message, ParsedPecMessage) the store
 * needs: the parser is handed to storeIncomingMessage by its caller (the ingest loop), so this
 * folder depends on the shape, not on the parser's folder.
 */
export interface IncomingAttachment {
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  bytes: Buffer;
}

export interface ParsedIncoming {
  kind: 'busta' | 'receipt' | 'anomalia' | 'peo';
  transport: 'posta-certificata' | 'errore' | null;
  receipt: string | null;
  messageId: string | null;
  riferimentoMessageId: string | null;
  from: string | null;
  to: string[];
  subject: string | null;
  date: string | null;
  signature: {
    outcome: 'valid' | 'invalid' | 'unsigned' | 'untrusted';
    reason: string | null;
    signer: string | null;
  };
  daticert: {
    mittente: string | null;
    oggetto: string | null;
    identificativo: string | null;
    dataOra: string | null;
  } | null;
  original: {
    messageId: string | null;
    from: string | null;
    subject: string | null;
    date: string | null;
    raw: Buffer | null;
  } | null;
  attachments: IncomingAttachment[];
  problems: string[];
}

/** The Segnatura facts registration uses (pec-interop's SegnaturaFacts, the part read here). */
export interface SegnaturaSummary {
  oggetto: string | null;
  mittente: {
    denominazione: string | null;
    pec?: string | null;
    codiceAmministrazione?: string | null;
    codiceAOO?: string | null;
  } | null;
  /** The name of the primary document, when the Segnatura names it. */
  primaryName: string | null;
}

/** What findInteropAttachment reported, as kept with the message. */
export interface InteropSummary {
  kind: string;
  fileName: string;
  schemaValid: boolean;
  seal: string;
  problems: string[];
  segnatura: SegnaturaSummary | null;
}

export interface StoredPart {
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  blobKey: string;
}

/** pec_message.summary: what the parser understood, with the parts' blobs. */
export interface StoredSummary {
  transport: string | null;
  riferimentoMessageId: string | null;
  from: string | null;
  to: string[];
  subject: string | null;
  date: string | null;
  signatureReason: string | null;
  signer: string | null;
  daticert: {
    mittente: string | null;
    oggetto: string | null;
    identificativo: string | null;
    dataOra: string | null;
  } | null;
  original: {
    messageId: string | null;
    from: string | null;
    subject: string | null;
    date: string | null;
  } | null;
  /** postacert.eml (PEO: the message itself). */
  postacert: StoredPart | null;
  attachments: StoredPart[];
  interop: InteropSummary | null;
}
