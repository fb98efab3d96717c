/**
 * Hard limits for what is parsed in memory. The verifier parses a whole CMS envelope (and, for
 * PAdES, hashes the signed byte ranges) in memory: ASN.1 parsing costs several times the input
 * size, so bigger inputs are refused with IMPOSSIBILE_EFFETTUARE_VERIFICA rather than risk the
 * process. Registration still goes ahead (DOMAIN §10: verification never blocks it); such
 * files need verifying with a dedicated tool.
 */
export const MAX_IN_MEMORY_SIGNED_BYTES = 64 * 1024 * 1024;

/** Nested .p7m envelopes unwrapped at most (file.pdf.p7m.p7m is 2): deeper means abuse. */
export const MAX_ENVELOPE_DEPTH = 8;

/**
 * Signatures verified in one file at most: each costs a verification, and the signers are listed
 * (a query counts that list at this size). A file with more is not verified.
 */
export const MAX_SIGNATURES = 50;
