import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { ts } from 'ts-morph';
import { Analyzer } from '../../src/core/analyze';
import { decodeCacheRecord, encodeCacheRecord, type CacheRecord } from '../../src/core/cache/cache-file';
import { CachedAnalyzer, type WarmCacheSettings } from '../../src/core/cache/cached-analyzer';
import { lineStartsOf } from '../../src/core/cache/line-starts';
import type { WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { runRulesDetailed } from '../../src/core/rules';
import { walkContexts } from '../../src/core/rules/rule-utils';
import { assertNoInternalError, writeWorkspace } from '../support/temp-workspace';
import { graphOf, posted, postedFindings, startWorker } from '../support/worker-client';

const TMP = path.join(__dirname, '..', '.tmp');

// An app whose graph depends on every kind of input: source files, an autoloaded folder, .env
// (read because dotenv's config() is called), the lockfile (the fastify version), package.json,
// and a tsconfig outside the workspace folder (`extends`).
const FILES: Record<string, string> = {
  'shared/tsconfig.base.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['lib/*'] } } }),
  'app/package.json': JSON.stringify({ name: 'a', dependencies: { fastify: '^5.0.0', '@fastify/autoload': '^6.0.0', dotenv: '^16.0.0' } }),
  'app/package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/fastify': { version: '5.2.0' } } }),
  'app/tsconfig.json': JSON.stringify({ extends: '../shared/tsconfig.base.json' }),
  'app/.env': 'PREFIX=/api\n',
  'app/server.js':
    "require('dotenv').config()\nconst path = require('node:path')\nconst app = require('fastify')()\n" +
    "app.register(require('./users'), { prefix: process.env.PREFIX })\napp.register(require('@fastify/autoload'), { dir: path.join(__dirname, 'routes') })\n",
  'app/users.js': "module.exports = async function (f) {\r\n  f.get('/users', async () => [])\r\n}\n",
  'app/routes/a.js': "module.exports = async function (f) { f.get('/', async () => 'a') }\n",
  'app/routes/b/index.js': "module.exports = async function (f) { f.get('/', async () => { console.log('b'); return 'b' }) }\n",
};

interface Setup {
  root: string;
  dir: string;
  logs: string[];
  open(extra?: Partial<WarmCacheSettings>): { a: CachedAnalyzer; graph: WorkspaceGraph };
}

function setup(name: string): Setup {
  const ws = writeWorkspace(`warm-${name}`, FILES);
  const dir = path.join(TMP, `warm-cache-dir-${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const logs: string[] = [];
  const root = path.join(ws, 'app');
  return {
    root,
    dir,
    logs,
    open(extra = {}) {
      const a = new CachedAnalyzer(root, createNodeHost(), {}, { dir, log: (l) => logs.push(l), ...extra });
      const graph = a.analyze();
      a.save();
      return { a, graph };
    },
  };
}

/** A fresh full analysis. */
function fresh(root: string): WorkspaceGraph {
  const g = new Analyzer(root, createNodeHost()).analyze();
  assertNoInternalError(g);
  return g;
}

const urls = (g: WorkspaceGraph) => g.apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => `${r.methods.join()} ${r.url}`));
const cacheFiles = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.cache')).map((n) => path.join(dir, n));

