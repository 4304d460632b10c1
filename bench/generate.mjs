// Writes a deterministic Fastify app workspace shaped like a real one (same bytes for the same seed
// and size): fastify-cli's autoload layout (`plugins/`, `routes/` four folders deep), explicit
// nested `register()` trees with prefixes (`modules/`, JS ones mounted from app.js, TS ones from
// `routes/ts-modules.ts`), fastify-plugin decorators, hooks (instance and route level), shared
// schemas (`addSchema` + `$ref`), route tables in helpers (`lib/`), about 70% CommonJS and 30%
// TypeScript (a tsconfig that type-checks the .ts files). It boots with real fastify (the .ts
// files through tsx) and its route table is the analyser's.
// Besides the files it returns `edits`: what the incremental benchmark may change, by kind.
// Usage: node bench/generate.mjs <dir> [files]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';

export const GENERATOR_VERSION = 3;

/** Every source line the edit script may touch ends with this marker or is listed in `edits`. */
export const INSERT_MARKER = '  // bench:insert';

export function prng(seed) {
  // mulberry32: small, fast, deterministic
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['users', 'orders', 'items', 'carts', 'invoices', 'payments', 'reports', 'teams', 'projects', 'tasks', 'comments', 'tags', 'files', 'events', 'alerts', 'sessions', 'tokens', 'audits', 'plans', 'quotes'];
const SHARED_SCHEMAS = 6;
const LIBS = 4;

/**
 * The workspace as a Map of relative path → text, plus `edits`:
 * - `routeFiles`: JS route files with the insert marker inside their plugin body and the line
 *   declaring their unique URL base (`baseLine`);
 * - `prefixLines`: `register(…, { prefix })` lines (`file`, `line`), each unique in its file;
 * - `decoratorLines`: `fastify.decorate(…)` lines of fastify-plugin plugins (`file`, `line`);
 * - `routeFolders`: autoloaded folders a new route file can go to.
 */
export function buildWorkspace({ files = 2000, seed = 1 } = {}) {
  const rand = prng(seed);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const out = new Map();
  const edits = { routeFiles: [], prefixLines: [], decoratorLines: [], routeFolders: [] };
  const sources = () => [...out.keys()].filter((f) => /\.[jt]s$/.test(f)).length;

  out.set('package.json', JSON.stringify({
    name: 'bench-app', private: true, scripts: { start: 'fastify start -l info app.js' },
    dependencies: { fastify: '^5.0.0', 'fastify-plugin': '^5.0.0', '@fastify/autoload': '^6.0.0', 'fastify-cli': '^7.0.0' },
  }, null, 2));
  out.set('tsconfig.json', JSON.stringify({
    compilerOptions: { module: 'commonjs', target: 'es2022', strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ['node'] },
    include: ['**/*.ts'], exclude: ['node_modules'],
  }, null, 2));

  // Shared schemas and route-table helpers.
  out.set('plugins/shared-schemas.js', sharedSchemasFile());
  for (let k = 0; k < LIBS; k++) {
    out.set(`lib/crud-${k}.js`, jsLibFile(k));
    out.set(`lib/crud-ts-${k}.ts`, tsLibFile(k));
  }

  // fastify-plugin plugins, autoloaded: decorators and hooks on the app's context.
  const pluginCount = Math.max(2, Math.round(files * 0.04));
  for (let i = 0; i < pluginCount; i++) {
    const ts = i % 3 === 2;
    const file = `plugins/plugin-${i}.${ts ? 'ts' : 'js'}`;
    const p = ts ? tsPluginFile(i, rand) : jsPluginFile(i, rand);
    out.set(file, p.text);
    edits.decoratorLines.push({ file, line: p.decorateLine });
  }

  // Explicit register() trees, about a quarter of the files.
  const moduleBudget = Math.round(files * 0.25);
  const jsModules = [];
  const tsModules = [];
  let modFiles = 0;
  for (let m = 0; modFiles < moduleBudget; m++) {
    const ts = m % 3 === 2;
    const tree = moduleTree(m, ts, rand, edits);
    for (const [rel, text] of tree) out.set(`modules/mod-${m}/${rel}`, text);
    modFiles += tree.size;
    (ts ? tsModules : jsModules).push(m);
  }
  out.set('app.js', appFile(jsModules));
  if (tsModules.length) out.set('routes/ts-modules.ts', tsModulesFile(tsModules));
  for (const m of jsModules) edits.prefixLines.push({ file: 'app.js', line: appModuleLine(m) });
  for (const m of tsModules) edits.prefixLines.push({ file: 'routes/ts-modules.ts', line: tsModuleLine(m) });

  // The autoloaded route folders fill the rest.
  const folders = [''];
  const indexed = new Set();
  const filled = new Set();
  let n = sources();
  while (n < files) {
    const parent = pick(folders);
    const depth = parent ? parent.split('/').length : 0;
    let folder = parent;
    if (depth < 4 && rand() < 0.25) {
      folder = `${parent ? parent + '/' : ''}${pick(WORDS)}-${folders.length}`;
      folders.push(folder);
    }
    // autoload loads only the index file of a folder that has one: such a folder gets nothing else.
    if (indexed.has(folder)) continue;
    const base = `routes/${folder ? folder + '/' : ''}`;
    const ts = rand() < 0.3;
    const name = folder && !filled.has(folder) && rand() < 0.15 ? 'index' : `${pick(WORDS)}-${n}`;
    const file = `${base}${name}.${ts ? 'ts' : 'js'}`;
    if (out.has(file)) continue;
    (name === 'index' ? indexed : filled).add(folder);
    const lib = posix.relative(posix.dirname(file), `lib/crud-${ts ? 'ts-' : ''}${n % LIBS}`);
    out.set(file, ts ? tsRouteFile(n, rand, lib) : jsRouteFile(n, rand, lib));
    if (!ts) edits.routeFiles.push({ file, baseLine: `const BASE = '/r${n}'`, index: name === 'index' });
    n++;
  }
  // Folders autoload loads every file of (one with an index file loads only that one).
  edits.routeFolders = folders.map((f) => `routes/${f ? f + '/' : ''}`.replace(/\/$/, '')).filter((f) => !out.has(`${f}/index.js`) && !out.has(`${f}/index.ts`));
  return { out, edits };
}

export function generateWorkspace(dir, options = {}) {
  const { out, edits } = buildWorkspace(options);
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, text] of out) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  const sourceFiles = [...out.keys()].filter((f) => /\.[jt]s$/.test(f));
  return {
    files: sourceFiles.length,
    tsFiles: sourceFiles.filter((f) => f.endsWith('.ts')).length,
    bytes: [...out.values()].reduce((s, t) => s + Buffer.byteLength(t), 0),
    edits,
  };
}

