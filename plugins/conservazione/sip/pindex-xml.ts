import { VERSION } from '../../../server/version.js';
import type { PIndexFile, SipPackage } from './sip-types.js';
import { nonEmpty, xmlText } from './xml-text.js';
import { xmlDocument, type XmlElement } from './xml-writer.js';

export const SINCRO_NS = 'http://www.uni.com/U3011/sincro-v2/';

/** A zip path as the PIndex's Path (xs:anyURI): each segment percent-encoded (RFC 3986), '/' kept. */
export function pindexPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * The UNI 11386 (SInCRO v2) index of the package: who made it (SelfDescription, the creating
 * application), the volume (the package itself), one FileGroup per unit (its request XML and its
 * components) and one for the package-level files, each File with its path in the zip and its
 * SHA-256 in lowercase hex, and the process (the producing administration as submitter, holder
 * and signer, the package's creation time). The PIndex does not list itself.
 */
export function pindexXml(pkg: SipPackage, files: readonly PIndexFile[]): string {
  const root = xmlDocument('sincro:PIndex', {
    'xmlns:sincro': SINCRO_NS,
    'sincro:language': 'it',
    'sincro:uri': 'http://www.uni.com/U3011/sincro-v2/PIndex.xsd',
    'sincro:sincroVersion': '2.0',
  });
  const ele = (parent: XmlElement, name: string, attrs?: Record<string, string>) =>
    parent.ele(`sincro:${name}`, attrs);
  const id = (parent: XmlElement, value: string) =>
    ele(parent, 'ID', { 'sincro:scheme': 'local' }).txt(value);

  const self = ele(root, 'SelfDescription');
  id(self, `urn:uuid:${pkg.id}`);
  const app = ele(self, 'CreatingApplication');
  ele(app, 'Name').txt('dms protocollo informatico');
  ele(app, 'Version').txt(VERSION);
  ele(app, 'Producer').txt(xmlText(pkg.producer.name));

  const volume = ele(root, 'PVolume');
  id(volume, `urn:uuid:${pkg.id}`);
  ele(volume, 'Label').txt(nonEmpty(pkg.label, pkg.kind));
  ele(volume, 'Description').txt(
    `Pacchetto di versamento ${pkg.kind} dell'AOO ${xmlText(pkg.producer.aooCode)}`,
  );

  const groups = new Map<string, PIndexFile[]>();
  for (const f of files) {
    const g = f.unit ?? '';
    const list = groups.get(g) ?? [];
    list.push(f);
    groups.set(g, list);
  }
  let n = 0;
  for (const [unit, list] of groups) {
    const group = ele(root, 'FileGroup');
    id(group, unit === '' ? 'PACCHETTO' : unit);
    ele(group, 'Label').txt(unit === '' ? 'File del pacchetto' : `Unità documentaria ${xmlText(unit)}`);
    for (const f of list) {
      n += 1;
      const extension = /\.([A-Za-z0-9]{1,10})$/.exec(f.path)?.[1]?.toLowerCase();
      const file = ele(group, 'File', {
        'sincro:encoding': 'binary',
        ...(extension ? { 'sincro:extension': extension } : {}),
        'sincro:format': nonEmpty(f.mediaType, 'application/octet-stream'),
      });
      id(file, `F${n}`);
      ele(file, 'Path').txt(pindexPath(f.path));
      ele(file, 'Hash', { 'sincro:hashFunction': 'SHA-256' }).txt(f.sha256);
    }
  }

  const process = ele(root, 'Process');
  const agent = (tag: string, attrs: Record<string, string>) => {
    const a = ele(process, tag, { 'sincro:agentType': 'legal person', ...attrs });
    ele(ele(a, 'AgentName'), 'FormalName').txt(nonEmpty(pkg.producer.name, pkg.producer.ipaCode));
    ele(a, 'RelevantDocument').txt(
      `Codice IPA ${xmlText(pkg.producer.ipaCode)}, AOO ${xmlText(pkg.producer.aooCode)}`,
    );
  };
  agent('Submitter', {});
  agent('Holder', { 'sincro:holderRole': 'soggetto produttore' });
  agent('AuthorizedSigner', { 'sincro:signerRole': 'Responsabile della gestione documentale' });
  ele(ele(process, 'TimeReference'), 'TimeInfo', { 'sincro:attachedTimeStamp': 'false' }).txt(pkg.createdAt);
  ele(process, 'LawsAndRegulations').txt(
    'D.Lgs. 82/2005 (CAD); Linee Guida AgID sulla formazione, gestione e conservazione dei documenti informatici (2021)',
  );
  return root.end();
}
