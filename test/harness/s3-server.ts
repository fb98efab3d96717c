import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from '@20minutes/s3rver';
import type { S3BlobConfig } from '../../server/config.js';

export interface RunningS3Server {
  /** http://127.0.0.1:PORT, the form S3_ENDPOINT takes. */
  endpoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  bucket: string;
  config: S3BlobConfig;
  stop(): Promise<void>;
}

// s3rver's built-in account; it checks SigV4 signatures against this secret.
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';
const BUCKET = 'dms-test';

/**
 * An S3-protocol server on a free port of 127.0.0.1, storing under a fresh temp folder, with
 * one bucket already created. It verifies request signatures (a tampered presigned URL is
 * refused) but has no multipart listing: see STACK.md.
 */
export async function startS3Server(): Promise<RunningS3Server> {
  const directory = await mkdtemp(path.join(tmpdir(), 'dms-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    // Path-style only: the bucket is never taken from the Host header.
    vhostBuckets: false,
    configureBuckets: [{ name: BUCKET }],
  });
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    accessKey: ACCESS_KEY,
    secretKey: SECRET_KEY,
    bucket: BUCKET,
    config: {
      driver: 's3',
      endPoint: '127.0.0.1',
      port,
      useSSL: false,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      bucket: BUCKET,
      region: 'us-east-1',
      // s3rver has no multipart listing (STACK.md): keep test objects in single PUTs.
      singlePutMaxBytes: 64 * 1024 * 1024,
    },
    async stop() {
      // Clients keep sockets alive; without this close() would wait for them to time out.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
