// Bundles the CLI, the extension and its analysis worker with esbuild.
// - dist/cli.js: the `fastify-lens` command; ts-morph stays external (a runtime dependency).
// - dist/extension.js: the extension host side; only `vscode` is external. It never loads the
//   analyser itself, so activation stays light.
// - dist/worker.js: the analyser in a worker thread, with ts-morph (and its TypeScript) bundled in:
//   the .vsix carries no node_modules.
// dist/cli.js and dist/worker.js carry a hash of their own code as the analyser version of the
// warm-start cache (scripts/analyser-stamp.mjs).
// `--production` minifies and drops source maps (what `npm run package` ships).
import { build } from 'esbuild';
import { stampDefine, writeStamped } from './analyser-stamp.mjs';

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

await Promise.all([
  build({ ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', external: ['ts-morph', 'vscode'], minify: false, define: stampDefine, write: false }).then(writeStamped),
  build({ ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: ['vscode'] }),
  build({ ...common, entryPoints: { worker: 'src/extension/worker/analysis-worker.ts' }, outdir: 'dist', external: ['vscode'], define: stampDefine, write: false }).then(writeStamped),
]);
