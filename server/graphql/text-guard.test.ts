import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, parse } from 'graphql';
import { unstorableArgs, unstorableText } from './text-guard.js';

const schema = buildSchema(`
  type Query { ping: String }
  type Subscription { feed(topic: String!, filter: FeedFilter): String }
  input FeedFilter { words: [String!] }
`);

describe('unstorable text in arguments', () => {
  it('names the field as services do: inside `input` by its path, otherwise by the argument', () => {
    assert.equal(
      unstorableArgs({ input: { name: 'ok', list: [{ d: 'x\u0000' }] } })?.extensions['field'],
      'list[0].d',
    );
    assert.equal(unstorableArgs({ id: 'a', activeTo: '\ud800' })?.extensions['field'], 'activeTo');
    assert.equal(unstorableArgs({ input: { name: 'emoji 📎 fine' } }), null);
  });

  it('walks the operation: arguments of any field, from variables, before anything runs', () => {
    const document = parse('subscription($t: String!, $f: FeedFilter) { feed(topic: $t, filter: $f) }');
    const bad = unstorableText(schema, document, undefined, {
      t: 'ok',
      f: { words: ['a', 'b\udc00'] },
    });
    assert.equal(bad?.extensions['code'], 'BAD_USER_INPUT');
    assert.equal(bad?.extensions['field'], 'filter.words[1]');
    assert.equal(unstorableText(schema, document, undefined, { t: 'ok' }), null);
  });
});
