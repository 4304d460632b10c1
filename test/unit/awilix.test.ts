import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import { camelCase } from '../../src/core/link/awilix';
import type { WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, writeWorkspace } from '../support/temp-workspace';

const PACKAGE = JSON.stringify({ name: 'tmp-awilix', dependencies: { fastify: '^5.0.0', awilix: '^13.0.0', '@fastify/awilix': '^8.0.0' } });
const HEADER = `const app = require('fastify')()
const h = async () => 1
const awilix = require('awilix')
const { createContainer, asValue, asFunction, asClass, aliasTo, Lifetime, InjectionMode, RESOLVER } = awilix
`;

/** Non-HEAD routes as `METHOD url` (an unknown URL as `?`), in declaration order. */
const routes = (g: WorkspaceGraph) =>
  g.apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => `${r.methods.join(',')} ${r.urlKnown ? r.url : '?'}`));

function workspace(name: string, code: string, files: Record<string, string> = {}): string {
  return writeWorkspace(`awilix-${name}`, { 'package.json': PACKAGE, 'server.js': `${HEADER}${code}\nmodule.exports = app\n`, ...files });
}

function analyze(dir: string): WorkspaceGraph {
  const g = analyzeWorkspace(dir, createNodeHost());
  assertNoInternalError(g);
  return g;
}

/** The same server.js booted with real fastify and awilix (from the repo's node_modules), cwd = its folder. */
function booted(dir: string): string[] {
  const script = `const out = []
require('node:diagnostics_channel').subscribe('fastify.initialization', ({ fastify }) => {
  fastify.addHook('onRoute', (r) => { out.push([].concat(r.method).join(',') + ' ' + r.url) })
})
const app = require(${JSON.stringify(path.join(dir, 'server.js'))})
app.ready().then(() => { console.log(JSON.stringify(out)); process.exit(0) }, (e) => { console.error(e); process.exit(1) })`;
  const text = execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });
  return JSON.parse(text.trim().split('\n').pop()!) as string[];
}

/** Analyses and boots the workspace: both must give `expected`. */
function agree(name: string, code: string, expected: string[], files: Record<string, string> = {}): WorkspaceGraph {
  const dir = workspace(name, code, files);
  const g = analyze(dir);
  assert.deepEqual(routes(g), expected, 'static graph');
  assert.deepEqual(booted(dir).filter((r) => !r.startsWith('HEAD ')), expected, 'booted app');
  return g;
}

