// Boots the probe apps of one temp workspace with the fastify (and fastify-plugin,
// @fastify/autoload) its node_modules links to, and prints one JSON line:
// { versions: { fastify, 'fastify-plugin'?, '@fastify/autoload'? }, apps: { <entry>: { order, served, readyError? } } }
// `order`: `METHOD url` in the order onRoute saw them; `served`: `METHOD path` of every route the
// instance's find-my-way router holds after ready() (trailing-slash twins included). Never listens.
// Each entry is a CommonJS module that creates one fastify instance at load; the instance is
// caught on the 'fastify.initialization' channel (Fastify 3.2x, 4 and 5 publish it at the end of
// fastify(), before user code), so onRoute sees routes added at the call.
// Run as: node test/support/boot-version-probes.mjs <dir> <entry> [<entry> …]
import { subscribe } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { routerCatcher } from './router-of.mjs';

const dir = resolve(process.argv[2] ?? '');
const entries = process.argv.slice(3);
const require = createRequire(join(dir, 'package.json'));

const routerOf = routerCatcher(require);

const apps = new Map();
let current = null;
subscribe('fastify.initialization', ({ fastify }) => {
  if (!current || apps.has(current)) return;
  const record = { app: fastify, order: [] };
  apps.set(current, record);
  fastify.addHook('onRoute', (route) => {
    for (const method of [].concat(route.method)) record.order.push(`${method} ${route.url}`);
  });
});

const versionOf = (pkg) => {
  try {
    return require(`${pkg}/package.json`).version;
  } catch {
    return undefined;
  }
};

const out = { versions: {}, apps: {} };
for (const pkg of ['fastify', 'fastify-plugin', '@fastify/autoload']) {
  const v = versionOf(pkg);
  if (v) out.versions[pkg] = v;
}
for (const entry of entries) {
  current = entry;
  require(join(dir, entry));
  const record = apps.get(entry);
  if (!record) throw new Error(`${entry} created no fastify instance`);
  try {
    await record.app.ready();
  } catch (e) {
    // A boot error is an observation too (a schema Ajv rejects, say): its code, routes as seen.
    out.apps[entry] = { order: record.order, served: [], readyError: e.code ?? e.message };
    continue;
  }
  const served = routerOf(record.app).routes.map((r) => `${r.method} ${r.path}`);
  out.apps[entry] = { order: record.order, served: [...new Set(served)].sort() };
  await record.app.close();
}
process.stdout.write(JSON.stringify(out) + '\n');
