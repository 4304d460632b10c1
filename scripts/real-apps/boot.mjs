// Boots one real app with its own installed fastify, never listening, and prints its route table
// as one JSON line: { routes: [{ method, url, site, package }], errors: [] }.
// Run by compare.mjs as: node --import tsx boot.mjs <appFolder> <boot.json>   (cwd = the app folder)
//
// How every instance is seen: fastify publishes each new root instance on the
// 'fastify.initialization' diagnostics channel (Fastify 3.29+, 4, 5), where an onRoute hook is added
// and listen() is replaced by ready() (so nothing ever binds a port), the approach of
// test/support/boot-fixture.mjs. Each route gets the first stack frame outside fastify/avvio: in the
// repository and outside node_modules = the app's own route; inside node_modules/<pkg> = a route
// that package adds.
//
// boot.json (one entry of apps.json's "boot"):
//   kind     "plugin"  the entry's default export (or `export`) is a root plugin, registered the way
//                      fastify-cli does (fastify(serverOptions + the module's `options` export), then
//                      register(plugin with skip-override, pluginOptions))
//            "factory" the entry's export (`export`, default: default) is called with `args` and
//                      returns (or resolves to) an instance
//            "module"  importing the entry creates the instances (a server.js that calls listen())
//   entry    the file, relative to the app folder
//   env      environment variables set before anything is imported
//   stubs    { "<module>": spec } modules replaced before the app loads them (databases, native
//            drivers, generated clients). spec: "proxy" (any property or call gives another proxy),
//            "plugin" (a no-op fastify-plugin), { "plugin": true, "decorate": ["name", ...] } (a
//            no-op fastify-plugin decorating proxies), and "named": ["Export", ...] for ES imports
//            of named exports ({ "proxy": true, "named": [...] }); a plugin stub may also
//            "decorateOption": { "config": "data" } (decorate `config` with its option `data`, for
//            an env plugin) and "name" (its fastify-plugin name, default the module name)
//   wait     ms to wait after the entry is imported before ready() (kind module; default 300)
import { subscribe } from 'node:diagnostics_channel';
import { readFileSync, realpathSync } from 'node:fs';
import Module, { createRequire, register } from 'node:module';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = realpathSync(resolve(process.argv[2] ?? '.'));
const desc = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const root = desc.root ? realpathSync(resolve(dir, desc.root)) : dir;
const here = fileURLToPath(import.meta.url);
Error.stackTraceLimit = 200;
// As when the app is started itself: fastify-plugin < 3 finds the fastify version from argv[1].
process.argv[1] = join(dir, desc.entry);
process.argv.length = 2;

for (const [k, v] of Object.entries(desc.env ?? {})) process.env[k] = String(v);

// Never let the app end the process before the table is printed.
const realExit = process.exit.bind(process);
process.exit = (code) => { errors.push(`the app called process.exit(${code ?? ''})`); };
const errors = [];
process.on('unhandledRejection', (e) => errors.push(`unhandled rejection: ${e?.message ?? e}`));
process.on('uncaughtException', (e) => errors.push(`uncaught exception: ${e?.message ?? e}`));

