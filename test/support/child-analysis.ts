import { execFile, spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkspaceGraph } from '../../src/core/model';

const ROOT = path.join(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'analyze-child.ts');
const CLI = path.join(ROOT, 'dist', 'cli.js');

/**
 * At most this many test child processes at once, for every test file that uses `limited`: one
 * core is left to mocha's own thread, which runs the in-process tests meanwhile.
 */
const MAX_CHILDREN = Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
let running = 0;
const waiting: (() => void)[] = [];

/** Runs `start` when fewer than MAX_CHILDREN children run; the promise settles with it. */
export function limited<T>(start: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const go = () => {
      running++;
      start()
        .then(resolve, reject)
        .finally(() => {
          running--;
          waiting.shift()?.();
        });
    };
    if (running < MAX_CHILDREN) go();
    else waiting.push(go);
  });
}

/** A promise started early whose rejection is only reported when a test awaits it. */
export function early<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

export interface ChildRun {
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs node with `args` and resolves when the process has exited; rejects on a non-zero exit or when it runs over `timeoutMs` (then killed). */
export function runNode(args: string[], what: string, timeoutMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    execFile(process.execPath, args, { cwd: ROOT, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const ms = Date.now() - t0;
      if (err && (err as { killed?: boolean }).killed) return reject(new Error(`${what}: no answer within ${timeoutMs} ms: killed (a hang or an endless loop in the analyser?)`));
      if (err) return reject(new Error(`${what}: exited with ${err.code ?? err.signal}: ${stderr || err.message}`));
      resolve({ stdout, stderr, ms });
    });
  });
}

/**
 * Analyses `dir` in a fresh child process (src/core through tsx) and resolves with the graph once
 * the process has exited. A run over `timeoutMs` is killed and becomes a named failure.
 */
export function analyzeInChild(dir: string, timeoutMs = 20_000): Promise<WorkspaceGraph> {
  return analyzeManyInChild([dir], timeoutMs)[0];
}

/**
 * Analyses several folders one after the other in one fresh child process (one start-up of tsx and
 * ts-morph for all), each with its own time limit counted from the moment the child starts it. A
 * folder over its limit fails by name (the child is killed) and the folders after it go on in a
 * new child. Each promise settles once the process that analysed its folder has exited.
 */
export function analyzeManyInChild(dirs: string[], timeoutMs = 20_000): Promise<WorkspaceGraph>[] {
  const settle = new Map<string, { resolve: (g: WorkspaceGraph) => void; reject: (e: Error) => void }>();
  const promises = dirs.map((dir) => new Promise<WorkspaceGraph>((resolve, reject) => settle.set(dir, { resolve, reject })));
  const run = (todo: string[]): Promise<void> =>
    new Promise<void>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...todo], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      const finished = new Map<string, WorkspaceGraph>();
      let current: string | undefined;
      let timedOut: string | undefined;
      // Until the first "start" line, the limit covers the start-up (an import that never ends).
      let timer: NodeJS.Timeout | undefined = setTimeout(() => {
        timedOut = todo[0];
        child.kill('SIGKILL');
      }, timeoutMs);
      let buffer = '';
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.on('data', (d) => {
        buffer += d;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const msg = JSON.parse(buffer.slice(0, nl)) as { start?: string; dir?: string; graph?: WorkspaceGraph };
          buffer = buffer.slice(nl + 1);
          clearTimeout(timer);
          if (msg.start) {
            current = msg.start;
            timer = setTimeout(() => {
              timedOut = current;
              child.kill('SIGKILL');
            }, timeoutMs);
          } else if (msg.dir) {
            finished.set(msg.dir, msg.graph!);
            current = undefined;
          }
        }
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        for (const [dir, g] of finished) settle.get(dir)!.resolve(g);
        const rest = todo.filter((d) => !finished.has(d));
        if (timedOut) {
          settle.get(timedOut)!.reject(new Error(`analysis of ${path.basename(timedOut)}: no answer within ${timeoutMs} ms: killed (a hang or an endless loop in the analyser?)`));
          run(rest.filter((d) => d !== timedOut)).then(done);
          return;
        }
        const why = `analysis child exited with ${code ?? signal}${current ? ` while analysing ${path.basename(current)}` : ''}: ${stderr.trim()}`;
        for (const d of rest) settle.get(d)!.reject(new Error(why));
        done();
      });
    });
  if (dirs.length) limited(() => run(dirs)).catch(() => undefined);
  return promises;
}

/** The same with the built CLI bundle (`dist/cli.js`, `graph --json`), as the command and the extension's worker run it. */
export function analyzeWithBuiltCli(dir: string, timeoutMs = 20_000): Promise<WorkspaceGraph> {
  return limited(() => runNode([path.join(ROOT, 'bin', 'fastify-lens.js'), 'graph', dir, '--json'], `dist/cli.js graph of ${path.basename(dir)}`, timeoutMs)).then(
    (r) => JSON.parse(r.stdout) as WorkspaceGraph,
  );
}

export const BUILT_CLI = CLI;
