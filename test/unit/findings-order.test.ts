import * as assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Analyzer } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { fixesOf, runRulesDetailed, type Finding, type RunRulesResult, type Severity } from '../../src/core/rules';
import { resorted, sortFindings } from '../../src/core/rules/findings-order';
import { listFixtures } from '../support/runtime-routes';
import { writeWorkspace } from '../support/temp-workspace';

// The registry keeps a rules run's findings in order from run to run: the last run's sorted list
// with what came and went taken out and put in (findings-order.ts `resorted`), instead of a sort of
// all. Both must give the order a full sort gives.

/** A deterministic pseudo-random sequence in [0, 1). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const CODES = ['missing-schema', 'duplicate-route', 'Missing-b', 'v5-migration'];
const FILES = ['/w/a.js', '/w/B.js', '/w/b.js', '/w/a/é.ts', '/w/z.ts'];

function randomFinding(rand: () => number, spread: number): Finding {
  const start = Math.floor(rand() * spread);
  const file = FILES[Math.floor(rand() * FILES.length)];
  return { message: `m${rand()}`, span: { file, start, end: start + Math.floor(rand() * 3), line: 1 }, code: CODES[Math.floor(rand() * CODES.length)], severity: 'hint' };
}

describe('findings order (findings-order.ts)', () => {
  it('resorted gives what a full sort gives, or undefined only where an added finding ties with another', () => {
    const rand = prng(7);
    let defined = 0;
    for (let round = 0; round < 400; round++) {
      // A small spread makes ties (same file, start, end and rule) frequent in some rounds.
      const spread = round % 2 ? 10_000 : 40;
      const before = Array.from({ length: 1 + Math.floor(rand() * 60) }, () => randomFinding(rand, spread));
      const sorted = sortFindings(before);
      const removed = before.filter(() => rand() < 0.1);
      const added = Array.from({ length: Math.floor(rand() * 6) }, () => randomFinding(rand, spread));
      // The run after: the rules' order kept for what stayed, the new findings anywhere among them.
      const after = before.filter((f) => !removed.includes(f));
      for (const f of added) after.splice(Math.floor(rand() * (after.length + 1)), 0, f);
      const expected = sortFindings(after);
      const got = resorted(sorted, removed, added);
      const key = (f: Finding) => `${f.span.file}\0${f.span.start}\0${f.span.end}\0${f.code}`;
      const ties = added.some((a) => after.some((o) => o !== a && key(o) === key(a)));
      if (got === undefined) {
        assert.ok(ties, `round ${round}: undefined only for a tie`);
        continue;
      }
      defined++;
      assert.equal(got.length, expected.length, `round ${round}`);
      got.forEach((f, i) => assert.equal(f, expected[i], `round ${round}, place ${i}`));
    }
    assert.ok(defined > 200, `most rounds are put right without a sort (${defined} of 400)`);
  });
});

describe('the registry reuses the last run (rules/index.ts)', () => {
  /** A run as data, fixes included when asked. */
  const data = (r: RunRulesResult, fixes: boolean) => ({ findings: r.findings.map((f) => ({ ...f, ...(fixes ? { fixes: fixesOf(f) } : {}) })), notes: r.notes, failed: r.failed });

  const fresh = (dir: string, severities: Record<string, Severity>, fixes: boolean) => {
    const a = new Analyzer(dir, createNodeHost());
    return data(runRulesDetailed(a.analyze(), severities, a.sourceOf()), fixes);
  };

  it('equals a fresh run across edits, rules turned off and on, and severities changed, whether fixes were asked in between or not', () => {
    const steps: { severities: Record<string, Severity>; edit?: boolean; fixes: boolean }[] = [
      { severities: {}, fixes: false },
      { severities: {}, edit: true, fixes: false },
      { severities: { 'missing-schema': 'off' }, fixes: false },
      { severities: { 'missing-schema': 'warning', 'missing-response-schema': 'error' }, fixes: true },
      { severities: { 'missing-schema': 'warning', 'missing-response-schema': 'error' }, edit: true, fixes: false },
      { severities: { 'missing-schema': 'warning', 'missing-response-schema': 'error' }, fixes: true },
      { severities: {}, edit: true, fixes: true },
    ];
    let checked = 0;
    for (const fixture of listFixtures()) {
      const dir = writeWorkspace(`findings-order-${fixture.name}`, { 'nothing-here.js': '' });
      cpSync(fixture.dir, dir, { recursive: true });
      const analyzer = new Analyzer(dir, createNodeHost());
      let graph = analyzer.analyze();
      const first = graph.apps.flatMap((a) => a.routes).find((r) => !r.implicitHead && !r.package);
      const file = first?.span.file;
      const original = file ? readFileSync(file, 'utf8') : '';
      /** The fixes asked of the run before (findings with some). */
      let asked = new Map<Finding, unknown>();
      steps.forEach((step, i) => {
        if (step.edit && file && first) {
          // The first route declared twice: findings come, and the ones after it move.
          const text = i % 2 ? `${original.slice(0, first.span.start)}${original.slice(first.span.start, first.span.end)};\n${original.slice(first.span.start)}` : original;
          writeFileSync(file, text);
          graph = analyzer.applyChanges([{ file }]);
        }
        const run = runRulesDetailed(graph, step.severities, analyzer.sourceOf());
        // Fixes asked of the run before belong to its analysis: a finding kept computes them again.
        for (const f of run.findings) if (asked.has(f)) assert.notEqual(fixesOf(f), asked.get(f), `${fixture.name}, step ${i}: fixes of the last analysis not reused`);
        const got = data(run, step.fixes);
        assert.deepEqual(got, fresh(dir, step.severities, step.fixes), `${fixture.name}, step ${i}`);
        asked = new Map(step.fixes ? run.findings.map((f) => [f, fixesOf(f)] as const).filter(([, fixes]) => fixes?.length) : []);
        checked++;
      });
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(checked > 50);
  });

  it('a second run on the same graph gives the same finding objects in the same order', () => {
    // The second run walks every rule's list beside the first's and sorts nothing.
    let compared = 0;
    for (const fixture of listFixtures()) {
      const dir = writeWorkspace(`findings-order-twice-${fixture.name}`, { 'nothing-here.js': '' });
      cpSync(fixture.dir, dir, { recursive: true });
      const analyzer = new Analyzer(dir, createNodeHost());
      const graph = analyzer.analyze();
      const a = runRulesDetailed(graph, {}, analyzer.sourceOf());
      const b = runRulesDetailed(graph, {}, analyzer.sourceOf());
      assert.equal(b.findings.length, a.findings.length);
      b.findings.forEach((f, i) => assert.equal(f, a.findings[i], `${fixture.name}: finding ${i} is the same object`));
      compared += a.findings.length;
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(compared > 20, `${compared} findings compared`);
  });
});
