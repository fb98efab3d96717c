/** The blobs conservation keeps (the orphan collector's blobReferences): SIPs, indexes, requests, rapporti. */
export const CONSERVATION_BLOB_REFERENCES: readonly string[] = [
  'select sip_blob_key as blob_key from conservation_package where sip_blob_key is not null',
  'select pindex_blob_key as blob_key from conservation_package where pindex_blob_key is not null',
  'select descriptor_blob_key as blob_key from conservation_item where descriptor_blob_key is not null',
  'select rapporto_blob_key as blob_key from conservation_item where rapporto_blob_key is not null',
];
