import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fixtureFiles, type FixtureFile } from './fixtures';
import { mutate } from './mutations';
import { mulberry32, runSeed } from './prng';
import type { FromWorker, Problem, RunRequest } from './protocol';

export interface FuzzOptions {
  /** Number of runs (mutations), from index `first`. */
  count: number;
  seed: number;
  /** Index of the first run (to split a long session in chunks). Default 0. */
  first?: number;
  /** Only these run indexes (a reproduction). */
  only?: number[];
  /** Only these fixture folders. */
  fixtures?: string[];
  /** The folder whose sub-folders are the fixtures. Default test/fixtures. */
  fixturesDir?: string;
  /** Time budget of one run (analysis, rules, checks), ms. Default 5000. */
  budgetMs?: number;
  /** Where the mutated text of a failed run is saved. Default test/.tmp/fuzz-failures. */
  failuresDir?: string;
  /** Progress and failure lines. Default: nothing. */
  log?: (line: string) => void;
}

export interface FuzzFailure {
  index: number;
  seed: number;
  fixture: string;
  /** File relative to the fixture. */
  file: string;
  mutation: string;
  problems: Problem[];
  /** The mutated text, saved here. */
  saved: string;
  reproduce: string;
}

export interface FuzzSummary {
  runs: number;
  failures: FuzzFailure[];
  /** Wall time of the whole session, ms. */
  ms: number;
  /** Time of the slowest run (in the worker: analysis, rules and checks) and which. */
  slowest: { ms: number; index: number; file: string };
  /** Sum of the runs' own times, ms. */
  runMs: number;
}

/** How long a fixture's first (cold) analysis may take before the run's own budget starts. */
const PREPARE_MS = 60_000;
const WORKER = path.join(__dirname, 'analysis-worker.ts');

/** The mutated text and its description of run `index`: a function of (seed, index) and the fixtures only. */
export function planRun(files: FixtureFile[], seed: number, index: number) {
  const target = files[index % files.length];
  const siblings = new Map(files.filter((f) => f.root === target.root).map((f) => [f.file, f.text]));
  const { text, description } = mutate({ file: target.file, text: target.text, siblings }, mulberry32(runSeed(seed, index)));
  return { target, text, description };
}

type Outcome = { problems: Problem[]; ms: number } | { problems: Problem[]; ms: number; killed: true };

/** The analysis thread, restarted after it was terminated (a run over budget) or died. */
class AnalysisThread {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;

