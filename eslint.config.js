// @ts-check
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;

/**
 * Where a file or an import target lies in the layout: `area` is the top folder (server, schema,
 * plugins, test, …), `unit` the module or plugin folder under schema/ or plugins/ (undefined for
 * a file directly in them, e.g. schema/modules.ts), `rest` the path inside that unit.
 * @param {string} file absolute path
 */
function locate(file) {
  const parts = path.relative(ROOT, file).split(path.sep);
  const [area = '', unit, ...rest] = parts;
  if ((area === 'schema' || area === 'plugins') && rest.length > 0) {
    return { area, unit, rest: rest.join('/') };
  }
  return { area, unit: undefined, rest: parts.slice(1).join('/') };
}

/**
 * Module boundaries (see server/modules/module.ts): a core module (schema/<m>/) reaches another
 * one only through its index.js; a plugin (plugins/<p>/) imports only server/**, the index.js of
 * core modules and its own files (its *.test.ts files also test/**), never another plugin.
 * Relative imports are resolved against the importing file, so the depth of either side does not
 * matter. Package imports are not this rule's business.
 * @type {import('eslint').Rule.RuleModule}
 */
const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports between core modules and plugins go through index.js only' },
    schema: [],
    messages: {
      moduleInternals:
        "'{{source}}' reaches inside module {{target}}: import '{{index}}' instead, and if what you need is not exported there, export it from schema/{{target}}/index.ts.",
      compositionRoot:
        "'{{source}}' is the composition root (it imports every module): import the module you need through its index.js instead.",
      pluginFromModule:
        "'{{source}}' is a plugin: a core module must not depend on an optional plugin. Publish an event or define an extension point in the module (or in server/) that the plugin fills.",
      otherPlugin:
        "'{{source}}' belongs to plugin {{target}}: a plugin never imports another plugin. Move what both need into server/ or a core module (imported through its index.js), or talk through events.",
      outsidePlugin:
        "'{{source}}' is outside what a plugin may import: use server/**, a core module's index.js ('{{indexExample}}') or the plugin's own files.",
    },
  },
  create(context) {
    const here = locate(context.filename);
    if ((here.area !== 'schema' && here.area !== 'plugins') || here.unit === undefined) return {};
    const dir = path.dirname(context.filename);
    const isTest = context.filename.endsWith('.test.ts');
    /** @param {string} target absolute path */
    const relativeTo = (target) => {
      const rel = path.relative(dir, target).split(path.sep).join('/');
      return rel.startsWith('.') ? rel : `./${rel}`;
    };

    /** @param {import('estree').Node | null | undefined} node */
    function check(node) {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const source = node.value;
      if (!source.startsWith('.') && !source.startsWith('/')) return; // a package
      const to = locate(path.resolve(dir, source));
      /** @param {string} messageId @param {Record<string, string>} [data] */
      const report = (messageId, data = {}) => context.report({ node, messageId, data: { source, ...data } });

      if (to.area === 'schema') {
        if (to.unit === undefined) return report('compositionRoot');
        if (here.area === 'schema' && to.unit === here.unit) return;
        if (to.rest !== 'index.js') {
          return report('moduleInternals', {
            target: to.unit,
            index: relativeTo(path.join(ROOT, 'schema', to.unit, 'index.js')),
          });
        }
        return;
      }
      if (to.area === 'plugins') {
        if (here.area === 'schema') return report('pluginFromModule');
        if (to.unit !== here.unit) return report('otherPlugin', { target: to.unit ?? to.rest });
        return;
      }
      if (here.area === 'plugins' && to.area !== 'server' && !(isTest && to.area === 'test')) {
        report('outsidePlugin', {
          indexExample: relativeTo(path.join(ROOT, 'schema', 'organisation', 'index.js')),
        });
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      // `typeof import('…')` in a type position (typescript-eslint's node, not in estree's types)
      /** @param {any} node */
      TSImportType: (node) => check(node.argument?.literal),
    };
  },
};

// Time in the domain comes from the request clock (ctx.clock; platform.clock, uow.clock or
// tx.clock outside a request), so that tests and replays control it. performance.now() is fine:
// it measures durations, it does not tell the time.
const WALL_CLOCK = [
  {
    selector: "NewExpression[callee.type='Identifier'][callee.name='Date'][arguments.length=0]",
    message:
      'new Date() reads the wall clock: use ctx.clock.now() (platform.clock, uow.clock or tx.clock outside a request). new Date(value) is fine.',
  },
  {
    selector: "CallExpression[callee.type='Identifier'][callee.name='Date']",
    message: 'Date() reads the wall clock: use ctx.clock.now() (and toISOString() if you need text).',
  },
  {
    selector: "MemberExpression[object.type='Identifier'][object.name='Date'][property.name='now']",
    message:
      'Date.now() reads the wall clock: use ctx.clock.now().getTime(). To measure a duration, use performance.now().',
  },
];
// The database clock too: SQL takes the request time as a parameter. Released migrations are exempt.
const SQL_CLOCK_MESSAGE =
  "SQL must not read the database clock (now(), clock_timestamp()): pass the request time as a parameter, e.g. 'where expires_at < ?' with ctx.clock.now().";
// now() is matched as a word not preceded by a dot (so a message about ctx.clock.now() is no SQL).
const SQL_CLOCK_REGEX = '/clock_timestamp\\s*\\(|(?<![\\w.])now\\s*\\(\\s*\\)|pg_catalog\\.now\\s*\\(/i';
const SQL_CLOCK = ['Literal[value', 'TemplateElement[value.raw'].map((node) => ({
  selector: `${node}=${SQL_CLOCK_REGEX}]`,
  message: SQL_CLOCK_MESSAGE,
}));

const SERVER_IMPORT =
  'server/ is the platform and must not import schema/ or plugins/: define the contract in server/ (see server/modules/module.ts) and let the module hand in its part; composition happens in schema/modules.ts and bin/dms.js.';
// The same pattern for esquery, whose regular expressions cannot contain a slash: \x2F is one.
const SERVER_IMPORT_REGEX = '/^(\\.\\.\\x2F)+(schema|plugins)(\\x2F|$)/';

export default tseslint.config(
  {
    ignores: [
      'clients/sdk/generated/**',
      'dist/**',
      'node_modules/**',
      '.data/**',
      'bin/**',
      'dist-*/**',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // type-graphql and MikroORM decorators take type thunks and class references
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  // The platform never depends on the domain: schema/modules.ts and bin/dms.js compose the two.
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+(schema|plugins)(/|$)', caseSensitive: true, message: SERVER_IMPORT },
          ],
        },
      ],
      // no-restricted-imports does not see import('…') nor typeof import('…')
      'no-restricted-syntax': [
        'error',
        { selector: `ImportExpression[source.value=${SERVER_IMPORT_REGEX}]`, message: SERVER_IMPORT },
        { selector: `TSImportType[argument.literal.value=${SERVER_IMPORT_REGEX}]`, message: SERVER_IMPORT },
      ],
    },
  },
  {
    files: ['schema/**/*.ts', 'plugins/**/*.ts'],
    plugins: { dms: { rules: { 'module-boundaries': moduleBoundaries } } },
    rules: { 'dms/module-boundaries': 'error' },
  },
  {
    files: ['schema/**/*.ts', 'plugins/**/*.ts'],
    ignores: ['**/*.test.ts', '**/migrations/**'],
    rules: { 'no-restricted-syntax': ['error', ...WALL_CLOCK, ...SQL_CLOCK] },
  },
  {
    files: ['schema/**/migrations/**/*.ts', 'plugins/**/migrations/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', ...WALL_CLOCK] },
  },
);
