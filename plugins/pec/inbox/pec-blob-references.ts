/**
 * The blobs an incoming message keeps (the orphan collector's blobReferences): the raw message,
 * and the parts the store wrote for registration (summary.postacert, summary.attachments).
 */
export const PEC_BLOB_REFERENCES: readonly string[] = [
  'select raw_blob_key as blob_key from pec_message',
  `select summary->'postacert'->>'blobKey' as blob_key from pec_message where jsonb_typeof(summary->'postacert') = 'object'`,
  `select a->>'blobKey' as blob_key from pec_message m, jsonb_array_elements(m.summary->'attachments') a`,
];
