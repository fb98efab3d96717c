import { create } from 'xmlbuilder2';
import type { ProtocolDay } from '../protocollo/index.js';
import { formatProtocolNumber } from '../protocollo/index.js';
import { romeDateTime } from './rome-day.js';

export const REGISTER_NAMESPACE = 'urn:dms:registro-giornaliero:1';
export const REGISTER_OGGETTO = 'Registro giornaliero di protocollo';

/** The AOO's audit chain at the day's close (server/audit/audit-chain.ts ChainHead). */
export interface RegisterChainHead {
  seq: string;
  hash: string;
  at: Date;
}

export interface RegisterPerson {
  username: string;
  givenName: string;
  familyName: string;
}

/** Everything one day's register says (registro-giornaliero.xsd). */
export interface RegisterContent {
  identifier: string;
  administration: { ipaCode: string; name: string };
  aoo: { code: string; name: string };
  registerCode: string;
  progressive: { number: number; year: number };
  day: string;
  from: Date;
  to: Date;
  createdAt: Date;
  rgd: readonly RegisterPerson[];
  protocol: ProtocolDay;
  chainHead: RegisterChainHead | null;
}

/** IPA code of the administration, AOO code and yyyymmdd (001 §6.8). */
export function persistentIdentifier(ipaCode: string, aooCode: string, day: string): string {
  return `${ipaCode}-${aooCode}-${day.replaceAll('-', '')}`;
}

/** First and last registration number of the day (null on an empty day). */
export function dayNumbers(protocol: ProtocolDay): { first: number; last: number } | null {
  const regs = protocol.registrations;
  const first = regs[0];
  const last = regs[regs.length - 1];
  return first && last ? { first: first.number, last: last.number } : null;
}

const json = (v: unknown): string => (v === undefined ? 'null' : JSON.stringify(v));

/** The register's XML (UTF-8, with declaration), valid against registro-giornaliero.xsd. */
export function registerXml(c: RegisterContent): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(REGISTER_NAMESPACE, 'RegistroGiornaliero')
    .att('versione', '1.0');
  const el = (parent: typeof root, name: string, text?: string | number | boolean) => {
    const e = parent.ele(name);
    if (text !== undefined) e.txt(String(text));
    return e;
  };
  el(root, 'IdentificativoPersistente', c.identifier);
  const adm = el(root, 'Amministrazione');
  el(adm, 'Codice', c.administration.ipaCode);
  el(adm, 'Denominazione', c.administration.name);
  const aoo = el(root, 'AOO');
  el(aoo, 'Codice', c.aoo.code);
  el(aoo, 'Denominazione', c.aoo.name);
  el(root, 'Oggetto', REGISTER_OGGETTO);
  el(root, 'CodiceRegistro', c.registerCode);
  el(root, 'NumeroProgressivo', c.progressive.number).att('anno', String(c.progressive.year));
  el(root, 'Giorno', c.day);
  el(root, 'Inizio', romeDateTime(c.from));
  el(root, 'Fine', romeDateTime(c.to));
  el(root, 'DataCreazione', romeDateTime(c.createdAt));
  for (const p of c.rgd) {
    const r = el(root, 'Responsabile');
    el(r, 'Utente', p.username);
    el(r, 'Nome', p.givenName);
    el(r, 'Cognome', p.familyName);
  }
  const regs = c.protocol.registrations;
  el(root, 'NumeroRegistrazioni', regs.length);
  const numbers = dayNumbers(c.protocol);
  if (numbers) {
    el(root, 'PrimoNumero', formatProtocolNumber(numbers.first));
    el(root, 'UltimoNumero', formatProtocolNumber(numbers.last));
  }
  const list = el(root, 'Registrazioni');
  for (const r of regs) {
    const x = el(list, 'Registrazione');
    el(x, 'Numero', formatProtocolNumber(r.number));
    el(x, 'Anno', r.year);
    el(x, 'DataOraRegistrazione', romeDateTime(r.registeredAt));
    el(x, 'Tipo', r.kind);
    el(x, 'Riservato', r.confidential);
    el(x, 'Oggetto', r.confidential ? '' : r.oggetto);
    el(x, 'MittenteAnonimo', r.anonymousSender);
    el(x, 'VariDestinatari', r.variDestinatari);
    const cs = el(x, 'Corrispondenti');
    for (const k of r.confidential ? [] : r.correspondents) {
      const ce = el(cs, 'Corrispondente');
      el(ce, 'Ruolo', k.role);
      el(ce, 'Tipo', k.kind);
      el(ce, 'Denominazione', k.name);
      if (k.codiceFiscale) el(ce, 'CodiceFiscale', k.codiceFiscale);
      if (k.partitaIva) el(ce, 'PartitaIva', k.partitaIva);
      if (k.ipaAmministrazione) el(ce, 'CodiceIPA', k.ipaAmministrazione);
      if (k.ipaAoo) el(ce, 'CodiceAOO', k.ipaAoo);
    }
    const fs = el(x, 'Impronte');
    for (const f of r.files) {
      const fe = el(fs, 'Impronta', f.sha256)
        .att('posizione', String(f.position))
        .att('algoritmo', 'SHA-256');
      if (f.description && !r.confidential) fe.att('descrizione', f.description);
    }
    el(x, 'NumeroAllegati', r.attachmentCount);
    if (r.classification) el(x, 'Classificazione', r.classification);
    const uor = el(x, 'UOR');
    el(uor, 'Codice', r.uorCode);
    el(uor, 'Denominazione', r.uorName);
    el(x, 'Stato', r.state);
  }
  const ann = el(root, 'Annullamenti');
  for (const a of c.protocol.annulments) {
    const x = el(ann, 'Annullamento');
    el(x, 'Numero', formatProtocolNumber(a.number));
    el(x, 'Anno', a.year);
    el(x, 'DataRegistrazione', a.registeredOn);
    el(x, 'DataOraAnnullamento', romeDateTime(a.annulledAt));
    el(x, 'Operatore', a.annulledBy);
    el(x, 'Motivazione', a.reason);
    el(x, 'Autorizzazione', a.authorisation);
  }
  const mods = el(root, 'Modifiche');
  for (const m of c.protocol.changes) {
    const x = el(mods, 'Modifica');
    el(x, 'Numero', formatProtocolNumber(m.number));
    el(x, 'Anno', m.year);
    el(x, 'DataRegistrazione', m.registeredOn);
    el(x, 'Versione', m.version);
    el(x, 'DataOraModifica', romeDateTime(m.changedAt));
    el(x, 'Operatore', m.changedBy);
    for (const [field, [before, after]] of Object.entries(m.changes).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const f = el(x, 'Campo').att('nome', field);
      el(f, 'Precedente', json(before));
      el(f, 'Nuovo', json(after));
    }
  }
  if (c.chainHead) {
    const h = el(root, 'CatenaAudit');
    el(h, 'Sequenza', c.chainHead.seq);
    el(h, 'Hash', c.chainHead.hash);
    el(h, 'DataOra', romeDateTime(c.chainHead.at));
  }
  return root.end({ prettyPrint: true });
}
