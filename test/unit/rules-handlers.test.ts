import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { cliSeverities, fixesOf, runRules, runRulesDetailed, type Finding } from '../../src/core/rules';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

/** Findings and notes of one rule, at its default severity (also for the rules off in the CLI). */
function check(rule: string, name: string, files: Record<string, string>): { dir: string; findings: Finding[]; notes: { id: string; message: string }[] } {
  const dir = writeWorkspace(`rules-handlers-${name}`, { 'package.json': FASTIFY_PACKAGE, ...files });
  const graph = analyzeWorkspace(dir, createNodeHost());
  assertNoInternalError(graph);
  const r = runRulesDetailed(graph, {}, (f) => fs.readFileSync(f, 'utf8'));
  return { dir, findings: r.findings.filter((f) => f.code === rule), notes: r.notes.filter((n) => n.id === rule) };
}

/** `code severity file:line <source text at the span>` for each finding. */
function shown(dir: string, findings: Finding[]): string[] {
  return findings.map((f) => `${f.code} ${f.severity} ${path.relative(dir, f.span.file)}:${f.span.line} ${fs.readFileSync(f.span.file, 'utf8').slice(f.span.start, f.span.end)}`);
}

/** An app.js exporting a build() (so the same file is analysed and booted). */
const appJs = (body: string[], head: string[] = []) => ["const fastify = require('fastify')", ...head, 'function build (opts) {', '  const app = fastify(opts)', ...body.map((l) => `  ${l}`), '  return app', '}', 'module.exports = build', ''].join('\n');

/**
 * Boots app.js with real fastify in a child process, injects GET `url` and prints the status,
 * the body and the codes/messages logged at warn and above.
 */
function injectLogs(dir: string, url: string): { status: number; body: string; logs: string[] } {
  const script = `
    const logs = []
    const stream = { write: (s) => { const l = JSON.parse(s); if (l.level >= 40) logs.push((l.err && l.err.code) || l.msg) } }
    const app = require('./app.js')({ logger: { level: 'warn', stream } })
    app.inject(${JSON.stringify(url)}).then((r) => setTimeout(() => { console.log(JSON.stringify({ status: r.statusCode, body: r.body, logs })); process.exit(0) }, 50), (e) => { console.log(JSON.stringify({ error: e.message })); process.exit(0) })`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', timeout: 30000 });
  return JSON.parse(r.stdout.trim().split('\n').pop() || JSON.stringify({ error: r.stderr }));
}

