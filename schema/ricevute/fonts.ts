import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The TrueType fonts every receipt and label embeds (PDF/A allows no font it does not carry;
 * the standard PDF fonts are WinAnsi only, so "Comunità" or "€" would need them anyway). They
 * ship in `assets/fonts/` at the project root, which this file reaches the same way from its
 * compiled place (dist/schema/ricevute/) in a checkout and in the image (/app/assets).
 */
const FONT_DIR = new URL('../../../assets/fonts/', import.meta.url);

export const FONT_REGULAR = fileURLToPath(new URL('DejaVuSans.ttf', FONT_DIR));
export const FONT_BOLD = fileURLToPath(new URL('DejaVuSans-Bold.ttf', FONT_DIR));

let loaded: { regular: Buffer; bold: Buffer } | undefined;

/** The font files' bytes, read once per process (every PDF embeds a subset of them). */
export function fontBytes(): { regular: Buffer; bold: Buffer } {
  loaded ??= { regular: readFileSync(FONT_REGULAR), bold: readFileSync(FONT_BOLD) };
  return loaded;
}
