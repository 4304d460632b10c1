import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import { CachedAnalyzer } from '../../src/core/cache/cached-analyzer';
import { createNodeHost } from '../../src/core/node-host';
import { cliSeverities, fixesOf, runRulesDetailed, type Finding, type Fix, type SourceOf } from '../../src/core/rules';
import { FixesByFinding } from '../../src/core/rules/fixes-by-finding';
import { FixRequests } from '../../src/extension/fix-requests';
import type { ToWorker } from '../../src/extension/worker/protocol';
import { CLI_ENV, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';
import { postedFindings, startWorker } from '../support/worker-client';

/** The editor's severities: the schema hints on. */
const EDITOR = { ...cliSeverities(), 'missing-schema': 'hint', 'missing-response-schema': 'hint', 'use-request-log': 'hint' } as const;

/** A body type imported from another file (its skeleton needs the analyser's resolver), a hook name typo, console output. */
const FILES: Record<string, string> = {
  'package.json': FASTIFY_PACKAGE,
  'models/user.ts': 'export interface User { name: string; age?: number }\n',
  'app.ts': [
    "import fastify from 'fastify'",
    "import type { User } from './models/user'",
    '',
    'export default function build () {',
    '  const app = fastify()',
    "  app.addHook('onRequests', async (request) => {})",
    "  app.post<{ Body: User }>('/users', async (request) => {",
    "    console.log('adding')",
    '    return { id: 1, name: request.body.name }',
    '  })',
    '  return app',
    '}',
    '',
  ].join('\n'),
};

/** The body skeleton of `User`, as the missing-schema fix writes it: only known by following the import. */
const USER_SCHEMA = "body: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'number' } }, required: ['name'] }";

const bodyFinding = (findings: Finding[]) => findings.find((f) => f.code === 'missing-schema')!;
const editsText = (fixes: Fix[] | undefined) => (fixes ?? []).flatMap((f) => f.edits.map((e) => e.newText)).join('\n');

describe('quick fixes computed when asked', () => {
  it('the rules read no analysed text; fixesOf reads it (and resolves imports) for the finding asked, once', () => {
    const dir = writeWorkspace('lazy-fixes-reads', FILES);
    const analyzer = new Analyzer(dir, createNodeHost());
    const graph = analyzer.analyze();
    const reads: string[] = [];
    const own = analyzer.sourceOf();
    const source: SourceOf = Object.assign((file: string) => (reads.push(`text ${path.relative(dir, file)}`), own(file)), {
      tree: own.tree,
      resolve: (from: string, specifier: string) => (reads.push(`resolve ${specifier}`), own.resolve!(from, specifier)),
    });
    const { findings, failed } = runRulesDetailed(graph, EDITOR, source);
    assert.deepEqual(failed, []);
    assert.deepEqual(findings.map((f) => f.code).sort(), ['missing-response-schema', 'missing-schema', 'unknown-hook', 'use-request-log']);
    assert.equal(reads.length, 0, `running the rules computes no fix (read: ${reads.join()})`);
    assert.ok(findings.every((f) => !('fixes' in f)), 'findings are plain data without fixes');

    const fixes = fixesOf(bodyFinding(findings));
    assert.deepEqual(fixes?.map((f) => f.title), ["Add schema.body (from the route's Body type)"]);
    assert.ok(editsText(fixes).includes(USER_SCHEMA), editsText(fixes));
    assert.ok(reads.includes('text app.ts') && reads.includes('resolve ./models/user'), reads.join());
    const after = reads.length;
    assert.equal(fixesOf(bodyFinding(findings)), fixes, 'kept: the same array on the next ask');
    assert.equal(reads.length, after, 'nothing read again');
    assert.deepEqual(fixesOf(findings.find((f) => f.code === 'unknown-hook')!)?.map((f) => f.title), ["Rename to 'onRequest'"]);
    assert.equal(fixesOf(structuredClone(bodyFinding(findings))), undefined, 'a copy is not a finding of this run');
  });

  it('a finding the rules give again is the same object, and its fixes are computed again for the analysis it is now of', () => {
    // The route is declared in a plugin run that replays when only the type it imports changes (a
    // type-only import is not a dependency): its missing-schema result is reused, finding included.
    const dir = writeWorkspace('lazy-fixes-again', {
      'package.json': FASTIFY_PACKAGE,
      'models/user.ts': 'export interface User { name: string; age?: number }\n',
      'users.ts': [
        "import type { FastifyInstance } from 'fastify'",
        "import type { User } from './models/user'",
        '',
        'export default async function users (app: FastifyInstance) {',
        "  app.post<{ Body: User }>('/users', async (request) => ({ id: 1, name: request.body.name }))",
        '}',
        '',
      ].join('\n'),
      'app.ts': "import fastify from 'fastify'\nimport users from './users'\n\nconst app = fastify()\napp.register(users)\n",
    });
    const analyzer = new Analyzer(dir, createNodeHost());
    const first = bodyFinding(runRulesDetailed(analyzer.analyze(), EDITOR, analyzer.sourceOf()).findings);
    assert.ok(editsText(fixesOf(first)).includes(USER_SCHEMA), editsText(fixesOf(first)));

    const model = path.join(dir, 'models/user.ts');
    fs.writeFileSync(model, 'export interface User { name: string; age?: number; email: string }\n');
    const graph = analyzer.applyChanges([{ file: model }]);
    assert.ok(analyzer.replayStats.replayed > 0, 'the plugin run replayed');
    const again = runRulesDetailed(graph, EDITOR, analyzer.sourceOf()).findings;
    assert.equal(bodyFinding(again), first, 'the same finding object');
    const text = editsText(fixesOf(first));
    assert.ok(text.includes("email: { type: 'string' }") && text.includes("required: ['name', 'email']"), `the fix follows the changed type: ${text}`);

    // Another severity makes another finding.
    const warned = bodyFinding(runRulesDetailed(graph, { ...EDITOR, 'missing-schema': 'warning' }, analyzer.sourceOf()).findings);
    assert.notEqual(warned, first);
    assert.equal(warned.severity, 'warning');
  });

  it('FixesByFinding gives a copy the fixes of the finding it copies; a finding the graph does not have gets none', () => {
    const dir = writeWorkspace('lazy-fixes-copies', FILES);
    const analyzer = new Analyzer(dir, createNodeHost());
    const graph = analyzer.analyze();
    const { findings } = runRulesDetailed(graph, EDITOR, analyzer.sourceOf());
    const copies = structuredClone(findings);
    const byFinding = new FixesByFinding(graph, EDITOR, findings, analyzer);
    for (const [i, copy] of copies.entries()) assert.equal(byFinding.fixesFor(copy), fixesOf(findings[i]), copy.code);
    assert.equal(byFinding.fixesFor({ ...copies[0], message: `${copies[0].message}!` }), undefined);
    assert.equal(byFinding.fixesFor({ ...copies[0], span: { ...copies[0].span, start: copies[0].span.start + 1 } }), undefined);
  });

  it('on a warm-start graph the fixes are a cold start\'s: the analysis behind it runs first, then the rules again', () => {
    const dir = writeWorkspace('lazy-fixes-warm', FILES);
    const cacheDir = path.join(dir, '..', 'lazy-fixes-warm-cache');
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const cold = new CachedAnalyzer(dir, createNodeHost(), {}, { dir: cacheDir });
    const coldGraph = cold.analyze();
    const coldRun = runRulesDetailed(coldGraph, EDITOR, cold.sourceOf());
    cold.save({ key: 'editor', result: coldRun });
    const expected = coldRun.findings.map((f) => fixesOf(f));
    assert.ok(editsText(fixesOf(bodyFinding(coldRun.findings))).includes(USER_SCHEMA));

    const warm = new CachedAnalyzer(dir, createNodeHost(), {}, { dir: cacheDir });
    const graph = warm.analyze();
    const cached = warm.cachedRules<{ findings: Finding[] }>('editor')!;
    assert.equal(warm.fromCache, true, warm.cacheStatus);
    assert.equal(warm.parseCount, 0);
    const byFinding = new FixesByFinding(graph, EDITOR, cached.findings, warm);
    assert.equal(warm.parseCount, 0, 'nothing analysed until a fix is asked');
    assert.deepStrictEqual(cached.findings.map((f) => byFinding.fixesFor(f)), expected);
    assert.equal(warm.fromCache, false, 'the full analysis ran');
  });

  it('check --format sarif lists the same fixes from the warm-start cache as from a cold analysis', () => {
    const dir = writeWorkspace('lazy-fixes-sarif', FILES);
    const env = { ...CLI_ENV, FASTIFY_LENS_CACHE_DIR: path.join(dir, '..', 'lazy-fixes-sarif-cache') };
    fs.rmSync(env.FASTIFY_LENS_CACHE_DIR, { recursive: true, force: true });
    const sarif = () => spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'fastify-lens.js'), 'check', dir, '--format', 'sarif', '--rule', 'missing-schema=hint'], { encoding: 'utf8', env });
    const first = sarif();
    assert.equal(first.status, 1, first.stderr);
    assert.equal(fs.readdirSync(env.FASTIFY_LENS_CACHE_DIR).filter((n) => n.endsWith('.cache')).length, 1, 'the cold run wrote the cache');
    assert.ok(first.stdout.includes(USER_SCHEMA), 'the body fix follows the import');
    const second = sarif();
    assert.equal(second.stdout, first.stdout);
  });
});

