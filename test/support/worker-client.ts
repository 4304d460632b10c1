import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkspaceGraph } from '../../src/core/model';
import type { Finding } from '../../src/core/rules/types';
import { GraphPatcher } from '../../src/extension/graph-patch';
import type { FromWorker, ToWorker } from '../../src/extension/worker/protocol';

const WORKER = path.join(__dirname, '..', '..', 'dist', 'worker.js');

/** The graphs of the answers, put back together as the extension host does (every graph answer, in order). */
const GRAPHS = new WeakMap<FromWorker, WorkspaceGraph>();

/** Every message the worker posted for a request, in order (`views`, `rules` and `log` included). */
const POSTED = new WeakMap<FromWorker, FromWorker[]>();

/**
 * The built worker bundle, as the extension starts it: messages in, graphs out. A full analysis
 * posts its graph (`views`) before its rules (`rules`); `ask` answers with the two as one `graph`
 * answer, as an update's (`posted()` has what was posted).
 */
export function startWorker() {
  const worker = new Worker(WORKER);
  const patcher = new GraphPatcher();
  /** The lines of every `log` message, as they came. */
  const logs: string[] = [];
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'log') logs.push(...m.lines);
  });
  const ask = (msg: ToWorker) =>
    new Promise<FromWorker>((resolve, reject) => {
      const seen: FromWorker[] = [];
      let views: Extract<FromWorker, { type: 'views' }> | undefined;
      const onMessage = (m: FromWorker) => {
        if (m.seq !== msg.seq || m.type === 'log') return;
        seen.push(m);
        if (m.type === 'views' || m.type === 'graph') {
          if (m.stats.full) patcher.reset();
          GRAPHS.set(m, patcher.apply(structuredClone(m.graph)));
        }
        if (m.type === 'views') {
          views = m;
          return;
        }
        worker.off('message', onMessage);
        let answer = m;
        if (m.type === 'rules' && views) {
          const { ms: _ms, type: _type, ...rules } = m;
          answer = { ...views, ...rules, type: 'graph' };
          GRAPHS.set(answer, GRAPHS.get(views)!);
        }
        POSTED.set(answer, seen);
        resolve(answer);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.postMessage(msg);
    });
  return { worker, ask, logs };
}

/** The messages behind an answer of `ask`. */
export function posted(m: FromWorker): FromWorker[] {
  return POSTED.get(m) ?? [m];
}

/** The whole graph of a graph answer, as the extension host has it. */
export function graphOf(m: FromWorker): WorkspaceGraph {
  const g = GRAPHS.get(m);
  if (!g) throw new Error(`not a graph answer: ${m.type}`);
  return g;
}

/** Every finding a graph message posted (all of them after an `analyze`; the files that changed after a `change`). */
export function postedFindings(m: FromWorker): Finding[] {
  return m.type === 'graph' ? m.findings.files.flatMap(([, list]) => list) : [];
}
