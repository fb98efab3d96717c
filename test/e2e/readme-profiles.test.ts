import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { GrantScope, PROFILE_TEMPLATES, Profile } from '../../schema/organisation/profile.js';

const SCOPE_WORDS: Record<GrantScope, string> = {
  [GrantScope.AOO]: 'AOO',
  [GrantScope.UOR_SUBTREE]: 'UOR subtree',
  [GrantScope.UOR]: 'own UOR',
};

/** The README's permission table is documentation users rely on: it must say what the code does. */
describe('README permission table', () => {
  it('matches PROFILE_TEMPLATES row by row', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const profile of Object.values(Profile)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${profile}\``));
      assert.ok(row, `README has a row for ${profile}`);
      const [, , scope = '', perms = ''] = row.split('|').map((c) => c.trim());
      const template = PROFILE_TEMPLATES[profile];
      assert.equal(scope, SCOPE_WORDS[template.scope], `${profile} scope`);
      assert.deepEqual(
        perms
          .split(',')
          .map((p) => p.trim())
          .sort(),
        [...template.permissions].sort(),
        `${profile} permissions`,
      );
    }
  });
});