describe('the worker answers quick-fix requests', function () {
  this.timeout(60_000);
  const settings = (root: string, cacheDir?: string) => ({ root, excludeGlobs: [], entries: [], maxFileBytes: 2 * 1024 * 1024, rules: {}, ...(cacheDir ? { cacheDir } : {}) });

  it('posts findings without fixes and computes those asked for the graph it serves (ranges filled); a finding gone since gets none', async () => {
    const dir = writeWorkspace('lazy-fixes-worker', FILES);
    const cacheDir = path.join(dir, '..', 'lazy-fixes-worker-cache');
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const analyzer = new Analyzer(dir, createNodeHost());
    const core = runRulesDetailed(analyzer.analyze(), {}, analyzer.sourceOf()).findings;
    const expected = fixesOf(bodyFinding(core))!;

    const { worker, ask } = startWorker();
    try {
      const graph = await ask({ type: 'analyze', seq: 1, settings: settings(dir, cacheDir) });
      assert.ok(graph.type === 'graph');
      assert.ok(postedFindings(graph).every((f) => !('fixes' in f)));
      const asked = [bodyFinding(postedFindings(graph)), postedFindings(graph).find((f) => f.code === 'unknown-hook')!];
      const answer = await ask({ type: 'fixes', seq: 1, findings: asked });
      assert.ok(answer.type === 'fixes');
      assert.deepEqual(answer.failedRules, []);
      const [body, hook] = answer.fixes;
      assert.deepEqual(body?.map((f) => ({ ...f, edits: f.edits.map(({ range, ...e }) => e) })), expected);
      assert.ok(body![0].edits.every((e) => e.range && e.range[0] >= 6), 'ranges located (0-based lines)');
      assert.deepEqual(hook?.map((f) => f.title), ["Rename to 'onRequest'"]);

      const app = path.join(dir, 'app.ts');
      const edited = await ask({ type: 'change', seq: 2, changes: [{ file: app, text: FILES['app.ts'].replace("app.post<{ Body: User }>('/users'", "app.post<{ Body: User }>('/people'") }] });
      assert.ok(edited.type === 'graph');
      const stale = await ask({ type: 'fixes', seq: 2, findings: asked });
      assert.ok(stale.type === 'fixes');
      assert.deepEqual(stale.fixes.map((f) => f?.map((x) => x.title)), [undefined, ["Rename to 'onRequest'"]], 'the route changed (message); the hook did not');
    } finally {
      await worker.terminate();
    }

    // A new worker starts warm from the cache the first one wrote: the fixes are the cold ones.
    const warm = startWorker();
    try {
      const graph = await warm.ask({ type: 'analyze', seq: 1, settings: settings(dir, cacheDir) });
      assert.ok(graph.type === 'graph');
      assert.match(graph.stats.cache ?? '', /warm start/);
      const answer = await warm.ask({ type: 'fixes', seq: 1, findings: [bodyFinding(postedFindings(graph))] });
      assert.ok(answer.type === 'fixes');
      assert.deepEqual(answer.fixes[0]?.map((f) => ({ ...f, edits: f.edits.map(({ range, ...e }) => e) })), expected);
    } finally {
      await warm.worker.terminate();
    }
  });
});

