#!/usr/bin/env node
// The CLI runs the compiled TypeScript (npm run build); see server/cli/dms.ts. This entry point
// is where the platform (server/) meets the domain (schema/): it hands over the core modules.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/server/cli/dms.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('dms: the server is not built yet; run `npm run build` first');
  process.exit(1);
}
const { main } = await import(entry.href);
const { coreModules } = await import(new URL('../dist/schema/modules.js', import.meta.url).href);
main(process.argv.slice(2), coreModules).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
