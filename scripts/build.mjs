// Bundles the CLI (and, later, the extension) with esbuild; ts-morph stays external (a runtime dependency).
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['ts-morph', 'vscode'],
  logLevel: 'warning',
});
