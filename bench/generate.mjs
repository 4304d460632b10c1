// Writes a deterministic fastify-cli style workspace (same bytes for the same seed and size).
// Usage: node bench/generate.mjs <dir> [files]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const GENERATOR_VERSION = 2;

function prng(seed) {
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

export function generateWorkspace(dir, { files = 2000, seed = 1 } = {}) {
  const rand = prng(seed);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const out = new Map();
  out.set('package.json', JSON.stringify({
    name: 'bench-app', private: true, scripts: { start: 'fastify start -l info app.js' },
    dependencies: { fastify: '^5.0.0', 'fastify-plugin': '^5.0.0', '@fastify/autoload': '^6.0.0', 'fastify-cli': '^7.0.0' },
  }, null, 2));
  out.set('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'commonjs', target: 'es2022', strict: true } }, null, 2));
  out.set('app.js', [
    "'use strict'", '', "const path = require('node:path')", "const AutoLoad = require('@fastify/autoload')", '',
    'module.exports = async function (fastify, opts) {',
    "  fastify.register(AutoLoad, { dir: path.join(__dirname, 'plugins'), options: Object.assign({}, opts) })",
    "  fastify.register(AutoLoad, { dir: path.join(__dirname, 'routes'), options: Object.assign({}, opts) })",
    '}', '',
  ].join('\n'));

  const pluginCount = Math.max(1, Math.round(files * 0.05));
  for (let i = 0; i < pluginCount; i++) out.set(`plugins/plugin-${i}.js`, pluginFile(i, rand));

  const folders = [''];
  let n = out.size;
  while (n < files) {
    const parent = pick(folders);
    const depth = parent ? parent.split('/').length : 0;
    let folder = parent;
    if (depth < 4 && rand() < 0.25) {
      folder = `${parent ? parent + '/' : ''}${pick(WORDS)}-${folders.length}`;
      folders.push(folder);
    }
    const base = `routes/${folder ? folder + '/' : ''}`;
    const ts = rand() < 0.3;
    const name = !out.has(`${base}index.js`) && !out.has(`${base}index.ts`) && rand() < 0.15 ? 'index' : `${pick(WORDS)}-${n}`;
    const file = `${base}${name}.${ts ? 'ts' : 'js'}`;
    if (out.has(file)) continue;
    out.set(file, ts ? tsRouteFile(n, rand) : jsRouteFile(n, rand));
    n++;
  }

  rmSync(dir, { recursive: true, force: true });
  for (const [rel, text] of out) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return { files: out.size, bytes: [...out.values()].reduce((s, t) => s + Buffer.byteLength(t), 0) };
}

function pluginFile(i, rand) {
  return [
    "'use strict'", '', "const fp = require('fastify-plugin')", '',
    `async function plugin${i} (fastify, opts) {`,
    `  fastify.decorate('service${i}', { name: 'service-${i}', ready: ${rand() < 0.5} })`,
    `  fastify.decorateRequest('ctx${i}', null)`,
    "  fastify.addHook('onRequest', async (request) => {",
    `    request.ctx${i} = { started: Date.now() }`,
    '  })',
    '}', '',
    `module.exports = fp(plugin${i}, { name: 'plugin-${i}' })`, '',
  ].join('\n');
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

function jsRouteFile(n, rand) {
  const lines = ["'use strict'", '', `// Routes for resource ${n}: business-ish handlers, schemas, a route table and a helper.`, `const BASE = '/r${n}'`, ''];
  lines.push('function mountExtras (fastify, base) {', '  fastify.get(`${base}/extra`, async () => ({ extra: true }))', '}', '');
  const table = 1 + Math.floor(rand() * 3);
  lines.push('const table = [');
  for (let i = 0; i < table; i++) lines.push(`  { method: '${rand() < 0.5 ? 'PUT' : 'PATCH'}', url: \`\${BASE}/t${i}/:id\`, handler: async (request) => ({ id: request.params.id }) },`);
  lines.push(']', '');
  lines.push('module.exports = async function (fastify, opts) {');
  lines.push('  fastify.get(`${BASE}/list`, {', ...schemaBlock(rand, 4), '  }, async function (request, reply) {', ...handlerBody(rand, 4), '  })', '');
  lines.push('  fastify.get(`${BASE}/:id`, async (request, reply) => {', ...handlerBody(rand, 4), '  })', '');
  lines.push("  fastify.route({ method: 'POST', url: BASE, schema: { body: { type: 'object', properties: { name: { type: 'string' } } } }, handler: async (request, reply) => {", ...handlerBody(rand, 4), '  } })', '');
  lines.push('  table.forEach((r) => fastify.route(r))', '  mountExtras(fastify, BASE)', '}', '');
  return lines.join('\n');
}

function tsRouteFile(n, rand) {
  const lines = ["import type { FastifyPluginAsync, FastifyInstance } from 'fastify'", '', `interface Params${n} { id: string }`, `interface Body${n} { name: string; tags?: string[] }`, `type Reply${n} = { ok: boolean; total: number }`, ''];
  lines.push(`const PREFIX: string = '/t${n}'`, '');
  lines.push(`function helper${n} (app: FastifyInstance): void {`, `  app.delete<{ Params: Params${n} }>(\`\${PREFIX}/:id\`, async (request) => ({ deleted: request.params.id }))`, '}', '');
  lines.push(`const routes: FastifyPluginAsync = async (fastify, opts): Promise<void> => {`);
  lines.push(`  fastify.get<{ Params: Params${n}; Reply: Reply${n} }>(\`\${PREFIX}/:id\`, {`, ...schemaBlock(rand, 4), '  }, async (request, reply) => {', ...handlerBody(rand, 4), '  })', '');
  lines.push(`  fastify.post<{ Body: Body${n} }>(PREFIX, async (request) => {`, ...handlerBody(rand, 4), '  })', '');
  lines.push(`  helper${n}(fastify)`, '}', '', 'export default routes', '');
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, files] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node bench/generate.mjs <dir> [files]');
    process.exit(2);
  }
  console.log(generateWorkspace(dir, { files: files ? Number(files) : undefined }));
}
