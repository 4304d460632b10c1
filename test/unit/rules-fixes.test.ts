import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import { applyEdits } from '../../src/core/fixes/apply-fixes';
import { addImport, indentUnit, insertAfterStatement, moduleStyle } from '../../src/core/fixes/text-edits';
import { createNodeHost } from '../../src/core/node-host';
import { cliSeverities, fixesOf, runRules, type Finding, type Fix } from '../../src/core/rules';
import { appJs, boot } from '../support/rule-workspace';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

const V4_PACKAGE = JSON.stringify({ name: 'tmp-app', dependencies: { fastify: '^4.0.0' } });

/** Analyses a temp workspace with the analysed text given to the rules, as the CLI and the worker do. */
function check(name: string, files: Record<string, string>, pkg = FASTIFY_PACKAGE): { dir: string; findings: Finding[] } {
  const dir = writeWorkspace(`fixes-${name}`, { 'package.json': pkg, ...files });
  const analyzer = new Analyzer(dir, createNodeHost());
  const graph = analyzer.analyze();
  assertNoInternalError(graph);
  return { dir, findings: runRules(graph, cliSeverities(), (f) => analyzer.source(f)) };
}

/** The file's text with one fix applied (all its edits are in that file). */
function applied(fix: Fix): string {
  const file = fix.edits[0].file;
  assert.ok(fix.edits.every((e) => e.file === file));
  return applyEdits(fs.readFileSync(file, 'utf8'), fix.edits);
}

/** Writes the fixed text back (to boot it). */
function write(fix: Fix): void {
  fs.writeFileSync(fix.edits[0].file, applied(fix));
}

const titles = (f: Finding) => (fixesOf(f) ?? []).map((x) => `${x.title}${x.safe ? ' (safe)' : ''}${x.preferred ? ' (preferred)' : ''}`);