  private start(): Promise<void> {
    // The worker's entry is TypeScript: tsx's require hook compiles it (and src/core) in the thread.
    const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)})`, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 2048, stackSizeMb: 4 } });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type !== 'ready') return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  async run(req: RunRequest, budgetMs: number): Promise<Outcome> {
    this.ready ??= this.start();
    await this.ready;
    const worker = this.worker!;
    return new Promise<Outcome>((resolve) => {
      let timer: NodeJS.Timeout;
      const t0 = Date.now();
      let started = t0;
      const finish = (o: Outcome) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(o);
      };
      const kill = (problem: Problem) => {
        this.worker = undefined;
        this.ready = undefined;
        void worker.terminate();
        finish({ problems: [problem], ms: Date.now() - started, killed: true });
      };
      const arm = (ms: number, what: string) => {
        clearTimeout(timer);
        timer = setTimeout(() => kill({ kind: 'timeout', detail: `${what} took over ${ms} ms: the analysis thread was terminated` }), ms);
      };
      const onMessage = (m: FromWorker) => {
        if (m.type === 'started' && m.index === req.index) {
          started = Date.now();
          arm(budgetMs, 'the run');
        } else if (m.type === 'done' && m.index === req.index) finish({ problems: m.problems, ms: m.ms });
      };
      const onError = (e: Error) => kill({ kind: 'crash', detail: `the analysis thread died: ${e?.stack ?? e}` });
      const onExit = (code: number) => kill({ kind: 'crash', detail: `the analysis thread exited with ${code}` });
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      arm(PREPARE_MS, 'the first analysis of the fixture');
      worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (w) await w.terminate();
  }
}

/**
 * Mutates fixture files and analyses each mutation (analysis, every rule, graph checks) in a
 * worker thread with a time budget per run. Deterministic from the seed: run i mutates fixture
 * file i mod N with a PRNG seeded from (seed, i), so every file gets mutated and any run can be
 * replayed alone (`only`).
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const t0 = Date.now();
  const log = options.log ?? (() => undefined);
  const budgetMs = options.budgetMs ?? 5000;
  const failuresDir = options.failuresDir ?? path.join(__dirname, '..', '..', 'test', '.tmp', 'fuzz-failures');
  const files = fixtureFiles(options.fixturesDir, options.fixtures);
  if (!files.length) throw new Error(`no fixture files${options.fixtures ? ` in ${options.fixtures.join(', ')}` : ''}`);
  const first = options.first ?? 0;
  const indexes = options.only ?? Array.from({ length: options.count }, (_, i) => first + i);
  const thread = new AnalysisThread();
  const failures: FuzzFailure[] = [];
  const baselineReported = new Set<string>();
  let slowest = { ms: 0, index: -1, file: '' };
  let runMs = 0;
  try {
    for (const [n, index] of indexes.entries()) {
      const { target, text, description } = planRun(files, options.seed, index);
      const req: RunRequest = { index, root: target.root, file: target.file, text };
      let outcome = await thread.run(req, budgetMs);
      // A run over budget is run once more in a fresh thread: a hang times out twice, a loaded machine rarely does.
      if ('killed' in outcome && outcome.problems[0].kind === 'timeout') outcome = await thread.run(req, budgetMs);
      const rel = path.relative(target.root, target.file);
      runMs += outcome.ms;
      if (outcome.ms > slowest.ms) slowest = { ms: outcome.ms, index, file: `${target.fixture}/${rel}` };
      const problems = outcome.problems.filter((p) => p.kind !== 'baseline' || !baselineReported.has(`${target.fixture}:${p.detail}`));
      for (const p of problems) if (p.kind === 'baseline') baselineReported.add(`${target.fixture}:${p.detail}`);
      if (problems.length) {
        const failure = saveFailure(failuresDir, { index, seed: options.seed, fixture: target.fixture, file: rel, mutation: description, problems, saved: '', reproduce: '' }, text);
        failures.push(failure);
        log(formatFailure(failure));
      }
      if ((n + 1) % 500 === 0) log(`fuzz: ${n + 1}/${indexes.length} runs, ${failures.length} failures, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await thread.close();
  }
  return { runs: indexes.length, failures, ms: Date.now() - t0, slowest, runMs };
}

function saveFailure(dir: string, f: FuzzFailure, text: string): FuzzFailure {
  fs.mkdirSync(dir, { recursive: true });
  const base = `seed${f.seed}-run${f.index}-${f.fixture}-${f.file.replace(/[\\/]/g, '__')}`;
  const saved = path.join(dir, base);
  fs.writeFileSync(saved, text);
  const reproduce = `npm run fuzz -- --seed ${f.seed} --run ${f.index}`;
  const out = { ...f, saved, reproduce };
  fs.writeFileSync(`${saved}.json`, JSON.stringify(out, null, 2));
  return out;
}

export function formatFailure(f: FuzzFailure): string {
  return [
    `FAIL run ${f.index} (seed ${f.seed}): ${f.fixture}/${f.file}  mutation: ${f.mutation}`,
    ...f.problems.map((p) => `  ${p.kind}: ${p.detail.split('\n').join('\n    ')}`),
    `  mutated text: ${f.saved}`,
    `  reproduce:    ${f.reproduce}`,
  ].join('\n');
}

export function formatSummary(s: FuzzSummary, seed: number): string {
  return `fuzz: ${s.runs} runs, ${s.failures.length} failures, ${(s.ms / 1000).toFixed(1)} s (seed ${seed}; mean run ${(s.runMs / Math.max(1, s.runs)).toFixed(1)} ms, slowest ${Math.round(s.slowest.ms)} ms: run ${s.slowest.index} ${s.slowest.file})`;
}
