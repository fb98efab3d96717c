import { ApolloArmor } from '@escape.tech/graphql-armor';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { GraphqlConfig } from '../config.js';

export interface QueryLimits {
  /** For Apollo (HTTP): plugins (tokens, field suggestions) and validation rules (depth, aliases, directives, cost). */
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  /** For graphql-ws: parse and validate with the same rules, since it bypasses Apollo. */
  parseAndValidate(schema: GraphQLSchema, source: string): DocumentNode | readonly GraphQLError[];
}

const SUGGESTION = /\s*Did you mean .*\?$/;

/** Field suggestions would let a probe discover the schema with introspection off. */
export function stripSuggestion(message: string): string {
  return message.replace(SUGGESTION, '');
}

export function withoutSuggestions(error: GraphQLError): GraphQLError {
  if (!SUGGESTION.test(error.message)) return error;
  return new GraphQLError(stripSuggestion(error.message), {
    nodes: error.nodes,
    extensions: error.extensions,
  });
}

export function createQueryLimits(config: GraphqlConfig): QueryLimits {
  const armor = new ApolloArmor({
    maxDepth: { n: config.maxDepth, ignoreIntrospection: true, exposeLimits: true },
    maxAliases: { n: config.maxAliases, exposeLimits: true },
    maxDirectives: { n: config.maxDirectives, exposeLimits: true },
    maxTokens: { n: config.maxTokens, exposeLimits: true },
    costLimit: {
      maxCost: config.maxCost,
      objectCost: 2,
      scalarCost: 1,
      depthCostFactor: 1.5,
      ignoreIntrospection: true,
      exposeLimits: true,
    },
    blockFieldSuggestion: { enabled: true },
  });
  const { plugins, validationRules } = armor.protect();
  return {
    // graphql-armor's typings resolve @apollo/server's CommonJS declarations; the plugin objects are the same shape.
    plugins: plugins as unknown as ApolloServerPlugin[],
    validationRules,
    parseAndValidate(schema, source) {
      let document: DocumentNode;
      try {
        document = new MaxTokensParserWLexer(source, {
          n: config.maxTokens,
          exposeLimits: true,
        }).parseDocument();
      } catch (e) {
        return [e instanceof GraphQLError ? withoutSuggestions(e) : new GraphQLError('Syntax error')];
      }
      const errors = validate(schema, document, [...specifiedRules, ...validationRules]);
      return errors.length > 0 ? errors.map(withoutSuggestions) : document;
    },
  };
}
