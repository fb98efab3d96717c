/**
 * The two ways a conversation with the conservator fails without an outcome. Plain classes with
 * the registered error codes (CONSERVATOR_UNAVAILABLE, CONSERVATOR_RESPONSE_INVALID, registered by
 * the package module) in `code`, so the transfer maps them to its retry / last-error handling.
 */

/** Could not get an answer: refused, reset, timeout, 5xx, a non-XML error page. Retry later. */
export class ConservatorUnavailable extends Error {
  readonly code = 'CONSERVATOR_UNAVAILABLE';
  override readonly name = 'ConservatorUnavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An answer came but cannot be trusted or read: DOCTYPE/entity, malformed, XSD-invalid, unknown code, too large. */
export class ConservatorResponseInvalid extends Error {
  readonly code = 'CONSERVATOR_RESPONSE_INVALID';
  override readonly name = 'ConservatorResponseInvalid';
  constructor(
    message: string,
    /** The first bytes of what came back, for the operator (never parsed further). */
    readonly excerpt?: string,
  ) {
    super(message);
  }
}