const appModuleLine = (m) => `  fastify.register(require('./modules/mod-${m}'), { prefix: '/mod-${m}' })`;
const tsModuleLine = (m) => `  fastify.register(mod${m}, { prefix: '/tsmod-${m}' })`;

function appFile(jsModules) {
  return [
    "'use strict'", '', "const path = require('node:path')", "const AutoLoad = require('@fastify/autoload')", '',
    'module.exports = async function (fastify, opts) {',
    "  fastify.register(AutoLoad, { dir: path.join(__dirname, 'plugins'), options: Object.assign({}, opts) })",
    "  fastify.register(AutoLoad, { dir: path.join(__dirname, 'routes'), options: Object.assign({}, opts) })",
    ...jsModules.map(appModuleLine),
    '}', '',
  ].join('\n');
}

function tsModulesFile(tsModules) {
  return [
    "import type { FastifyPluginAsync } from 'fastify'",
    ...tsModules.map((m) => `import mod${m} from '../modules/mod-${m}'`), '',
    '// Feature modules written in TypeScript, mounted under their own prefixes.',
    'const modules: FastifyPluginAsync = async (fastify): Promise<void> => {',
    ...tsModules.map(tsModuleLine),
    '}', '', 'export default modules', '',
  ].join('\n');
}

function sharedSchemasFile() {
  const lines = ["'use strict'", '', "const fp = require('fastify-plugin')", '', 'async function sharedSchemas (fastify) {'];
  for (let k = 0; k < SHARED_SCHEMAS; k++) {
    lines.push(`  fastify.addSchema({ $id: 'shared-${k}', type: 'object', properties: { id: { type: 'string' }, kind: { type: 'string', default: 'k${k}' } } })`);
  }
  lines.push('}', '', "module.exports = fp(sharedSchemas, { name: 'shared-schemas' })", '');
  return lines.join('\n');
}

