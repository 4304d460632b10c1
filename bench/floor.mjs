// The parse floor: read every source file and parse it with the same TypeScript parser the
// analyser uses (ts-morph's bundled compiler), nothing else. Usage: node bench/floor.mjs <dir>
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

let count = 0;
function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p);
    } else if (SOURCE.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name)) {
      ts.createSourceFile(p, readFileSync(p, 'utf8'), ts.ScriptTarget.Latest, true, kind(p));
      count++;
    }
  }
}
walk(process.argv[2]);
console.log(count);