describe('quick fixes of the rules', () => {
  describe('unknown-hook', () => {
    it('renames the literal to the suggestion (safe, preferred); the fixed app boots', () => {
      const { dir, findings } = check('hook', { 'app.js': appJs('fastify', ["app.addHook('onRequests', async (request) => {})", 'app.addHook(`preHandlr`, async () => {})']) });
      assert.deepEqual(findings.map(titles), [["Rename to 'onRequest' (safe) (preferred)"], ["Rename to 'preHandler' (safe) (preferred)"]]);
      assert.equal(boot(dir), 'FST_ERR_HOOK_NOT_SUPPORTED');
      assert.match(applied(fixesOf(findings[0])![0]), /app\.addHook\('onRequest', async \(request\) => \{\}\)/);
      assert.match(applied(fixesOf(findings[1])![0]), /app\.addHook\(`preHandler`, async \(\) => \{\}\)/);
      write(fixesOf(findings[0])![0]);
      write(fixesOf(check('hook', { 'app.js': fs.readFileSync(path.join(dir, 'app.js'), 'utf8') }).findings[0])![0]);
      assert.equal(boot(dir), 'ok');
    });
    it('offers nothing when the name is not a literal in the call, or nothing is close', () => {
      const { findings } = check('hook-var', { 'app.js': appJs('fastify', ["const name = 'onRequests'", 'app.addHook(name, async () => {})', "app.addHook('somethingElse', async () => {})"]) });
      assert.equal(findings.length, 2);
      assert.deepEqual(findings.map(titles), [[], []]);
    });
  });

  describe('async-hook-with-done', () => {
    it('an unused done goes (safe): arrow, function, a bare arrow parameter, TypeScript types; each fixed hook boots', () => {
      const { dir, findings } = check('done-unused', {
        'app.js': appJs('fastify', [
          "app.addHook('onRequest', async (request, reply, done) => {})",
          "app.addHook('onSend', async function (request, reply, payload, done) { return payload })",
          "app.addHook('onReady', async done => {})",
          "app.addHook('preClose', async (done,) => {})",
        ]),
      });
      assert.deepEqual(findings.map(titles), [1, 2, 3, 4].map(() => ['Remove the unused `done` parameter (safe) (preferred)']));
      let text = fs.readFileSync(path.join(dir, 'app.js'), 'utf8');
      text = applyEdits(text, findings.flatMap((f) => fixesOf(f)![0].edits));
      assert.match(text, /'onRequest', async \(request, reply\) => \{\}/);
      assert.match(text, /'onSend', async function \(request, reply, payload\) \{ return payload \}/);
      assert.match(text, /'onReady', async \(\) => \{\}/);
      assert.match(text, /'preClose', async \(\) => \{\}/);
      assert.equal(boot(dir), 'FST_ERR_HOOK_INVALID_ASYNC_HANDLER');
      fs.writeFileSync(path.join(dir, 'app.js'), text);
      assert.equal(boot(dir), 'ok');
      assert.deepEqual(check('done-unused', { 'app.js': text }).findings, []);
    });
    it('a called done without await: removing async is offered (not safe), and the hook then runs as a callback hook', () => {
      const { dir, findings } = check('done-called', {
        'app.js': appJs('fastify', [
          "app.addHook('onRequest', async (request, reply, done) => { request.seen = true; done() })",
          "app.get('/', async (request) => ({ seen: request.seen }))",
        ]),
      });
      assert.deepEqual(findings.map(titles), [['Remove `async` (keep the `done` callback)']]);
      write(fixesOf(findings[0])![0]);
      assert.match(fs.readFileSync(path.join(dir, 'app.js'), 'utf8'), /app\.addHook\('onRequest', \(request, reply, done\) => \{ request\.seen = true; done\(\) \}\)/);
      assert.equal(boot(dir, "const r = await app.inject('/'); console.log(r.body)"), '{"seen":true}');
    });
    it('a done used with await in the body: no fix (neither form keeps the meaning)', () => {
      const { findings } = check('done-await', { 'app.js': appJs('fastify', ["app.addHook('onRequest', async (request, reply, done) => { await Promise.resolve(); done() })"]) });
      assert.equal(findings.length, 1);
      assert.deepEqual(findings.map(titles), [[]]);
    });
  });

  describe('decorator-reference-type', () => {
    it('null + an onRequest hook on the same instance, indented like the call (not safe); every request gets its own value', () => {
      const { dir, findings } = check('dec', {
        'app.js': [
          "const fastify = require('fastify')",
          'function build () {',
          '    const app = fastify();',
          "    app.decorateRequest('user', { name: 'anonymous', roles: [] });",
          "    app.decorateReply('list', [",
          '        1,',
          '    ]);',
          "    app.get('/', async (request, reply) => { request.user.roles.push('x'); reply.list.push(2); return { roles: request.user.roles, list: reply.list } });",
          '    return app;',
          '}',
          'module.exports = build;',
          '',
        ].join('\n'),
      });
      assert.deepEqual(findings.map(titles), [['Use null and set a fresh value in an onRequest hook'], ['Use null and set a fresh value in an onRequest hook']]);
      const text = applyEdits(fs.readFileSync(path.join(dir, 'app.js'), 'utf8'), findings.flatMap((f) => fixesOf(f)![0].edits));
      assert.equal(
        text.split('\n').slice(3, 15).join('\n'),
        [
          "    app.decorateRequest('user', null);",
          "    app.addHook('onRequest', async (request) => {",
          "        request.user = { name: 'anonymous', roles: [] }",
          '    });',
          "    app.decorateReply('list', null);",
          "    app.addHook('onRequest', async (request, reply) => {",
          '        reply.list = [',
          '            1,',
          '        ]',
          '    });',
          "    app.get('/', async (request, reply) => { request.user.roles.push('x'); reply.list.push(2); return { roles: request.user.roles, list: reply.list } });",
          '    return app;',
        ].join('\n'),
      );
      assert.equal(boot(dir), 'FST_ERR_DEC_REFERENCE_TYPE');
      fs.writeFileSync(path.join(dir, 'app.js'), text);
      assert.equal(boot(dir, "await app.inject('/'); const r = await app.inject('/'); console.log(r.body)"), '{"roles":["x"],"list":[1,2]}', 'the second request starts from fresh values');
      assert.deepEqual(check('dec', { 'app.js': text }).findings, []);
    });
    it('Fastify 4 (a warning there) gets the same fix; a shared variable, a chained call or a name needing quotes are handled', () => {
      const { findings } = check('dec-v4', {
        'app.js': appJs('fastify', ['const shared = {}', "app.decorateRequest('a', shared)", "app.register(async () => {}).decorateRequest('b', {})", "app.decorateRequest('x-y', [])"]),
      }, V4_PACKAGE);
      assert.deepEqual(findings.map((f) => `${f.severity} ${titles(f).length}`), ['warning 0', 'warning 0', 'warning 1']);
      assert.match(applied(fixesOf(findings[2])![0]), /app\.decorateRequest\('x-y', null\)\n {2}app\.addHook\('onRequest', async \(request\) => \{\n {4}request\['x-y'\] = \[\]\n {2}\}\)\n/);
    });
  });
});

