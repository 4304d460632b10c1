// The VS Code test scenarios and how each one's workspace, suite bundle and harness config are
// prepared. Shared by run-tests.mjs (code-server here) and run-electron.mjs (@vscode/test-electron
// on desktops with internet).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WORK = path.join(ROOT, 'test', '.tmp', 'vscode');

/**
 * Each scenario: the fixture folders it opens (several make a multi-root workspace; `@plain` is a
 * made-up folder without Fastify, `=PATH` a folder opened in place) and its suite.
 */
export const SCENARIOS = [
  { name: 'cli-app', folders: ['cli-autoload-js'], suite: 'cli-app.test.ts' },
  { name: 'multi-root', folders: ['multi-app', 'test-links', 'fp-decorators', 'broken', '@plain'], suite: 'multi-root.test.ts' },
  { name: 'no-fastify', folders: ['@plain'], suite: 'no-fastify.test.ts' },
  { name: 'quick-fixes', folders: ['cli-autoload-js', 'cli-autoload-ts'], suite: 'quick-fixes.test.ts' },
  { name: 'typing-replay', folders: ['cli-autoload-js'], suite: 'typing-replay.test.ts' },
];

/**
 * Copies the scenario's fixtures to test/.tmp (edits never touch the fixtures), writes the
 * workspace file for several folders, bundles the suite, and writes the harness config.
 * Returns what the runner opens and where results appear.
 */
export async function prepareScenario(s, shots) {
  const dir = path.join(WORK, s.name);
  fs.rmSync(dir, { recursive: true, force: true });
  const folders = s.folders.map((f) => {
    if (f.startsWith('=')) return f.slice(1); // a folder opened where it is (--folder)
    const dest = path.join(dir, f.replace(/^@/, ''));
    if (f === '@plain') {
      // A folder without Fastify: must not be indexed.
      fs.mkdirSync(dest, { recursive: true });
      fs.writeFileSync(path.join(dest, 'package.json'), JSON.stringify({ name: 'plain', dependencies: { express: '^5.0.0' } }));
      fs.writeFileSync(path.join(dest, 'index.js'), "require('express')().get('/not-fastify', () => {})\n");
    } else fs.cpSync(path.join(ROOT, 'test', 'fixtures', f), dest, { recursive: true });
    return dest;
  });
  let workspace;
  if (folders.length > 1) {
    workspace = path.join(dir, `${s.name}.code-workspace`);
    fs.writeFileSync(workspace, JSON.stringify({ folders: folders.map((f) => ({ path: f })) }, null, 2));
  }
  const suite = path.join(dir, 'suite.js');
  await build({ entryPoints: [path.join(ROOT, 'test', 'vscode', 'suite', s.suite)], outfile: suite, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'mocha'], sourcemap: 'inline', logLevel: 'warning' });
  const results = path.join(dir, 'results.json');
  const config = path.join(dir, 'harness.json');
  fs.writeFileSync(config, JSON.stringify({ mocha: path.join(ROOT, 'node_modules', 'mocha'), suite, results, shots, scenario: s.name, repo: ROOT }));
  return { dir, folders, workspace, open: workspace ?? folders[0], results, config };
}

/** Bundles a TypeScript entry of test/vscode for the extension host. */
export function bundleForHost(entry, outfile) {
  return build({ entryPoints: [path.join(ROOT, 'test', 'vscode', entry)], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning' });
}