// ---- stubs -------------------------------------------------------------------------------------
function deepProxy(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, key) {
      if (key === 'then') return undefined; // not a thenable: `await stub.x()` gives the proxy
      if (key === Symbol.toPrimitive) return () => `[stub ${name}]`;
      if (key === Symbol.iterator) return function* () {};
      if (key === '__esModule') return false;
      return deepProxy(`${name}.${String(key)}`);
    },
    apply: () => deepProxy(`${name}()`),
    construct: () => deepProxy(`new ${name}`),
  });
}
function stubValue(name, spec) {
  const s = typeof spec === 'string' ? { [spec]: true } : spec;
  if (s.plugin) {
    const plugin = function (instance, opts, done) {
      for (const d of s.decorate ?? []) if (!instance.hasDecorator?.(d)) instance.decorate(d, deepProxy(d));
      for (const [d, key] of Object.entries(s.decorateOption ?? {})) instance.decorate(d, opts?.[key]);
      done();
    };
    plugin[Symbol.for('skip-override')] = true;
    plugin[Symbol.for('fastify.display-name')] = s.name ?? name;
    // fastify-plugin metadata, so `dependencies: ['<name>']` of other plugins are met.
    plugin[Symbol.for('plugin-meta')] = { name: s.name ?? name };
    plugin.default = plugin;
    return plugin;
  }
  return deepProxy(name);
}
const stubs = Object.fromEntries(Object.entries(desc.stubs ?? {}).map(([n, spec]) => [n, stubValue(n, spec)]));
globalThis.__realAppsStubs = stubs;
if (Object.keys(stubs).length > 0) {
  const originalLoad = Module._load;
  Module._load = function (request, ...rest) {
    return Object.hasOwn(stubs, request) ? stubs[request] : originalLoad.call(this, request, ...rest);
  };
  const named = Object.fromEntries(Object.entries(desc.stubs).map(([n, spec]) => [n, (typeof spec === 'object' && spec.named) || []]));
  const hooks = `
    const named = ${JSON.stringify(named)};
    export async function resolve(specifier, context, next) {
      if (Object.hasOwn(named, specifier)) return { url: 'real-apps-stub:' + encodeURIComponent(specifier), shortCircuit: true };
      return next(specifier, context);
    }
    export async function load(url, context, next) {
      if (!url.startsWith('real-apps-stub:')) return next(url, context);
      const name = decodeURIComponent(url.slice('real-apps-stub:'.length));
      const v = 'globalThis.__realAppsStubs[' + JSON.stringify(name) + ']';
      const src = 'export default ' + v + ';\\n' + named[name].map((n) => 'export const ' + n + ' = ' + v + '[' + JSON.stringify(n) + '];').join('\\n');
      return { format: 'module', source: src, shortCircuit: true };
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}

// ---- every instance, every route -----------------------------------------------------------------
const instances = [];
const SKIP = [`${sep}node_modules${sep}fastify${sep}`, `${sep}node_modules${sep}avvio${sep}`, `${sep}node_modules${sep}fastify-plugin${sep}`];

function siteOf(stack) {
  for (const raw of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(raw.trim());
    if (!m) continue;
    let file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    try { file = realpathSync(file); } catch { /* keep it */ }
    if (file === here || SKIP.some((s) => file.includes(s))) continue;
    const nm = file.lastIndexOf(`${sep}node_modules${sep}`);
    if (nm >= 0) {
      const parts = file.slice(nm + 14).split(sep);
      return { package: parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0], file, line: Number(m[2]) };
    }
    if (file.startsWith(root + sep)) return { file: file.slice(root.length + 1), line: Number(m[2]) };
    return { package: '(outside the repository)', file, line: Number(m[2]) };
  }
  return { package: '(unknown caller)' };
}

// Where each route is declared. Fastify 4 and 5 run onRoute inside route(), so its stack names
// the caller; Fastify 3 runs it later (from avvio's queue), so the route methods are wrapped too and
// the caller's site is kept per handler function until onRoute sees that handler.
const ROUTE_METHODS = ['route', 'get', 'head', 'post', 'put', 'delete', 'options', 'patch', 'all'];
const sitesByHandler = new Map();
let routeDepth = 0;
function handlerOf(args) {
  const fns = args.filter((a) => typeof a === 'function');
  if (fns.length) return fns[fns.length - 1];
  const withHandler = args.find((a) => a && typeof a === 'object' && typeof a.handler === 'function');
  return withHandler?.handler;
}

subscribe('fastify.initialization', ({ fastify }) => {
  const record = { app: fastify, routes: [] };
  instances.push(record);
  for (const m of ROUTE_METHODS) {
    const original = fastify[m];
    if (typeof original !== 'function') continue;
    fastify[m] = function (...args) {
      if (routeDepth === 0) {
        const h = handlerOf(args);
        if (h) {
          const list = sitesByHandler.get(h) ?? [];
          list.push(siteOf(new Error().stack));
          sitesByHandler.set(h, list);
        }
      }
      routeDepth++;
      try { return original.apply(this, args); } finally { routeDepth--; }
    };
  }
  fastify.addHook('onRoute', (route) => {
    const here = siteOf(new Error().stack);
    const deferred = here.package === '(outside the repository)' || here.package === '(unknown caller)';
    const site = deferred ? sitesByHandler.get(route.handler)?.shift() ?? here : here;
    for (const method of [].concat(route.method)) record.routes.push({ method, url: route.url, ...site });
  });
  // No port is ever bound: listen() only waits for ready().
  fastify.listen = function (...args) {
    const cb = args.find((a) => typeof a === 'function');
    const p = this.ready().then(() => 'http://127.0.0.1:0 (not listening)');
    if (cb) { p.then((a) => cb(null, a), (e) => cb(e)); return undefined; }
    return p;
  };
});

const unwrap = (m) => {
  let v = m.default ?? m;
  if (v && typeof v === 'object' && 'default' in v && typeof v.ready !== 'function') v = v.default;
  return v;
};

const requireApp = createRequire(join(dir, 'package.json'));
try {
  const entryUrl = pathToFileURL(join(dir, desc.entry)).href;
  if (desc.kind === 'plugin') {
    const mod = await import(entryUrl);
    const plugin = desc.export ? mod[desc.export] ?? unwrap(mod)[desc.export] : unwrap(mod);
    const Fastify = unwrap(await import(pathToFileURL(requireApp.resolve('fastify')).href));
    const serverOptions = { ...(mod.options ?? unwrap(mod).options ?? {}), ...(desc.serverOptions ?? {}) };
    const app = Fastify(serverOptions);
    // fastify-cli registers the root plugin with fastify-plugin (skip-override).
    plugin[Symbol.for('skip-override')] = true;
    app.register(plugin, desc.pluginOptions ?? {});
    await app.ready();
  } else if (desc.kind === 'factory') {
    const mod = await import(entryUrl);
    const factory = desc.export ? mod[desc.export] ?? unwrap(mod)[desc.export] : unwrap(mod);
    const made = await factory(...(desc.args ?? []));
    const app = made && typeof made.ready === 'function' ? made : made?.[desc.instanceKey ?? 'app'];
    await app.ready();
  } else if (desc.kind === 'module') {
    await import(entryUrl);
    await new Promise((r) => setTimeout(r, desc.wait ?? 300));
    for (const r of instances) await r.app.ready();
  } else {
    throw new Error(`unknown boot kind ${desc.kind}`);
  }
} catch (e) {
  errors.push(`boot failed: ${e?.stack ?? e}`);
}

const out = instances.map((r) => r.routes);
process.stdout.write(JSON.stringify({ instances: out, errors }) + '\n');
realExit(0);