function jsLibFile(k) {
  return [
    "'use strict'", '', '// A route table in a helper: every caller gets the same CRUD routes under its base.',
    `function mountCrud (fastify, base, options = {}) {`,
    '  const routes = [',
    "    { method: 'GET', url: `${base}/crud`, handler: async () => ({ items: [], page: options.page || 1 }) },",
    "    { method: 'DELETE', url: `${base}/crud/:id`, handler: async (request) => ({ deleted: request.params.id }) },",
    `    { method: 'PUT', url: \`\${base}/crud/:id\`, schema: { body: { $ref: 'shared-${k}#' } }, handler: async (request) => request.body },`,
    '  ]',
    '  for (const route of routes) fastify.route(route)',
    '}', '', 'module.exports = { mountCrud }', '',
  ].join('\n');
}

function tsLibFile(k) {
  return [
    "import type { FastifyInstance, RouteOptions } from 'fastify'", '',
    '// A route table in a helper: every caller gets the same CRUD routes under its base.',
    'export function mountCrud (fastify: FastifyInstance, base: string): void {',
    '  const routes: RouteOptions[] = [',
    "    { method: 'GET', url: `${base}/crud`, handler: async () => ({ items: [] }) },",
    "    { method: 'DELETE', url: `${base}/crud/:id`, handler: async (request) => ({ deleted: (request.params as { id: string }).id }) },",
    `    { method: 'PUT', url: \`\${base}/crud/:id\`, schema: { body: { $ref: 'shared-${k}#' } }, handler: async (request) => request.body },`,
    '  ]',
    '  for (const route of routes) fastify.route(route)',
    '}', '',
  ].join('\n');
}

function jsPluginFile(i, rand) {
  const decorateLine = `  fastify.decorate('service${i}', { name: 'service-${i}', ready: ${rand() < 0.5} })`;
  const text = [
    "'use strict'", '', "const fp = require('fastify-plugin')", '',
    `async function plugin${i} (fastify, opts) {`,
    decorateLine,
    `  fastify.decorateRequest('ctx${i}', null)`,
    "  fastify.addHook('onRequest', async (request) => {",
    `    request.ctx${i} = { started: Date.now() }`,
    '  })',
    '}', '',
    `module.exports = fp(plugin${i}, { name: 'plugin-${i}' })`, '',
  ].join('\n');
  return { text, decorateLine };
}

function tsPluginFile(i, rand) {
  const decorateLine = `  fastify.decorate('service${i}', { name: 'service-${i}', ready: ${rand() < 0.5} })`;
  const text = [
    "import fp from 'fastify-plugin'", "import type { FastifyPluginAsync } from 'fastify'", '',
    `const plugin${i}: FastifyPluginAsync = async (fastify) => {`,
    decorateLine,
    "  fastify.addHook('onSend', async (request, reply, payload) => {",
    `    reply.header('x-plugin-${i}', '1')`,
    '    return payload',
    '  })',
    '}', '',
    `export default fp(plugin${i}, { name: 'plugin-${i}' })`, '',
  ].join('\n');
  return { text, decorateLine };
}

