import { createHash, createHmac } from 'node:crypto';

export interface PresignTarget {
  protocol: 'http:' | 'https:';
  /** Host as the client will send it (with the port unless it is the scheme's default). */
  host: string;
  bucket: string;
  key: string;
  region: string;
  accessKey: string;
  secretKey: string;
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is escaped. */
function awsEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * A presigned S3 PUT (SigV4, query-string authentication) that signs, besides the host, the
 * body's length and its SHA-256 checksum header. The storage server then refuses a PUT of any
 * other size outright (the signature no longer matches), and S3/MinIO refuse bytes whose digest
 * differs from x-amz-checksum-sha256. minio-js's presignedPutObject signs the host only and
 * explicitly leaves Content-Length out, so a ticket for 1 KiB would take 5 GiB.
 *
 * `now` is the wall clock on purpose: the storage server checks X-Amz-Date against its own clock.
 */
export function presignBoundPut(
  target: PresignTarget,
  body: { size: number; sha256Hex: string },
  expirySeconds: number,
  now: Date = new Date(),
): { url: string; headers: Record<string, string> } {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${target.region}/s3/aws4_request`;
  const checksum = Buffer.from(body.sha256Hex, 'hex').toString('base64');
  const headers: Record<string, string> = {
    'content-length': String(body.size),
    host: target.host,
    'x-amz-checksum-sha256': checksum,
  };
  const signedHeaders = Object.keys(headers).sort().join(';');
  const query: Record<string, string> = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${target.accessKey}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(expirySeconds),
    'X-Amz-SignedHeaders': signedHeaders,
  };
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${awsEncode(k)}=${awsEncode(query[k] ?? '')}`)
    .join('&');
  const path = `/${awsEncode(target.bucket)}/${target.key.split('/').map(awsEncode).join('/')}`;
  const canonicalRequest = [
    'PUT',
    path,
    canonicalQuery,
    Object.keys(headers)
      .sort()
      .map((h) => `${h}:${headers[h] ?? ''}\n`)
      .join(''),
    signedHeaders,
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${target.secretKey}`, day), target.region), 's3'),
    'aws4_request',
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return {
    url: `${target.protocol}//${target.host}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`,
    // What the client must send with the PUT besides the body (Content-Length follows from it).
    headers: { 'x-amz-checksum-sha256': checksum },
  };
}
