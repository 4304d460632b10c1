// The analyser as the benchmark entries load it: src/core bundled by esbuild the way dist/cli.js is
// (ts-morph external), into bench/.work/core.cjs, rebuilt when a source file is newer.
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CORE_BUNDLE = join(root, 'bench', '.work', 'core.cjs');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export async function buildCore() {
  let built = 0;
  try {
    built = statSync(CORE_BUNDLE).mtimeMs;
  } catch {}
  if (built > newest(join(root, 'src', 'core'))) return CORE_BUNDLE;
  await build({
    stdin: {
      contents: [
        "export { Analyzer } from './src/core/analyze';",
        "export { createNodeHost } from './src/core/node-host';",
        "export { runRulesDetailed } from './src/core/rules';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['ts-morph'], logLevel: 'warning',
    outfile: CORE_BUNDLE,
  });
  return CORE_BUNDLE;
}
