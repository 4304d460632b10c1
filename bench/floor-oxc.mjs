// The floor behind the floor: the same files, read the same way as bench/floor.mjs, parsed with
// oxc-parser (Rust, the fastest JS/TS parser on the registry) — `parseSync` on this thread, the
// language from the file extension, `sourceType: 'unambiguous'` (CommonJS files parse as scripts,
// files with import/export as modules), and the ESTree program taken (`.program`: the JSON the
// parser hands over is turned into JS objects, as the TypeScript parser's tree is JS objects).
// Prints {files, errors} (errors: syntax errors reported, 0 for the generated workspaces).
// Usage: node bench/floor-oxc.mjs <dir>
import { readFileSync } from 'node:fs';
import { parseSync } from 'oxc-parser';
import { sourceFiles } from './source-files.mjs';

let files = 0;
let errors = 0;
let statements = 0;
for (const p of sourceFiles(process.argv[2])) {
  const result = parseSync(p, readFileSync(p, 'utf8'), { sourceType: 'unambiguous' });
  statements += result.program.body.length;
  errors += result.errors.length;
  files++;
}
console.log(JSON.stringify({ files, errors, statements }));
