import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

// CI's benchmark smoke test: the smallest size, one round, no timing assertions (a slow machine
// must never fail it); what it checks is that every number is there and sane, and that the
// benchmark's own correctness checks hold (the generated app boots to our route count, it
// type-checks, the incremental graph equals a full analysis, oxc-parser reads every file without
// error, the workspace is back to its start after the heap edits).
const ROOT = path.join(__dirname, '..', '..');
const KEYS = ['files', 'routes', 'parseFloorMs', 'oxcFloorMs', 'oxcRatio', 'coldIndexMs', 'coldRatio', 'incrementalP50Ms', 'incrementalP95Ms', 'incrementalSteadyP95Ms', 'editorWorkerP50Ms', 'editorWorkerP95Ms', 'editorHostP50Ms', 'editorHostP95Ms', 'editorMessageMb', 'warmIndexMs', 'warmRatio', 'heapMb', 'floorHeapMb', 'heapGrowthMb', 'editsForHeap', 'bootMs', 'bootRatio', 'tscMs'];

interface Checks {
  floorFiles: number;
  oxcFiles: number;
  oxcErrors: number;
  heapSamplesMb: [number, number][];
  heapGrowthUnsampledMb: number;
  heapGrowthWorkerMb: number;
  heapEditsBackToStart: boolean;
  failedRules: number;
  bootRoutes: number;
  tscExit: number;
  tscErrors: number;
  incrementalKinds: Record<string, number>;
  incrementalRoutes: [number, number];
  incrementalEqualsFull: boolean;
  incrementalDifference?: string;
  editorHostEqualsWorker: boolean;
  warmPrimedCold: boolean;
  warmFromCache: boolean;
  warmParserLoaded: boolean;
  warmEqualsCold: boolean;
}
interface BenchOutput {
  node: string;
  cpus: number;
  sizes: Record<string, Record<string, number | null>>;
  checks: Record<string, Checks>;
}

describe('npm run bench (smoke: 200 files, one round)', function () {
  this.timeout(240000);
  let out: BenchOutput;
  before(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bench/run.mjs', '--size', '200', '--smoke', '--json'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    out = JSON.parse(stdout);
  });

  it('machine info at the top level, one entry per size with exactly the issue\'s keys', () => {
    assert.match(out.node, /^v\d+\./);
    assert.ok(out.cpus >= 1);
    assert.deepEqual(Object.keys(out.sizes), ['200']);
    assert.deepEqual(Object.keys(out.sizes['200']), KEYS);
  });

  it('sane values: counts and times positive, ratios consistent', () => {
    const s = out.sizes['200'] as Record<string, number>;
    assert.equal(s.files, 200);
    assert.equal(out.checks['200'].floorFiles, s.files, 'the floor parses the files the analyser reads');
    assert.ok(s.routes > s.files, `routes: ${s.routes}`);
    for (const k of ['parseFloorMs', 'oxcFloorMs', 'oxcRatio', 'coldIndexMs', 'coldRatio', 'incrementalP50Ms', 'incrementalP95Ms', 'warmIndexMs', 'warmRatio', 'heapMb', 'floorHeapMb', 'bootMs', 'bootRatio', 'tscMs']) {
      assert.ok(typeof s[k] === 'number' && Number.isFinite(s[k]) && s[k] > 0, `${k}: ${s[k]}`);
    }
    assert.ok(s.incrementalP95Ms >= s.incrementalP50Ms);
    // The p95 after the first 12 edits needs 24 edits at least: the smoke run's 12 give none.
    assert.equal(s.incrementalSteadyP95Ms, null);
    assert.ok(Math.abs(s.coldRatio - s.coldIndexMs / s.parseFloorMs) < 0.05);
    assert.ok(Math.abs(s.bootRatio - s.coldIndexMs / s.bootMs) < 0.05);
    assert.ok(Math.abs(s.warmRatio - s.warmIndexMs / s.parseFloorMs) < 0.05);
    assert.ok(Math.abs(s.oxcRatio - s.parseFloorMs / s.oxcFloorMs) < 0.05);
  });

  it('oxc-parser\'s floor read the same files without a syntax error', () => {
    const c = out.checks['200'];
    assert.equal(c.oxcFiles, out.sizes['200'].files);
    assert.equal(c.oxcErrors, 0);
  });

  it('the heap over consecutive edits: 100 in the smoke run, sampled every tenth, growth from the first sample after edits to the last; graph and findings back to the start', () => {
    const s = out.sizes['200'] as Record<string, number>;
    const c = out.checks['200'];
    assert.equal(s.editsForHeap, 100);
    assert.deepEqual(c.heapSamplesMb.map(([n]) => n), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    for (const [n, mb] of c.heapSamplesMb) assert.ok(Number.isFinite(mb) && mb > 0, `heap after ${n} edits: ${mb}`);
    // The samples are rounded to 0.1 MB, as the growth is.
    assert.ok(Math.abs(s.heapGrowthMb - (c.heapSamplesMb[10][1] - c.heapSamplesMb[1][1])) <= 0.151, `growth ${s.heapGrowthMb}`);
    // The same edits again, collected by V8 alone between the first tenth and the last: a number, of either sign.
    assert.ok(Number.isFinite(c.heapGrowthUnsampledMb), `unsampled growth ${c.heapGrowthUnsampledMb}`);
    assert.ok(Number.isFinite(c.heapGrowthWorkerMb), `growth with the worker's part ${c.heapGrowthWorkerMb}`);
    assert.equal(c.heapEditsBackToStart, true);
  });

  it('the generated app boots with real fastify to our route count and type-checks cleanly', () => {
    const c = out.checks['200'];
    assert.equal(c.bootRoutes, out.sizes['200'].routes);
    assert.equal(c.tscErrors, 0);
    assert.equal(c.tscExit, 0);
    assert.equal(c.failedRules, 0);
  });

  it('the warm start was served from the cache a first run wrote: no parse, no parser loaded, the cold run\'s routes and findings', () => {
    const c = out.checks['200'];
    assert.equal(c.warmPrimedCold, true, 'the first run found no cache');
    assert.equal(c.warmFromCache, true);
    assert.equal(c.warmParserLoaded, false);
    assert.equal(c.warmEqualsCold, true);
  });

  it('every edit kind ran, changed the routes, and the incremental graph equals a fresh full analysis', () => {
    const c = out.checks['200'];
    assert.deepEqual(Object.keys(c.incrementalKinds), ['route-added', 'url-changed', 'prefix-changed', 'decorator-removed', 'file-added', 'file-deleted']);
    for (const [kind, n] of Object.entries(c.incrementalKinds)) assert.ok(n >= 1, kind);
    assert.notEqual(c.incrementalRoutes[0], c.incrementalRoutes[1]);
    assert.equal(c.incrementalEqualsFull, true, c.incrementalDifference);
  });

  it('the editor path of the same edits: times and message size there, and the graph the extension host puts together equals the worker\'s after every edit', () => {
    const s = out.sizes['200'] as Record<string, number>;
    for (const k of ['editorWorkerP50Ms', 'editorWorkerP95Ms', 'editorHostP50Ms', 'editorHostP95Ms', 'editorMessageMb']) assert.ok(typeof s[k] === 'number' && Number.isFinite(s[k]) && s[k] > 0, `${k}: ${s[k]}`);
    assert.equal(out.checks['200'].editorHostEqualsWorker, true);
  });
});
