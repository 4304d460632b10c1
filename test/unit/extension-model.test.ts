/**
 * The extension's pure parts (src/extension/model/, src/extension/worker/locate-spans.ts) on real
 * graphs: the fixtures, analysed as the worker does, and one small temp workspace for
 * encapsulation cases no fixture has (a decorator in a child context, a plugin registered twice,
 * hooks in several contexts plus route-level hooks).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer, analyzeWorkspace } from '../../src/core/analyze';
import type { Context, Span, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { curlCommand } from '../../src/extension/model/curl';
import { decoratorUseAt, stringLiteralAt } from '../../src/extension/model/decorator-use';
import { GraphIndex, routeKey, type RouteEntry } from '../../src/extension/model/graph-index';
import { decoratorHover, routeLensTitle, routeTestsLensTitle, routeUrlHover, testCallLensTitle } from '../../src/extension/model/lens-titles';
import { pluginsTree } from '../../src/extension/model/plugins-tree';
import { EXPAND_GROUPS_UP_TO, routesTree } from '../../src/extension/model/routes-tree';
import { where, type TreeNode } from '../../src/extension/model/tree-node';
import { lineAndCharacter, locateSpans } from '../../src/extension/worker/locate-spans';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';
import { allContexts } from '../support/graph-walk';

const FIXTURES = ['cli-autoload-js', 'multi-app', 'fp-decorators', 'test-links', 'broken'] as const;
type FixtureName = (typeof FIXTURES)[number] | 'encapsulation';

/** The temp workspace: root → shared (fastify-plugin), child (decorates onlyChild), sibling twice (once under wrapper). */
const ENCAPSULATION_FILES = {
  'package.json': FASTIFY_PACKAGE,
  'server.js': `'use strict'
const fastify = require('fastify')()
const shared = require('./plugins/shared')
const child = require('./plugins/child')
const sibling = require('./plugins/sibling')

fastify.addHook('onRequest', async function rootOnRequest1 () {})
fastify.register(shared)
fastify.register(child, { prefix: '/child' })
fastify.register(sibling, { prefix: '/sibling' })
fastify.register(async function wrapper (w) {
  w.decorate('wrapperOnly', 1)
  w.register(sibling, { prefix: '/wrapped' })
})
fastify.addHook('preHandler', async function rootPreHandler () {})
fastify.addHook('onRequest', async function rootOnRequest2 () {})

module.exports = fastify
`,
  'plugins/shared.js': `'use strict'
const fp = require('fastify-plugin')
module.exports = fp(async function shared (f) {
  f.decorate('shared', 1)
  f.addHook('onRequest', async function sharedOnRequest () {})
  f.addHook('preValidation', async function sharedPreValidation () {})
})
`,
  'plugins/child.js': `'use strict'
async function routeHookA () {}
async function routeHookB () {}
module.exports = async function child (f) {
  f.decorate('onlyChild', () => 1)
  f.addHook('preHandler', async function childPreHandler () {})
  f.addHook('preParsing', async function childPreParsing () {})
  f.addHook('onRequest', async function childOnRequest () {})
  f.get('/x', { onRequest: async function routeOnRequest () {}, preHandler: [routeHookA, routeHookB] }, async () => f.onlyChild())
}
`,
  'plugins/sibling.js': `'use strict'
module.exports = async function sibling (f) {
  f.get('/y', async () => f.onlyChild() + f.wrapperOnly + f.shared)
}
`,
};

interface Loaded {
  dir: string;
  graph: WorkspaceGraph;
  index: GraphIndex;
}
const cache = new Map<FixtureName, Loaded>();
function load(name: FixtureName): Loaded {
  let l = cache.get(name);
  if (!l) {
    const dir = name === 'encapsulation' ? writeWorkspace('extension-model-encapsulation', ENCAPSULATION_FILES) : fs.realpathSync(path.join(__dirname, '..', 'fixtures', name));
    const graph = analyzeWorkspace(dir, createNodeHost());
    assertNoInternalError(graph);
    l = { dir, graph, index: new GraphIndex(graph) };
    cache.set(name, l);
  }
  return l;
}

const file = (l: Loaded, rel: string) => path.join(l.dir, rel);
const text = (l: Loaded, rel: string) => fs.readFileSync(file(l, rel), 'utf8');
/** Offset of `needle` in a file (asserted to exist), plus `delta`. */
const offsetOf = (l: Loaded, rel: string, needle: string, delta = 0) => {
  const i = text(l, rel).indexOf(needle);
  assert.ok(i >= 0, `${needle} in ${rel}`);
  return i + delta;
};
const label = (e: RouteEntry) => `${e.route.methods.join('|')} ${e.route.url}`;
const routeByLabel = (l: Loaded, lbl: string) => {
  const found = l.index.routes.filter((e) => label(e) === lbl);
  assert.equal(found.length, 1, `one route ${lbl}`);
  return found[0];
};
const contextNamed = (l: Loaded, name: string) => {
  const found = allContexts(l.graph).filter((c) => c.name === name);
  assert.equal(found.length, 1, `one context ${name}`);
  return found[0];
};
const rows = (nodes: TreeNode[]): TreeNode[] => nodes.flatMap((n) => [n, ...rows(n.children ?? [])]);
const findRow = (nodes: TreeNode[], pred: (n: TreeNode) => boolean) => {
  const found = rows(nodes).filter(pred);
  assert.equal(found.length, 1, 'one row');
  return found[0];
};
const labels = (nodes: TreeNode[] | undefined) => (nodes ?? []).map((n) => n.label);
const descriptions = (nodes: TreeNode[] | undefined) => (nodes ?? []).map((n) => n.description);

