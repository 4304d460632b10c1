import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { cliSeverities, RULES, runRules, runRulesDetailed } from '../../src/core/rules';
import { routerPattern } from '../../src/core/rules/duplicate-route';
import { closest } from '../../src/core/rules/rule-utils';
import { listFixtures } from '../support/runtime-routes';
import { appJs, boot, check, shown, V4_PACKAGE } from '../support/rule-workspace';
import { FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

describe('rules', () => {
  describe('duplicate-route', () => {
    it('same method and URL after a prefix, param names ignored; the message names the boot error', () => {
      const { dir, findings } = check('dup', {
        'app.js': appJs('fastify', [
          "app.get('/users/:id', async () => 1)",
          "app.register(async (f) => { f.get('/:name', async () => 2) }, { prefix: '/users' })",
        ]),
      });
      assert.deepEqual(shown(dir, findings), ["duplicate-route error app.js:5 get('/:name', async () => 2)"]);
      assert.match(findings[0].message, /GET \/users\/:name is already declared as \/users\/:id at line 4: Fastify throws FST_ERR_DUPLICATED_ROUTE/);
      assert.equal(findings[0].related?.[0].span.line, 4);
      assert.equal(boot(dir), 'FST_ERR_DUPLICATED_ROUTE');
    });

    it('all() clashes with any method; Fastify 5: an explicit HEAD after a GET clashes with its HEAD twin, before it does not', () => {
      const { dir, findings } = check('dup-all', {
        'app.js': appJs('fastify', ["app.all('/any', async () => 1)", "app.post('/any', async () => 2)"]),
      });
      assert.deepEqual(shown(dir, findings), ["duplicate-route error app.js:5 post('/any', async () => 2)"]);
      assert.equal(boot(dir), 'FST_ERR_DUPLICATED_ROUTE');
      const after = check('dup-head-after', { 'app.js': appJs('fastify', ["app.get('/h', async () => 3)", "app.head('/h', async () => 4)"]) });
      assert.deepEqual(shown(after.dir, after.findings), ["duplicate-route error app.js:5 head('/h', async () => 4)"]);
      assert.match(after.findings[0].message, /HEAD route Fastify 5 adds for the GET at line 4/);
      assert.equal(boot(after.dir), 'FST_ERR_DUPLICATED_ROUTE');
      const before = check('dup-head-before', { 'app.js': appJs('fastify', ["app.head('/h', async () => 4)", "app.get('/h', async () => 3)"]) });
      assert.deepEqual(before.findings, []);
      assert.equal(boot(before.dir), 'ok');
    });

    it('Fastify 4: an explicit HEAD after a GET takes the place of the twin (silent, boots)', () => {
      const v4 = check('dup-head-v4', { 'app.js': appJs('fastify', ["app.get('/h', async () => 3)", "app.head('/h', async () => 4)"]) }, V4_PACKAGE);
      assert.deepEqual(v4.findings, []);
      fs.writeFileSync(path.join(v4.dir, 'app.js'), appJs('fastify4', ["app.get('/h', async () => 3)", "app.head('/h', async () => 4)"]));
      assert.equal(boot(v4.dir), 'ok');
    });

    it('a route a modelled package adds counts', () => {
      const { dir, findings } = check('dup-pkg', {
        'app.js': "const app = require('fastify')()\napp.register(require('@fastify/cors'))\napp.options('*', async () => 1)\n",
      }, JSON.stringify({ name: 'p', dependencies: { fastify: '^5.0.0', '@fastify/cors': '^11.0.0' } }));
      assert.deepEqual(shown(dir, findings), ["duplicate-route error app.js:2 register(require('@fastify/cors'))"]);
      // The plugin loads after the body that registers it (avvio), so its route is the second one.
      assert.match(findings[0].message, /^OPTIONS \* \(from @fastify\/cors\) is already declared at line 3/);
    });

    it('stays silent: different methods, different regexes, conditional routes, URLs not known statically', () => {
      const { findings } = check('dup-silent', {
        'app.js': appJs('fastify', [
          "app.get('/a', async () => 1)",
          "app.post('/a', async () => 1)",
          "app.get('/n/:id(^\\\\d+$)', async () => 1)",
          "app.get('/n/:id(^[a-z]+$)', async () => 1)",
          "if (process.env.A) app.get('/c', async () => 1)",
          "else app.get('/c', async () => 2)",
          "app.get(process.argv[2], async () => 1)",
          "app.get(process.argv[3], async () => 1)",
        ]),
      });
      assert.deepEqual(findings, []);
    });

    it('the router pattern ignores param names only', () => {
      assert.equal(routerPattern('/u/:id/x/:a-:b'), routerPattern('/u/:name/x/:c-:d'));
      assert.notEqual(routerPattern('/u/:id(\\d+)'), routerPattern('/u/:id([a-z]+)'));
      assert.notEqual(routerPattern('/u::a'), routerPattern('/u::b'));
    });
  });

  describe('unknown-hook', () => {
    it('reports the name and suggests the closest; Fastify 5 rejects it at boot', () => {
      const { dir, findings } = check('hook', { 'app.js': appJs('fastify', ["app.addHook('onRequests', async () => {})"]) });
      assert.deepEqual(shown(dir, findings), ["unknown-hook error app.js:4 'onRequests'"]);
      assert.match(findings[0].message, /did you mean 'onRequest'\?/);
      assert.equal(boot(dir), 'FST_ERR_HOOK_NOT_SUPPORTED');
    });
    it('stays silent on every real hook name, and suggests nothing for a far name', () => {
      const names = ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse', 'onTimeout', 'onError', 'onRequestAbort', 'onRoute', 'onRegister', 'onReady', 'onListen', 'preClose', 'onClose'];
      const { findings } = check('hook-ok', { 'app.js': appJs('fastify', names.map((n) => `app.addHook('${n}', function () {})`)) });
      assert.deepEqual(findings, []);
      assert.equal(closest('completelyDifferent', names), undefined);
    });
  });

  describe('async-hook-with-done', () => {
    it('an async hook with done: the message claims the boot error only where addHook throws', () => {
      const { dir, findings } = check('async-done', {
        'app.js': appJs('fastify', [
          'app.addHook(\'onRequest\', async (request, reply, done) => {})',
          'app.addHook(\'onSend\', async (request, reply, payload, done) => payload)',
          'app.addHook(\'onClose\', async (instance, done) => {})',
        ]),
      });
      assert.deepEqual(shown(dir, findings), [
        'async-hook-with-done error app.js:4 async (request, reply, done) => {}',
        'async-hook-with-done error app.js:5 async (request, reply, payload, done) => payload',
        'async-hook-with-done error app.js:6 async (instance, done) => {}',
      ]);
      assert.deepEqual(findings.map((f) => /FST_ERR_HOOK_INVALID_ASYNC_HANDLER/.test(f.message)), [true, true, false]);
      assert.equal(boot(dir), 'FST_ERR_HOOK_INVALID_ASYNC_HANDLER');
      // onClose(instance, done) alone: addHook does not throw (the doc's blind spot), so the message does not claim it.
      const onClose = writeWorkspace('rules-async-done-onclose', { 'package.json': FASTIFY_PACKAGE, 'app.js': appJs('fastify', ["app.addHook('onClose', async (instance, done) => {})"]) });
      assert.equal(boot(onClose), 'ok');
    });
    it('stays silent: async without done, callback style with done, TypeScript `this` parameter', () => {
      const { findings } = check('async-ok', {
        'app.ts': [
          "import fastify from 'fastify'",
          'const app = fastify()',
          "app.addHook('onRequest', async (request, reply) => {})",
          "app.addHook('preHandler', (request, reply, done) => done())",
          "app.addHook('onSend', async function (this: unknown, request: unknown, reply: unknown, payload: unknown) { return payload })",
          "app.addHook('onReady', async () => {})",
        ].join('\n'),
      });
      assert.deepEqual(findings, []);
    });
  });

  describe('decorator-reference-type', () => {
    it('Fastify 5: error, confirmed at boot', () => {
      const { dir, findings } = check('dec-ref', { 'app.js': appJs('fastify', ["app.decorateRequest('user', {})", "app.decorateReply('list', [])"]) });
      assert.deepEqual(shown(dir, findings), ["decorator-reference-type error app.js:4 decorateRequest('user', {})", "decorator-reference-type error app.js:5 decorateReply('list', [])"]);
      assert.match(findings[0].message, /FST_ERR_DEC_REFERENCE_TYPE/);
      assert.equal(boot(dir), 'FST_ERR_DEC_REFERENCE_TYPE');
    });
    it('Fastify 4: a warning (shared across requests), and it boots', () => {
      const { dir, findings } = check('dec-ref-v4', { 'app.js': appJs('fastify4', ["app.decorateRequest('user', {})"]).replace("require('fastify4')", "require('fastify')") }, V4_PACKAGE);
      assert.deepEqual(shown(dir, findings), ["decorator-reference-type warning app.js:4 decorateRequest('user', {})"]);
      assert.match(findings[0].message, /shared by every request/);
      fs.writeFileSync(path.join(dir, 'app.js'), appJs('fastify4', ["app.decorateRequest('user', {})"]));
      assert.equal(boot(dir), 'ok');
    });
    it('stays silent: null, primitives, functions, getters, objects on the instance', () => {
      const { dir, findings } = check('dec-ok', {
        'app.js': appJs('fastify', ["app.decorateRequest('user', null)", "app.decorateRequest('n', 0)", "app.decorateReply('f', function () {})", "app.decorateRequest('g', { getter () { return {} } })", "app.decorate('config', { a: 1 })"]),
      });
      assert.deepEqual(findings, []);
      assert.equal(boot(dir), 'ok');
    });
  });

  describe('duplicate-decorator', () => {
    it('the same name twice in one context (an fp plugin included), a parent request value shadowed, a v5 built-in field: confirmed at boot', () => {
      const same = check('dupdec-same', { 'app.js': appJs('fastify', ["app.decorate('db', 1)", "app.register(require('fastify-plugin')(async (f) => { f.decorate('db', 2) }))"]) });
      assert.deepEqual(shown(same.dir, same.findings), ["duplicate-decorator error app.js:5 decorate('db', 2)"]);
      assert.match(same.findings[0].message, /already decorated in this context at line 4: Fastify throws FST_ERR_DEC_ALREADY_PRESENT/);
      assert.equal(boot(same.dir), 'FST_ERR_DEC_ALREADY_PRESENT');
      const value = check('dupdec-value', { 'app.js': appJs('fastify', ["app.decorateRequest('user', null)", "app.register(async (f) => { f.decorateRequest('user', null) })"]) });
      assert.deepEqual(shown(value.dir, value.findings), ["duplicate-decorator error app.js:5 decorateRequest('user', null)"]);
      assert.equal(boot(value.dir), 'FST_ERR_DEC_ALREADY_PRESENT');
      const builtin = check('dupdec-builtin', { 'app.js': appJs('fastify', ["app.decorateRequest('body', null)"]) });
      assert.deepEqual(shown(builtin.dir, builtin.findings), ["duplicate-decorator error app.js:4 decorateRequest('body', null)"]);
      assert.equal(boot(builtin.dir), 'FST_ERR_DEC_ALREADY_PRESENT');
    });
    it('stays silent: a child shadowing an instance or a request function decorator, other targets, conditional declarations (and it boots)', () => {
      const { dir, findings } = check('dupdec-ok', {
        'app.js': appJs('fastify', [
          "app.decorate('db', 1)",
          "app.decorateRequest('fn', function () {})",
          "app.decorateReply('db', null)",
          "app.register(async (f) => { f.decorate('db', 2); f.decorateRequest('fn', function () {}) })",
          "app.decorate('flag', 1)",
          "if (process.env.NOPE) app.decorate('flag', 2)",
        ]),
      });
      assert.deepEqual(findings, []);
      assert.equal(boot(dir), 'ok');
    });
  });

  describe('missing-plugin-dependency', () => {
    const fpApp = (body: string[]) => appJs('fastify', ["const fp = require('fastify-plugin')", ...body]);
    it('a dependency registered after it: the error at load, confirmed at boot', () => {
      const { dir, findings } = check('mpd-dep', {
        'app.js': fpApp(["app.register(fp(async () => {}, { name: 'routes', dependencies: ['db'] }))", "app.register(fp(async () => {}, { name: 'db' }))"]),
      });
      assert.deepEqual(shown(dir, findings), ["missing-plugin-dependency error app.js:5 register(fp(async () => {}, { name: 'routes', dependencies: ['db'] }))"]);
      assert.match(findings[0].message, /depends on 'db', which is registered only after it .*line 6.*FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED/);
      assert.equal(boot(dir), 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED');
    });
    it('a required decorator only in a sibling context: FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE at boot', () => {
      const { dir, findings } = check('mpd-dec', {
        'app.js': fpApp(["app.register(async (f) => { f.decorateRequest('user', null) })", "app.register(fp(async () => {}, { name: 'auth', decorators: { request: ['user'], fastify: ['log'] } }))"]),
      });
      assert.deepEqual(shown(dir, findings), ["missing-plugin-dependency error app.js:6 register(fp(async () => {}, { name: 'auth', decorators: { request: ['user'], fastify: ['log'] } }))"]);
      assert.match(findings[0].message, /request decorator 'user'.*FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE/);
      assert.equal(boot(dir), 'FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE');
    });
    it('a parent\'s decorator counts when it comes before the child on the way down loads (declaration orders are per context): after an awaited register it does not (both booted)', () => {
      const inner = "async (f) => { f.register(fp(async () => {}, { name: 'needs-db', decorators: { fastify: ['db'] } })) }";
      const awaited = check('mpd-awaited', { 'app.js': fpApp([`app.register(async (outer) => { await outer.register(${inner}); outer.decorate('db', 1) })`]) });
      assert.deepEqual(shown(awaited.dir, awaited.findings).map((s) => s.split(' ').slice(0, 3).join(' ')), ['missing-plugin-dependency error app.js:5']);
      assert.match(awaited.findings[0].message, /instance decorator 'db'/);
      assert.equal(boot(awaited.dir), 'FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE');
      const queued = check('mpd-queued', { 'app.js': fpApp([`app.register(async (outer) => { outer.register(${inner}); outer.decorate('db', 1) })`]) });
      assert.deepEqual(queued.findings, []);
      assert.equal(boot(queued.dir), 'ok');
    });
    it('stays silent: registered and decorated before it (own or parent context), built-in names, an unanalysed package in the app', () => {
      const ok = check('mpd-ok', {
        'app.js': fpApp([
          "app.decorate('db', 1)",
          "app.register(fp(async () => {}, { name: 'db-plugin' }))",
          "app.register(async (f) => { f.register(fp(async () => {}, { name: 'routes', dependencies: ['db-plugin'], decorators: { fastify: ['db', 'log'], request: ['body'] } })) })",
        ]),
      });
      assert.deepEqual(ok.findings, []);
      assert.equal(boot(ok.dir), 'ok');
      const ext = check('mpd-ext', {
        'app.js': fpApp(["app.register(require('some-unknown-plugin'))", "app.register(fp(async () => {}, { name: 'routes', dependencies: ['db'], decorators: { fastify: ['db'] } }))"]),
      });
      assert.deepEqual(ext.findings, []);
      // …and the log says why it stayed silent.
      const notes = runRulesDetailed(analyzeWorkspace(ext.dir, createNodeHost()), cliSeverities()).notes;
      const note = notes.find((n) => n.id === 'missing-plugin-dependency');
      assert.match(note?.message ?? '', /not checked: \d+ unresolved entr(y|ies) could hide a plugin or decorator it depends on \(first at .*app\.js:\d+: .*some-unknown-plugin/);
    });
  });

  describe('unknown-schema-ref', () => {
    it('a $ref to an $id added only in a child context: FST_ERR_SCH_VALIDATION_BUILD at ready', () => {
      const { dir, findings } = check('usr', {
        'app.js': appJs('fastify', [
          "app.register(async (f) => { f.addSchema({ $id: 'user', type: 'object' }) })",
          "app.post('/u', { schema: { body: { $ref: 'user#' }, querystring: { $ref: 'nope#/properties/x' }, response: { 200: { type: 'object' } } } }, async () => 1)",
        ]),
      });
      assert.deepEqual(shown(dir, findings), [
        "unknown-schema-ref error app.js:5 { $ref: 'user#' }",
        "unknown-schema-ref error app.js:5 { $ref: 'nope#/properties/x' }",
      ]);
      assert.match(findings[0].message, /the one at line 4 is in a context this route cannot see.*FST_ERR_SCH_VALIDATION_BUILD/);
      assert.equal(boot(dir), 'FST_ERR_SCH_VALIDATION_BUILD');
    });
    it('stays silent: $id added in a parent (even after the route), pointers into it, local refs; unknown $id', () => {
      const { dir, findings } = check('usr-ok', {
        'app.js': appJs('fastify', [
          "app.register(async (f) => { f.post('/u', { schema: { body: { $ref: 'user#' }, params: { $ref: 'user#/properties/p' }, response: { 200: { type: 'object' } } } }, async () => 1) })",
          "app.addSchema({ $id: 'user', type: 'object', properties: { p: { type: 'object' } } })",
          "app.post('/l', { schema: { body: { $ref: '#/definitions/x', definitions: { x: { type: 'object' } } }, response: { 200: { type: 'object' } } } }, async () => 1)",
        ]),
      });
      assert.deepEqual(findings, []);
      assert.equal(boot(dir), 'ok');
      const unknownId = check('usr-unknown', { 'app.js': appJs('fastify', ['app.addSchema({ $id: process.env.ID, type: \'object\' })', "app.post('/u', { schema: { body: { $ref: 'user#' }, response: { 200: {} } } }, async () => 1)"]) });
      assert.deepEqual(unknownId.findings, []);
    });
  });

  describe('missing-response-schema', () => {
    it('a hint on a route without schema.response; not on its HEAD twin, not on package routes, off in the CLI unless asked', () => {
      const { dir } = check('mrs', {
        'app.js': appJs('fastify', ["app.get('/a', async () => 1)", "app.get('/b', { schema: { response: { 200: { type: 'number' } } } }, async () => 1)", "app.register(require('@fastify/cors'))"]),
      }, JSON.stringify({ name: 'p', dependencies: { fastify: '^5.0.0', '@fastify/cors': '^11.0.0' } }));
      const graph = analyzeWorkspace(dir, createNodeHost());
      assert.deepEqual(shown(dir, runRules(graph)), ["missing-response-schema hint app.js:4 get('/a', async () => 1)"]);
      assert.deepEqual(runRules(graph, cliSeverities()), []);
      const { main } = require('../../src/cli/main') as typeof import('../../src/cli/main');
      let text = '';
      assert.equal(main(['check', dir], (s) => (text += s), () => {}), 0);
      assert.doesNotMatch(text, /missing-response-schema/);
      text = '';
      assert.equal(main(['check', dir, '--rule', 'missing-response-schema=warning'], (s) => (text += s), () => {}), 0);
      assert.match(text, /app\.js:4:\d+ warning missing-response-schema GET \/a has no response schema/);
      assert.equal(main(['check', dir, '--rule', 'nope=hint'], () => {}, () => {}), 2);
    });
  });

  describe('runRules', () => {
    it('user severities override the defaults; off turns a rule off', () => {
      const dir = writeWorkspace('rules-sev', { 'package.json': FASTIFY_PACKAGE, 'app.js': appJs('fastify', ["app.addHook('onReqest', async () => {})", "app.decorateRequest('u', {})"]) });
      const graph = analyzeWorkspace(dir, createNodeHost());
      assert.deepEqual(runRules(graph).map((f) => `${f.code} ${f.severity}`), ['unknown-hook error', 'decorator-reference-type error']);
      assert.deepEqual(runRules(graph, { 'unknown-hook': 'hint', 'decorator-reference-type': 'off' }).map((f) => `${f.code} ${f.severity}`), ['unknown-hook hint']);
    });
    it('a rule that throws is skipped, never thrown', () => {
      const broken = { ...RULES[0], check: () => { throw new Error('boom') } };
      const rules = RULES as unknown as typeof RULES[number][];
      const saved = rules[0];
      rules[0] = broken;
      try {
        assert.deepEqual(runRules({ root: '/', apps: [], unresolved: [], files: 0, testCalls: [] }), []);
      } finally {
        rules[0] = saved;
      }
    });
    it('every fixture app: no error- or warning-level finding (broken included: it gives none)', () => {
      for (const f of listFixtures()) {
        const graph = analyzeWorkspace(fs.realpathSync(f.dir), createNodeHost());
        const loud = runRules(graph).filter((x) => x.severity === 'error' || x.severity === 'warning');
        assert.deepEqual(loud.map((x) => `${x.code} ${x.span.file}:${x.span.line} ${x.message}`), [], f.name);
      }
    });
  });
});
