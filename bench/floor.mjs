// The parse floor: read every source file and parse it with the same TypeScript parser the
// analyser uses (ts-morph's bundled compiler), nothing else. Prints the number of files parsed.
// With --heap (run under --expose-gc) every tree is kept alive and the line is JSON:
// {files, heapMb}, the heap those trees retain.
// Usage: node [--expose-gc] bench/floor.mjs <dir> [--heap]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { retainedMb } from './heap.mjs';
import { sourceFiles } from './source-files.mjs';

const { ts } = createRequire(import.meta.url)('ts-morph');

function kind(p) {
  if (/\.[cm]?ts$/.test(p)) return ts.ScriptKind.TS;
  if (p.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (p.endsWith('.jsx')) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

const heap = process.argv.includes('--heap');
const trees = [];
let count = 0;
const before = heap ? retainedMb() : 0;
for (const p of sourceFiles(process.argv[2])) {
  const tree = ts.createSourceFile(p, readFileSync(p, 'utf8'), ts.ScriptTarget.Latest, true, kind(p));
  if (heap) trees.push(tree);
  count++;
}
if (heap) console.log(JSON.stringify({ files: count, heapMb: retainedMb() - before, trees: trees.length }));
else console.log(count);
