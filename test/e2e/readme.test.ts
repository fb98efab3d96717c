import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { coreModules } from '../../schema/modules.js';
import { GrantScope, Profile, PROFILE_SCOPES } from '../../schema/organisation/index.js';
import { composeModules } from '../../server/modules/compose.js';
import { CONFIG_VARIABLES } from '../../server/config.js';

const ROOT = new URL('../../../', import.meta.url);
const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
const rows = readme.split('\n').filter((l) => l.startsWith('| '));
const cells = (row: string) =>
  row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));

const composed = composeModules(coreModules);

const SCOPE_WORDS: Record<GrantScope, string> = {
  [GrantScope.AOO]: 'AOO',
  [GrantScope.UOR_SUBTREE]: 'UOR subtree',
  [GrantScope.UOR]: 'own UOR',
};

/** The README is documentation client teams and operators rely on: it must say what the code does. */
describe('README', () => {
  it('has the permission table of the profiles, row by row, as the modules register them', () => {
    // One table: stale copies left by merges would contradict it unchecked.
    assert.equal(rows.filter((l) => l.startsWith('| profile ')).length, 1, 'one profile table');
    for (const profile of Object.values(Profile)) {
      const row = rows.find((l) => l.startsWith(`| \`${profile}\``));
      assert.ok(row, `README has a row for ${profile}`);
      const [, scope = '', perms = ''] = cells(row);
      assert.equal(scope, SCOPE_WORDS[PROFILE_SCOPES[profile]], `${profile} scope`);
      assert.deepEqual(
        perms
          .split(',')
          .map((p) => p.trim())
          .sort(),
        composed.permissions
          .all()
          .filter((p) => p.profiles.includes(profile))
          .map((p) => p.name)
          .sort(),
        `${profile} permissions`,
      );
    }
  });

  it('lists every error code with its HTTP status and meaning, as registered', () => {
    // The error table: a code, then a three-digit status.
    const documented = rows
      .map(cells)
      .filter(([code, status]) => /^`[A-Z_]+`$/.test(code ?? '') && /^\d{3}$/.test(status ?? ''))
      .map(([code, status, meaning]) => ({ code: code?.slice(1, -1), status: Number(status), meaning }));
    const wanted = composed.errorCodes.all().map((d) => ({
      code: d.code,
      status: d.httpStatus,
      meaning: d.description,
    }));
    assert.deepEqual(documented, wanted);
  });

  it('documents every configuration variable', () => {
    const table = rows.filter(
      (r) => r.startsWith('| `') && /^[A-Z0-9_]+$/.test(cells(r)[0]?.split('`')[1] ?? ''),
    );
    const named = new Set(
      table.flatMap((r) => [...(cells(r)[0] ?? '').matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1])),
    );
    assert.deepEqual(
      CONFIG_VARIABLES.filter((v) => !named.has(v)),
      [],
    );
  });

  it('links nothing outside the repository, and the files it names exist', () => {
    assert.deepEqual(
      readme.match(/\]\((?!#)[^)]*\)/g) ?? [],
      [],
      'no markdown links (they would lead outside)',
    );
    assert.doesNotMatch(readme, /\.\.\//, 'no paths outside the checkout');
    const hosts = [...readme.matchAll(/\b(?:https?|wss?):\/\/([^/\s:,`'"]+)/g)].map((m) => m[1] ?? '');
    const placeholder =
      /^(127\.0\.0\.1|localhost|minio|postgres|redis|protocollo\.example\.it|app\.comune\.it|host)$/;
    assert.deepEqual(
      hosts.filter((h) => !placeholder.test(h)),
      [],
      'only placeholders and local addresses',
    );
    for (const file of [
      'LICENSE',
      'clients/README.md',
      'schema/schema.graphql',
      'docker-compose.yml',
      '.ci/run',
    ]) {
      assert.ok(readme.includes(file), `README names ${file}`);
      assert.ok(existsSync(new URL(file, ROOT)), `${file} exists`);
    }
  });

  it('has a LICENSE that matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { license: string };
    assert.equal(pkg.license, 'EUPL-1.2');
    const license = readFileSync(new URL('LICENSE', ROOT), 'utf8');
    assert.match(license.split('\n')[0] ?? '', /^EUROPEAN UNION PUBLIC LICENCE v\. 1\.2$/);
    assert.match(license, /Appendix/);
  });
});
