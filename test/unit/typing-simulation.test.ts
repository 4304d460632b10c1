import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Analyzer } from '../../src/core/analyze';
import type { WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { fixesOf, runRulesDetailed } from '../../src/core/rules/index';
import { graphProblems } from '../../scripts/fuzz/graph-checks';
import { applyChange, typingSteps } from '../support/typing-steps';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/**
 * Files typed into their fixture: a root with fastify-plugin decorators, an autoloaded TypeScript
 * route file, a server with prefix rules, a test file with inject calls, an ES module, schemas
 * with response codes, a class controller with decorators.
 */
const SAMPLE = [
  'fp-decorators/server.js',
  'cli-autoload-ts/src/routes/users/index.ts',
  'prefix-rules/server.js',
  'test-links/test/inject.test.js',
  'module-resolution/src/esm/reports.mjs',
  'schema-status-codes/server.js',
  'fastify-decorators/src/controllers/users.controller.ts',
  'map-registry/server.js',
  'autoload-edge-cases/app.js',
  'fs-walk/plugins/loader.js',
];

/** Each typing pass takes this many steps (chunks of a few characters; one character for short files). */
const STEPS = 50;
/** Every this many steps, the graph is also compared with a fresh analysis of the same (half-typed) text. */
const COMPARE_EVERY = 12;

/** A full collection, without --expose-gc on the command line. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

/** The graph and the rules' output as JSON data (what the CLI prints and the worker posts), with every finding's fixes. */
function snapshot(analyzer: Analyzer, graph: WorkspaceGraph): unknown {
  const rules = runRulesDetailed(graph, {}, (f) => analyzer.source(f));
  return JSON.parse(JSON.stringify({ graph, rules, fixes: rules.findings.map(fixesOf) }));
}

/**
 * A cold analysis of the fixture with `text` as the file's unsaved buffer. Nothing is
 * normalised when it is compared with the incremental one: the graph (unresolved entries and
 * counters included) and the rules' findings and notes must be equal to the last bit.
 */
function fresh(root: string, file: string, text: string): unknown {
  const analyzer = new Analyzer(root, createNodeHost(new Map([[file, text]])));
  return snapshot(analyzer, analyzer.analyze());
}

/**
 * The editor's view of a file being written (`typingSteps`: every prefix of the text, chunk by
 * chunk, then a block of lines cut and pasted back), each step's edit applied to the previous
 * text. Each step goes through `Analyzer.update` and every rule.
 */
function replay(analyzer: Analyzer, file: string, text: string): WorkspaceGraph {
  let graph: WorkspaceGraph | undefined;
  let steps = 0;
  const step = (t: string, what: string) => {
    try {
      graph = analyzer.update(file, t);
      const rules = runRulesDetailed(graph, {}, (f) => analyzer.source(f));
      assert.deepEqual(rules.failed, [], 'no rule fails');
      assert.deepEqual(graph.unresolved.filter((u) => /internal error/i.test(u.reason)), [], 'no internal error');
      assert.deepEqual(graphProblems(graph, rules.findings, (f) => (f === file ? t : analyzer.source(f)), rules.findings.map((f) => fixesOf(f) ?? [])), [], 'the graph is well-formed');
      if (++steps % COMPARE_EVERY === 0) assert.deepEqual(snapshot(analyzer, graph), fresh(analyzer.root, file, t), 'the incremental graph equals a fresh one');
    } catch (e) {
      throw new Error(`${path.relative(FIXTURES, file)} after ${what}: ${(e as Error).stack}`);
    }
  };
  let current = text;
  for (const s of typingSteps(text, STEPS)) {
    current = applyChange(current, s.change);
    assert.equal(current, s.text, `the edit of step '${s.what}' gives its text`);
    step(current, s.what);
  }
  assert.equal(current, text, 'the replay ends on the file\'s text');
  return graph!;
}

describe('typing simulation (Analyzer.update, character chunks)', function () {
  this.timeout(120_000);
  const gc = collector();

  for (const rel of SAMPLE) {
    it(`${rel}: every step analyses, the end equals a fresh analysis, the heap does not grow`, () => {
      const fixture = rel.split('/')[0];
      const root = fs.realpathSync(path.join(FIXTURES, fixture));
      const file = path.join(root, rel.slice(fixture.length + 1));
      const text = fs.readFileSync(file, 'utf8');
      const analyzer = new Analyzer(root, createNodeHost());
      analyzer.analyze();

      const typed = replay(analyzer, file, text);
      // The final text is the file's text on disk: a new analyzer reads it cold.
      const cold = new Analyzer(root, createNodeHost());
      assert.deepEqual(snapshot(analyzer, typed), snapshot(cold, cold.analyze()));

      gc();
      const after1 = process.memoryUsage().heapUsed;
      replay(analyzer, file, text);
      gc();
      const after2 = process.memoryUsage().heapUsed;
      const growth = after2 - after1;
      // One replay is ~55 analyses of the fixture; a leak of the linker's or the parser's state
      // per analysis would show as megabytes. Measured: well under 0.5 MB either way.
      assert.ok(growth < 1_000_000, `heap grew by ${(growth / 1e6).toFixed(2)} MB between two replays of ${rel}`);
      console.log(`      heap after replay 1: ${(after1 / 1e6).toFixed(1)} MB, after replay 2: ${(after2 / 1e6).toFixed(1)} MB (${growth >= 0 ? '+' : ''}${(growth / 1e3).toFixed(0)} kB)`);
    });
  }
});