describe('warm start from the on-disk cache', () => {
  it('returns the graph of a fresh full analysis with zero parses, and the analysed texts', () => {
    const s = setup('hit');
    const cold = s.open();
    assert.equal(cold.a.fromCache, false);
    assert.match(cold.a.cacheStatus, /^miss: cache none yet/);
    assert.ok(cold.a.parseCount >= 4);
    assert.equal(cacheFiles(s.dir).length, 1);

    const warm = s.open();
    assert.equal(warm.a.fromCache, true, warm.a.cacheStatus);
    assert.equal(warm.a.parseCount, 0);
    const expected = fresh(s.root);
    assert.deepStrictEqual(warm.graph, expected);
    assert.deepEqual(urls(warm.graph), ['GET /api/users', 'GET /', 'GET /b']);
    // Objects the analysis shares are shared again: each route is its context's and the app's,
    // and an implicit HEAD route shares its GET route's spans.
    const app = warm.graph.apps[0];
    const inContexts = new Set<object>();
    walkContexts(app, (c) => c.routes.forEach((r) => inContexts.add(r)));
    assert.ok(app.routes.length > 0 && app.routes.every((r) => inContexts.has(r)));
    const head = app.routes.find((r) => r.implicitHead);
    assert.ok(head && app.routes.some((r) => r !== head && r.span === head.span));
    // What rules and editors read next to the graph: the analysed text and its line starts.
    const analyzer = new Analyzer(s.root, createNodeHost());
    analyzer.analyze();
    for (const file of ['users.js', 'server.js', 'routes/b/index.js'].map((f) => path.join(s.root, f))) {
      assert.equal(warm.a.source(file), analyzer.source(file));
      assert.deepEqual(warm.a.lineStarts(file), analyzer.lineStarts(file));
    }
    assert.deepStrictEqual(runRulesDetailed(warm.graph, {}, (f) => warm.a.source(f)), runRulesDetailed(expected, {}, (f) => analyzer.source(f)));
    assert.deepEqual(s.logs, []);
  });

  const CHANGES: { kind: string; change: (root: string) => void; shows?: (g: WorkspaceGraph) => void }[] = [
    { kind: 'file edited', change: (r) => fs.writeFileSync(path.join(r, 'users.js'), "module.exports = async function (f) { f.get('/people', async () => []) }\n"), shows: (g) => assert.ok(urls(g).includes('GET /api/people')) },
    { kind: 'file added in an autoloaded folder', change: (r) => fs.writeFileSync(path.join(r, 'routes/c.js'), "module.exports = async function (f) { f.get('/c', async () => 'c') }\n"), shows: (g) => assert.ok(urls(g).includes('GET /c')) },
    { kind: 'file deleted', change: (r) => fs.rmSync(path.join(r, 'routes/a.js')), shows: (g) => assert.ok(!urls(g).includes('GET /')) },
    { kind: 'folder listing changed (a file that is not source)', change: (r) => fs.writeFileSync(path.join(r, 'routes/notes.md'), '# notes\n') },
    { kind: 'package.json changed', change: (r) => fs.writeFileSync(path.join(r, 'package.json'), JSON.stringify({ name: 'a', dependencies: { fastify: '^4.0.0', '@fastify/autoload': '^6.0.0', dotenv: '^16.0.0' } })) },
    {
      kind: 'lockfile changed',
      change: (r) => fs.writeFileSync(path.join(r, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/fastify': { version: '5.3.0' } } })),
      shows: (g) => assert.equal(g.apps[0].versions?.fastify?.version, '5.3.0'),
    },
    { kind: '.env changed', change: (r) => fs.writeFileSync(path.join(r, '.env'), 'PREFIX=/v2\n'), shows: (g) => assert.ok(urls(g).includes('GET /v2/users')) },
    { kind: 'a file outside the workspace that was read changed', change: (r) => fs.writeFileSync(path.join(r, '..', 'shared', 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { baseUrl: '.' } })) },
  ];
  for (const { kind, change, shows } of CHANGES) {
    it(`is not used when an input changed: ${kind}`, () => {
      const s = setup(kind.replace(/\W+/g, '-'));
      s.open();
      change(s.root);
      const after = s.open();
      assert.equal(after.a.fromCache, false, `${kind}: served from the cache`);
      assert.match(after.a.cacheStatus, /^miss: /);
      assert.ok(after.a.parseCount > 0);
      assert.deepStrictEqual(after.graph, fresh(s.root));
      shows?.(after.graph);
      // The cache was rewritten for the new state: the next start is warm again.
      const again = s.open();
      assert.equal(again.a.fromCache, true, again.a.cacheStatus);
      assert.deepStrictEqual(again.graph, fresh(s.root));
    });
  }

  it('is not used when the analyser version changed', () => {
    const s = setup('version');
    s.open({ analyserVersion: 'one' });
    const other = s.open({ analyserVersion: 'two' });
    assert.equal(other.a.fromCache, false);
    assert.equal(other.a.cacheStatus, 'miss: cache written by another analyser version');
    assert.equal(s.open({ analyserVersion: 'two' }).a.fromCache, true);
  });

  const edit = (f: (record: Record<string, unknown>) => Record<string, unknown>) => (bytes: Buffer) =>
    encodeCacheRecord(f(decodeCacheRecord(bytes) as Record<string, unknown>) as unknown as CacheRecord);
  const DAMAGE: { kind: string; damage: (bytes: Buffer) => Buffer | string; logged: boolean }[] = [
    { kind: 'corrupt', damage: () => '{"format": 1, "analyser": ', logged: true },
    { kind: 'truncated', damage: (b) => b.subarray(0, b.length >> 1), logged: true },
    { kind: 'random bytes', damage: () => Buffer.from([0x6f, 0x22, 0x03, 0x61, 0x62, 0x63, 0x00, 0x7b, 0x01]), logged: true },
    { kind: 'random bytes after the right header', damage: (b) => Buffer.concat([b.subarray(0, b.indexOf(0x0a) + 1), Buffer.from([0xbf, 0x63, 0x61, 0x62, 0x63, 0x1c, 0xff, 0x7b])]), logged: true },
    { kind: 'of the format before (v8.serialize)', damage: (b) => v8.serialize(decodeCacheRecord(b)), logged: false },
    { kind: 'empty', damage: () => '', logged: true },
    { kind: 'wrong shape', damage: edit((r) => ({ ...r, inputs: { files: 3 } })), logged: true },
    { kind: 'a graph of the wrong shape', damage: edit((r) => ({ ...r, graph: { root: r.root, apps: 'none' } })), logged: true },
    { kind: 'of another analyser version', damage: edit((r) => ({ ...r, analyser: 'elsewhere' })), logged: false },
    { kind: 'of another format', damage: edit((r) => ({ ...r, format: 0 })), logged: false },
  ];
  for (const { kind, damage, logged } of DAMAGE) {
    it(`ignores and replaces a cache file that is ${kind}`, () => {
      const s = setup(`damaged-${kind.replace(/\W+/g, '-')}`);
      s.open();
      const [file] = cacheFiles(s.dir);
      fs.writeFileSync(file, damage(fs.readFileSync(file)));
      const after = s.open();
      assert.equal(after.a.fromCache, false);
      assert.deepStrictEqual(after.graph, fresh(s.root));
      assert.equal(s.logs.length, logged ? 1 : 0, s.logs.join('\n'));
      const again = s.open();
      assert.equal(again.a.fromCache, true, again.a.cacheStatus);
    });
  }

  it('works with a cache folder that cannot be written (a line is logged, nothing thrown)', () => {
    const s = setup('unwritable');
    // A file where the folder should be: mkdir fails whoever runs the test (root included).
    fs.mkdirSync(path.dirname(s.dir), { recursive: true });
    fs.writeFileSync(s.dir, 'not a folder');
    try {
      const first = s.open();
      assert.equal(first.a.fromCache, false);
      assert.deepStrictEqual(first.graph, fresh(s.root));
      assert.ok(s.logs.some((l) => /^analysis cache not written to /.test(l)), s.logs.join('\n'));
      assert.equal(s.open().a.fromCache, false);
    } finally {
      fs.rmSync(s.dir, { force: true });
    }
  });

  it('is off when the cache folder is inside the workspace', () => {
    const s = setup('inside');
    const a = new CachedAnalyzer(s.root, createNodeHost(), {}, { dir: path.join(s.root, '.cache'), log: (l) => s.logs.push(l) });
    a.analyze();
    a.save();
    assert.equal(fs.existsSync(path.join(s.root, '.cache')), false);
    assert.match(a.cacheStatus, /^off: /);
    assert.equal(s.logs.length, 1);
  });

  it('keeps the rules\' results for one choice of severities', () => {
    const s = setup('rules');
    const cold = new CachedAnalyzer(s.root, createNodeHost(), {}, { dir: s.dir });
    const graph = cold.analyze();
    const result = runRulesDetailed(graph, {}, (f) => cold.source(f));
    assert.ok(result.findings.length > 0, 'the app has findings to keep (console.log in a handler)');
    cold.save({ key: 'defaults', result });
    const warm = new CachedAnalyzer(s.root, createNodeHost(), {}, { dir: s.dir });
    warm.analyze();
    assert.equal(warm.fromCache, true);
    assert.deepStrictEqual(warm.cachedRules('defaults'), result);
    assert.equal(warm.cachedRules('other'), undefined);
  });

  it('gives after an update the same graph as a cold start does, and prepare() makes that update incremental', () => {
    const s = setup('update');
    s.open();
    const users = path.join(s.root, 'users.js');
    const text = "module.exports = async function (f) {\n  f.get('/users', async () => [])\n  f.delete('/users/:id', async () => null)\n}\n";
    const cold = new Analyzer(s.root, createNodeHost());
    cold.analyze();
    const expected = cold.update(users, text);

    const warm = s.open();
    assert.equal(warm.a.fromCache, true);
    assert.deepStrictEqual(warm.a.update(users, text), expected);
    assert.equal(warm.a.fromCache, false);
    assert.equal(warm.a.source(users), text);

    const prepared = s.open().a;
    prepared.prepare();
    const parsed = prepared.parseCount;
    assert.deepStrictEqual(prepared.update(users, text), expected);
    assert.equal(prepared.parseCount, parsed + 1, 'only the changed file was parsed');
  });

  it('counts lines as the TypeScript parser does', () => {
    for (const text of ['', 'a', 'a\nb', 'a\r\nb\rc\n', '\n\n', 'x\u2028y\u2029z', 'end\r', 'end\r\n']) {
      assert.deepEqual(lineStartsOf(text), ts.createSourceFile('x.js', text, ts.ScriptTarget.Latest).getLineStarts(), JSON.stringify(text));
    }
  });
});

describe('fastify-lens CLI warm start (built bundle)', () => {
  const BIN = path.join(__dirname, '..', '..', 'bin', 'fastify-lens.js');
  const cli = (dir: string, ...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, FASTIFY_LENS_CACHE_DIR: dir } });

  it('writes the cache outside the folder, answers the same from it, and --no-cache neither reads nor writes it', () => {
    const s = setup('cli');
    for (const command of [['routes', '--json'], ['graph', '--json'], ['check', '--format', 'json']]) {
      const cold = cli(s.dir, command[0], s.root, ...command.slice(1));
      assert.equal(cold.stderr, '');
      const files = cacheFiles(s.dir);
      assert.equal(files.length, 1);
      const record = decodeCacheRecord(fs.readFileSync(files[0])) as CacheRecord;
      assert.match(record.analyser, /^[0-9a-f]{64}\+ts-morph@/, 'the bundle carries the hash of its own code');
      const warm = cli(s.dir, command[0], s.root, ...command.slice(1));
      assert.equal(warm.stdout, cold.stdout);
      assert.equal(warm.status, cold.status);
      const none = path.join(TMP, 'warm-cache-dir-cli-none');
      fs.rmSync(none, { recursive: true, force: true });
      const uncached = spawnSync(process.execPath, [BIN, command[0], s.root, ...command.slice(1), '--no-cache'], { encoding: 'utf8', env: { ...process.env, FASTIFY_LENS_CACHE_DIR: none } });
      assert.equal(uncached.stdout, cold.stdout);
      assert.equal(fs.existsSync(none), false);
    }
    assert.deepEqual(fs.readdirSync(s.root).filter((n) => /cache|\.tmp$/.test(n)), [], 'nothing written in the workspace');
  });

  it('a cache folder it cannot write costs one line on stderr, not the result', () => {
    const s = setup('cli-unwritable');
    fs.mkdirSync(path.dirname(s.dir), { recursive: true });
    fs.writeFileSync(s.dir, 'not a folder');
    try {
      const r = cli(s.dir, 'routes', s.root, '--json');
      assert.equal(r.status, 0);
      assert.ok(JSON.parse(r.stdout).routes.length > 0);
      assert.match(r.stderr, /^fastify-lens: analysis cache not written to /m);
    } finally {
      fs.rmSync(s.dir, { force: true });
    }
  });
});

