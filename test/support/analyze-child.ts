// Analyses folders in a process of its own and prints, per folder, a line `{"start":dir}` and then
// a line `{"dir":dir,"graph":…}`, so that a test sees what a fresh Node does (no module cache
// shared with other tests) and a hang or an endless loop can be stopped from outside (mocha cannot
// interrupt synchronous code): the parent times each folder from its "start" line.
// Run as: node --import tsx test/support/analyze-child.ts <folder>...
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';

for (const dir of process.argv.slice(2)) {
  // process.stdout.write is synchronous on pipes on Linux and macOS: the line is out before the analysis starts.
  process.stdout.write(JSON.stringify({ start: dir }) + '\n');
  const graph = analyzeWorkspace(dir, createNodeHost());
  process.stdout.write(JSON.stringify({ dir, graph }) + '\n');
}
