// One cold index: a fresh process reads the workspace from disk, builds the graph and runs every
// rule (what the extension does when a folder opens). Prints {files, routes, findings}; with
// --heap (run under --expose-gc) also the heap retained with the analyser alive, in MB.
// Usage: node [--expose-gc] bench/cold.mjs <core.cjs> <dir> [--heap]
import { createRequire } from 'node:module';
import { retainedMb } from './heap.mjs';

const [bundle, dir] = process.argv.slice(2);
const heap = process.argv.includes('--heap');
const { Analyzer, createNodeHost, runRulesDetailed } = createRequire(import.meta.url)(bundle);
createRequire(import.meta.url)('ts-morph'); // loaded in the baseline, as the floor's is

const before = heap ? retainedMb() : 0;
const analyzer = new Analyzer(dir, createNodeHost());
const graph = analyzer.analyze();
const rules = runRulesDetailed(graph, {}, analyzer.sourceOf());
const heapMb = heap ? retainedMb() - before : undefined;
const routes = graph.apps.reduce((n, a) => n + a.routes.length, 0);
console.log(JSON.stringify({ files: graph.files, routes, findings: rules.findings.length, failedRules: rules.failed.length, heapMb }));
// Keep both alive until the numbers are taken.
if (!analyzer || !graph) process.exit(1);
