import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DmsModule } from './module.js';
import { ModuleCompositionError } from './compose.js';

/** The compiled plugins of this checkout: dist/plugins/<name>/index.js. */
export const DEFAULT_PLUGINS_DIR = fileURLToPath(new URL('../../plugins/', import.meta.url));

/**
 * Loads the plugins named in DMS_PLUGINS from their folders (`<dir>/<name>/index.js`, default
 * export or `plugin`): a plugin is a module like the core ones, and its name must be its folder's.
 */
export async function loadPlugins(
  names: readonly string[],
  dir: string = DEFAULT_PLUGINS_DIR,
): Promise<DmsModule[]> {
  const plugins: DmsModule[] = [];
  for (const name of names) {
    const entry = path.join(dir, name, 'index.js');
    if (!existsSync(entry)) {
      throw new ModuleCompositionError(`Plugin ${name} (DMS_PLUGINS) not found: no ${entry}`);
    }
    const loaded = (await import(pathToFileURL(entry).href)) as { default?: unknown; plugin?: unknown };
    const plugin = (loaded.default ?? loaded.plugin) as DmsModule | undefined;
    if (typeof plugin !== 'object' || plugin === null || typeof plugin.name !== 'string') {
      throw new ModuleCompositionError(
        `Plugin ${name}: ${entry} exports no module (default export or \`plugin\`)`,
      );
    }
    if (plugin.name !== name) {
      throw new ModuleCompositionError(
        `Plugin in folder ${name} calls itself ${plugin.name}: the names must match`,
      );
    }
    plugins.push(plugin);
  }
  return plugins;
}