describe('extension model: GraphIndex', () => {
  it('lists every route but the implicit HEAD ones, keyed by app and route id', () => {
    for (const name of FIXTURES) {
      const { graph, index } = load(name);
      const expected = graph.apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => routeKey(a, r)));
      assert.deepEqual(index.routes.map((e) => e.key).sort(), expected.sort(), name);
      assert.ok(index.routes.every((e) => !e.route.implicitHead), name);
      for (const e of index.routes) {
        assert.equal(index.route(e.key), e);
        assert.equal(e.key, `${e.app.id}#${e.route.id}`);
        assert.ok(e.context.routes.includes(e.route), `${e.key} sits in its context`);
      }
    }
    const cli = load('cli-autoload-js');
    assert.equal(cli.graph.apps[0].routes.length, 28);
    assert.equal(cli.index.routes.length, 14);
    assert.equal(cli.index.contextCount, 10);
    // exposeHeadRoutes: false makes no HEAD routes at all; the index is the same either way.
    const internal = load('multi-app').index.routes.filter((e) => e.app.id === 'apps/api/src/servers.js:7');
    assert.deepEqual(internal.map(label), ['GET /metrics', 'GET /healthz']);
  });

  it('routesIn(file) gives the routes declared in a file, in declaration order, nested plugins included', () => {
    const cli = load('cli-autoload-js');
    assert.deepEqual(cli.index.routesIn(file(cli, 'routes/users/index.js')).map(label), [
      'GET /users',
      'POST /users',
      'PUT /users/:id',
      'DELETE|PATCH /users/:id/x',
      'GET /users/m/list',
      'GET /users/inner/deep',
    ]);
    // The fp-wrapped file declares its route in app.js's context, but the route is still "in" its file.
    assert.deepEqual(cli.index.routesIn(file(cli, 'routes/legacy/wrapped.js')).map((e) => `${label(e)} @${e.context.name}`), ['GET /old-ping @app.js']);
    assert.deepEqual(cli.index.routesIn(file(cli, 'app.js')), []);
    assert.deepEqual(cli.index.routesIn(file(cli, 'routes/example/ignored-sibling.js')), [], 'a file autoload never loads');
    const multi = load('multi-app');
    assert.deepEqual(multi.index.routesIn(file(multi, 'apps/api/src/servers.js')).map((e) => `${e.app.id} ${label(e)}`), [
      'apps/api/src/servers.js:6 GET /v1/products',
      'apps/api/src/servers.js:6 GET /v1/products/:sku',
      'apps/api/src/servers.js:7 GET /metrics',
      'apps/api/src/servers.js:7 GET /healthz',
    ]);
  });

  it('chain() walks from the app root down to a context', () => {
    const cli = load('cli-autoload-js');
    const deep = routeByLabel(cli, 'GET /users/inner/deep');
    assert.deepEqual(cli.index.chain(deep.app, deep.context).map((c) => c.name), ['fastify-cli', 'app.js', 'users/index.js', 'anonymous']);
    const app = cli.graph.apps[0];
    assert.deepEqual(cli.index.chain(app, app.root), [app.root]);
    assert.equal(cli.index.context(app, deep.context.id), deep.context);
    assert.equal(cli.index.context(app, '999'), undefined);
  });

  it('hookChain() on fp-decorators: the fastify-plugin hooks run in the root for both routes; application hooks are not in it', () => {
    const fpd = load('fp-decorators');
    const app = fpd.graph.apps[0];
    for (const lbl of ['GET /me', 'GET /admin/users']) {
      const steps = fpd.index.hookChain(routeByLabel(fpd, lbl));
      assert.deepEqual(
        steps.map((s) => `${s.name} ${where(fpd.dir, s.span)} ${s.context?.name} ${s.routeLevel}`),
        ['onRequest plugins/auth.js:10 root false', 'preHandler plugins/auth.js:11 root false'],
        lbl,
      );
      assert.ok(steps.every((s) => s.context === app.root));
    }
    // admin has hooks of its own, but only application hooks (onRoute, onRegister).
    assert.deepEqual(contextNamed(fpd, 'admin').hooks.map((h) => h.name), ['onRoute', 'onRegister']);
  });

  it('hookChain() orders per lifecycle step, root context first, declaration order within a context, route-level last', () => {
    const enc = load('encapsulation');
    assert.deepEqual(enc.graph.unresolved, []);
    const x = routeByLabel(enc, 'GET /child/x');
    const named = (s: Span) => text(enc, path.relative(enc.dir, s.file)).slice(s.start, s.end).match(/function (\w+)|^(\w+)$/)?.slice(1).find(Boolean);
    assert.deepEqual(
      enc.index.hookChain(x).map((s) => `${s.name}:${named(s.span)}:${s.routeLevel ? 'route' : s.context!.name}`),
      [
        'onRequest:rootOnRequest1:root',
        'onRequest:rootOnRequest2:root',
        'onRequest:sharedOnRequest:root', // fastify-plugin bodies run after the registering body
        'onRequest:childOnRequest:child',
        'onRequest:routeOnRequest:route',
        'preParsing:childPreParsing:child',
        'preValidation:sharedPreValidation:root',
        'preHandler:rootPreHandler:root',
        'preHandler:childPreHandler:child',
        'preHandler:routeHookA:route',
        'preHandler:routeHookB:route',
      ],
    );
    // The sibling inherits the root's hooks only.
    assert.deepEqual(
      enc.index.hookChain(routeByLabel(enc, 'GET /sibling/y')).map((s) => `${s.name}:${named(s.span)}`),
      ['onRequest:rootOnRequest1', 'onRequest:rootOnRequest2', 'onRequest:sharedOnRequest', 'preValidation:sharedPreValidation', 'preHandler:rootPreHandler'],
    );
  });

  it('contextsAt() gives the innermost plugin around an offset, and the root for top-level code of an entry file', () => {
    const cli = load('cli-autoload-js');
    const at = (rel: string, offset: number) => cli.index.contextsAt(file(cli, rel), offset).map((c) => c.context.name);
    assert.deepEqual(at('app.js', 0), ['fastify-cli'], 'top of the root plugin file: the root');
    assert.deepEqual(at('app.js', offsetOf(cli, 'app.js', 'module.exports.options')), ['fastify-cli']);
    assert.deepEqual(at('app.js', offsetOf(cli, 'app.js', 'fastify.register(AutoLoad')), ['app.js'], 'inside the exported plugin function');
    assert.deepEqual(at('routes/users/index.js', offsetOf(cli, 'routes/users/index.js', 'fastify.post')), ['users/index.js']);
    assert.deepEqual(at('routes/users/index.js', offsetOf(cli, 'routes/users/index.js', "f.get('/deep'")), ['anonymous'], 'the inner register wins');
    assert.deepEqual(at('routes/users/index.js', 0), [], 'top level of a plugin file that is no entry: no context');
    assert.deepEqual(at('routes/legacy/wrapped.js', offsetOf(cli, 'routes/legacy/wrapped.js', 'fastify.get')), ['app.js'], 'a fastify-plugin body runs in the context that registered it');

    const fpd = load('fp-decorators');
    assert.deepEqual(fpd.index.contextsAt(file(fpd, 'server.js'), offsetOf(fpd, 'server.js', "fastify.get('/me'")).map((c) => c.context.kind), ['root']);
    assert.deepEqual(fpd.index.contextsAt(file(fpd, 'plugins/admin.js'), offsetOf(fpd, 'plugins/admin.js', 'fastify.db')).map((c) => c.context.name), ['admin']);

    const multi = load('multi-app');
    const servers = file(multi, 'apps/api/src/servers.js');
    assert.deepEqual(multi.index.contextsAt(servers, 0).map((c) => c.app.id), ['apps/api/src/servers.js:6', 'apps/api/src/servers.js:7'], 'both roots of a file with two apps');
    assert.deepEqual(multi.index.contextsAt(servers, offsetOf(multi, 'apps/api/src/servers.js', "api.get('/products'")).map((c) => c.context.name), ['v1']);

    const enc = load('encapsulation');
    const twice = enc.index.contextsAt(file(enc, 'plugins/sibling.js'), offsetOf(enc, 'plugins/sibling.js', 'f.get'));
    assert.deepEqual(twice.map((c) => `${c.context.name} ${c.context.prefix}`), ['sibling /sibling', 'sibling /wrapped'], 'a plugin registered twice: both registrations');
  });

  it('visibleDecorators() follows encapsulation: own and ancestors only; fastify-plugin decorations land in the parent', () => {
    const cli = load('cli-autoload-js');
    const app = cli.graph.apps[0];
    const vis = (l: Loaded, ctx: Context, name: string, target?: 'instance' | 'request' | 'reply') =>
      l.index.visibleDecorators(l.graph.apps.find((a) => l.index.context(a, ctx.id) === ctx)!, ctx, name, target).map((d) => d.context.name);
    // support.js is a fastify-plugin autoloaded under app.js: its decorator lives in app.js's context.
    assert.deepEqual(vis(cli, contextNamed(cli, 'users/index.js'), 'someSupport'), ['app.js']);
    assert.deepEqual(vis(cli, contextNamed(cli, 'anonymous'), 'someSupport'), ['app.js']);
    assert.deepEqual(vis(cli, contextNamed(cli, 'app.js'), 'someSupport'), ['app.js']);
    assert.deepEqual(vis(cli, app.root, 'someSupport'), [], 'declared in a child of the root: not visible from the root');
    assert.deepEqual(vis(cli, contextNamed(cli, 'users/index.js'), 'someSupport', 'request'), [], 'target filter');
    assert.deepEqual(vis(cli, contextNamed(cli, 'users/index.js'), 'notFound', 'reply'), ['app.js']);

    const fpd = load('fp-decorators');
    const admin = contextNamed(fpd, 'admin');
    assert.deepEqual(vis(fpd, admin, 'db'), ['root'], 'a fastify-plugin decoration is visible in its parent and below');
    assert.deepEqual(vis(fpd, admin, 'user', 'request'), ['root']);
    assert.equal(fpd.index.decorators('user').length, 1);
    assert.equal(fpd.index.decorators('user', 'instance').length, 0);
    assert.equal(fpd.index.decorators('nope').length, 0);

    const enc = load('encapsulation');
    const root = enc.graph.apps[0].root;
    const child = contextNamed(enc, 'child');
    const siblings = allContexts(enc.graph).filter((c) => c.name === 'sibling');
    assert.deepEqual(vis(enc, child, 'onlyChild'), ['child']);
    assert.deepEqual(vis(enc, root, 'onlyChild'), [], 'child decoration not visible from the root');
    for (const s of siblings) assert.deepEqual(vis(enc, s, 'onlyChild'), [], `nor from the sibling ${s.prefix}`);
    for (const c of [root, child, ...siblings]) assert.deepEqual(vis(enc, c, 'shared'), ['root'], `fp decoration visible from ${c.name}`);
    assert.deepEqual(siblings.map((s) => vis(enc, s, 'wrapperOnly').length), [0, 1], 'only the registration under wrapper sees it');
  });

  it('testCallsIn() and testsOf() link test requests to routes (test-links)', () => {
    const tl = load('test-links');
    const calls = (rel: string) => tl.index.testCallsIn(file(tl, rel)).map((c) => `${c.span.line} ${c.method} ${c.url} -> ${c.routes.map(label).join(', ')}`);
    assert.deepEqual(calls('test/inject.test.js'), [
      '12 POST /users -> POST /users',
      '13 GET /users/me -> GET /users/me',
      '14 GET /users/42 -> GET /users/:id',
      '15 GET /users/{…} -> GET /users/me, GET /users/:id',
      '16 GET /users/{…}/posts -> GET /users/:id/posts',
      '17 DELETE /users/{…} -> DELETE /users/:id',
      '18 GET /files/a/b.txt -> GET /files/*',
      '19 HEAD /ping -> GET /ping', // the implicit HEAD route of GET /ping: shown as the GET that makes it
      '20 GET /nowhere -> ',
      '25 GET /ping -> GET /ping',
      '26 POST /users -> POST /users',
      '27 DELETE /users/7 -> DELETE /users/:id',
    ]);
    assert.deepEqual(calls('test/esm.test.mjs'), ['8 GET /users/ -> GET /users', '9 PUT /users/1 -> ']);
    assert.equal(calls('test/supertest.test.js').length, 7);
    assert.deepEqual(calls('app.js'), []);
    assert.equal(tl.index.testCalls.length, tl.graph.testCalls.length);

    const testsOf = (lbl: string) => tl.index.testsOf(routeByLabel(tl, lbl)).map((c) => `${path.relative(tl.dir, c.span.file)}:${c.span.line}`);
    assert.deepEqual(testsOf('POST /users'), ['test/inject.test.js:12', 'test/inject.test.js:26']);
    assert.deepEqual(testsOf('GET /users/me'), ['test/inject.test.js:13', 'test/inject.test.js:15']);
    assert.deepEqual(testsOf('GET /ping'), ['test/inject.test.js:19', 'test/inject.test.js:25']);
    assert.deepEqual(testsOf('GET /posts/:slug?'), ['test/supertest.test.js:14', 'test/supertest.test.js:15']);
    assert.deepEqual(testsOf('ALL /any'), ['test/supertest.test.js:17']);
    assert.ok(tl.index.hasTestsInProject(routeByLabel(tl, 'GET /users/:id/posts')));
  });

  it('testCallsIn() and testsOf() on cli-autoload-js (test/routes/root.test.js through the fastify-cli helper)', () => {
    const cli = load('cli-autoload-js');
    assert.deepEqual(
      cli.index.testCallsIn(file(cli, 'test/routes/root.test.js')).map((c) => `${c.span.line} ${c.method} ${c.url} -> ${c.routes.map(label).join(', ')}`),
      ['9 GET / -> GET /', '15 GET /users -> GET /users', '17 PUT /users/42 -> PUT /users/:id', '19 GET /nope -> '],
    );
    assert.deepEqual(cli.index.testsOf(routeByLabel(cli, 'GET /users')).map((c) => c.span.line), [15]);
    assert.deepEqual(cli.index.testsOf(routeByLabel(cli, 'GET /healthz')), []);
    assert.ok(cli.index.hasTestsInProject(routeByLabel(cli, 'GET /healthz')));
    const fpd = load('fp-decorators');
    assert.ok(!fpd.index.hasTestsInProject(routeByLabel(fpd, 'GET /me')), 'a project without tests');
  });
});

