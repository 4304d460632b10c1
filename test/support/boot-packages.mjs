// Registers npm plugins on fresh real fastify instances (the `fastify` the working directory
// resolves: the repo's Fastify 5, or a temp folder linking the fastify3 alias) and prints, per case, what they added
// (one JSON line): decorators (decorate / decorateRequest / decorateReply), hooks (addHook) and
// routes (onRoute), each marked 'root' when declared on the instance itself and 'child' when on
// an encapsulated context below it. Never listens.
// Run as: node test/support/boot-packages.mjs <cases.json>
// cases.json: [{ id, stub?, registers: [{ pkg, export?, opts }] }], `opts` a JavaScript expression
// (may use require). stub 'mysql2': mysql2's pool answers queries without a server (@fastify/mysql
// and fastify-mysql run `SELECT NOW()` at register); the mysql2 patched is the one the plugin's
// code requires (for a Fastify 3 era deprecation release, the one of the release it re-exports).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));
const Fastify = require('fastify');
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));

/**
 * Where a package's code is: its own folder, or for the last Fastify 3 era releases (a
 * process-warning plus `require('<name>-deprecated')`, an npm alias of the release before) that one.
 */
function codeOf(pkg) {
  const manifest = require.resolve(`${pkg}/package.json`);
  const inner = Object.keys(require(manifest).dependencies ?? {}).find((d) => d === `${pkg}-deprecated`);
  return inner ? createRequire(manifest).resolve(inner) : require.resolve(pkg);
}

function record(app) {
  const rec = { decorators: [], hooks: [], routes: [] };
  app.addHook('onRoute', function (route) {
    for (const method of [].concat(route.method)) rec.routes.push({ method, url: route.url, where: this === app ? 'root' : 'child' });
  });
  for (const [method, target] of [['decorate', 'instance'], ['decorateRequest', 'request'], ['decorateReply', 'reply']]) {
    const orig = app[method];
    app[method] = function (name, ...rest) {
      rec.decorators.push({ target, name: String(name), where: this === app ? 'root' : 'child' });
      return orig.call(this, name, ...rest);
    };
  }
  const addHook = app.addHook;
  app.addHook = function (name, ...rest) {
    rec.hooks.push({ name, where: this === app ? 'root' : 'child' });
    return addHook.call(this, name, ...rest);
  };
  return rec;
}

const out = [];
for (const c of cases) {
  const app = Fastify();
  const rec = record(app);
  try {
    if (c.stub === 'mysql2') {
      const mysql2 = createRequire(codeOf(c.registers.at(-1).pkg))('mysql2');
      mysql2.createPool = () => ({ query: (_sql, cb) => setImmediate(cb, null), execute() {}, getConnection() {}, end: (cb) => cb && cb() });
    }
    for (const r of c.registers) {
      const mod = r.export ? require(r.pkg)[r.export] : require(r.pkg);
      const opts = new Function('require', `return (${r.opts ?? '{}'})`)(require);
      app.register(mod, opts);
    }
    await app.ready();
    out.push({ id: c.id, ...rec });
  } catch (err) {
    out.push({ id: c.id, error: String(err && err.stack || err) });
  }
  await app.close().catch(() => {});
}
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
