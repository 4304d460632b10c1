import * as assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../src/core/analyze';
import type { AppGraph, Context, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, writeWorkspace } from '../support/temp-workspace';

/** Where apps start (src/core/link/roots.ts): factories through aliases, wrappers, fastify-decorators. */

const PKG = (deps: Record<string, string> = {}) => JSON.stringify({ name: 'roots-app', dependencies: { fastify: '^5.0.0', ...deps } });

function analyze(name: string, files: Record<string, string>): WorkspaceGraph {
  const dir = writeWorkspace(`roots-${name}`, files);
  const graph = analyzeWorkspace(dir, createNodeHost());
  assertNoInternalError(graph, name);
  return graph;
}

const routes = (app: AppGraph) => app.routes.filter((r) => !r.implicitHead).map((r) => `${r.methods.join(',')} ${r.url}`);
const onlyApp = (g: WorkspaceGraph) => {
  assert.equal(g.apps.length, 1, `one app; unresolved: ${g.unresolved.map((u) => u.reason).join(' | ')}`);
  return g.apps[0];
};
const contexts = (c: Context): Context[] => [c, ...c.children.flatMap(contexts)];

describe('where apps start (roots.ts)', () => {
  describe('the factory through an alias or a condition', () => {
    it('`const f = fastify ? fastify : _fastify` in a factory nobody calls', () => {
      const g = analyze('ternary', {
        'package.json': PKG(),
        'app.js': [
          "const _fastify = require('fastify')",
          'function build (opts, fastify) {',
          '  const f = fastify ? fastify : _fastify',
          '  const app = f(opts)',
          "  app.get('/t', async () => 'ok')",
          '  return app',
          '}',
          'module.exports = build',
        ].join('\n'),
      });
      const app = onlyApp(g);
      assert.equal(app.entry.line, 4, 'the app starts at f(opts)');
      assert.deepEqual(routes(app), ['GET /t']);
    });

    it('`const create = opts.fastify ?? Fastify; create()`', () => {
      const g = analyze('nullish', {
        'package.json': PKG(),
        'server.mjs': [
          "import Fastify from 'fastify'",
          'export function make (opts = {}) {',
          '  const create = opts.fastify ?? Fastify',
          '  const app = create()',
          "  app.get('/n', async () => 'ok')",
          '  return app',
          '}',
        ].join('\n'),
      });
      assert.deepEqual(routes(onlyApp(g)), ['GET /n']);
    });

    it('`custom || Fastify` at a module top level', () => {
      const g = analyze('or-top', {
        'package.json': PKG(),
        'server.mjs': ["import Fastify from 'fastify'", 'const app = (globalThis.custom || Fastify)()', "app.get('/o', async () => 'ok')"].join('\n'),
      });
      assert.deepEqual(routes(onlyApp(g)), ['GET /o']);
    });

    it("`const { default: Fastify } = await import('fastify')` in an uncalled async factory", () => {
      const g = analyze('dynamic-import', {
        'package.json': PKG(),
        'server.mjs': [
          'export async function build () {',
          "  const { default: Fastify } = await import('fastify')",
          '  const app = Fastify()',
          "  app.get('/d', async () => 'ok')",
          '  return app',
          '}',
        ].join('\n'),
      });
      const app = onlyApp(g);
      assert.equal(app.entry.line, 3);
      assert.deepEqual(routes(app), ['GET /d']);
    });

    it('a condition between two values that are not the factory stays unknown: no app is invented', () => {
      const g = analyze('no-factory', {
        'package.json': PKG(),
        'server.js': ["const fastify = require('fastify')", 'const f = process.env.A ? require("./a") : require("./b")', 'module.exports = { f, fastify }'].join('\n'),
        'a.js': 'module.exports = () => {}',
        'b.js': 'module.exports = () => {}',
      });
      assert.equal(g.apps.length, 0);
    });
  });

  describe('@fastify/restartable', () => {
    it('restartable(createApp) runs createApp with the factory: the app starts at its fastify(opts), with the restart decorators', () => {
      const g = analyze('restartable', {
        'package.json': PKG({ '@fastify/restartable': '^3.0.0' }),
        'server.mjs': [
          "import { restartable } from '@fastify/restartable'",
          'async function createApp (fastify, opts) {',
          '  const app = fastify(opts)',
          "  app.get('/r', async () => 'ok')",
          '  return app',
          '}',
          'const app = await restartable(createApp, { logger: true })',
          "app.get('/after', async () => 'ok')",
        ].join('\n'),
      });
      const app = onlyApp(g);
      assert.equal(app.entry.line, 3);
      assert.deepEqual(routes(app), ['GET /r', 'GET /after'], 'routes on the proxy land on the app');
      assert.deepEqual(app.root.decorators.map((d) => `${d.name}:${d.valueKind}:${d.span.line}`), [
        'restart:function:3', 'addPreRestartHook:function:3', 'addOnRestartHook:function:3', 'restarted:getter:3', 'persistentRef:getter:3', 'closingRestartable:getter:3',
      ]);
      assert.deepEqual(app.root.hooks.map((h) => h.name), ['preClose']);
    });

    it('a factory that is not known statically is an unresolved entry', () => {
      const g = analyze('restartable-unknown', {
        'package.json': PKG({ '@fastify/restartable': '^3.0.0' }),
        'server.js': ["const { restartable } = require('@fastify/restartable')", 'restartable(globalThis.make)'].join('\n'),
      });
      assert.equal(g.apps.length, 0);
      assert.ok(g.unresolved.some((u) => /@fastify\/restartable: the app factory is not known statically/.test(u.reason)));
    });
  });

  describe('fastify-decorators', () => {
    const files = {
      'package.json': PKG({ 'fastify-decorators': '^3.16.0' }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { experimentalDecorators: true, module: 'commonjs' } }),
      'src/server.ts': [
        "import Fastify from 'fastify'",
        "import { bootstrap } from 'fastify-decorators'",
        "import { join } from 'node:path'",
        "import { Items } from './items'",
        'const app = Fastify()',
        "app.register(bootstrap, { directory: join(__dirname, 'ctl'), mask: /\\.ctl\\./, controllers: [Items], prefix: '/api' })",
      ].join('\n'),
      'src/items.ts': [
        "import { Controller, GET, POST, Hook } from 'fastify-decorators'",
        "@Controller({ route: '/items' })",
        'export class Items {',
        '  @GET()',
        '  async list () { return [] }',
        '',
        "  @POST('/:id', { schema: { params: { type: 'object' } } })",
        '  async create () { return {} }',
        '',
        "  @Hook('onRequest')",
        '  async auth () {}',
        '}',
      ].join('\n'),
      'src/ctl/users.ctl.ts': ["import { Controller, GET } from 'fastify-decorators'", "@Controller('/users')", 'export default class Users {', "  @GET('/me')", '  me () { return {} }', '}'].join('\n'),
      'src/ctl/users.controller.ts': ["import { Controller, GET } from 'fastify-decorators'", "@Controller('/skipped')", 'export default class Skipped {', "  @GET('/')", '  x () { return {} }', '}'].join('\n'),
    };

    it('bootstrap: directory (by mask) first, then the list; each @Controller its own plugin under options.prefix + route; routes at their methods', () => {
      const g = analyze('fastify-decorators', files);
      const app = onlyApp(g);
      assert.deepEqual(routes(app), ['GET /api/users/me', 'GET /api/items', 'POST /api/items/:id']);
      const byUrl = new Map(app.routes.map((r) => [r.url, r]));
      assert.equal(byUrl.get('/api/items')!.span.line, 4, 'the route is declared at its decorated method');
      assert.equal(byUrl.get('/api/items/:id')!.span.line, 7);
      assert.ok(byUrl.get('/api/items/:id')!.schema?.params, 'options (schema) are the route options');
      const items = contexts(app.root).find((c) => c.name === 'Items')!;
      assert.equal(items.prefix, '/api/items');
      assert.deepEqual(items.hooks.map((h) => `${h.name}:${h.span.line}`), ['onRequest:10'], "a @Hook is in the controller's context");
      assert.ok(app.root.plugins.some((p) => p.name === 'fastifyDecorators'), 'bootstrap is fastify-plugin wrapped');
      assert.ok(app.root.decorators.some((d) => d.name === 'symbol:fastify-decorators.class-loader'));
    });

    it('a listed class with no @Controller is an unresolved entry (bootstrap throws at run time)', () => {
      const g = analyze('fastify-decorators-broken', {
        ...files,
        'src/server.ts': ["import Fastify from 'fastify'", "import { bootstrap } from 'fastify-decorators'", 'class Plain {}', 'const app = Fastify()', 'app.register(bootstrap, { controllers: [Plain] })'].join('\n'),
      });
      assert.equal(onlyApp(g).routes.length, 0);
      assert.ok(g.unresolved.some((u) => /class Plain has no @Controller/.test(u.reason)));
    });
  });

  describe('no app found', () => {
    it('names the candidate files it looked at', () => {
      const g = analyze('no-app', {
        'package.json': PKG(),
        'src/server.js': ["const fastify = require('fastify')", 'module.exports = { fastify }'].join('\n'),
        'src/other.js': 'module.exports = 1',
      });
      assert.equal(g.apps.length, 0);
      const u = g.unresolved.find((x) => /no fastify\(\) call or root plugin found/.test(x.reason));
      assert.ok(u, 'an unresolved entry says why');
      assert.match(u.reason, /looked at src\/server\.js/);
      assert.doesNotMatch(u.reason, /other\.js/);
      assert.equal(u.file, `${g.root}/package.json`);
    });

    it('says when no file imports fastify at all', () => {
      const g = analyze('no-app-empty', { 'package.json': PKG(), 'index.js': 'module.exports = 1' });
      assert.ok(g.unresolved.some((x) => /no file of this project imports fastify/.test(x.reason)));
    });

    it('says nothing when the project has an app', () => {
      const g = analyze('has-app', { 'package.json': PKG(), 'index.js': "require('fastify')().get('/', () => 'ok')" });
      assert.equal(g.apps.length, 1);
      assert.ok(!g.unresolved.some((x) => /no fastify\(\) call/.test(x.reason)));
    });
  });
});