describe('extension model: Plugins and Routes trees', () => {
  it('pluginsTree: the app row, the root plugin row and the contexts of cli-autoload-js', () => {
    const cli = load('cli-autoload-js');
    const tree = pluginsTree(cli.index, 'P');
    assert.equal(tree.length, 1, 'no Unresolved node when nothing is unresolved');
    const app = tree[0];
    assert.equal(app.id, 'P/app.js:9');
    assert.equal(app.label, 'app.js:9');
    assert.equal(app.description, 'Fastify 5 · 14 routes · 10 contexts');
    assert.equal(
      app.tooltip,
      [
        'App started by root plugin at app.js:9',
        'Project: .',
        'fastify 5.0.0 (from the package.json range: no lockfile or node_modules pins it)',
        '@fastify/autoload 6.0.0 (from the package.json range: no lockfile or node_modules pins it)',
        'fastify-plugin 5.0.0 (from the package.json range: no lockfile or node_modules pins it)',
      ].join('\n'),
    );
    assert.equal(app.contextValue, 'app');
    const root = app.children![0];
    assert.equal(app.children!.length, 1);
    assert.deepEqual([root.id, root.label, root.description, root.icon?.id, root.expanded], ['P/app.js:9/c0', 'fastify-cli (root plugin)', 'root context', 'server-environment', true]);
    const appJs = root.children![0];
    assert.deepEqual([appJs.label, appJs.description, appJs.expanded], ['app.js', 'encapsulated', false]);
    // Merged plugins, decorators, hooks, schemas, routes, then child contexts.
    assert.deepEqual(labels(appJs.children), [
      'sensible',
      'support',
      'legacy/wrapped.js',
      'notFound',
      'someSupport',
      'onRequest',
      'error',
      'GET /old-ping',
      'root.js',
      'example/index.js',
      'health/check.js',
      'misc/override.js',
      'misc/route-object.js',
      'users/index.js',
      'users/settings/index.js',
    ]);
    assert.deepEqual(descriptions(appJs.children).slice(0, 8), [
      'fastify-plugin',
      'fastify-plugin',
      'fastify-plugin',
      'decorateReply · function',
      'decorate · function',
      'lifecycle hook · async',
      'addSchema',
      '',
    ]);
    assert.deepEqual(appJs.children!.slice(0, 8).map((n) => n.contextValue), ['plugin', 'plugin', 'plugin', 'decorator', 'decorator', 'hook', 'schema', 'route']);

    const users = findRow(tree, (n) => n.label === 'users/index.js');
    // Each row adds its context's own id part (a hash of its kind, name and prefix: model.ts `Context.id`).
    assert.equal(users.id, 'P/app.js:9/c0/cm61oaq/cn6ht9d');
    assert.equal(users.description, '/users · encapsulated');
    assert.equal(users.contextValue, 'context');
    assert.equal(where(cli.dir, users.span!), 'routes/users/index.js:9', 'a context row opens its plugin function');
    assert.match(users.tooltip!, /^Plugin 'users\/index\.js' — encapsulated\nPrefix: \/users\nFile: routes\/users\/index\.js\nRegistered at routes\/users\/index\.js:1$/);
    assert.deepEqual(labels(users.children), ['GET /users', 'POST /users', 'PUT /users/:id', 'DELETE|PATCH /users/:id/x', 'GET /users/m/list', 'anonymous']);
    assert.deepEqual(descriptions(users.children), ['', '', 'route', 'route', '', '/users/inner · encapsulated']);
    assert.deepEqual(users.children!.slice(0, 5).map((n) => n.routeKey), [0, 3, 4, 5, 6].map((n) => `app.js:9#0.m61oaq.n6ht9d:${n}`), 'route ids: the context\'s and the route\'s place among its routes (implicit HEAD routes included)');
    assert.deepEqual(users.children!.map((n) => n.icon?.id), ['arrow-down', 'add', 'edit', 'trash', 'arrow-down', 'package']);
    assert.deepEqual(labels(users.children![5].children), ['GET /users/inner/deep']);
  });

  it('pluginsTree: handlers, parsers and hooks on fp-decorators; projects below the folder root on multi-app', () => {
    const fpd = load('fp-decorators');
    const root = pluginsTree(fpd.index, 'P')[0].children![0];
    assert.equal(root.label, 'root');
    const admin = findRow([root], (n) => n.label === 'admin');
    assert.deepEqual(labels(admin.children), ['onRoute', 'onRegister', 'setErrorHandler', 'application/x-admin', 'GET /admin/users']);
    assert.deepEqual(descriptions(admin.children), ['application hook · callback', 'application hook · callback', undefined, 'addContentTypeParser', '']);
    assert.deepEqual(descriptions(root.children).filter((_, i) => labels(root.children)[i] === 'onRequest' || labels(root.children)[i] === 'setNotFoundHandler'), ['lifecycle hook · async', undefined]);

    const multi = load('multi-app');
    const tree = pluginsTree(multi.index, 'P');
    assert.deepEqual(labels(tree), ['apps/admin/src/server.ts:6', 'apps/api/src/servers.js:6', 'apps/api/src/servers.js:7']);
    assert.deepEqual(tree.map((n) => n.tooltip!.split('\n')[1]), ['Project: apps/admin', 'Project: apps/api', 'Project: apps/api']);
    assert.deepEqual(descriptions(tree), ['Fastify 5 · 2 routes · 2 contexts', 'Fastify 5 · 2 routes · 2 contexts', 'Fastify 5 · 2 routes · 1 context']);
  });

  it('pluginsTree on broken: external plugins, unknown prefixes, and one Unresolved child per entry', () => {
    const br = load('broken');
    const tree = pluginsTree(br.index, 'P');
    const cors = findRow(tree, (n) => n.label === '@fastify/cors');
    assert.deepEqual([cors.description, cors.icon?.id, cors.contextValue], ['external @fastify/cors', 'library', 'plugin']);
    const env = findRow(tree, (n) => n.label === 'GET {?}/env');
    assert.equal(env.description, 'URL partly unknown');
    const anon = findRow(tree, (n) => (n.children ?? []).includes(env));
    assert.equal(anon.description, '{?} · (prefix partly unknown) · encapsulated');

    const unresolved = tree[tree.length - 1];
    assert.equal(unresolved.id, 'P/unresolved');
    assert.equal(unresolved.label, `Unresolved (${br.graph.unresolved.length})`);
    assert.equal(unresolved.contextValue, 'unresolved');
    assert.equal(unresolved.children!.length, br.graph.unresolved.length);
    unresolved.children!.forEach((row, i) => {
      const u = br.graph.unresolved[i];
      assert.equal(row.id, `P/unresolved/${i}`);
      assert.equal(row.label, u.reason);
      assert.equal(row.span, u.span);
      assert.equal(row.contextValue, 'unresolvedEntry');
    });
    const byReason = (re: RegExp) => unresolved.children!.find((n) => re.test(n.label))!;
    assert.equal(byReason(/^syntax error/).description, 'half-typed.js:7');
    assert.equal(byReason(/not valid UTF-8/).description, 'latin1.js', 'an entry with a file and no span');
    assert.equal(byReason(/^register cycle: plugin 'cycleA'/).description, 'cycle-b.js:5');
  });

  it('row ids are unique across each whole tree, and the route rows are exactly the non-HEAD routes', () => {
    for (const name of [...FIXTURES, 'encapsulation'] as const) {
      const { graph, index } = load(name);
      const expected = graph.apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => routeKey(a, r))).sort();
      const trees: [string, TreeNode[]][] = [
        ['plugins', pluginsTree(index, 'folder')],
        ['routes by prefix', routesTree(index, 'prefix', '', 'folder')],
        ['routes by file', routesTree(index, 'file', '', 'folder')],
      ];
      for (const [what, tree] of trees) {
        const all = rows(tree);
        const ids = all.map((n) => n.id);
        assert.equal(new Set(ids).size, ids.length, `${name} ${what}: duplicate ids ${ids.filter((id, i) => ids.indexOf(id) !== i).join(', ')}`);
        assert.ok(ids.every((id) => id.startsWith('folder/')), `${name} ${what}: ids carry the prefix`);
        const routeRows = all.filter((n) => n.contextValue?.startsWith('route') && n.contextValue !== 'routeGroup');
        assert.deepEqual(routeRows.map((n) => n.routeKey!).sort(), expected, `${name} ${what}: route rows`);
      }
    }
  });

  it('routesTree grouped by prefix', () => {
    const cli = load('cli-autoload-js');
    const [app] = routesTree(cli.index, 'prefix', '', 'R');
    assert.deepEqual([app.id, app.label, app.description, app.contextValue], ['R/app.js:9', 'app.js:9', '14 routes', 'app']);
    assert.deepEqual(labels(app.children), ['/', '/example', '/healthz', '/meta', '/misc', '/users', '/users/inner', '/users/settings']);
    assert.deepEqual(descriptions(app.children), ['2', '1', '1', '1', '1', '5', '1', '2']);
    const slash = app.children![0];
    assert.equal(slash.id, 'R/app.js:9/prefix:/');
    assert.deepEqual(labels(slash.children), ['GET /old-ping', 'GET /']);
    assert.deepEqual(descriptions(slash.children), ['routes/legacy/wrapped.js:7 · no schema · untested', 'routes/root.js:4 · no schema · 1 test']);
    assert.deepEqual(slash.children!.map((n) => n.contextValue), ['route.untested', 'route']);
    const users = app.children![5];
    assert.deepEqual(labels(users.children), ['GET /users', 'POST /users', 'PUT /users/:id', 'DELETE|PATCH /users/:id/x', 'GET /users/m/list']);
    const getUsers = users.children![0];
    assert.equal(getUsers.id, 'R/app.js:9/r0.m61oaq.n6ht9d:0');
    assert.equal(getUsers.routeKey, 'app.js:9#0.m61oaq.n6ht9d:0');
    assert.equal(getUsers.description, 'routes/users/index.js:10 · schema · 1 test');
    assert.equal(getUsers.tooltip, 'GET /users\nAlso serves: /users/\nDeclared with get at routes/users/index.js:10\nSchema: querystring, response 200\nHit by 1 test call');

    const fpd = load('fp-decorators');
    const [fapp] = routesTree(fpd.index, 'prefix', '', 'R');
    assert.deepEqual(labels(fapp.children), ['/', '/admin']);
    assert.deepEqual(descriptions(fapp.children![0].children), ['server.js:12 · schema'], 'no tests in the project: neither a count nor "untested"');
    assert.equal(fapp.children![0].children![0].contextValue, 'route');
  });

  it('routesTree opens the groups of a small app, and of a large one only as far as the filter narrows it', () => {
    const small = routesTree(load('cli-autoload-js').index, 'prefix', '', 'R')[0];
    assert.ok(small.children!.every((g) => g.expanded), '14 routes: groups open');
    // A route table of more routes than EXPAND_GROUPS_UP_TO, in two prefixes.
    const table = (n: number) => Array.from({ length: n }, (_, i) => `  { method: 'GET', url: '/r${i}', handler: async () => ${i} },`).join('\n');
    const dir = writeWorkspace('extension-model-large', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': [
        "const app = require('fastify')()",
        `const a = [\n${table(200)}\n]`,
        `const b = [\n${table(200)}\n]`,
        "app.register(async (f) => { for (const r of a) f.route(r) }, { prefix: '/a' })",
        "app.register(async (f) => { for (const r of b) f.route(r) }, { prefix: '/b' })",
        '',
      ].join('\n'),
    });
    const graph = analyzeWorkspace(dir, createNodeHost());
    assertNoInternalError(graph);
    const index = new GraphIndex(graph);
    const [large] = routesTree(index, 'prefix', '', 'R');
    assert.ok(index.routes.length > EXPAND_GROUPS_UP_TO, `${index.routes.length} routes`);
    assert.deepEqual(labels(large.children), ['/a', '/b']);
    assert.ok(large.expanded && large.children!.every((g) => !g.expanded), 'the app row open, its groups closed');
    const [narrowed] = routesTree(index, 'prefix', '/a/r1', 'R');
    assert.ok(narrowed.children!.every((g) => g.expanded), 'a filter that leaves few routes opens the groups');
  });

  it('routesTree grouped by file: sorted file groups, line numbers in the rows', () => {
    const cli = load('cli-autoload-js');
    const [app] = routesTree(cli.index, 'file', '', 'R');
    assert.deepEqual(labels(app.children), [
      'routes/example/index.js',
      'routes/health/check.js',
      'routes/legacy/wrapped.js',
      'routes/misc/override.js',
      'routes/misc/route-object.js',
      'routes/root.js',
      'routes/users/index.js',
      'routes/users/settings/index.js',
    ]);
    const users = app.children!.find((g) => g.label === 'routes/users/index.js')!;
    assert.equal(users.id, 'R/app.js:9/file:routes/users/index.js');
    assert.equal(users.description, '6');
    assert.deepEqual(labels(users.children), ['GET /users', 'POST /users', 'PUT /users/:id', 'DELETE|PATCH /users/:id/x', 'GET /users/m/list', 'GET /users/inner/deep']);
    assert.deepEqual(descriptions(users.children), [
      'line 10 · schema · 1 test',
      'line 11 · no schema · untested',
      'line 3 · no schema · 1 test',
      'line 4 · no schema · untested',
      'line 7 · no schema · untested',
      'line 14 · no schema · untested',
    ]);
    const multi = load('multi-app');
    assert.deepEqual(routesTree(multi.index, 'file', '', 'R').map((a) => `${a.label}: ${labels(a.children).join(', ')}`), [
      'apps/admin/src/server.ts:6: apps/admin/src/routes/dashboard.ts',
      'apps/api/src/servers.js:6: apps/api/src/servers.js',
      'apps/api/src/servers.js:7: apps/api/src/servers.js',
    ]);
  });

  it('routesTree filter: every whitespace-separated term must match, case-insensitively; no match leaves no app row', () => {
    const cli = load('cli-autoload-js');
    const routeLabels = (nodes: TreeNode[]) => rows(nodes).filter((n) => n.routeKey).map((n) => n.label);
    assert.deepEqual(routeLabels(routesTree(cli.index, 'prefix', 'patch', 'R')), ['DELETE|PATCH /users/:id/x', 'PATCH /users/settings']);
    assert.deepEqual(routeLabels(routesTree(cli.index, 'prefix', '  PATCH   settings ', 'R')), ['PATCH /users/settings']);
    assert.deepEqual(routeLabels(routesTree(cli.index, 'file', 'users/settings', 'R')), ['GET /users/settings', 'PATCH /users/settings'], 'file path');
    assert.deepEqual(routeLabels(routesTree(cli.index, 'prefix', 'route object', 'R')), ['GET /misc/object'], 'via and URL');
    const one = routesTree(cli.index, 'prefix', 'healthz', 'R');
    assert.equal(one.length, 1);
    assert.equal(one[0].description, '1 route');
    assert.deepEqual(routesTree(cli.index, 'prefix', 'healthz nothing-like-this', 'R'), []);
    assert.deepEqual(routesTree(cli.index, 'file', 'zzz', 'R'), []);

    const multi = load('multi-app');
    const products = routesTree(multi.index, 'prefix', 'products', 'R');
    assert.deepEqual(products.map((a) => `${a.label} ${a.description}`), ['apps/api/src/servers.js:6 2 routes'], 'apps without a match are left out');
    assert.equal(routesTree(multi.index, 'prefix', '', 'R').length, 3);

    const tl = load('test-links');
    assert.deepEqual(routeLabels(routesTree(tl.index, 'prefix', 'all', 'R')), ['ALL /any']);
  });

  it('route rows count test calls (test-links), the implicit HEAD request included', () => {
    const tl = load('test-links');
    const [app] = routesTree(tl.index, 'prefix', '', 'R');
    const slash = app.children!.find((g) => g.label === '/')!;
    assert.deepEqual(descriptions(slash.children), [
      'app.js:8 · no schema · 2 tests',
      'app.js:10 · no schema · 2 tests',
      'app.js:11 · no schema · 1 test',
      'app.js:12 · no schema · 2 tests',
      'app.js:13 · no schema · 1 test',
      'app.js:14 · no schema · 1 test',
    ]);
  });
});

