import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits } from '../../src/core/fixes/apply-fixes';
import { fixesOf, type Finding, type TextEdit } from '../../src/core/rules';
import { appJs, check, inject, shown, V4_PACKAGE } from '../support/rule-workspace';

/** Applies every fix's edits of the findings (from the end of each file backwards) and returns the new text of `file`. */
function applyFixes(findings: Finding[], file: string): string {
  const edits: TextEdit[] = findings.flatMap((f) => (fixesOf(f) ?? []).flatMap((x) => x.edits)).filter((e) => e.file === file);
  return applyEdits(fs.readFileSync(file, 'utf8'), edits);
}

const ROUTES = [
  "app.get('/redirect', async (request, reply) => reply.redirect(301, '/new'))",
  "app.get('/new', async () => 'new')",
  "app.get('/socket', async (req) => ({ socket: typeof req.connection }))",
  "app.get('/config', { config: { tag: 't' } }, async (request) => ({ tag: request.routeConfig && request.routeConfig.tag, url: request.routerPath }))",
  "app.get('/time', async (request, reply) => ({ t: typeof reply.getResponseTime() }))",
  "app.get('/hijack', (request, reply) => { reply.sent = true; reply.raw.end('raw') })",
];

describe('rules: v5-migration', () => {
  it('Fastify 5: each v4 form is reported, fails as the migration guide says, and its fix makes it work', () => {
    // Strict mode (as in ES modules and classes): assigning a getter-only property throws.
    const { dir, findings } = check('v5-migration', { 'app.js': `'use strict'\n${appJs('fastify', ROUTES)}` });
    const v5 = findings.filter((f) => f.code === 'v5-migration');
    assert.deepEqual(shown(dir, v5).map((s) => s.replace(/^v5-migration error app\.js:/, '')), [
      '5 redirect',
      '7 connection',
      '8 routeConfig',
      '8 routeConfig',
      '8 routerPath',
      '9 getResponseTime',
      '10 sent',
    ]);
    // The v4 forms on real Fastify 5: 500, undefined properties, a TypeError, a throwing setter.
    const before = inject(dir, ['GET /redirect', 'GET /socket', 'GET /config', 'GET /time', 'GET /hijack']);
    assert.match(before[0], /^500 .*FST_ERR_BAD_STATUS_CODE/);
    assert.equal(before[1], '200 {"socket":"undefined"}');
    assert.equal(before[2], '200 {}');
    assert.match(before[3], /^500 .*getResponseTime is not a function/);
    assert.match(before[4], /^500 .*(Cannot set property sent|which has only a getter)/);
    // Every finding has one safe fix; applied, the same requests work.
    assert.ok(v5.every((f) => fixesOf(f)?.length === 1 && fixesOf(f)![0].safe));
    const appFile = path.join(dir, 'app.js');
    fs.writeFileSync(appFile, applyFixes(v5, appFile));
    const fixed = fs.readFileSync(appFile, 'utf8');
    assert.match(fixed, /reply\.redirect\('\/new', 301\)/);
    assert.match(fixed, /request\.routeOptions\.config && request\.routeOptions\.config\.tag, url: request\.routeOptions\.url/);
    assert.match(fixed, /reply\.hijack\(\); reply\.raw\.end/);
    const after = inject(dir, ['GET /redirect', 'GET /socket', 'GET /config', 'GET /time', 'GET /hijack']);
    assert.deepEqual(after.slice(0, 4), ['301 ', '200 {"socket":"object"}', '200 {"tag":"t","url":"/config"}', '200 {"t":"number"}']);
    assert.equal(after[4], '200 raw');
    assert.deepEqual(check('v5-migration-fixed', { 'app.js': fixed }).findings.filter((f) => f.code === 'v5-migration'), []);
  });

  it('listen(port, host, cb) and setDefaultRoute(): reported; the listen fix is the options form', () => {
    const server = [
      "const fastify = require('fastify')",
      'const app = fastify()',
      "app.get('/', async () => 'hi')",
      'app.setDefaultRoute((req, res) => { res.end() })',
      "app.listen(3000, '0.0.0.0', (err) => { if (err) throw err })",
      '',
    ].join('\n');
    const { dir, findings } = check('v5-migration-listen', { 'server.js': server });
    assert.deepEqual(shown(dir, findings).map((s) => s.split(' ').slice(0, 3).join(' ')), ['v5-migration error server.js:4', 'v5-migration error server.js:5']);
    const file = path.join(dir, 'server.js');
    assert.match(applyFixes(findings, file), /app\.listen\(\{ port: 3000, host: '0\.0\.0\.0' \}, \(err\) => \{ if \(err\) throw err \}\)/);
  });

  it('response shorthand on Fastify 5 is reported: the response goes out unfiltered', () => {
    const routes = ["app.get('/u', { schema: { response: { 200: { name: { type: 'string' } } } } }, async () => ({ name: 'x', secret: 1 }))"];
    const { dir, findings } = check('v5-migration-shorthand', { 'app.js': appJs('fastify', routes) });
    assert.deepEqual(shown(dir, findings).map((s) => s.split(' ').slice(0, 3).join(' ')), ['v5-migration error app.js:4']);
    assert.deepEqual(inject(dir, ['GET /u']), ['200 {"name":"x","secret":1}']);
  });

  it('stays silent: the v5 forms, Fastify 4 projects, names the app decorates itself, run-time argument kinds', () => {
    const v5ok = [
      "app.get('/a', async (request, reply) => reply.redirect('/b', 301))",
      "app.get('/b', async (request, reply) => ({ s: typeof request.socket, t: reply.elapsedTime >= 0, c: request.routeOptions.config }))",
      "app.decorateRequest('context', null)",
      "app.get('/c', async (request) => ({ c: request.context }))",
      "app.get('/d', { schema: { response: { 200: { type: 'object', properties: { name: { type: 'string' } } } } } }, async () => ({ name: 'x' }))",
      "app.get('/e', async (request, reply) => reply.redirect(request.query.to))",
    ];
    const ok = check('v5-migration-ok', { 'app.js': appJs('fastify', v5ok), 'server.js': "const app = require('fastify')()\napp.listen({ port: Number(process.env.PORT) || 3000 })\napp.listen(process.env.PORT)\n" });
    assert.deepEqual(ok.findings.filter((f) => f.code === 'v5-migration'), []);
    assert.deepEqual(inject(ok.dir, ['GET /a', 'GET /d']), ['301 ', '200 {"name":"x"}']);
    const v4 = check('v5-migration-v4', { 'app.js': appJs('fastify', ROUTES) }, V4_PACKAGE);
    assert.deepEqual(v4.findings.filter((f) => f.code === 'v5-migration'), []);
  });
});

describe('rules: v5-migration, names every object has', () => {
  it('is silent on request and reply members inherited from Object (hasOwnProperty, toString), which Fastify 5 keeps', () => {
    const routes = ["app.get('/own', async (request, reply) => ({ has: request.hasOwnProperty('body'), s: typeof reply.toString() }))"];
    const { dir, findings } = check('v5-migration', { 'app.js': appJs('fastify', routes) });
    assert.deepEqual(findings.filter((f) => f.code === 'v5-migration'), []);
    assert.equal(inject(dir, ['GET /own'])[0], '200 {"has":true,"s":"string"}');
  });
});
