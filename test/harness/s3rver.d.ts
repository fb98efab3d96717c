// Types for the parts of @20minutes/s3rver 4.0.4 (CommonJS, untyped) that the harness uses.
declare module '@20minutes/s3rver' {
  import type { Server } from 'node:http';
  import type { AddressInfo } from 'node:net';

  export interface S3rverBucket {
    name: string;
    /** CORS or website configuration XML documents. */
    configs?: (string | Buffer)[];
  }

  export interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    /** Accept requests whose signature does not match: never set in our tests. */
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    serviceEndpoint?: string;
    configureBuckets?: S3rverBucket[];
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    httpServer: Server | undefined;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    reset(): void;
  }
}