describe('extension model: CodeLens titles and hovers', () => {
  it('routeLensTitle: URL, hooks before the handler, schema parts', () => {
    const cli = load('cli-autoload-js');
    const t = (l: Loaded, lbl: string) => routeLensTitle(l.index, routeByLabel(l, lbl));
    assert.equal(t(cli, 'GET /users'), 'GET /users · 1 hook before handler · schema: querystring, response 200');
    assert.equal(t(cli, 'PATCH /users/settings'), 'PATCH /users/settings · 1 hook before handler · schema: body');
    assert.equal(t(cli, 'DELETE|PATCH /users/:id/x'), 'DELETE|PATCH /users/:id/x · 1 hook before handler · no schema');
    const fpd = load('fp-decorators');
    assert.equal(t(fpd, 'GET /admin/users'), 'GET /admin/users · 2 hooks before handler · schema: response 200');
    const multi = load('multi-app');
    assert.equal(t(multi, 'GET /v1/products'), 'GET /v1/products · 0 hooks before handler · no schema');
    const enc = load('encapsulation');
    assert.equal(t(enc, 'GET /child/x'), 'GET /child/x · 11 hooks before handler · no schema');
  });

  it('routeTestsLensTitle counts the test calls of a route', () => {
    const tl = load('test-links');
    assert.equal(routeTestsLensTitle(tl.index.testsOf(routeByLabel(tl, 'GET /users/:id/posts'))), '1 test call');
    assert.equal(routeTestsLensTitle(tl.index.testsOf(routeByLabel(tl, 'POST /users'))), '2 test calls');
    const cli = load('cli-autoload-js');
    assert.equal(routeTestsLensTitle(cli.index.testsOf(routeByLabel(cli, 'GET /healthz'))), 'no tests');
  });

  it('testCallLensTitle: the route a request hits, "+N more" when open, and "no route matches"', () => {
    const tl = load('test-links');
    const inject = tl.index.testCallsIn(file(tl, 'test/inject.test.js'));
    const byLine = (n: number) => inject.find((c) => c.span.line === n)!;
    assert.equal(testCallLensTitle(tl.dir, byLine(12)), '→ POST /users · routes/users.js:5');
    assert.equal(testCallLensTitle(tl.dir, byLine(15)), '→ GET /users/me · routes/users.js:6 (+1 more)');
    assert.equal(testCallLensTitle(tl.dir, byLine(19)), '→ GET /ping · app.js:8');
    assert.equal(testCallLensTitle(tl.dir, byLine(20)), 'no route matches GET /nowhere');
    const cli = load('cli-autoload-js');
    const calls = cli.index.testCallsIn(file(cli, 'test/routes/root.test.js'));
    assert.deepEqual(calls.map((c) => testCallLensTitle(cli.dir, c)), [
      '→ GET / · routes/root.js:4',
      '→ GET /users · routes/users/index.js:10',
      '→ PUT /users/:id · routes/users/index.js:3',
      'no route matches GET /nope',
    ]);
  });

  it('decoratorHover: where it is decorated and whether it is visible here', () => {
    const fpd = load('fp-decorators');
    const adminFile = file(fpd, 'plugins/admin.js');
    assert.equal(
      decoratorHover(fpd.index, adminFile, offsetOf(fpd, 'plugins/admin.js', 'fastify.db', 8), 'db', 'instance'),
      "**db** — Fastify decorator\n\n- `decorate('db')` (object) in the root context — plugins/db.js:6\n\nVisible here (in this context).",
    );
    assert.equal(
      decoratorHover(fpd.index, file(fpd, 'server.js'), offsetOf(fpd, 'server.js', 'request.user', 8), 'user', 'request'),
      "**user** — Fastify decorator\n\n- `decorateRequest('user')` (null) in the root context — plugins/auth.js:6\n\nVisible here (in this context).",
    );
    assert.equal(decoratorHover(fpd.index, adminFile, 0, 'user', 'reply'), undefined, 'no reply decorator of that name');
    assert.equal(decoratorHover(fpd.index, adminFile, 0, 'nothing', undefined), undefined);
    // Top of a plugin file: no context known, so the decorations are listed without a verdict.
    assert.equal(decoratorHover(fpd.index, adminFile, 0, 'db', undefined), "**db** — Fastify decorator\n\n- `decorate('db')` (object) in the root context — plugins/db.js:6");

    const enc = load('encapsulation');
    const sib = file(enc, 'plugins/sibling.js');
    const at = (name: string) => offsetOf(enc, 'plugins/sibling.js', `f.${name}`, 2);
    assert.equal(
      decoratorHover(enc.index, sib, at('onlyChild'), 'onlyChild', 'instance'),
      "**onlyChild** — Fastify decorator\n\n- `decorate('onlyChild')` (function) in plugin 'child' — plugins/child.js:5\n\n" +
        '**Not visible here**: decorated only in contexts this code does not inherit from (encapsulation). Wrap the declaring plugin with `fastify-plugin` or decorate in a parent context.',
    );
    assert.match(decoratorHover(enc.index, sib, at('wrapperOnly'), 'wrapperOnly', 'instance')!, /in plugin 'wrapper' — server\.js:12\n\nVisible in 1 of the 2 registrations of this plugin\.$/);
    assert.match(decoratorHover(enc.index, sib, at('shared'), 'shared', 'instance')!, /\n\nVisible here \(in all 2 registrations of this plugin\)\.$/);
    assert.match(decoratorHover(enc.index, file(enc, 'plugins/child.js'), offsetOf(enc, 'plugins/child.js', 'f.onlyChild()', 2), 'onlyChild', 'instance')!, /\n\nVisible here \(in this context\)\.$/);
  });

  it('routeUrlHover: the URL, what else it serves, and the contexts that made its prefix', () => {
    const cli = load('cli-autoload-js');
    assert.equal(
      routeUrlHover(cli.index, routeByLabel(cli, 'GET /users/inner/deep')),
      [
        '**GET /users/inner/deep**',
        '',
        'Contexts, from the root:',
        '',
        '1. root (app.js:9)',
        '1. `app.js` (app.js:9)',
        '1. `users/index.js` — prefix `/users` (routes/users/index.js:1)',
        '1. `anonymous` — prefix `/users/inner` (routes/users/index.js:14)',
        '',
        'App: app.js:9 · Fastify 5',
      ].join('\n'),
    );
    const hover = routeUrlHover(cli.index, routeByLabel(cli, 'GET /users'));
    assert.match(hover, /^\*\*GET \/users\*\*\n\nAlso serves `\/users\/`\n\nContexts, from the root:\n/);
    const multi = load('multi-app');
    assert.match(routeUrlHover(multi.index, routeByLabel(multi, 'GET /metrics')), /\n1\. root \(apps\/api\/src\/servers\.js:7\)\n\nApp: apps\/api\/src\/servers\.js:7 · Fastify 5$/);
  });
});