/** One feature module: index (registers a fastify-plugin repo, children with prefixes, grandchildren). */
function moduleTree(m, ts, rand, edits) {
  const tree = new Map();
  const ext = ts ? 'ts' : 'js';
  const dir = `modules/mod-${m}`;
  const children = 2 + Math.floor(rand() * 4);
  const repoDecorate = `  fastify.decorate('mod${m}Repo', { table: 'mod_${m}', size: ${Math.floor(rand() * 100)} })`;
  tree.set(`repo.${ext}`, ts
    ? ["import fp from 'fastify-plugin'", '', 'export default fp(async (fastify) => {', repoDecorate, `}, { name: 'mod-${m}-repo' })`, ''].join('\n')
    : ["'use strict'", '', "const fp = require('fastify-plugin')", '', 'module.exports = fp(async function repo (fastify) {', repoDecorate, `}, { name: 'mod-${m}-repo' })`, ''].join('\n'));
  edits.decoratorLines.push({ file: `${dir}/repo.${ext}`, line: repoDecorate });

  const registerLine = (name, prefix) => (ts ? `  fastify.register(${name.replace(/-/g, '_')}, { prefix: '${prefix}' })` : `  fastify.register(require('./${name}'), { prefix: '${prefix}' })`);
  const childNames = [];
  for (let c = 0; c < children; c++) {
    const name = `child-${c}`;
    const grand = rand() < 0.5 ? 1 + Math.floor(rand() * 2) : 0;
    const grandNames = [];
    for (let g = 0; g < grand; g++) {
      const gname = `child-${c}-${g}`;
      grandNames.push(gname);
      tree.set(`${gname}.${ext}`, moduleLeaf(m, gname, ts, [], rand, registerLine));
    }
    tree.set(`${name}.${ext}`, moduleLeaf(m, name, ts, grandNames, rand, registerLine));
    for (const g of grandNames) edits.prefixLines.push({ file: `${dir}/${name}.${ext}`, line: registerLine(g, `/${g}`) });
    childNames.push(name);
    if (!ts) for (const f of [name, ...grandNames]) edits.routeFiles.push({ file: `${dir}/${f}.js`, baseLine: null });
  }
  const body = [
    "  fastify.register(repo)",
    `  fastify.addHook('preHandler', async (request) => {`, `    request.log.trace('module ${m}')`, '  })',
    ...childNames.map((c) => registerLine(c, `/${c}`)),
    `  fastify.get('/', async () => ({ module: ${m} }))`,
  ];
  for (const c of childNames) edits.prefixLines.push({ file: `${dir}/index.${ext}`, line: registerLine(c, `/${c}`) });
  tree.set(`index.${ext}`, ts
    ? ["import type { FastifyPluginAsync } from 'fastify'", "import repo from './repo'", ...childNames.map((c) => `import ${c.replace(/-/g, '_')} from './${c}'`), '',
      `const mod${m}: FastifyPluginAsync = async (fastify): Promise<void> => {`, ...body, '}', '', `export default mod${m}`, ''].join('\n')
    : ["'use strict'", '', "const repo = require('./repo')", '', `module.exports = async function mod${m} (fastify, opts) {`, ...body, '}', ''].join('\n'));
  return tree;
}

function moduleLeaf(m, name, ts, grandNames, rand, registerLine) {
  const k = Math.floor(rand() * SHARED_SCHEMAS);
  const hook = rand() < 0.4;
  const body = [
    ...grandNames.map((g) => registerLine(g, `/${g}`)),
    ...(hook ? [`  fastify.addHook('onRequest', async (request) => {`, `    request.log.trace('${name}')`, '  })'] : []),
    `  fastify.get('/', { schema: { response: { 200: { $ref: 'shared-${k}#' } } } }, async () => ({ id: '${m}-${name}', kind: 'k${k}' }))`,
    `  fastify.post('/', { schema: { body: { $ref: 'shared-${k}#' } } }, async (request) => request.body)`,
    `  fastify.get('/:id', { onRequest: async (request) => { request.log.trace('by id') } }, async (request) => ({ id: (request.params as { id: string }).id }))`,
    INSERT_MARKER,
  ];
  if (!ts) body[body.length - 2] = body[body.length - 2].replace(' as { id: string }', '').replace('(request.params)', 'request.params');
  return ts
    ? ["import type { FastifyPluginAsync } from 'fastify'", ...grandNames.map((g) => `import ${g.replace(/-/g, '_')} from './${g}'`), '',
      'const plugin: FastifyPluginAsync = async (fastify): Promise<void> => {', ...body, '}', '', 'export default plugin', ''].join('\n')
    : ["'use strict'", '', 'module.exports = async function (fastify, opts) {', ...body, '}', ''].join('\n');
}

function schemaBlock(rand, indent) {
  const pad = ' '.repeat(indent);
  const props = ['id', 'name', 'email', 'total', 'status', 'createdAt'].filter(() => rand() < 0.6);
  return [
    `${pad}schema: {`,
    `${pad}  params: { type: 'object', properties: { id: { type: 'string' } } },`,
    `${pad}  querystring: { type: 'object', properties: { limit: { type: 'integer', default: 20 }, offset: { type: 'integer' } } },`,
    `${pad}  response: {`,
    `${pad}    200: { type: 'object', properties: { ${props.map((p) => `${p}: { type: 'string' }`).join(', ')} } },`,
    `${pad}    '4xx': { type: 'object', properties: { message: { type: 'string' } } }`,
    `${pad}  }`,
    `${pad}},`,
  ];
}

