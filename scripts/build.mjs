// Bundles the CLI, the extension and its analysis worker with esbuild.
// - dist/cli.js: the `fastify-lens` command; ts-morph stays external (a runtime dependency).
// - dist/extension.js: the extension host side; only `vscode` is external. It never loads the
//   analyser itself, so activation stays light. The one host feature that parses (Add type
//   declaration) requires core/fixes/decorator-declaration on first use: that require is pointed
//   at dist/decorator-declaration.js, its own bundle, instead of being bundled in.
// - dist/worker.js: the analyser in a worker thread.
// - dist/ts-morph.js: ts-morph (and its TypeScript) bundled once, loaded by dist/worker.js and
//   dist/decorator-declaration.js with a plain require (the .vsix carries no node_modules).
//   Bundled into them instead, every `ts.x` read would go through esbuild's ESM interop getter:
//   about a quarter of the worker's CPU time on the 2,000-file benchmark workspace.
// dist/cli.js and dist/worker.js carry a hash of their own code (the worker's with dist/ts-morph.js)
// as the analyser version of the warm-start cache (scripts/analyser-stamp.mjs).
// `--production` minifies and drops source maps (what `npm run package` ships).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { stampDefine, writeStamped } from './analyser-stamp.mjs';
import { pureJsCbor } from './pure-js-cbor.mjs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

/** Modules the extension host requires lazily: their `require()` calls load their own dist bundle. */
const LAZY = [{ name: 'decorator-declaration', source: 'src/core/fixes/decorator-declaration.ts', filter: /\/core\/fixes\/decorator-declaration$/ }];
const lazyRequires = {
  name: 'lazy-requires',
  setup(b) {
    for (const l of LAZY) b.onResolve({ filter: l.filter }, (args) => (args.kind === 'require-call' ? { path: `./${l.name}.js`, external: true } : undefined));
  },
};

const sharedTsMorph = {
  name: 'shared-ts-morph',
  setup(b) {
    b.onResolve({ filter: /^ts-morph$/ }, () => ({ path: './ts-morph.js', external: true }));
  },
};

await build({ ...common, entryPoints: { 'ts-morph': createRequire(import.meta.url).resolve('ts-morph') }, outdir: 'dist' });
const tsMorph = readFileSync('dist/ts-morph.js', 'utf8');

await Promise.all([
  build({ ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', external: ['ts-morph', 'vscode'], plugins: [pureJsCbor], minify: false, define: stampDefine, write: false }).then((r) => writeStamped(r)),
  build({ ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: ['vscode'], plugins: [lazyRequires] }),
  ...LAZY.map((l) => build({ ...common, entryPoints: { [l.name]: l.source }, outdir: 'dist', external: ['vscode'], plugins: [sharedTsMorph] })),
  build({ ...common, entryPoints: { worker: 'src/extension/worker/analysis-worker.ts' }, outdir: 'dist', external: ['vscode'], plugins: [sharedTsMorph, pureJsCbor], define: stampDefine, write: false }).then((r) => writeStamped(r, tsMorph)),
]);