describe('extension model: decorator uses and string literals at a cursor', () => {
  /** The character at the n-th character of `needle` in `line`. */
  const at = (line: string, needle: string, n = 0) => {
    const i = line.indexOf(needle);
    assert.ok(i >= 0);
    return i + n;
  };

  it('decoratorUseAt reads object.property and the target the object name implies', () => {
    const cases: [string, string, { object: string; name: string; target?: string }][] = [
      ['  return fastify.db.query()', 'db', { object: 'fastify', name: 'db', target: 'instance' }],
      ['  const u = request.user', 'user', { object: 'request', name: 'user', target: 'request' }],
      ['  const u = req.user', 'user', { object: 'req', name: 'user', target: 'request' }],
      ['  return reply.unauthorized()', 'unauthorized', { object: 'reply', name: 'unauthorized', target: 'reply' }],
      ['  return this.user?.role', 'user', { object: 'this', name: 'user', target: 'instance' }],
      ['  a?.b', 'b', { object: 'a', name: 'b', target: undefined }],
      ['  fastify . spaced', 'spaced', { object: 'fastify', name: 'spaced', target: 'instance' }],
    ];
    for (const [line, prop, want] of cases) {
      const start = at(line, prop === 'b' ? '.b' : prop, prop === 'b' ? 1 : 0);
      for (const c of [start, start + 1, start + prop.length]) {
        const use = decoratorUseAt(line, c);
        assert.deepEqual(use, { ...want, start, end: start + prop.length, target: want.target }, `${line} @${c}`);
      }
    }
    // The object of a nested access is the name right before the dot.
    assert.deepEqual(decoratorUseAt('request.user.role', 13), { object: 'user', name: 'role', start: 13, end: 17, target: undefined });
  });

  it('decoratorUseAt gives nothing on the object name, on a plain identifier, or away from identifiers', () => {
    assert.equal(decoratorUseAt('  return fastify.db', at('  return fastify.db', 'fastify', 2)), undefined, 'on the object');
    assert.equal(decoratorUseAt('  request.user', 2), undefined, 'start of the object');
    assert.equal(decoratorUseAt('const user = 1', at('const user = 1', 'user', 1)), undefined, 'plain identifier');
    assert.equal(decoratorUseAt('  return 1 + 2', 11), undefined, 'no identifier under the cursor');
    assert.equal(decoratorUseAt('', 0), undefined);
  });

  it('stringLiteralAt finds single-, double- and backtick-quoted literals, quotes included in the hit area', () => {
    const line = `app.get('/users', "x", \`/t/\${id}\`)`;
    const single = at(line, "'/users'");
    for (const c of [single, single + 1, single + 4, single + 8]) assert.deepEqual(stringLiteralAt(line, c), { text: '/users', start: single + 1, end: single + 7 }, `@${c}`);
    const dbl = at(line, '"x"');
    assert.deepEqual(stringLiteralAt(line, dbl + 1), { text: 'x', start: dbl + 1, end: dbl + 2 });
    const tick = at(line, '`');
    assert.deepEqual(stringLiteralAt(line, tick + 3), { text: '/t/${id}', start: tick + 1, end: tick + 9 });
    assert.equal(stringLiteralAt(line, 2), undefined, 'on app.get, before any literal');
    assert.equal(stringLiteralAt('const x = 1', 6), undefined, 'no literal on the line');
    assert.deepEqual(stringLiteralAt(`f('it\\'s')`, 4), { text: "it\\'s", start: 3, end: 8 }, 'an escaped quote stays inside');
    assert.deepEqual(stringLiteralAt(`f("it's")`, 4), { text: "it's", start: 3, end: 7 }, 'the other quote inside');
  });
});

