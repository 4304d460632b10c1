// The parse floor: read every source file and parse it with the same TypeScript parser the
// analyser uses (ts-morph's bundled compiler), nothing else. Prints the number of files parsed.
// With --heap (run under --expose-gc) every tree is kept alive and the line is JSON:
// {files, heapMb}, the heap those trees retain.
// Usage: node [--expose-gc] bench/floor.mjs <dir> [--heap]
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const { ts } = createRequire(import.meta.url)('ts-morph');
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

function kind(p) {
  if (/\.[cm]?ts$/.test(p)) return ts.ScriptKind.TS;
  if (p.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (p.endsWith('.jsx')) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

const heap = process.argv.includes('--heap');
const usedMb = () => {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed / 1048576;
};
const trees = [];
let count = 0;
function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p);
    } else if (SOURCE.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name)) {
      const tree = ts.createSourceFile(p, readFileSync(p, 'utf8'), ts.ScriptTarget.Latest, true, kind(p));
      if (heap) trees.push(tree);
      count++;
    }
  }
}
const before = heap ? usedMb() : 0;
walk(process.argv[2]);
if (heap) console.log(JSON.stringify({ files: count, heapMb: usedMb() - before, trees: trees.length }));
else console.log(count);
