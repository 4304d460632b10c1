// The analyser as the benchmark entries load it: src/core bundled by esbuild the way dist/cli.js is
// (ts-morph external), with the editor side of an update (the worker's graph message and the
// extension host's reading of it), into bench/.work/core.cjs, rebuilt when a source file is newer. The warm
// start's entry is bench/.work/warm.cjs: `CachedAnalyzer` with the analyser and the rules loaded
// only on a miss, stamped with its analyser version as dist/cli.js is (scripts/analyser-stamp.mjs).
import { build } from 'esbuild';
import { stampDefine, writeStamped } from '../scripts/analyser-stamp.mjs';
import { pureJsCbor } from '../scripts/pure-js-cbor.mjs';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CORE_BUNDLE = join(root, 'bench', '.work', 'core.cjs');
export const WARM_BUNDLE = join(root, 'bench', '.work', 'warm.cjs');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['ts-morph'], plugins: [pureJsCbor], logLevel: 'warning' };

function upToDate(bundle) {
  let built = 0;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {}
  return built > Math.max(newest(join(root, 'src', 'core')), newest(join(root, 'src', 'extension')), statSync(join(root, 'scripts', 'analyser-stamp.mjs')).mtimeMs, statSync(join(root, 'bench', 'core.mjs')).mtimeMs);
}

export async function buildWarm() {
  if (upToDate(WARM_BUNDLE)) return WARM_BUNDLE;
  const result = await build({
    stdin: {
      contents: [
        "export { CachedAnalyzer } from './src/core/cache/cached-analyzer';",
        "export { createNodeHost } from './src/core/node-host';",
        "export const loadRules = () => require('./src/core/rules');",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    ...common, define: stampDefine, write: false, outfile: WARM_BUNDLE,
  });
  writeStamped(result);
  return WARM_BUNDLE;
}

export async function buildCore() {
  if (upToDate(CORE_BUNDLE)) return CORE_BUNDLE;
  await build({
    stdin: {
      contents: [
        "export { Analyzer } from './src/core/analyze';",
        "export { createNodeHost } from './src/core/node-host';",
        "export { runRulesDetailed } from './src/core/rules';",
        // The editor side of an update (bench/editor-path.mjs): the worker's message, the host's reading of it.
        "export { viewGraph } from './src/extension/worker/view-graph';",
        "export { SentLineStarts } from './src/extension/worker/line-starts-sent';",
        "export { SentFindings } from './src/extension/worker/findings-sent';",
        "export { GraphPoster } from './src/extension/worker/graph-post';",
        "export { GraphPatcher } from './src/extension/graph-patch';",
        "export { GraphIndex } from './src/extension/model/graph-index';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    ...common, outfile: CORE_BUNDLE,
  });
  return CORE_BUNDLE;
}
