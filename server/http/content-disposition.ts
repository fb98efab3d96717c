/**
 * `Content-Disposition: attachment` for a download under its original name (RFC 6266): a quoted
 * ASCII name, plus the exact UTF-8 name in filename* (RFC 8187) when the ASCII form had to
 * replace characters (accents, quotes, backslashes, control characters). Used for our own
 * downloads and for the response header of presigned S3 URLs, so both name files alike.
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (fallback === fileName) return `attachment; filename="${fallback}"`;
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
