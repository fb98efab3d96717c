import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import type { GraphqlConfig } from '../config.js';
import { costError, operationCost } from './query-cost.js';

export interface QueryLimits {
  /** The cost check with the request's variables: the error to answer, or null when within the limit. */
  checkCost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): GraphQLError | null;
  /** For Apollo (HTTP): the token limit at parse time (a too-long document is a 400 parse error). */
  parseOptions: ParseOptions;
  /** For Apollo (HTTP): depth, aliases, directives and cost. */
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin[];
  /** For graphql-ws: parse and validate with the same rules, since it bypasses Apollo. */
  parseAndValidate(schema: GraphQLSchema, source: string): DocumentNode | readonly GraphQLError[];
}

const SUGGESTION = /\s*Did you mean .*\?$/;

/**
 * Suggestions ("Did you mean …?") in validation and coercion messages would let a probe
 * discover fields and enum values with introspection off.
 */
export function stripSuggestion(message: string): string {
  return message.replace(SUGGESTION, '');
}

export function createQueryLimits(config: GraphqlConfig): QueryLimits {
  const armor = new ApolloArmor({
    maxDepth: { n: config.maxDepth, ignoreIntrospection: true, exposeLimits: true },
    maxAliases: { n: config.maxAliases, exposeLimits: true },
    maxDirectives: { n: config.maxDirectives, exposeLimits: true },
    // graphql's own parser enforces the token limit (a parse error, 400), not armor's plugin (a 500).
    maxTokens: { enabled: false },
    // Cost needs the variables (a page size is often one): see operationCost, applied below.
    costLimit: { enabled: false },
    // Suggestions are stripped from every error by formatError (coercion errors too).
    blockFieldSuggestion: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  const parseOptions: ParseOptions = { maxTokens: config.maxTokens };
  const checkCost: QueryLimits['checkCost'] = (schema, document, operationName, variables) => {
    const cost = operationCost(schema, document, operationName, variables);
    return cost > config.maxCost ? costError(cost, config.maxCost) : null;
  };
  const costPlugin: ApolloServerPlugin = {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ schema, document, operationName, request }) => {
          const error = checkCost(schema, document, operationName, request.variables);
          if (!error) return Promise.resolve();
          // A request error, refused before anything runs.
          return Promise.reject(
            new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } }),
          );
        },
      }),
  };
  return {
    parseOptions,
    checkCost,
    // graphql-armor's typings resolve @apollo/server's CommonJS declarations; the plugin objects are the same shape.
    plugins: [...(plugins as unknown as ApolloServerPlugin[]), costPlugin],
    validationRules,
    parseAndValidate(schema, source) {
      let document: DocumentNode;
      try {
        document = parse(source, parseOptions);
      } catch (e) {
        const error = e instanceof GraphQLError ? e : new GraphQLError('Syntax error');
        return [
          new GraphQLError(stripSuggestion(error.message), {
            extensions: { code: 'GRAPHQL_PARSE_FAILED' },
          }),
        ];
      }
      const errors = validate(schema, document, [...specifiedRules, ...validationRules]);
      return errors.length > 0
        ? errors.map(
            (e) =>
              new GraphQLError(stripSuggestion(e.message), {
                nodes: e.nodes,
                extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
              }),
          )
        : document;
    },
  };
}