describe('text edit helpers', () => {
  it('module style from the name, then the text', () => {
    assert.deepEqual(moduleStyle('/a.mjs', ''), { kind: 'esm', typescript: false });
    assert.deepEqual(moduleStyle('/a.cts', "import x = require('x')"), { kind: 'cjs', typescript: true });
    assert.deepEqual(moduleStyle('/a.js', "// import x from 'y'\nconst x = require('y')"), { kind: 'cjs', typescript: false });
    assert.deepEqual(moduleStyle('/a.js', "import x from 'y'"), { kind: 'esm', typescript: false });
    assert.deepEqual(moduleStyle('/a.ts', 'export default async function () {}'), { kind: 'esm', typescript: true });
    assert.deepEqual(moduleStyle('/a.ts', ''), { kind: 'esm', typescript: true });
    assert.deepEqual(moduleStyle('/a.js', ''), { kind: 'cjs', typescript: false });
  });
  it('adds an import in the file\'s style after the last one, once', () => {
    const cjs = "'use strict'\n\nconst fp = require('fastify-plugin')\n\nmodule.exports = fp(async () => {})\n";
    assert.equal(applyEdits(cjs, [addImport('/a.js', cjs, { name: 'x', from: '@x/y' })!]), "'use strict'\n\nconst fp = require('fastify-plugin')\nconst x = require('@x/y')\n\nmodule.exports = fp(async () => {})\n");
    const esm = "import fp from 'fastify-plugin';\nimport { a } from './a.js';\n\nexport default fp(async () => {});\n";
    assert.equal(applyEdits(esm, [addImport('/a.mjs', esm, { name: 'b', from: './b.js', named: true })!]), "import fp from 'fastify-plugin';\nimport { a } from './a.js';\nimport { b } from './b.js';\n\nexport default fp(async () => {});\n");
    assert.equal(addImport('/a.mjs', esm, { name: 'fp', from: 'fastify-plugin' }), undefined, 'already imported');
    const bare = '#!/usr/bin/env node\nmodule.exports = 1\n';
    assert.equal(applyEdits(bare, [addImport('/a.js', bare, { name: 'x', from: 'x' })!]), "#!/usr/bin/env node\nconst x = require('x')\nmodule.exports = 1\n");
  });
  it('indentation unit and insert-after-statement', () => {
    assert.equal(indentUnit('a\n    b\n        c\n'), '    ');
    assert.equal(indentUnit('a\n\tb\n\t\tc\n\td\n'), '\t');
    assert.equal(indentUnit('a\n'), '  ');
    const text = 'function f () {\n\tg();\n}\n';
    const start = text.indexOf('g()');
    const edit = insertAfterStatement(text, { file: '/f.js', start, end: start + 4, line: 2 }, ['h();', '']);
    assert.equal(applyEdits(text, [edit]), 'function f () {\n\tg();\n\th();\n\n}\n');
  });
});
