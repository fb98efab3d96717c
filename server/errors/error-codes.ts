import { GraphQLEnumType } from 'graphql';

/**
 * Every `extensions.code` a client can receive is declared once, with what it means and the
 * HTTP status it maps to on the plain-HTTP routes (file upload and download, health, errors
 * outside GraphQL). The platform declares the generic codes below; modules declare their own.
 */
export interface ErrorCodeDefinition {
  code: string;
  description: string;
  /** Status on plain-HTTP routes (GraphQL field errors travel in a 200 response). */
  httpStatus: number;
}

/** Codes of the platform itself: authentication, validation, limits, outages. */
export const PLATFORM_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'UNAUTHENTICATED',
    httpStatus: 401,
    description:
      'No valid bearer token: none was sent where one is needed, or it is malformed, expired or not of an active user',
  },
  { code: 'FORBIDDEN', httpStatus: 403, description: 'The caller is known but lacks the permission' },
  {
    code: 'NOT_FOUND',
    httpStatus: 404,
    description: 'No such record, or one the caller may not see (the two are indistinguishable)',
  },
  {
    code: 'BAD_USER_INPUT',
    httpStatus: 400,
    description: 'An argument or input field is invalid; `extensions.field` names it',
  },
  {
    code: 'BAD_REQUEST',
    httpStatus: 400,
    description: 'The HTTP request itself is malformed (e.g. a body that is not JSON)',
  },
  {
    code: 'GRAPHQL_PARSE_FAILED',
    httpStatus: 400,
    description: 'The document is not valid GraphQL syntax, or is longer than the token limit',
  },
  {
    code: 'GRAPHQL_VALIDATION_FAILED',
    httpStatus: 400,
    description: 'The document does not match the schema or exceeds a query limit (depth, aliases, cost)',
  },
  {
    code: 'QUERY_TOO_COSTLY',
    httpStatus: 400,
    description:
      'The operation may load more than GRAPHQL_MAX_COST items at worst (`extensions.cost`, `extensions.maxCost`): ask for smaller pages or fewer nested lists',
  },
  {
    code: 'OPERATION_RESOLUTION_FAILURE',
    httpStatus: 400,
    description: 'The operation to run could not be determined (operationName missing or unknown)',
  },
  {
    code: 'PERSISTED_QUERY_NOT_SUPPORTED',
    httpStatus: 400,
    description: 'Automatic persisted queries are not enabled on this server',
  },
  {
    code: 'CONFLICT',
    httpStatus: 409,
    description:
      'The change clashes with an existing record (e.g. a code in use); `extensions.field` names it',
  },
  {
    code: 'LIMIT_REACHED',
    httpStatus: 409,
    description:
      'A bounded list is full (e.g. UORs of an AOO); `extensions.limit` says how many it holds, `extensions.field` which input',
  },
  {
    code: 'FIELD_MASKED',
    httpStatus: 200,
    description: 'A field marked @acl was masked (null) for lack of `extensions.permission` on the record',
  },
  {
    code: 'PAYLOAD_TOO_LARGE',
    httpStatus: 413,
    description: 'The body exceeds the configured maximum size',
  },
  {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    httpStatus: 415,
    description: 'The body is of a content type this route does not take (e.g. multipart on POST /files)',
  },
  {
    code: 'TOO_MANY_SUBSCRIPTIONS',
    httpStatus: 429,
    description: 'A WebSocket connection holds the maximum number of subscriptions',
  },
  {
    code: 'SERVICE_UNAVAILABLE',
    httpStatus: 503,
    description: 'The database or another service the request needs is unreachable; retry after Retry-After',
  },
  {
    code: 'INTERNAL_SERVER_ERROR',
    httpStatus: 500,
    description: 'An unexpected failure; details are in the server log under the request id',
  },
];

/** The codes of the composed platform: their statuses, and the `ErrorCode` enum of the SDL. */
export class ErrorCodeRegistry {
  private readonly byCode: ReadonlyMap<string, ErrorCodeDefinition>;

  constructor(definitions: readonly ErrorCodeDefinition[]) {
    this.byCode = new Map(definitions.map((d) => [d.code, d]));
  }

  all(): ErrorCodeDefinition[] {
    return [...this.byCode.values()];
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }

  /** The HTTP status of a registered code on plain-HTTP routes; undefined for an unregistered one. */
  httpStatusOf(code: string): number | undefined {
    return this.byCode.get(code)?.httpStatus;
  }

  /** `enum ErrorCode` for the SDL: what client teams switch on, each value described. */
  graphqlEnum(): GraphQLEnumType {
    return new GraphQLEnumType({
      name: 'ErrorCode',
      description:
        'Every `extensions.code` an error can carry (GraphQL and plain-HTTP answers alike); no field returns it',
      values: Object.fromEntries(
        this.all().map((d) => [
          d.code,
          { value: d.code, description: `${d.description} (HTTP ${d.httpStatus})` },
        ]),
      ),
    });
  }
}

let sealed: ErrorCodeRegistry | undefined;

/**
 * From now on a DomainError with a code not in `registry` is a programming error (it throws
 * at once, so a test that expects the code fails). The host seals its composed registry.
 */
export function sealErrorCodes(registry: ErrorCodeRegistry): void {
  sealed = registry;
}

export function assertRegisteredCode(code: string): void {
  if (sealed && !sealed.has(code)) {
    throw new Error(`Unregistered error code ${code}: declare it in the errorCodes of its module`);
  }
}