describe('FixRequests (the extension host side)', () => {
  const finding = (code: string): Finding => ({ code, severity: 'hint', message: code, span: { file: '/a.js', start: 0, end: 1, line: 1 } });
  const fix = (title: string): Fix => ({ title, safe: false, edits: [] });

  it('matches answers to requests by number, one entry per finding, whatever the order of the answers; a finding is asked once', async () => {
    const requests = new FixRequests();
    const sent: Extract<ToWorker, { type: 'fixes' }>[] = [];
    const post = (m: ToWorker) => void (m.type === 'fixes' && sent.push(m));
    const [a, b, c] = [finding('a'), finding('b'), finding('c')];
    const first = requests.ask(post, [a, b]);
    const second = requests.ask(post, [c, a]);
    assert.deepEqual(sent.map((m) => [m.seq, m.findings.map((f) => f.code)]), [[1, ['a', 'b']], [2, ['c']]]);
    requests.answer({ type: 'fixes', seq: 2, fixes: [[fix('c')]], failedRules: [] });
    requests.answer({ type: 'fixes', seq: 1, fixes: [[fix('a')]], failedRules: [] });
    assert.deepEqual(await second, [[fix('c')], [fix('a')]]);
    assert.deepEqual(await first, [[fix('a')], undefined]);
    assert.deepEqual(await requests.ask(post, [b, c]), [undefined, [fix('c')]]);
    assert.equal(sent.length, 2, 'answers are kept per finding object');
    // The next graph's findings are new objects: asked again.
    const next = requests.ask(post, [structuredClone(c)]);
    assert.equal(sent.length, 3);
    requests.answer({ type: 'fixes', seq: 3, fixes: [[fix('c2')]], failedRules: [] });
    assert.deepEqual(await next, [[fix('c2')]]);
  });

  it('a worker gone, or a message that cannot be posted: no fixes', async () => {
    const requests = new FixRequests();
    const waiting = requests.ask(() => {}, [finding('a')]);
    requests.dropAll();
    assert.deepEqual(await waiting, [undefined]);
    assert.deepEqual(await requests.ask(() => { throw new Error('closed'); }, [finding('b')]), [undefined]);
  });
});
