import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { checkWorkspace } from '../../src/cli/fix';
import { applyEdits, chooseFixes, editsConflict } from '../../src/core/fixes/apply-fixes';
import { createNodeHost } from '../../src/core/node-host';
import { cliSeverities, RULES, type Fix, type TextEdit } from '../../src/core/rules';
import { boot } from '../support/rule-workspace';
import { CLI_ENV, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'fastify-lens.js');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: CLI_ENV });

const APP = [
  "const fastify = require('fastify')",
  'function build () {',
  '  const app = fastify()',
  "  app.register(require('./plugin'))",
  "  app.addHook('onRequests', async (request) => {})",
  "  app.decorateRequest('user', {})",
  '  return app',
  '}',
  'module.exports = build',
  '',
].join('\n');
const PLUGIN = [
  'module.exports = async function plugin (app) {',
  "  app.addHook('preHandlr', async (request, reply, done) => {})",
  "  app.addHook('onSend', async function (request, reply, payload, next) { return payload })",
  "  app.get('/', async () => 'hi')",
  '}',
  '',
].join('\n');

/** The files after `check --fix`: only the safe fixes, the decorator left as it was. */
const APP_FIXED = APP.replace("'onRequests'", "'onRequest'");
const PLUGIN_FIXED = PLUGIN.replace("'preHandlr', async (request, reply, done)", "'preHandler', async (request, reply, done)").replace('payload, next)', 'payload)');

function workspace(name: string): string {
  return writeWorkspace(`cli-fix-${name}`, { 'package.json': FASTIFY_PACKAGE, 'app.js': APP, 'plugin.js': PLUGIN });
}

const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), 'utf8');

describe('fastify-lens check --fix', () => {
  it('applies the safe fixes (a second pass finishes what the first had to leave), prints them and what is left; a second run changes nothing', () => {
    const dir = workspace('text');
    const r = run('check', dir, '--fix');
    assert.equal(read(dir, 'app.js'), APP_FIXED);
    // 'preHandlr' with an unused done: the rename (pass 1) makes it a known hook, whose done is then an async-hook-with-done finding (pass 2).
    assert.equal(read(dir, 'plugin.js'), PLUGIN_FIXED.replace('(request, reply, done)', '(request, reply)'));
    assert.equal(
      r.stdout,
      [
        "fixed app.js:5:15 unknown-hook: Rename to 'onRequest'",
        'fixed plugin.js:2:15 unknown-hook: Rename to \'preHandler\'',
        'fixed plugin.js:3:25 async-hook-with-done: Remove the unused `next` parameter',
        'fixed plugin.js:2:29 async-hook-with-done: Remove the unused `done` parameter',
        '4 fixes applied in 2 files; left:',
        "app.js:6:7 error decorator-reference-type decorateRequest('user') with an object: Fastify 5 throws FST_ERR_DEC_REFERENCE_TYPE at boot; use null and set it in an onRequest hook, or a { getter }",
        '1 problem (1 error)',
        '',
      ].join('\n'),
    );
    assert.equal(r.status, 1, 'an error is left');
    const again = run('check', dir, '--fix');
    assert.match(again.stdout, /^no safe fixes to apply\n/);
    assert.equal(read(dir, 'app.js'), APP_FIXED);
    // With the decorator fixed by hand, the app boots with real fastify.
    fs.writeFileSync(path.join(dir, 'app.js'), APP_FIXED.replace("{})\n  return", "null)\n  return"));
    assert.equal(boot(dir), 'ok');
    assert.equal(run('check', dir, '--fix').status, 0);
  });

  it('--format json: what was fixed (where it was before), files left alone, the diagnostics left', () => {
    const dir = workspace('json');
    const r = run('check', dir, '--fix', '--format', 'json');
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['fixed', 'changedOnDisk', 'diagnostics']);
    assert.deepEqual(out.fixed[0], { code: 'unknown-hook', fix: "Rename to 'onRequest'", file: 'app.js', line: 5, column: 15 });
    assert.equal(out.fixed.length, 4);
    assert.deepEqual(out.changedOnDisk, []);
    assert.deepEqual(out.diagnostics.map((d: { code: string }) => d.code), ['decorator-reference-type']);
  });

  it('never writes a file whose text changed after it was analysed', () => {
    const dir = workspace('stale');
    const written: string[] = [];
    const result = checkWorkspace(dir, createNodeHost(), cliSeverities(), {
      // plugin.js "changes on disk" between the analysis and the write.
      read: (f) => (f.endsWith('plugin.js') ? '// edited meanwhile\n' : fs.readFileSync(f, 'utf8')),
      write: (f, text) => {
        written.push(path.basename(f));
        fs.writeFileSync(f, text);
      },
    });
    assert.deepEqual(written, ['app.js']);
    assert.deepEqual(result.changedOnDisk.map((f) => path.basename(f)), ['plugin.js']);
    assert.equal(read(dir, 'plugin.js'), PLUGIN);
    assert.deepEqual(result.findings.map((f) => `${path.basename(f.span.file)} ${f.code}`), ['app.js decorator-reference-type', 'plugin.js unknown-hook', 'plugin.js async-hook-with-done']);
  });

  it('usage: --fix and sarif belong to check', () => {
    assert.equal(run('routes', '.', '--fix').status, 2);
    assert.match(run('check', '.', '--format', 'xml').stderr, /--format must be text, json or sarif/);
  });
});