describe('awilix containers (link/awilix.ts)', function () {
  this.timeout(20_000);

  it('camelCase is awilix’s own, character for character', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const real = require('awilix/lib/camel-case').camelCase as (s: string) => string;
    for (const s of ['users.routes', 'user-service', 'HTMLParser', 'fooBar.baz', 'v2.api.routes', 'a__b--c', 'ID', 'x1y2', 'get_users2FA', '', '..', 'Élan.routes']) {
      assert.equal(camelCase(s), real(s), s);
    }
  });

  it('lifetimes: transient resolves on every read, singleton once per root, scoped once per scope', () => {
    agree(
      'lifetimes',
      `let t = 0, s = 0, sc = 0
const c = createContainer()
c.register({
  t: asFunction(() => ({ n: ++t })),
  s: asFunction(() => ({ n: ++s })).singleton(),
  sc: asFunction(() => ({ n: ++sc })).scoped(),
})
const scope1 = c.createScope()
const scope2 = c.createScope()
app.get('/t-' + c.cradle.t.n + '-' + c.resolve('t').n, h)
app.get('/s-' + c.cradle.s.n + '-' + scope1.cradle.s.n, h)
app.get('/sc-' + scope1.cradle.sc.n + '-' + scope1.resolve('sc').n + '-' + scope2.cradle.sc.n, h)`,
      ['GET /t-1-2', 'GET /s-1-1', 'GET /sc-1-1-2'],
    );
  });

  it('asValue, asFunction (PROXY: the cradle), asClass (new C(cradle)), aliasTo, inject; keys in registration order, a scope’s after its parent’s', () => {
    agree(
      'resolvers',
      `class Table {
  constructor ({ base }) { this.url = base + '/class' }
}
const c = createContainer()
c.register('base', asValue('/v'))
c.register({
  fnTable: asFunction(({ base }) => [base + '/fn']),
  classTable: asClass(Table),
  alias: aliasTo('base'),
  injected: asFunction(({ base, extra }) => base + extra).inject(() => ({ extra: '/injected' })),
})
c.register('base', asValue('/w'))
const scope = c.createScope()
scope.register('own', asValue(1))
app.get(c.cradle.fnTable[0], h)
app.get(c.resolve('classTable').url, h)
app.get(c.cradle.alias + '/alias', h)
app.get(c.cradle.injected, h)
app.get('/keys/' + Object.keys(scope.cradle).join('-'), h)
app.get('/has-' + c.hasRegistration('own') + '-' + scope.hasRegistration('own'), h)`,
      ['GET /w/fn', 'GET /w/class', 'GET /w/alias', 'GET /w/injected', 'GET /keys/base-fnTable-classTable-alias-injected-own', 'GET /has-false-true'],
    );
  });

  it('CLASSIC injection: dependencies named by the parameters (a class: its constructor’s, else its base’s)', () => {
    agree(
      'classic',
      `class Base {
  constructor (prefix, name) { this.url = prefix + '/' + name }
}
class Derived extends Base {}
const c = createContainer({ injectionMode: InjectionMode.CLASSIC })
c.register({
  prefix: asValue('/classic'),
  name: asValue('n'),
  fn: asFunction((prefix, missing = 'x') => prefix + '/fn'),
  derived: asClass(Derived),
  proxied: asFunction((cradle) => cradle.prefix + '/proxied').proxy(),
})
app.get(c.cradle.fn, h)
app.get(c.cradle.derived.url, h)
app.get(c.cradle.proxied, h)`,
      ['GET /classic/fn', 'GET /classic/n', 'GET /classic/proxied'],
    );
  });

  it('loadModules: default names (to the last dot), a formatName function, cwd, [glob, options] and [RESOLVER] options, esModules', () => {
    const table = (url: string) => `module.exports = function () { return ['${url}'] }\n`;
    agree(
      'load-modules',
      `const path = require('path')
const a = createContainer().loadModules(['lib/*.js'], { cwd: path.join(__dirname, 'mods') })
app.get('/a/' + Object.keys(a.cradle).join('+'), h)
const b = createContainer().loadModules([['mods/lib/*.js', Lifetime.SINGLETON]], {
  formatName: (name, d) => name.split('.')[0] + path.extname(d.path).slice(1).toUpperCase(),
})
app.get('/b/' + Object.keys(b.cradle).join('+') + b.cradle.oneJS[0], h)
app.register(async (instance) => {
  const c = await createContainer().loadModules(['mods/named.js'], { esModules: true })
  for (const [name, value] of Object.entries(c.cradle)) instance.get('/c/' + name + value, h)
})`,
      ['GET /a/one.table+two', 'GET /b/oneJS+twoJS/1', 'GET /c/custom/named'],
      {
        'mods/lib/one.table.js': table('/1'),
        'mods/lib/two.js': table('/2'),
        'mods/named.js': `const { RESOLVER } = require('awilix')\nfunction named () { return '/named' }\nnamed[RESOLVER] = { name: 'custom' }\nmodule.exports = { named, plain: () => 'no' }\n`,
      },
    );
  });

  it('@fastify/awilix: its diContainer is one per process, shared by the modules that require it', () => {
    agree(
      'fastify-awilix',
      `const { diContainer, fastifyAwilixPlugin } = require('@fastify/awilix')
require('./register')
app.register(fastifyAwilixPlugin, { asyncInit: false, eagerInject: false })
app.register(async (instance) => {
  for (const r of diContainer.cradle.routes) instance.get(r, h)
})`,
      ['GET /shared'],
      { 'register.js': `const { asValue } = require('awilix')\nrequire('@fastify/awilix').diContainer.register({ routes: asValue(['/shared']) })\n` },
    );
  });

  it('@fastify/awilix: fastify.diContainer (the decorator) is the same container', () => {
    agree(
      'awilix-decorator',
      [
        "const { fastifyAwilixPlugin } = require('@fastify/awilix')",
        'app.register(fastifyAwilixPlugin)',
        'app.register(async (child) => {',
        "  child.diContainer.register({ routes: asValue([{ method: 'GET', url: '/via-decorator', handler: h }]) })",
        "  for (const r of child.diContainer.resolve('routes')) child.route(r)",
        '})',
      ].join('\n'),
      ['GET /via-decorator'],
    );
  });

  it('what is not known stays unknown: an unknown glob makes the cradle partial, an unregistered name is reported, a cycle ends', () => {
    const dir = workspace(
      'unknowns',
      `const c = createContainer()
c.loadModules([process.env.ROUTES_GLOB], { formatName: 'camelCase' })
c.register({ a: asFunction(({ b }) => b), b: asFunction(({ a }) => a) })
for (const name of Object.keys(c.cradle)) app.get('/key-' + name, h)
app.get('/maybe-' + c.cradle.maybe, h)
const d = createContainer()
d.register('x', asValue('/x'))
app.get(d.resolve('nope'), h)
app.get('/cycle' + c.cradle.a, h)`,
    );
    const g = analyze(dir);
    // The keys loop cannot list the keys while the cradle may hold others: one conditional route, unknown, not wrong.
    assert.deepEqual(routes(g), ['GET ?', 'GET ?', 'GET ?', 'GET ?']);
    assert.equal(g.apps[0].routes[0].conditional, true);
    const reasons = g.unresolved.map((u) => u.reason).join('\n');
    assert.match(reasons, /awilix: loadModules\(\): a glob known only at run time/);
    assert.match(reasons, /awilix: 'nope' is not registered/);
  });
});