describe('handler rules', () => {
  describe('async-handler-send-and-return', () => {
    it('a value returned after reply.send(): dropped, and real Fastify logs FST_ERR_REP_ALREADY_SENT', () => {
      const { dir, findings } = check('async-handler-send-and-return', 'send-return', {
        'app.js': appJs([
          "app.get('/a', async (request, reply) => {",
          '  reply.code(201).send({ first: 1 })',
          '  return { second: 2 }',
          '})',
        ]),
      });
      assert.deepEqual(shown(dir, findings), ['async-handler-send-and-return warning app.js:6 return { second: 2 }']);
      assert.match(findings[0].message, /already sent the reply \(line 5\).*FST_ERR_REP_ALREADY_SENT/);
      assert.equal(findings[0].related?.[0].span.line, 5);
      const booted = injectLogs(dir, '/a');
      assert.deepEqual(booted, { status: 201, body: '{"first":1}', logs: ['FST_ERR_REP_ALREADY_SENT'] });
    });

    it('stays silent where Fastify is quiet: return reply, return reply.send(), a bare return, a send on another path; a hijacked reply (confirmed at boot)', () => {
      const { dir, findings } = check('async-handler-send-and-return', 'send-return-ok', {
        'app.js': appJs([
          "app.get('/reply', async (request, reply) => { reply.send(1); return reply })",
          "app.get('/chain', async (request, reply) => { reply.header('x', 1); return reply.code(202).send(2) })",
          "app.get('/bare', async (request, reply) => { if (request.query.a) { reply.send(3); return } return 4 })",
          "app.get('/branch', async (request, reply) => { if (request.query.a) reply.send(5); else return 6 })",
          "app.get('/hijack', async (request, reply) => { reply.hijack(); reply.raw.end('9'); return 10 })",
          "app.get('/callback', async (request, reply) => { setImmediate(() => reply.send(11)); await new Promise((r) => setTimeout(r, 5)); return reply })",
        ]),
      });
      assert.deepEqual(findings, []);
      for (const url of ['/reply', '/chain', '/bare', '/branch', '/callback']) {
        assert.deepEqual(injectLogs(dir, url).logs, [], url);
      }
    });

    it('a sync handler returning a value after send is left alone (the rule is about async handlers), though Fastify sends a sync value too', () => {
      const { dir, findings } = check('async-handler-send-and-return', 'send-return-sync', { 'app.js': appJs(["app.get('/sync', (request, reply) => { reply.send(7); return 8 })"]) });
      assert.deepEqual(findings, []);
      // lib/handle-request.js: a sync handler's value that is not undefined is sent as well (Fastify 3, 4 and 5).
      assert.deepEqual(injectLogs(dir, '/sync'), { status: 200, body: '7', logs: ['FST_ERR_REP_ALREADY_SENT'] });
    });

    it('a handler shared by routes (and its HEAD twin) is reported once', () => {
      const { findings } = check('async-handler-send-and-return', 'send-return-shared', {
        'app.js': appJs(["async function h (request, reply) { await reply.send(1); return 2 }", "app.get('/x', h)", "app.post('/y', h)"]),
      });
      assert.deepEqual(findings.map((f) => `${f.code} ${f.span.line}`), ['async-handler-send-and-return 4']);
    });
  });

  describe('blocking-call-in-handler', () => {
    it('*Sync calls of fs, child_process, crypto and zlib in handlers and request hooks, resolved through imports', () => {
      const { dir, findings } = check('blocking-call-in-handler', 'blocking', {
        'app.mjs': [
          "import Fastify from 'fastify'",
          "import { readFileSync } from 'node:fs'",
          "import * as cp from 'child_process'",
          "import crypto from 'crypto'",
          'const app = Fastify()',
          "app.addHook('onRequest', async (request) => { crypto.pbkdf2Sync('p', 's', 1, 32, 'sha256') })",
          "app.addHook('onReady', async () => { readFileSync('boot-time-is-fine') })",
          "app.get('/a', { preHandler: async () => { cp.execSync('ls') } }, async () => readFileSync('x', 'utf8'))",
          "app.get('/b', async () => { const { gzipSync } = await import('node:zlib'); return 1 })",
          'export default app',
        ].join('\n'),
      });
      assert.deepEqual(shown(dir, findings), [
        "blocking-call-in-handler warning app.mjs:6 crypto.pbkdf2Sync('p', 's', 1, 32, 'sha256')",
        "blocking-call-in-handler warning app.mjs:8 cp.execSync('ls')",
        "blocking-call-in-handler warning app.mjs:8 readFileSync('x', 'utf8')",
      ]);
      assert.match(findings[0].message, /crypto\.pbkdf2Sync\(\) in a 'onRequest' hook blocks the event loop/);
      assert.match(findings[2].message, /fs\.readFileSync\(\) in a handler .*fs\/promises' readFile\(\)/);
    });

    it('stays silent: fs/promises, callbacks, a local function named like a sync one, package routes; a warning in the CLI too', () => {
      const { findings } = check('blocking-call-in-handler', 'blocking-ok', {
        'app.js': appJs([
          "app.get('/a', async () => { await fsp.readFile('x'); fs.readFile('y', () => {}); return readFileSync() })",
          "app.register(require('@fastify/static'), { root: __dirname })",
        ], ["const fsp = require('fs/promises')", "const fs = require('fs')", 'function readFileSync () { return 1 }']),
      });
      assert.deepEqual(findings, []);
      const cli = check('blocking-call-in-handler', 'blocking-cli', { 'app.js': appJs(["app.get('/', async () => require('fs').readdirSync('.'))"]) });
      assert.deepEqual(runRules(analyzeWorkspace(cli.dir, createNodeHost()), cliSeverities()).map((f) => `${f.code} ${f.severity}`), ['blocking-call-in-handler warning']);
    });
  });

  describe('missing-schema', () => {
    it('reads of request.body / query / params without the schema part, one hint per route at its declaration', () => {
      const { dir, findings } = check('missing-schema', 'missing-schema', {
        'app.js': appJs([
          "app.post('/users/:id', async ({ body, params }) => [body, params.id])",
          "app.put('/items/:id', { schema: { body: { type: 'object' }, params: { type: 'object' } } }, async (request) => [request.body, request.params.id, request.query.q])",
          "app.get('/list', { schema: { query: { type: 'object' } } }, async (request) => [request.query.page, request.params, request.body])",
          "app.route({ method: 'PATCH', url: '/p', handler: async (req) => req.body.x })",
        ]),
      });
      assert.deepEqual(shown(dir, findings), [
        "missing-schema hint app.js:4 post('/users/:id', async ({ body, params }) => [body, params.id])",
        "missing-schema hint app.js:5 put('/items/:id', { schema: { body: { type: 'object' }, params: { type: 'object' } } }, async (request) => [request.body, request.params.id, request.query.q])",
        "missing-schema hint app.js:7 route({ method: 'PATCH', url: '/p', handler: async (req) => req.body.x })",
      ]);
      assert.match(findings[0].message, /^POST \/users\/:id: the handler reads request\.body \(line 4\), request\.params \(line 4\) but the route has no schema\.body, schema\.params/);
      assert.match(findings[1].message, /reads request\.query \(line 5\) but the route has no schema\.querystring/);
      assert.deepEqual(findings[0].related?.map((r) => r.message), ['request.body read here', 'request.params read here']);
    });

    it('stays silent: schema not known statically or partly unknown, an onRoute hook; off in the CLI', () => {
      const { findings, notes } = check('missing-schema', 'missing-schema-silent', {
        'app.js': appJs([
          "app.post('/a', { schema: shared }, async (request) => request.body)",
          "app.post('/b', { schema: { ...shared, response: {} } }, async (request) => request.body)",
        ], ["const { shared } = require('./schemas')"]),
        'schemas.js': 'module.exports = { shared: JSON.parse(process.env.SCHEMA) }\n',
      });
      assert.deepEqual(findings, []);
      assert.equal(notes.filter((n) => n.id === 'missing-schema').length, 2);
      const hooked = check('missing-schema', 'missing-schema-onroute', {
        'app.js': appJs(["app.addHook('onRoute', (o) => { o.schema = { body: {} } })", "app.post('/a', async (request) => request.body)"]),
      });
      assert.deepEqual(hooked.findings, []);
      assert.match(hooked.notes.find((n) => n.id === 'missing-schema')?.message ?? '', /onRoute hook .* may add schemas/);
      const cli = check('missing-schema', 'missing-schema-cli', { 'app.js': appJs(["app.post('/a', async (request) => request.body)"]) });
      assert.equal(runRules(analyzeWorkspace(cli.dir, createNodeHost())).filter((f) => f.code === 'missing-schema').length, 1);
      assert.deepEqual(runRules(analyzeWorkspace(cli.dir, createNodeHost()), cliSeverities()), []);
    });
  });

  describe('use-request-log', () => {
    it('console.* in handlers and lifecycle hooks, with an editor-only fix to the request logger', () => {
      const { dir, findings } = check('use-request-log', 'request-log', {
        'app.js': appJs([
          "app.addHook('onRequest', async (req) => { console.info('in', req.url) })",
          "app.addHook('onClose', async () => { console.log('bye') })",
          "app.get('/a', async (request) => { console.log('a'); console.error(new Error('x')); list.map((request) => console.warn(request)); return 1 })",
          "app.get('/b', async ({ query }) => { console.debug(query) })",
        ]),
      });
      assert.deepEqual(shown(dir, findings), [
        "use-request-log hint app.js:4 console.info('in', req.url)",
        "use-request-log hint app.js:6 console.log('a')",
        "use-request-log hint app.js:6 console.error(new Error('x'))",
        'use-request-log hint app.js:6 console.warn(request)',
        'use-request-log hint app.js:7 console.debug(query)',
      ]);
      const fixed = findings.map((f) => fixesOf(f)?.map((x) => `${x.title} safe=${x.safe} ${x.edits.map((e) => `${fs.readFileSync(e.file, 'utf8').slice(e.start, e.end)}→${e.newText}`).join()}`).join() ?? '');
      assert.deepEqual(fixed, [
        'Use req.log.info safe=false console.info→req.log.info',
        'Use request.log.info safe=false console.log→request.log.info',
        'Use request.log.error safe=false console.error→request.log.error',
        '', // `request` is redeclared by the callback around it
        '', // no request parameter name
      ]);
      // The fixed app boots and the calls log through the request logger.
      let text = fs.readFileSync(path.join(dir, 'app.js'), 'utf8');
      for (const f of [...findings].reverse()) for (const e of fixesOf(f)?.[0]?.edits ?? []) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
      fs.writeFileSync(path.join(dir, 'app.js'), text.replace('list.map', '[].map'));
      const booted = injectLogs(dir, '/a');
      assert.equal(booted.status, 200);
      assert.deepEqual(booted.logs, ['x']);
    });

    it('off in the CLI unless asked', () => {
      const { dir } = check('use-request-log', 'request-log-cli', { 'app.js': appJs(["app.get('/a', async (request) => { console.log('a') })"]) });
      assert.deepEqual(runRules(analyzeWorkspace(dir, createNodeHost()), cliSeverities()), []);
    });
  });
});
