// Boots one fixture with the real fastify and prints its route table as JSON (one line).
// Run as: node --import tsx test/support/boot-fixture.mjs <fixtureDir> [queries.json]
// Every instance is seen from its creation on: fastify publishes each new root instance on the
// 'fastify.initialization' diagnostics channel (at the end of fastify(), before any user code
// touches it), where an onRoute and an onRegister hook are added at once and decorate,
// decorateRequest, decorateReply and addHook are wrapped. Encapsulated children are made by
// avvio's override as Object.create(parent), so they inherit the wrappers and the hooks (hooks are
// copied to each child); onRegister reports every new child with its parent, in creation order.
// fastify-plugin bodies run on the registering instance, so their calls land on that context, as
// the static graph has them.
// queries.json (optional): [{ app, method, url }]; each is answered after ready() with
// app.hasRoute({ method, url }) and, for a URL without parameters, app.findRoute({ method, url }).
// Fastify 3 has neither: there its find-my-way router answers (hasRoute as in Fastify 5: a route
// registered with that path; findRoute: find()).
import { subscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { routerCatcher } from './router-of.mjs';

const dir = resolve(process.argv[2] ?? '');
const manifest = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8'));
if (!Array.isArray(manifest.boot)) {
  console.error(`fixture ${dir} is not bootable: ${manifest.why ?? 'no boot entries'}`);
  process.exit(2);
}

const queries = process.argv[3] ? JSON.parse(readFileSync(process.argv[3], 'utf8')) : [];
Error.stackTraceLimit = 100;

const instances = [];
let currentEntry = null;
/** Every encapsulation context seen: { id, parent, prefix, pluginName }; ids in creation order. */
const contexts = [];
const contextOf = new WeakMap();
/** decorate/decorateRequest/decorateReply/addHook calls: { kind, name, target?, context, site }. */
const calls = [];

function newContext(instance, parent) {
  const ctx = { id: contexts.length, parent: parent ?? null, prefix: instance.prefix, pluginName: String(instance.pluginName ?? '') };
  contexts.push(ctx);
  contextOf.set(instance, ctx.id);
  return ctx.id;
}

/** First stack frame inside the fixture folder (not its node_modules): { file, line } relative to the fixture. */
function creationSite() {
  for (const line of new Error().stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(line.trim());
    if (!m) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (file.startsWith(dir + '/') && !file.includes('/node_modules/')) return { file: relative(dir, file), line: Number(m[2]) };
  }
  return null;
}

const require = createRequire(join(dir, 'package.json'));

/**
 * Fastify 3 (no hasRoute/findRoute): the instance's find-my-way router, caught through
 * printRoutes, which Fastify 3 binds to router.prettyPrint when the instance is built, so the
 * prototype is wrapped before any instance exists. Null on Fastify 4 and 5.
 */
let routerOf = null;
if (require('fastify/package.json').version.startsWith('3.')) routerOf = routerCatcher(require);

const TARGETS = { decorate: 'instance', decorateRequest: 'request', decorateReply: 'reply' };

subscribe('fastify.initialization', ({ fastify }) => {
  const record = { createdAt: creationSite(), entry: currentEntry, routes: [], app: fastify, context: newContext(fastify, null) };
  instances.push(record);
  fastify.addHook('onRoute', (route) => {
    for (const method of [].concat(route.method)) record.routes.push({ method, url: route.url });
  });
  fastify.addHook('onRegister', function (child) {
    const parent = contextOf.get(Object.getPrototypeOf(child)) ?? contextOf.get(this) ?? null;
    newContext(child, parent);
  });
  // Wrapped after the harness's own hooks, so those are not recorded.
  for (const method of ['decorate', 'decorateRequest', 'decorateReply', 'addHook']) {
    const original = fastify[method];
    fastify[method] = function (name, ...rest) {
      // A symbol-named decorator (Symbol.for('x')) is named as the graph names it: 'symbol:x'.
      const shown = typeof name === 'symbol' ? `symbol:${name.description}` : name;
      const call = { kind: method === 'addHook' ? 'hook' : 'decorator', name: shown, context: contextOf.get(this) ?? null, site: creationSite() };
      if (method !== 'addHook') call.target = TARGETS[method];
      calls.push(call);
      return original.call(this, name, ...rest);
    };
  }
});

const unwrap = (m) => {
  let v = m.default ?? m;
  // tsx's CommonJS interop: import() of a compiled TS module gives { default: exports }.
  if (v && typeof v === 'object' && 'default' in v && typeof v.ready !== 'function') v = v.default;
  return v;
};

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

const appKey = (r) => (r.createdAt ? `${r.createdAt.file}:${r.createdAt.line}` : `plugin ${r.entry}`);
const served = instances.map((r) => {
  const answers = [];
  const router = routerOf?.(r.app);
  // hasRoute as Fastify 5 has it: a route registered with that exact path (find-my-way keeps '*' as is).
  const hasRoute = router
    ? ({ method, url }) => router.routes.some((route) => route.method === method && (route.path[0] === '*' ? `/${route.path}` : route.path) === url)
    : (q) => r.app.hasRoute(q);
  const findRoute = router ? ({ method, url }) => router.find(method, url) : (q) => r.app.findRoute(q);
  for (const q of queries) {
    if (q.app !== appKey(r)) continue;
    // find-my-way stores a path that starts with '*' (onRoute's `*` of OPTIONS *) as '/*'.
    const has = hasRoute({ method: q.method, url: q.url.startsWith('*') ? `/${q.url}` : q.url });
    const literal = !/[:*]/.test(q.url);
    answers.push({ ...q, has, found: literal ? findRoute({ method: q.method, url: q.url }) !== null : null });
  }
  return answers;
});

/** The contexts under a root context (itself included), in creation order. */
const under = (rootId) => {
  const ids = new Set([rootId]);
  for (const c of contexts) if (c.parent !== null && ids.has(c.parent)) ids.add(c.id);
  return ids;
};

const out = instances.map(({ createdAt, entry, routes, context }, i) => ({
  createdAt,
  entry,
  context,
  contexts: contexts.filter((c) => under(context).has(c.id)),
  decorators: calls.filter((c) => c.kind === 'decorator' && under(context).has(c.context)).map(({ kind, ...c }) => c),
  hooks: calls.filter((c) => c.kind === 'hook' && under(context).has(c.context)).map(({ kind, target, ...c }) => c),
  served: served[i],
  // The order onRoute saw them in, which is the order Fastify registered them.
  order: routes.map((r) => `${r.method} ${r.url}`),
  routes: [...routes].sort((a, b) => (a.url === b.url ? a.method.localeCompare(b.method) : a.url < b.url ? -1 : 1)),
}));
for (const r of instances) await r.app.close();
const orphans = calls.filter((c) => c.context === null);
process.stdout.write(JSON.stringify({ instances: out, orphans }) + '\n');
