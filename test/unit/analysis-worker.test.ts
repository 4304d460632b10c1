import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Severity } from '../../src/core/rules/types';
import { lineAndCharacter } from '../../src/extension/worker/locate-spans';
import type { LineStartsUpdate } from '../../src/extension/worker/line-starts-sent';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';
import { graphOf, postedFindings, startWorker } from '../support/worker-client';

describe('analysis worker (dist/worker.js)', function () {
  this.timeout(60_000);
  const settings = (root: string, rules: Record<string, Severity> = {}) => ({ root, excludeGlobs: [], entries: [], maxFileBytes: 2 * 1024 * 1024, rules });

  /** Where an offset of a file is, from the line starts a graph message carried. */
  const at = (updates: LineStartsUpdate[], file: string, offset: number) => {
    const starts = updates.find(([f]) => f === file)?.[1];
    return starts && lineAndCharacter(starts, offset);
  };

  it('analyses a folder, posts the line starts of the files that changed, and applies unsaved edits', async () => {
    const root = writeWorkspace('worker-basic', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\n\napp.get('/one', async () => 1)\n",
      'lib.js': "module.exports = 1\n",
    });
    const server = path.join(root, 'server.js');
    const { worker, ask } = startWorker();
    try {
      const first = await ask({ type: 'analyze', seq: 1, settings: settings(root) });
      assert.equal(first.type, 'graph');
      if (first.type !== 'graph') return;
      assert.equal(first.stats.full, true);
      assertNoInternalError(graphOf(first));
      const route = graphOf(first).apps[0].routes[0];
      assert.equal(route.url, '/one');
      assert.equal(route.span.range, undefined, 'spans go without ranges');
      assert.deepEqual(first.lineStarts.map(([f]) => path.basename(f)).sort(), ['lib.js', 'server.js'], 'every file parsed, after an analyze');
      assert.deepEqual(at(first.lineStarts, route.span.file, route.span.start), [2, 4], 'line 3 (0-based 2), at the method name');
      assert.equal(at(first.lineStarts, route.span.file, route.span.start)![0] + 1, route.span.line);
      const edit = await ask({ type: 'change', seq: 2, changes: [{ file: server, text: "const app = require('fastify')()\napp.post('/two', async () => 2)\n" }] });
      assert.equal(edit.type, 'graph');
      if (edit.type !== 'graph') return;
      assert.equal(edit.stats.full, false);
      assert.equal(edit.stats.parses, 1, 'only the edited file is parsed again');
      assertNoInternalError(graphOf(edit));
      assert.deepEqual(graphOf(edit).apps[0].routes.map((r) => `${r.methods[0]} ${r.url}`), ['POST /two']);
      assert.deepEqual(edit.lineStarts.map(([f]) => path.basename(f)), ['server.js'], 'only the edited file, whose lines moved');
      const moved = graphOf(edit).apps[0].routes[0].span;
      assert.deepEqual(at(edit.lineStarts, moved.file, moved.start), [1, 4]);
      // Same lines, other text: the host's line starts still hold, nothing is posted.
      const same = await ask({ type: 'change', seq: 3, changes: [{ file: server, text: "const app = require('fastify')()\napp.post('/222', async () => 2)\n" }] });
      assert.deepEqual(same.type === 'graph' && same.lineStarts, []);
      assert.equal(fs.readFileSync(path.join(root, 'server.js'), 'utf8').includes('/one'), true, 'the file on disk is untouched');
    } finally {
      await worker.terminate();
    }
  });

  it('runs the rules on each graph, with the severities it is given; their spans are placed by the line starts', async () => {
    const root = writeWorkspace('worker-rules', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.get('/a', async () => 1)\napp.get('/a', async () => 2)\n",
    });
    const { worker, ask } = startWorker();
    try {
      const on = await ask({ type: 'analyze', seq: 1, settings: settings(root) });
      assert.equal(on.type, 'graph');
      if (on.type !== 'graph') return;
      const dup = <T extends { code: string }>(fs: T[]) => fs.filter((f) => f.code === 'duplicate-route');
      assert.deepEqual(dup(postedFindings(on)).map((f) => [f.code, f.severity, at(on.lineStarts, f.span.file, f.span.start)?.[0]]), [['duplicate-route', 'error', 2]]);
      assert.ok(postedFindings(on).some((f) => f.code === 'missing-response-schema' && f.severity === 'hint'), 'editor defaults: hints on');
      const off = await ask({ type: 'analyze', seq: 2, settings: settings(root, { 'duplicate-route': 'off', 'missing-response-schema': 'off' }) });
      assert.equal(off.type === 'graph' && postedFindings(off).length, 0);
      const warn = await ask({ type: 'analyze', seq: 3, settings: settings(root, { 'duplicate-route': 'warning' }) });
      assert.deepEqual(warn.type === 'graph' && dup(postedFindings(warn)).map((f) => f.severity), ['warning']);
    } finally {
      await worker.terminate();
    }
  });

  it('posts the findings of the files whose findings changed: all after an analyze, then only those (an empty list for a file with none left)', async () => {
    const files = {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.register(require('./a'))\napp.register(require('./b'))\n",
      'a.js': "module.exports = async (app) => {\n  app.get('/a', async () => 1)\n}\n",
      'b.js': "module.exports = async (app) => {\n  app.get('/b', async () => 1)\n  app.get('/b', async () => 2)\n}\n",
    };
    const root = writeWorkspace('worker-findings-diff', files);
    const b = path.join(root, 'b.js');
    const a = path.join(root, 'a.js');
    const { worker, ask } = startWorker();
    try {
      const names = (m: Awaited<ReturnType<typeof ask>>) => (m.type === 'graph' ? m.findings.files.map(([f, l]) => `${path.basename(f)}:${l.map((x) => x.code).sort().join(',')}`).sort() : []);
      const first = await ask({ type: 'analyze', seq: 1, settings: settings(root) });
      assert.ok(first.type === 'graph' && first.findings.full);
      assert.deepEqual(names(first), ['a.js:missing-response-schema', 'b.js:duplicate-route,missing-response-schema,missing-response-schema']);
      // b.js loses its duplicate: only b.js is posted.
      const fixed = await ask({ type: 'change', seq: 2, changes: [{ file: b, text: files['b.js'].replace("'/b', async () => 2", "'/c', async () => 2") }] });
      assert.ok(fixed.type === 'graph' && !fixed.findings.full);
      assert.deepEqual(names(fixed), ['b.js:missing-response-schema,missing-response-schema']);
      // A comment at the end of a.js: lines and findings as they were, nothing is posted.
      const same = await ask({ type: 'change', seq: 3, changes: [{ file: a, text: files['a.js'] + '// note' }] });
      assert.deepEqual(names(same), []);
      // A line added on top of a.js: same findings, but placed on other lines: posted again.
      const moved = await ask({ type: 'change', seq: 4, changes: [{ file: a, text: '\n' + files['a.js'] }] });
      assert.deepEqual(names(moved), ['a.js:missing-response-schema']);
      // a.js's route gets a response schema: a.js has no finding left.
      const gone = await ask({ type: 'change', seq: 5, changes: [{ file: a, text: files['a.js'].replace("'/a', async", "'/a', { schema: { response: { 200: { type: 'integer' } } } }, async") }] });
      assert.deepEqual(names(gone), ['a.js:']);
    } finally {
      await worker.terminate();
    }
  });

  it('answers a change before any analysis, and broken input, with results instead of dying', async () => {
    const root = writeWorkspace('worker-broken', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': "const app = require('fastify')()\napp.get('/ok', async () => 1)\napp.get('/half', async (\n",
    });
    const { worker, ask } = startWorker();
    try {
      const early = await ask({ type: 'change', seq: 1, changes: [] });
      assert.equal(early.type, 'failed');
      const graph = await ask({ type: 'analyze', seq: 2, settings: settings(root) });
      assert.equal(graph.type, 'graph');
      if (graph.type !== 'graph') return;
      assert.ok(graphOf(graph).apps[0].routes.some((r) => r.url === '/ok'));
      assert.ok(graphOf(graph).unresolved.some((u) => u.reason.startsWith('syntax error')));
      assertNoInternalError(graphOf(graph));
      const missingRoot = await ask({ type: 'analyze', seq: 3, settings: settings(path.join(root, 'does-not-exist')) });
      assert.equal(missingRoot.type, 'graph', 'an unreadable folder is a graph with an unresolved entry');
    } finally {
      await worker.terminate();
    }
  });
});