describe('analysis worker warm start (dist/worker.js)', function () {
  this.timeout(60_000);
  const settings = (root: string, cacheDir?: string) => ({ root, excludeGlobs: [], entries: [], maxFileBytes: 2 * 1024 * 1024, rules: {}, ...(cacheDir ? { cacheDir } : {}) });

  it('writes the cache after answering, and logs a folder it cannot write through a log message', async () => {
    const s = setup('worker-unwritable');
    fs.mkdirSync(path.dirname(s.dir), { recursive: true });
    fs.writeFileSync(s.dir, 'not a folder');
    const { worker, ask, logs } = startWorker();
    try {
      const opened = await ask({ type: 'analyze', seq: 1, settings: settings(s.root, s.dir) });
      assert.ok(opened.type === 'graph');
      assert.doesNotMatch(opened.stats.cache ?? '', /not written/, `the answer went before the write: ${opened.stats.cache}`);
      // The next answer comes after the log message (one thread, messages in order).
      await ask({ type: 'change', seq: 2, changes: [] });
      assert.equal(logs.length, 1, logs.join('\n'));
      assert.match(logs[0], /^analysis cache not written to /);
    } finally {
      await worker.terminate();
      fs.rmSync(s.dir, { force: true });
    }
  });

  it('answers a reopened folder from the cache (graph, findings and ranges equal to a cold start), and the first edit after it is incremental', async () => {
    const s = setup('worker');
    const users = path.join(s.root, 'users.js');
    const edit = { file: users, text: "module.exports = async function (f) {\n  f.get('/users', async () => [])\n  f.put('/users/:id', async () => null)\n}\n" };
    const session = async (cacheDir?: string) => {
      const { worker, ask } = startWorker();
      try {
        const opened = await ask({ type: 'analyze', seq: 1, settings: settings(s.root, cacheDir) });
        const edited = await ask({ type: 'change', seq: 2, changes: [edit] });
        assert.ok(opened.type === 'graph' && edited.type === 'graph');
        assert.deepEqual(posted(edited).map((m) => m.type), ['graph'], 'an update posts its graph and findings at once');
        return { opened, edited, posts: posted(opened).map((m) => m.type) };
      } finally {
        await worker.terminate();
      }
    };
    const cold = await session();
    const first = await session(s.dir);
    assert.match(first.opened.stats.cache ?? '', /^miss: cache none yet/);
    const warm = await session(s.dir);
    assert.deepEqual(cold.posts, ['views', 'rules'], 'a cold analysis posts its graph before running the rules');
    assert.deepEqual(first.posts, ['views', 'rules']);
    assert.deepEqual(warm.posts, ['graph'], 'a warm start has the rules\' results already: one answer');
    assert.equal(warm.opened.stats.cache, 'warm start from cache');
    assert.equal(warm.opened.stats.parses, 0);
    assert.deepStrictEqual(graphOf(warm.opened), graphOf(cold.opened));
    assert.deepStrictEqual(warm.opened.findings, cold.opened.findings);
    assert.ok(postedFindings(warm.opened).length > 0);
    // The line starts of every file a span can name, from the cached texts (which hold the other files read too).
    const warmStarts = new Map(warm.opened.lineStarts);
    for (const [file, starts] of cold.opened.lineStarts) assert.deepStrictEqual(warmStarts.get(file), starts, file);
    assert.deepStrictEqual(graphOf(warm.edited), graphOf(cold.edited), 'the graphs the host puts together (the warm one refers to nothing: its first graph came from the cache)');
    assert.deepStrictEqual(warm.edited.findings, cold.edited.findings);
    assert.deepStrictEqual(warm.edited.lineStarts, cold.edited.lineStarts, 'the edited file only, as after a cold start');
    assert.equal(warm.edited.stats.parses, 1, 'the worker parsed the folder after answering from the cache: the edit re-parsed one file');
  });
});
