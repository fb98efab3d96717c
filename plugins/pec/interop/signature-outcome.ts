/**
 * The outcome of a signature check, as the PEC contract names it. Defined here until pec-parse's
 * plugins/pec/message/parsed-message.ts lands on main; then this file re-exports that one.
 */
export type SignatureOutcome = 'valid' | 'invalid' | 'unsigned' | 'untrusted';