describe('extension model: curl', () => {
  it('builds a curl command per method', () => {
    assert.equal(curlCommand('GET', '/users/:id'), "curl -i 'http://localhost:3000/users/:id'");
    assert.equal(curlCommand('HEAD', '/ping'), "curl -I 'http://localhost:3000/ping'");
    assert.equal(curlCommand('POST', '/users'), "curl -i -X POST 'http://localhost:3000/users' -H 'content-type: application/json' -d '{}'");
    assert.equal(curlCommand('PATCH', '/users/1'), "curl -i -X PATCH 'http://localhost:3000/users/1' -H 'content-type: application/json' -d '{}'");
    assert.equal(curlCommand('DELETE', '/users/1'), "curl -i -X DELETE 'http://localhost:3000/users/1'");
    assert.equal(curlCommand('ALL', '/any'), "curl -i 'http://localhost:3000/any'", 'all() answers GET');
    assert.equal(curlCommand('GET', "/it's"), "curl -i 'http://localhost:3000/it'\\''s'", 'a quote in the URL is closed, escaped and reopened');
    assert.equal(curlCommand('GET', 'x', 'http://h:1/'), "curl -i 'http://h:1/x'", 'one slash between base and URL');
  });

  it('gives a command for every route of a real graph', () => {
    const tl = load('test-links');
    const any = routeByLabel(tl, 'ALL /any');
    assert.equal(curlCommand(any.route.methods[0], any.route.url), "curl -i 'http://localhost:3000/any'");
  });
});

