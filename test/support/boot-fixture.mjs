// Boots one fixture with the real fastify and prints its route table as JSON (one line).
// Run as: node --import tsx test/support/boot-fixture.mjs <fixtureDir>
// Every instance is seen from its creation on: fastify publishes each new instance on the
// 'fastify.initialization' diagnostics channel, where an onRoute hook is added at once.
import { subscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const dir = resolve(process.argv[2] ?? '');
const manifest = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8'));
if (!Array.isArray(manifest.boot)) {
  console.error(`fixture ${dir} is not bootable: ${manifest.why ?? 'no boot entries'}`);
  process.exit(2);
}

const instances = [];
let currentEntry = null;

function creationSite() {
  for (const line of new Error().stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(line.trim());
    if (!m) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (file.startsWith(dir + '/') && !file.includes('/node_modules/')) return { file: relative(dir, file), line: Number(m[2]) };
  }
  return null;
}

subscribe('fastify.initialization', ({ fastify }) => {
  const record = { createdAt: creationSite(), entry: currentEntry, routes: [], app: fastify };
  instances.push(record);
  fastify.addHook('onRoute', (route) => {
    for (const method of [].concat(route.method)) record.routes.push({ method, url: route.url });
  });
});

const unwrap = (m) => {
  let v = m.default ?? m;
  // tsx's CommonJS interop: import() of a compiled TS module gives { default: exports }.
  if (v && typeof v === 'object' && 'default' in v && typeof v.ready !== 'function') v = v.default;
  return v;
};

const require = createRequire(join(dir, 'package.json'));
for (const entry of manifest.boot) {
  currentEntry = entry.entry;
  const mod = await import(pathToFileURL(join(dir, entry.entry)).href);
  if (entry.kind === 'plugin') {
    const Fastify = require('fastify');
    const app = Fastify();
    instances[instances.length - 1].entry = entry.entry;
    app.register(unwrap(mod));
    await app.ready();
  } else if (entry.kind === 'factory') {
    const factory = entry.export ? mod[entry.export] ?? unwrap(mod)[entry.export] : unwrap(mod);
    const app = await factory(...(entry.args ?? []));
    await app.ready();
  } else {
    for (const r of instances) if (r.entry === entry.entry) await r.app.ready();
  }
}

const out = instances.map(({ createdAt, entry, routes }) => ({
  createdAt,
  entry,
  // The order onRoute saw them in, which is the order Fastify registered them.
  order: routes.map((r) => `${r.method} ${r.url}`),
  routes: [...routes].sort((a, b) => (a.url === b.url ? a.method.localeCompare(b.method) : a.url < b.url ? -1 : 1)),
}));
for (const r of instances) await r.app.close();
process.stdout.write(JSON.stringify({ instances: out }) + '\n');