function handlerBody(rand, indent) {
  const pad = ' '.repeat(indent);
  const lines = [];
  const steps = 2 + Math.floor(rand() * 8);
  for (let i = 0; i < steps; i++) {
    lines.push(`${pad}const step${i} = await Promise.resolve({ value: ${Math.floor(rand() * 1000)}, ok: ${rand() < 0.5} })`);
    if (rand() < 0.3) lines.push(`${pad}if (!step${i}.ok) request.log.debug({ step: ${i} }, 'step skipped')`);
  }
  lines.push(`${pad}return { ok: true, total: ${Array.from({ length: steps }, (_, i) => `step${i}.value`).join(' + ')} }`);
  return lines;
}

function jsRouteFile(n, rand, lib) {
  const crud = rand() < 0.3;
  const hook = rand() < 0.3;
  const lines = ["'use strict'", '', `// Routes for resource ${n}: business-ish handlers, schemas, a route table and a helper.`];
  if (crud) lines.push(`const { mountCrud } = require('${lib.startsWith('.') ? lib : './' + lib}')`);
  lines.push(`const BASE = '/r${n}'`, '');
  lines.push('function mountExtras (fastify, base) {', '  fastify.get(`${base}/extra`, async () => ({ extra: true }))', '}', '');
  const table = 1 + Math.floor(rand() * 3);
  lines.push('const table = [');
  for (let i = 0; i < table; i++) lines.push(`  { method: '${rand() < 0.5 ? 'PUT' : 'PATCH'}', url: \`\${BASE}/t${i}/:id\`, handler: async (request) => ({ id: request.params.id }) },`);
  lines.push(']', '');
  lines.push('module.exports = async function (fastify, opts) {');
  if (hook) lines.push("  fastify.addHook('preHandler', async (request) => {", `    request.log.trace('resource ${n}')`, '  })', '');
  lines.push('  fastify.get(`${BASE}/list`, {', ...schemaBlock(rand, 4), '  }, async function (request, reply) {', ...handlerBody(rand, 4), '  })', '');
  lines.push('  fastify.get(`${BASE}/:id`, async (request, reply) => {', ...handlerBody(rand, 4), '  })', '');
  lines.push("  fastify.route({ method: 'POST', url: BASE, schema: { body: { type: 'object', properties: { name: { type: 'string' } } } }, handler: async (request, reply) => {", ...handlerBody(rand, 4), '  } })', '');
  lines.push('  table.forEach((r) => fastify.route(r))', '  mountExtras(fastify, BASE)');
  if (crud) lines.push('  mountCrud(fastify, BASE)');
  lines.push(INSERT_MARKER, '}', '');
  return lines.join('\n');
}

function tsRouteFile(n, rand, lib) {
  const crud = rand() < 0.3;
  const lines = ["import type { FastifyPluginAsync, FastifyInstance } from 'fastify'"];
  if (crud) lines.push(`import { mountCrud } from '${lib.startsWith('.') ? lib : './' + lib}'`);
  lines.push('', `interface Params${n} { id: string }`, `interface Body${n} { name: string; tags?: string[] }`, `type Reply${n} = { ok: boolean; total: number }`, '');
  lines.push(`const PREFIX: string = '/t${n}'`, '');
  lines.push(`function helper${n} (app: FastifyInstance): void {`, `  app.delete<{ Params: Params${n} }>(\`\${PREFIX}/:id\`, async (request) => ({ deleted: request.params.id }))`, '}', '');
  lines.push(`const routes: FastifyPluginAsync = async (fastify, opts): Promise<void> => {`);
  lines.push(`  fastify.get<{ Params: Params${n}; Reply: Reply${n} }>(\`\${PREFIX}/:id\`, {`, ...schemaBlock(rand, 4), '  }, async (request, reply) => {', ...handlerBody(rand, 4), '  })', '');
  lines.push(`  fastify.post<{ Body: Body${n} }>(PREFIX, { onRequest: async (request) => { request.log.trace('post ${n}') } }, async (request) => {`, ...handlerBody(rand, 4), '  })', '');
  lines.push(`  helper${n}(fastify)`);
  if (crud) lines.push('  mountCrud(fastify, PREFIX)');
  lines.push('}', '', 'export default routes', '');
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, files] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node bench/generate.mjs <dir> [files]');
    process.exit(2);
  }
  const { edits, ...summary } = generateWorkspace(dir, { files: files ? Number(files) : undefined });
  console.log(summary);
}
