import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Finding } from '../../src/core/rules/types';
import type { FromWorker, ToWorker } from '../../src/extension/worker/protocol';

const WORKER = path.join(__dirname, '..', '..', 'dist', 'worker.js');

/** The built worker bundle, as the extension starts it: messages in, graphs out. */
export function startWorker() {
  const worker = new Worker(WORKER);
  const ask = (msg: ToWorker) =>
    new Promise<FromWorker>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.seq !== msg.seq) return;
        worker.off('message', onMessage);
        resolve(m);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.postMessage(msg);
    });
  return { worker, ask };
}

/** Every finding a graph message posted (all of them after an `analyze`; the files that changed after a `change`). */
export function postedFindings(m: FromWorker): Finding[] {
  return m.type === 'graph' ? m.findings.files.flatMap(([, list]) => list) : [];
}