describe('extension worker: locate-spans', () => {
  it('lineAndCharacter at line starts, inside lines and at the end of the file', () => {
    const starts = [0, 4, 9]; // "abc\ndefg\nhi"
    assert.deepEqual(lineAndCharacter(starts, 0), [0, 0]);
    assert.deepEqual(lineAndCharacter(starts, 2), [0, 2]);
    assert.deepEqual(lineAndCharacter(starts, 3), [0, 3], 'the newline belongs to its line');
    assert.deepEqual(lineAndCharacter(starts, 4), [1, 0]);
    assert.deepEqual(lineAndCharacter(starts, 6), [1, 2]);
    assert.deepEqual(lineAndCharacter(starts, 9), [2, 0]);
    assert.deepEqual(lineAndCharacter(starts, 11), [2, 2], 'end of file');
    assert.deepEqual(lineAndCharacter([0], 0), [0, 0]);
    assert.deepEqual(lineAndCharacter([0], 7), [0, 7], 'one-line file');
    assert.deepEqual(lineAndCharacter([0, 1, 2, 3], 2), [2, 0], 'empty lines');
  });

  it('locateSpans fills a range on every span of a real graph, consistent with line and with the text', () => {
    for (const name of ['cli-autoload-js', 'test-links', 'broken', 'multi-app'] as const) {
      const root = fs.realpathSync(path.join(__dirname, '..', 'fixtures', name));
      const analyzer = new Analyzer(root, createNodeHost());
      const graph = analyzer.analyze();
      locateSpans(graph, (f) => analyzer.lineStarts(f));
      const spans: Span[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) return v.forEach(walk);
        if (!v || typeof v !== 'object') return;
        const o = v as Record<string, unknown>;
        if (typeof o.file === 'string' && typeof o.start === 'number' && typeof o.end === 'number') spans.push(o as unknown as Span);
        for (const k in o) if (k !== 'range') walk(o[k]);
      };
      walk(graph);
      assert.ok(spans.length > 20, `${name}: spans found`);
      const texts = new Map<string, string[]>();
      for (const s of spans) {
        assert.ok(s.range, `${name}: range on ${where(root, s)}`);
        const [sl, sc, el, ec] = s.range!;
        assert.equal(sl + 1, s.line, `${name}: ${where(root, s)} line`);
        assert.ok(el > sl || (el === sl && ec >= sc), `${name}: ${where(root, s)} ends after it starts`);
        const starts = analyzer.lineStarts(s.file)!;
        assert.equal(starts[sl] + sc, s.start);
        assert.equal(starts[el] + ec, s.end);
        // Against the file's own lines (the fixtures use \n only).
        if (!texts.has(s.file)) texts.set(s.file, fs.readFileSync(s.file, 'latin1').split('\n'));
        const lines = texts.get(s.file)!;
        assert.ok(sc <= lines[sl].length && ec <= lines[el].length, `${name}: ${where(root, s)} within its lines`);
      }
    }
  });

  it('locateSpans leaves spans of files it has no line starts for alone', () => {
    const { graph } = load('fp-decorators');
    const copy = JSON.parse(JSON.stringify(graph)) as WorkspaceGraph;
    locateSpans(copy, () => undefined);
    assert.equal(copy.apps[0].routes[0].span.range, undefined);
    locateSpans(copy, () => [0]);
    const s = copy.apps[0].routes[0].span;
    assert.deepEqual(s.range, [0, s.start, 0, s.end], 'one line start: everything on line 0');
  });
});

