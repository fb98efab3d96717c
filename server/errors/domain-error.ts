import { GraphQLError } from 'graphql';
import { assertRegisteredCode } from './error-codes.js';

/**
 * An expected business outcome (bad input, duplicate code, closed fascicolo…): a GraphQL
 * error whose `extensions.code` clients can switch on, with a message that says how to fix it.
 */
export class DomainError extends GraphQLError {
  constructor(code: string, message: string, extra: Record<string, unknown> = {}) {
    assertRegisteredCode(code);
    super(message, { extensions: { code, ...extra } });
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  /** Same message whether the record is missing or hidden from the caller. */
  constructor(kind: string, id: string) {
    super('NOT_FOUND', `${kind} ${id} not found`, { kind });
  }
}

export class InvalidInputError extends DomainError {
  constructor(field: string, message: string) {
    super('BAD_USER_INPUT', `${field}: ${message}`, { field });
  }
}

export class ConflictError extends DomainError {
  constructor(field: string, message: string) {
    super('CONFLICT', `${field}: ${message}`, { field });
  }
}
