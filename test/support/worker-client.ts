import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkspaceGraph } from '../../src/core/model';
import type { Finding } from '../../src/core/rules/types';
import { GraphPatcher } from '../../src/extension/graph-patch';
import type { FromWorker, ToWorker } from '../../src/extension/worker/protocol';

const WORKER = path.join(__dirname, '..', '..', 'dist', 'worker.js');

/** The graphs of the answers, put back together as the extension host does (every graph answer, in order). */
const GRAPHS = new WeakMap<FromWorker, WorkspaceGraph>();

/** The built worker bundle, as the extension starts it: messages in, graphs out. */
export function startWorker() {
  const worker = new Worker(WORKER);
  const patcher = new GraphPatcher();
  const ask = (msg: ToWorker) =>
    new Promise<FromWorker>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.seq !== msg.seq) return;
        worker.off('message', onMessage);
        if (m.type === 'graph') {
          if (m.stats.full) patcher.reset();
          GRAPHS.set(m, patcher.apply(structuredClone(m.graph)));
        }
        resolve(m);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.postMessage(msg);
    });
  return { worker, ask };
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
