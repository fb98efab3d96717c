import type { Config } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

/** The configured driver; neither constructor does I/O, so this never blocks start-up. */
export function createBlobStore(config: Config['blob']): BlobStore {
  switch (config.driver) {
    case 'fs':
      return new FsBlobStore(config);
    case 's3':
      return new S3BlobStore(config, { singlePutMaxBytes: config.singlePutMaxBytes });
  }
}
