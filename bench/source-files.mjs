// The source files the parse floors read (bench/floor.mjs, bench/floor-oxc.mjs): every .js/.ts-like
// file of the workspace, no declaration files, no node_modules or dot folders — the files the
// analyser reads. Yielded one by one during the walk, so each floor reads and parses a file
// before it lists the next.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

export function* sourceFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) yield* sourceFiles(p);
    } else if (SOURCE.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name)) yield p;
  }
}
