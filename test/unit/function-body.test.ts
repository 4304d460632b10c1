import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import type { BodyFacts, Hook, Route, Span, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { allContexts } from '../support/graph-walk';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

function analyze(name: string, files: Record<string, string>): { dir: string; graph: WorkspaceGraph } {
  const dir = writeWorkspace(`body-${name}`, { 'package.json': FASTIFY_PACKAGE, ...files });
  const graph = analyzeWorkspace(dir, createNodeHost());
  assertNoInternalError(graph);
  return { dir, graph };
}

/** The source text at a span. */
const text = (s: Span) => fs.readFileSync(s.file, 'utf8').slice(s.start, s.end);

function route(graph: WorkspaceGraph, url: string, method = 'GET'): Route {
  const r = graph.apps.flatMap((a) => a.routes).find((x) => x.url === url && x.methods.includes(method));
  assert.ok(r, `no route ${method} ${url}`);
  return r;
}
const bodyOf = (graph: WorkspaceGraph, url: string, method = 'GET'): BodyFacts => {
  const b = route(graph, url, method).body;
  assert.ok(b, `no body facts on ${method} ${url}`);
  return b;
};
/** Members as `on.name` (with `(kinds)` when called). */
const members = (b: BodyFacts) => b.members.map((m) => `${m.on}.${m.name}${m.call ? `(${m.call.args.join(',')})` : ''}`);
const hooks = (graph: WorkspaceGraph): Hook[] => allContexts(graph).flatMap((c) => c.hooks);

describe('function body facts', () => {
  it('members on the request, the reply and `this`: renamed params, optional chaining, element access, destructuring, call argument kinds', () => {
    const { graph } = analyze('members', {
      'app.js': [
        "const app = require('fastify')()",
        "app.post('/a', async function (req, rep) {",
        '  const { id, ...rest } = req.params',
        "  const x = req.body.deep?.x + req?.query.q + req['headers'].h + req[name]",
        "  this.db.get(1, 'a', `t${x}`, {}, [], () => 1, function () {}, id, -2)",
        '  rep.code(201).send({ ok: true })',
        '})',
        "app.get('/b', async ({ body, params: { id }, 'headers': h }, { send }) => send(body))",
        "app.get('/c', (request, reply) => { this.nope; reply.header('x', 1).send('s') })",
        "app.route({ method: 'PUT', url: '/d', handler (request) { return this.config } })",
      ].join('\n'),
    });
    const a = bodyOf(graph, '/a', 'POST');
    assert.equal(a.async, true);
    assert.equal(a.requestParam, 'req');
    assert.equal(a.replyParam, 'rep');
    assert.deepEqual(members(a), ['request.params', 'request.body', 'request.query', 'request.headers', 'this.db', 'reply.code(number)']);
    assert.deepEqual(a.members.map((m) => text(m.span)), ['params', 'body', 'query', "'headers'", 'db', 'code']);
    assert.equal(text(a.members[5].call!.span), 'rep.code(201)');
    // `this.db.get(...)`: the member is `db`; the call is on what `db` holds, not on `this`.
    assert.equal(a.members[4].call, undefined);
    const b = bodyOf(graph, '/b');
    assert.equal(b.requestParam, undefined);
    assert.equal(b.replyParam, undefined);
    assert.deepEqual(members(b), ['request.body', 'request.params', 'request.headers', 'reply.send']);
    const c = bodyOf(graph, '/c');
    assert.equal(c.async, false);
    // An arrow function's `this` is not the instance.
    assert.deepEqual(members(c), ['reply.header(string,number)']);
    assert.deepEqual(members(bodyOf(graph, '/d', 'PUT')), ['this.config']);
  });

  it('call argument kinds', () => {
    const { graph } = analyze('args', {
      'app.js': "const app = require('fastify')()\napp.get('/', async (request, reply) => { reply.send(1, -2, 's', `t`, {}, [], () => 1, function () {}, request, null) })\n",
    });
    assert.deepEqual(bodyOf(graph, '/').members[0].call?.args, ['number', 'number', 'string', 'string', 'object', 'object', 'function', 'function', 'other', 'other']);
  });

  it('shadowing: a nested function or block with its own `request` is not the request', () => {
    const { graph } = analyze('shadow', {
      'app.js': [
        "const app = require('fastify')()",
        "app.get('/', async (request, reply) => {",
        '  request.headers',
        '  list.map((request) => request.body)',
        '  list.map(function () { return request.query })',
        '  { const reply = 1; reply.send }',
        '  for (const request of list) request.params',
        '  try {} catch (request) { request.id }',
        '  return reply.send(1)',
        '})',
      ].join('\n'),
    });
    const b = bodyOf(graph, '/');
    assert.deepEqual(members(b), ['request.headers', 'request.query', 'reply.send(number)']);
    assert.deepEqual(b.shadowed.map(text), ['(request) => request.body', '{ const reply = 1; reply.send }', 'for (const request of list) request.params', 'catch (request) { request.id }']);
  });

  it('returns of the function itself, and returns that follow a reply.send statement', () => {
    const { graph } = analyze('returns', {
      'app.js': [
        "const app = require('fastify')()",
        "app.get('/a', async (request, reply) => {",
        "  if (request.query.a) { reply.code(400).send({ error: 'a' }); return }",
        "  if (request.query.b) { await reply.send('b'); return 'again' }",
        '  if (request.query.c) reply.send(1)',
        '  list.forEach(() => { return 1 })',
        '  if (request.query.d) return undefined',
        '  if (request.query.e) return void 0',
        '  return { ok: true }',
        '})',
        "app.get('/b', async (request, reply) => {",
        '  reply.header(\'x\', 1).send(1)',
        '  if (request.query.a) return reply',
        '  if (request.query.b) return reply.send(2)',
        '  for (const x of list) { switch (x) { case 1: return x } }',
        '})',
        "app.get('/c', async (request, reply) => ({ ok: true }))",
        "app.get('/d', (request, reply) => reply.send(1))",
        "app.get('/e', async (request, reply) => { void reply.send(1); return await reply })",
      ].join('\n'),
    });
    const a = bodyOf(graph, '/a');
    assert.deepEqual(a.returnsValue.map(text), ["return 'again'", 'return { ok: true }']);
    assert.deepEqual(a.returnsAfterSend.map((r) => `${text(r.ret)} after ${text(r.send)}`), ["return 'again' after reply.send('b')"]);
    const b = bodyOf(graph, '/b');
    assert.deepEqual(b.returnsValue.map(text), ['return reply', 'return reply.send(2)', 'return x']);
    assert.deepEqual(b.returnsAfterSend.map((r) => text(r.ret)), ['return x']);
    assert.deepEqual(bodyOf(graph, '/c').returnsValue.map(text), ['({ ok: true })']);
    assert.deepEqual(bodyOf(graph, '/d').returnsValue.map(text), ['reply.send(1)']);
    const e = bodyOf(graph, '/e');
    assert.deepEqual(e.returnsValue.map(text), ['return await reply']);
    assert.deepEqual(e.returnsAfterSend, []);
  });

  it('console calls (not a console the module or the function declares)', () => {
    const { graph } = analyze('console', {
      'app.js': [
        "const app = require('fastify')()",
        "app.get('/a', async (request) => { console.log('a'); console.error(request.id); console.table([]); list.map((console) => console.warn(1)) })",
      ].join('\n'),
      'own.js': "const console = require('./logger')\nconst app = require('fastify')()\napp.get('/b', async () => { console.log('b') })\n",
      'logger.js': 'module.exports = { log () {} }\n',
    });
    assert.deepEqual(bodyOf(graph, '/a').consoleCalls.map(text), ["console.log('a')", 'console.error(request.id)']);
    assert.deepEqual(bodyOf(graph, '/b').consoleCalls, []);
  });

  it('blocking calls, resolved through the imports of the file (ESM, CommonJS, node: prefix, aliases); fs/promises and look-alikes are not', () => {
    const { graph } = analyze('blocking', {
      'esm.mjs': [
        "import Fastify from 'fastify'",
        "import fs from 'fs'",
        "import * as cp from 'node:child_process'",
        "import { pbkdf2Sync as derive, randomUUID } from 'node:crypto'",
        "import { readFile } from 'fs/promises'",
        "import { gzipSync } from './local-zlib.mjs'",
        'const app = Fastify()',
        "app.get('/esm', async () => {",
        "  fs.readFileSync('a'); fs['statSync']('b'); fs.promises.readFile('c'); fs.readFile('d', () => {})",
        "  cp.execSync('ls'); derive('p', 's', 1, 32, 'sha256'); randomUUID(); await readFile('e'); gzipSync('f')",
        "  list.map((fs) => fs.readFileSync('g'))",
        '})',
        'export default app',
      ].join('\n'),
      'local-zlib.mjs': 'export function gzipSync () {}\n',
      'cjs.js': [
        "const app = require('fastify')()",
        "const { scryptSync, createHash } = require('crypto')",
        "const zlib = require('node:zlib')",
        "const readJson = require('fs').readFileSync",
        "const fsp = require('fs/promises')",
        "app.get('/cjs', async (request) => {",
        "  scryptSync('p', 's', 64); createHash('sha1'); zlib.inflateSync(request.body); readJson('x'); await fsp.readFile('y')",
        "  require('node:fs').writeFileSync('z', ''); const { existsSync } = require('fs'); existsSync('w')",
        '  function readFileSync () {} readFileSync()',
        '})',
      ].join('\n'),
      'ts.ts': [
        "import fastify from 'fastify'",
        "import fs = require('fs')",
        'const app = fastify()',
        "app.get('/ts', async () => { (fs as any).readdirSync('.') })",
      ].join('\n'),
    });
    const names = (url: string) => bodyOf(graph, url).blockingCalls.map((c) => `${c.name} ${text(c.span)}`);
    assert.deepEqual(names('/esm'), ["fs.readFileSync fs.readFileSync('a')", "fs.statSync fs['statSync']('b')", "child_process.execSync cp.execSync('ls')", "crypto.pbkdf2Sync derive('p', 's', 1, 32, 'sha256')"]);
    assert.deepEqual(names('/cjs'), ["crypto.scryptSync scryptSync('p', 's', 64)", 'zlib.inflateSync zlib.inflateSync(request.body)', "fs.readFileSync readJson('x')", "fs.writeFileSync require('node:fs').writeFileSync('z', '')", "fs.existsSync existsSync('w')"]);
    assert.deepEqual(names('/ts'), ["fs.readdirSync (fs as any).readdirSync('.')"]);
  });

  it('hooks: application and route-level hooks get facts with their roles; a shared handler is walked once', () => {
    const { graph } = analyze('hooks', {
      'app.js': [
        "const app = require('fastify')()",
        "app.addHook('onRequest', async (request, reply) => { console.log(request.url) })",
        "app.addHook('onRequestAbort', async (request) => { request.id })",
        "app.addHook('onClose', async function (instance) { instance.db; this.log })",
        "app.addHook('onRoute', (opts) => { opts.schema })",
        'async function shared (request, reply) { return request.params }',
        "app.get('/one', { preHandler: [async (req) => { req.user }], onSend: async (request, reply, payload) => payload }, shared)",
        "app.get('/two', shared)",
      ].join('\n'),
    });
    const byName = Object.fromEntries(hooks(graph).map((h) => [h.name, h]));
    assert.deepEqual(members(byName.onRequest.body!), ['request.url']);
    assert.equal(byName.onRequest.body!.consoleCalls.length, 1);
    assert.deepEqual(members(byName.onRequestAbort.body!), ['request.id']);
    assert.deepEqual(members(byName.onClose.body!), ['this.log']);
    assert.deepEqual(byName.onRoute.body!.members, []);
    const one = route(graph, '/one');
    assert.deepEqual(one.hooks.map((h) => `${h.name} ${members(h.body!).join(' ')}`), ['preHandler request.user', 'onSend ']);
    assert.deepEqual(one.hooks[1].body!.returnsValue.map(text), ['payload']);
    assert.equal(one.body, route(graph, '/two').body, 'one facts object per function');
    assert.deepEqual(members(one.body!), ['request.params']);
  });

  it('no facts where the handler is not a function known statically; schemaUnknown and schema.partial say when schema parts may be hidden', () => {
    const { graph } = analyze('unknown', {
      'app.js': [
        "const app = require('fastify')()",
        "const { handler, schema } = require('some-package')",
        "app.get('/a', handler)",
        "app.get('/b', { schema }, async () => 1)",
        "app.get('/c', { schema: { ...schema, body: {} } }, async () => 1)",
        "app.get('/d', { schema: { body: {} } }, async () => 1)",
      ].join('\n'),
    });
    assert.equal(route(graph, '/a').body, undefined);
    assert.equal(route(graph, '/b').schemaUnknown, true);
    assert.equal(route(graph, '/c').schemaUnknown, undefined);
    assert.equal(route(graph, '/c').schema?.partial, true);
    assert.equal(route(graph, '/d').schema?.partial, undefined);
    assert.equal(route(graph, '/d').schemaUnknown, undefined);
  });

  it('class controllers (fastify-decorators): route handlers and hooks get facts', () => {
    const graph = analyzeWorkspace(fs.realpathSync(path.join(__dirname, '..', 'fixtures', 'fastify-decorators')), createNodeHost());
    const users = graph.apps.flatMap((a) => a.routes).filter((r) => r.url.startsWith('/users') && !r.implicitHead);
    assert.ok(users.length > 0);
    for (const r of users) assert.ok(r.body, `${r.methods} ${r.url} has facts`);
    assert.ok(hooks(graph).every((h) => h.body), 'every @Hook has facts');
  });
});
