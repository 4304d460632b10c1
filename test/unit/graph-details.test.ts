import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import type { Span } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';
import { allContexts } from '../support/graph-walk';

const fixture = (name: string) => {
  const dir = fs.realpathSync(path.join(__dirname, '..', 'fixtures', name));
  return { dir, graph: analyzeWorkspace(dir, createNodeHost()) };
};
/** The source text a span covers, to check spans against the code rather than against numbers. */
const textOf = (s: Span) => fs.readFileSync(s.file, 'utf8').slice(s.start, s.end);
const contexts = allContexts;

describe('graph details beyond method and URL', () => {
  it('points schema parts at the object that defines them, in another module when imported', () => {
    const { dir, graph } = fixture('helpers-and-tables');
    const post = graph.apps[0].routes.find((r) => r.url === '/table/users' && r.methods.includes('POST'))!;
    assert.equal(path.relative(dir, post.span.file), 'routes/table.js');
    assert.match(textOf(post.span), /^\{\s+method: 'POST',/);
    assert.equal(path.relative(dir, post.schema!.body!.span.file), 'schemas/user.js');
    assert.match(textOf(post.schema!.body!.span), /^\{\s+type: 'object',\s+properties: \{ name:/);
    assert.deepEqual(post.schema!.response, ['201', '4xx']);
    const put = graph.apps[0].routes.find((r) => r.url === '/table/users/:id')!;
    assert.deepEqual(Object.keys(put.schema!).filter((k) => k !== 'span').sort(), ['headers', 'params']);
    assert.deepEqual(put.hooks.map((h) => h.name), ['onRequest']);
    assert.match(textOf(put.hooks[0].span), /^async \(request\) => \{ request.log.info/, 'the hook function where it is defined');
  });

  it('records $ref schema parts and where shared schemas are added', () => {
    const { graph } = fixture('fp-decorators');
    const root = graph.apps[0].root;
    assert.deepEqual(root.schemas.map((s) => s.id), ['user']);
    const me = graph.apps[0].routes.find((r) => r.url === '/me')!;
    assert.deepEqual(me.schema?.response, ['200']);
  });

  it('keeps fastify-plugin metadata, decorator kinds and hook styles in the context where they run', () => {
    const { graph } = fixture('fp-decorators');
    const root = graph.apps[0].root;
    const auth = root.plugins.find((p) => p.name === 'auth')!;
    assert.deepEqual(auth.meta, { name: 'auth', fastify: '5.x', dependencies: ['db'], decorators: { fastify: ['db'] } });
    assert.deepEqual(
      root.decorators.map((d) => `${d.target}.${d.name}:${d.valueKind}`),
      ['instance.db:object', 'instance.dbReady:getter', 'request.user:null', 'request.isAdmin:function', 'reply.unauthorized:function', 'request.requestCount:primitive'],
    );
    assert.deepEqual(root.hooks.map((h) => `${h.name}:${h.kind}:${h.style}:${h.params}`), [
      'onClose:application:async:1',
      'onReady:application:callback:1',
      'onRequest:lifecycle:async:1',
      'preHandler:lifecycle:callback:3',
    ]);
    const admin = root.children.find((c) => c.name === 'admin')!;
    assert.equal(admin.prefix, '/admin');
    assert.equal(admin.errorHandlers.length, 1);
    assert.deepEqual(admin.contentTypeParsers.map((p) => p.contentTypes), [['application/x-admin']]);
    assert.equal(root.notFoundHandlers.length, 1);
  });

  it('gives autoloaded plugins their file, and fastify-plugin files no context of their own', () => {
    const { dir, graph } = fixture('cli-autoload-js');
    const all = contexts(graph);
    const users = all.find((c) => c.name === 'users/index.js')!;
    assert.equal(path.relative(dir, users.file!), 'routes/users/index.js');
    assert.equal(users.prefix, '/users');
    assert.ok(!all.some((c) => c.name === 'legacy/wrapped.js'), 'fp-wrapped routes file makes no context');
    const appPlugin = all.find((c) => c.name === 'app.js')!;
    assert.ok(appPlugin.plugins.some((p) => p.name === 'legacy/wrapped.js'));
  });

  it('says what it could not follow, with a span on the code', () => {
    const { dir, graph } = fixture('broken');
    const byReason = (re: RegExp) => graph.unresolved.find((u) => re.test(u.reason));
    const env = byReason(/prefix of plugin .*process\.env\.API_PREFIX/)!;
    assert.equal(path.relative(dir, env.span!.file), 'server.js');
    assert.match(textOf(env.span!), /^register\(async \(f\)/, "from the method name to the end of the call");
    assert.ok(byReason(/^syntax error/)?.span);
    assert.ok(byReason(/register cycle: plugin 'cycleA'/));
    assert.ok(byReason(/register cycle: @fastify\/autoload of auto/));
    // @fastify/cors and @fastify/helmet are modelled (src/core/packages): analysed, no 'not analysed' entry.
    assert.ok(!byReason(/'@fastify\/cors' is not analysed/));
  });
});

describe('declaration spans', () => {
  it('starts each call of a chain at its own method name', () => {
    const dir = writeWorkspace('chained', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp\n  .get('/a', async () => 1)\n  .post('/b', async () => 2)\n  .register(async function child (f) { f.get('/c', async () => 3) })\n",
    });
    const g = analyzeWorkspace(dir, createNodeHost());
    assertNoInternalError(g);
    const spans = g.apps[0].routes.filter((r) => !r.implicitHead).map((r) => `${r.url}:${r.span.line}:${textOf(r.span).slice(0, 5)}`);
    assert.deepEqual(spans, ['/a:3:get(\'', '/b:4:post(', '/c:5:get(\'']);
    assert.equal(g.apps[0].root.children[0].span.line, 5);
  });
});

describe('declarations under run-time conditions', () => {
  it('marks routes, plugins and what they declare as conditional; known conditions are followed exactly', () => {
    const dir = writeWorkspace('conditional', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': [
        "const app = require('fastify')()",
        "const fp = require('fastify-plugin')",
        'function devRoutes (f) { f.get(\'/debug\', async () => 1) }',
        "if (process.env.NODE_ENV !== 'production') {",
        "  app.get('/dev', async () => 1)",
        '  devRoutes(app)',
        "  app.register(async function docs (f) { f.get('/', async () => 1) }, { prefix: '/docs' })",
        "  app.register(fp(async function metrics (f) { f.decorate('metrics', {}); f.get('/metrics', async () => 1) }))",
        '}',
        "if (1 + 1 === 3) app.get('/never', async () => 1)",
        "app.get('/always', async () => 1)",
      ].join('\n'),
    });
    const g = analyzeWorkspace(dir, createNodeHost());
    assertNoInternalError(g);
    const routes = g.apps[0].routes.filter((r) => !r.implicitHead).map((r) => `${r.url}${r.conditional ? ' ?' : ''}`);
    assert.deepEqual(routes, ['/dev ?', '/debug ?', '/always', '/docs ?', '/metrics ?']);
    const root = g.apps[0].root;
    assert.equal(root.children[0].conditional, true);
    assert.equal(root.plugins[0].conditional, true);
    assert.equal(root.decorators[0].conditional, true);
  });
});