describe('extension model: routes added by packages', () => {
  it('lists them under their package, after the app’s own routes, in both groupings', () => {
    const root = fs.realpathSync(path.join(__dirname, '..', 'fixtures', 'ecosystem'));
    const index = new GraphIndex(new Analyzer(root, createNodeHost()).analyze());
    for (const grouping of ['prefix', 'file'] as const) {
      const [app] = routesTree(index, grouping, '', 'k');
      const groups = (app.children ?? []).map((g) => g.label);
      const firstPackage = groups.findIndex((g) => g.startsWith('from '));
      assert.ok(firstPackage > 0, groups.join());
      assert.ok(groups.slice(firstPackage).every((g) => g.startsWith('from ')), groups.join());
      assert.ok(groups.includes('from @fastify/cors') && groups.includes('from @fastify/static'), groups.join());
      const cors = app.children!.find((g) => g.label === 'from @fastify/cors')!;
      assert.deepEqual(cors.children!.map((r) => r.label), ['OPTIONS *']);
      assert.match(cors.children![0].description ?? '', /^registered at app\.js:11/);
    }
    const filtered = routesTree(index, 'prefix', 'static', 'k');
    assert.ok(flattenRows(filtered).some((r) => r.label === 'HEAD|GET /assets/*'));
  });
});

function flattenRows(rows: TreeNode[]): TreeNode[] {
  return rows.flatMap((r) => [r, ...flattenRows(r.children ?? [])]);
}