describe('fastify-lens check --format sarif', () => {
  /** The official SARIF 2.1.0 schema (draft-04 JSON Schema), shipped by @microsoft/jest-sarif; Ajv 8 reads it with `$id` for `id`. */
  function sarifValidator() {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'support', 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    // The schema's `language` pattern has a stray `]` that only a non-unicode RegExp accepts.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    return ajv.compile(schema);
  }

  it('is a valid SARIF 2.1.0 log: rules with help anchors in docs/rules.md, results with levels and 1-based regions, fixes whose replacements give the fixed text', () => {
    const dir = workspace('sarif');
    const r = run('check', dir, '--format', 'sarif');
    assert.equal(r.status, 1);
    const log = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: unknown[] }[] };
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const runLog = log.runs[0];
    assert.equal(log.version, '2.1.0');
    assert.deepEqual(runLog.tool.driver.rules.map((x: { id: string }) => x.id), RULES.map((x) => x.id));
    const doc = read(ROOT, 'docs/rules.md');
    for (const rule of runLog.tool.driver.rules) assert.ok(doc.includes(`<a id="${rule.helpUri.split('#')[1]}"></a>`), `docs/rules.md anchor for ${rule.id}`);
    const results = runLog.results as { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[]; fixes?: { description: { text: string }; artifactChanges: { artifactLocation: { uri: string }; replacements: { deletedRegion: Record<string, number>; insertedContent: { text: string } }[] }[] }[] }[];
    assert.deepEqual(results.map((x) => `${x.ruleId} ${x.level} ${x.locations[0].physicalLocation.artifactLocation.uri}:${x.locations[0].physicalLocation.region.startLine}:${x.locations[0].physicalLocation.region.startColumn}`), [
      'unknown-hook error app.js:5:15',
      'decorator-reference-type error app.js:6:7',
      'unknown-hook error plugin.js:2:15',
      'async-hook-with-done error plugin.js:3:25',
    ]);
    for (const x of results) assert.equal(RULES[x.ruleIndex].id, x.ruleId);
    const region = results[0].locations[0].physicalLocation.region;
    assert.equal(read(dir, 'app.js').split('\n')[region.startLine - 1].slice(region.startColumn - 1, region.endColumn - 1), "'onRequests'");
    // The SARIF replacements, applied by line and column, give the same text as the fix itself.
    const decorator = results[1].fixes![0];
    assert.equal(decorator.description.text, 'Use null and set a fresh value in an onRequest hook');
    const text = read(dir, 'app.js');
    const offset = (line: number, column: number) => text.split('\n').slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
    const edits: TextEdit[] = decorator.artifactChanges[0].replacements.map((p) => ({ file: 'app.js', start: offset(p.deletedRegion.startLine, p.deletedRegion.startColumn), end: offset(p.deletedRegion.endLine, p.deletedRegion.endColumn), newText: p.insertedContent.text }));
    assert.equal(
      applyEdits(text, edits).split('\n').slice(5, 9).join('\n'),
      ["  app.decorateRequest('user', null)", "  app.addHook('onRequest', async (request) => {", '    request.user = {}', '  })'].join('\n'),
    );
  });

  it('no findings: a valid log with an empty results list', () => {
    const dir = writeWorkspace('cli-fix-sarif-clean', { 'package.json': FASTIFY_PACKAGE, 'app.js': "require('fastify')().get('/', async () => 1)\n" });
    const r = run('check', dir, '--format=sarif');
    assert.equal(r.status, 0);
    const log = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: unknown[] }[] };
    const validate = sarifValidator();
    assert.ok(validate(log));
    assert.deepEqual(log.runs[0].results, []);
    assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false, 'the schema rejects a run without its tool');
  });
});

describe('choosing and applying fixes', () => {
  const edit = (start: number, end: number, newText = ''): TextEdit => ({ file: '/a.js', start, end, newText });
  const fix = (...edits: TextEdit[]): { fix: Fix } => ({ fix: { title: 't', safe: true, edits } });
  it('edits conflict when they overlap or insert at the same place or inside each other', () => {
    assert.equal(editsConflict(edit(0, 3), edit(3, 5)), false, 'adjacent replacements');
    assert.equal(editsConflict(edit(0, 3), edit(2, 5)), true);
    assert.equal(editsConflict(edit(4, 4, 'x'), edit(4, 4, 'y')), true, 'two insertions at one place: order unknown');
    assert.equal(editsConflict(edit(3, 3, 'x'), edit(0, 3)), true, 'insertion at the edge of a replacement');
    assert.equal(editsConflict(edit(0, 3), { ...edit(0, 3), file: '/b.js' }), false);
  });
  it('earlier fixes win, a fix is all of its edits or none, and edits apply from the end', () => {
    const a = fix(edit(0, 1, 'A'), edit(6, 7, 'G'));
    const b = fix(edit(6, 7, 'X'));
    const c = fix(edit(2, 3, 'C'));
    const { chosen, skipped } = chooseFixes([a, b, c]);
    assert.deepEqual(chosen, [a, c]);
    assert.deepEqual(skipped, [b]);
    assert.equal(applyEdits('abcdefg', chosen.flatMap((x) => x.fix.edits)), 'AbCdefG');
  });
});
