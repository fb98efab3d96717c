import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { coreModules } from '../../schema/modules.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { sealErrorCodes } from '../../server/errors/error-codes.js';
import { composeModules } from '../../server/modules/compose.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f));
}

/** Where a code is thrown or answered: DomainError('X'), `code: 'X'` in extensions, sendError/refuseBody(…, 'X'). */
const THROWN = [
  /DomainError\(\s*'([A-Z][A-Z0-9_]+)'/g,
  /\bcode: '([A-Z][A-Z0-9_]+)'/g,
  /(?:sendError|refuseBody)\([^)]*?\d{3},\s*'([A-Z][A-Z0-9_]+)'/g,
];

/**
 * Client teams switch on `extensions.code`: every code the code base can produce is registered
 * (with its meaning and HTTP status) and appears in the SDL's ErrorCode enum.
 */
describe('error codes', () => {
  const registry = composeModules(coreModules).errorCodes;

  it('every code thrown or answered anywhere in server/ and schema/ is registered', () => {
    const unregistered: string[] = [];
    let found = 0;
    for (const file of [...sources('server'), ...sources('schema')]) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const pattern of THROWN) {
        for (const m of text.matchAll(pattern)) {
          const code = m[1] ?? '';
          if (/^E[A-Z]+$/.test(code)) continue; // errno codes of Node errors (ECONNRESET), not ours
          found++;
          if (!registry.has(code)) unregistered.push(`${code} in ${file}`);
        }
      }
    }
    assert.ok(found > 40, `found ${found} uses`);
    assert.deepEqual(unregistered, []);
  });

  it('a DomainError with an unregistered code fails at once once the platform is composed', () => {
    sealErrorCodes(registry);
    assert.throws(
      () => new DomainError('NOT_A_REGISTERED_CODE', 'x'),
      /Unregistered error code NOT_A_REGISTERED_CODE/,
    );
    assert.equal(new DomainError('UOR_CYCLE', 'x').extensions['code'], 'UOR_CYCLE');
  });

  it('every registered code has an HTTP status for the plain-HTTP routes and a description', () => {
    for (const d of registry.all()) {
      assert.ok(d.httpStatus >= 200 && d.httpStatus < 600, d.code);
      assert.ok(d.description.length > 10, d.code);
      assert.equal(registry.httpStatusOf(d.code), d.httpStatus);
    }
    const sdl = registry.graphqlEnum();
    assert.deepEqual(
      sdl
        .getValues()
        .map((v) => v.name)
        .sort(),
      registry
        .all()
        .map((d) => d.code)
        .sort(),
    );
  });
});
