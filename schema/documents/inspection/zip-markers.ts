import { ByteMarkerScanner } from './byte-marker-scanner.js';

/** An OOXML package type recognised from its entry names. */
export interface OoxmlPackage {
  extension: 'docx' | 'xlsx' | 'pptx';
  mediaType: string;
}

const CONTENT_TYPES = '[Content_Types].xml';
// The conventional main parts (ECMA-376 Part 1 §11.3.10, §12.3.23, §13.3.6): every mainstream
// producer uses these names.
const MAIN_PARTS: ReadonlyArray<readonly [string, OoxmlPackage]> = [
  [
    'word/document.xml',
    {
      extension: 'docx',
      mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    },
  ],
  [
    'xl/workbook.xml',
    { extension: 'xlsx', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  ],
  [
    'ppt/presentation.xml',
    {
      extension: 'pptx',
      mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    },
  ],
];

/**
 * Recognises an OOXML package whose `[Content_Types].xml` lies beyond the head: some producers
 * write it last, after the media. Zip entry names are stored uncompressed in the local headers
 * and again in the central directory at the end, so a bounded byte scan of the stream finds them.
 */
export class ZipEntryScanner {
  private readonly scanner = new ByteMarkerScanner(
    [CONTENT_TYPES, ...MAIN_PARTS.map(([name]) => name)].map((name) => ({
      name,
      pattern: Buffer.from(name),
      captureAfter: 0,
    })),
  );

  update(chunk: Uint8Array): void {
    this.scanner.update(chunk);
  }

  /** The package type, when both `[Content_Types].xml` and a known main part were seen. */
  ooxmlPackage(): OoxmlPackage | undefined {
    if (!this.scanner.hit(CONTENT_TYPES)) return undefined;
    return MAIN_PARTS.find(([name]) => this.scanner.hit(name))?.[1];
  }
}
