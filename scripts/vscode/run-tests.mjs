// Runs the VS Code suites (test/vscode/suite) inside a real VS Code: code-server 4.96.4, which is
// VS Code 1.96.4 with a real Node extension host, driven by Debian's Chromium through Playwright.
// 1. installs code-server if needed (scripts/vscode/install-code-server.sh, cached in .cache/);
// 2. builds and packages the extension (.vsix, minified, as users get it) and the test-only harness extension, and
//    installs both with code-server's --install-extension;
// 3. per scenario: copies the fixture folders to test/.tmp, starts code-server on loopback, opens
//    the workbench in Chromium, takes the screenshots the suite asks for, and waits for the
//    harness to write the mocha results;
// 4. prints mocha-style "N passing / N failing" and exits non-zero on any failure.
// Screenshots land in test/.tmp/vscode/shots; with --update-screenshots they are also copied to
// docs/screenshots/ (the README shows those).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForHost, prepareScenario, ROOT, SCENARIOS, WORK } from './scenarios.mjs';

const CS_DIR = path.join(ROOT, '.cache', 'code-server');
const ENTRY = path.join(CS_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const SHOTS = path.join(WORK, 'shots');
const updateScreenshots = process.argv.includes('--update-screenshots');
const only = process.argv.find((a) => a.startsWith('--scenario='))?.slice('--scenario='.length);
// --folder=PATH: open any folder (a public Fastify app) with the smoke suite, to look at the result.
const tryFolder = process.argv.find((a) => a.startsWith('--folder='))?.slice('--folder='.length);

const log = (s) => process.stdout.write(`[vscode] ${s}\n`);

// Shared with bench/extension.mjs (the extension's activation and first-index benchmark).
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  // VS Code for the web saves after a delay by default, the desktop does not: unsaved-buffer tests need it off.
  'files.autoSave': 'off',
  'workbench.tips.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'git.enabled': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'editor.minimap.enabled': false,
  'window.restoreWindows': 'none',
};
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
};
export { ENTRY };
export const serverArgs = (port, userDataDir, extensionsDir) =>
  ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

async function main() {
  installCodeServer();
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const extensionsDir = path.join(WORK, 'extensions');
  const vsix = path.join(WORK, 'fastify-lens.vsix');
  log('packaging the extension (production build, as `npm run package` ships it)');
  packageExtension(vsix);
  log(`fastify-lens.vsix: ${(fs.statSync(vsix).size / 1024 / 1024).toFixed(2)} MB`);
  installExtensions(extensionsDir, path.join(WORK, 'install-profile'), [vsix, await packageHarness()]);
  const results = [];
  const scenarios = tryFolder ? [{ name: 'try', folders: [`=${path.resolve(tryFolder)}`], suite: 'smoke.test.ts' }] : SCENARIOS;
  for (const s of scenarios) {
    if (only && s.name !== only) continue;
    results.push(await runScenario(s, extensionsDir));
  }
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    for (const t of r.tests) {
      if (t.state === 'passed') passed++;
      if (t.state === 'failed') failed++;
      log(`${t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-'} [${r.scenario}] ${t.title}${t.ms ? ` (${t.ms} ms)` : ''}`);
      if (t.error) process.stdout.write(t.error.split('\n').map((l) => `      ${l}`).join('\n') + '\n');
    }
  }
  if (updateScreenshots) {
    const dest = path.join(ROOT, 'docs', 'screenshots');
    fs.mkdirSync(dest, { recursive: true });
    for (const f of fs.readdirSync(SHOTS).filter((f) => f.endsWith('.png'))) fs.copyFileSync(path.join(SHOTS, f), path.join(dest, f));
    log(`screenshots copied to ${path.relative(ROOT, dest)}`);
  }
  process.stdout.write(`\n  VS Code suites (code-server 4.96.4 = VS Code 1.96.4)\n  ${passed} passing\n`);
  if (failed) process.stdout.write(`  ${failed} failing\n`);
  process.exitCode = failed || !passed ? 1 : 0;
}

/** `stdio`: where the child's output goes ('inherit'; the benchmark's --json sends it to stderr). */
export function installCodeServer(stdio = 'inherit') {
  execFileSync('bash', [path.join(ROOT, 'scripts', 'vscode', 'install-code-server.sh')], { stdio });
}

/** The production build packaged as `npm run package` ships it. */
export function packageExtension(vsix, stdio = 'inherit') {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: ROOT, stdio });
  execFileSync(process.execPath, [require_('@vscode/vsce/vsce'), 'package', '--no-dependencies', '-o', vsix], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

export function installExtensions(extensionsDir, profile, vsixes) {
  for (const x of vsixes) {
    execFileSync(process.execPath, [ENTRY, '--extensions-dir', extensionsDir, '--user-data-dir', profile, '--install-extension', x], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

export function require_(id) {
  return path.join(ROOT, 'node_modules', ...id.split('/'));
}

export async function packageHarness(work = WORK) {
  const dir = path.join(work, 'harness');
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'test', 'vscode', 'harness', 'package.json'), path.join(dir, 'package.json'));
  fs.writeFileSync(path.join(dir, 'README.md'), 'Test-only harness for Fastify Lens.\n');
  fs.writeFileSync(path.join(dir, '.vscodeignore'), '**\n!dist/**\n!package.json\n!README.md\n!LICENSE\n');
  fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(dir, 'LICENSE'));
  await bundleForHost('harness/harness.ts', path.join(dir, 'dist', 'harness.js'));
  const out = path.join(work, 'harness.vsix');
  execFileSync(process.execPath, [require_('@vscode/vsce/vsce'), 'package', '--no-dependencies', '-o', out], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

async function runScenario(s, extensionsDir) {
  log(`scenario ${s.name}: ${s.folders.join(', ')}`);
  const { dir, open, workspace, results, config } = await prepareScenario(s, SHOTS);
  const target = `${workspace ? 'workspace' : 'folder'}=${encodeURIComponent(open)}`;
  const userDataDir = path.join(dir, 'profile');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(USER_SETTINGS),
  );
  const port = await freePort();
  const server = spawn(
    process.execPath,
    [ENTRY, ...serverArgs(port, userDataDir, extensionsDir)],
    { env: { ...process.env, FASTIFY_LENS_TEST_CONFIG: config }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const serverLog = fs.createWriteStream(path.join(dir, 'code-server.log'));
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    await waitFor(() => canConnect(port), 60_000, 'code-server did not start');
    browser = await chromium.launch(CHROMIUM);
    // Clipboard permissions: VS Code's clipboard API is the browser's here (Copy Route URL, Copy as curl).
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?${target}`);
    const deadline = Date.now() + 240_000;
    let widened = false;
    while (!fs.existsSync(results)) {
      if (Date.now() > deadline) throw new Error(`no results from the harness within 240 s (see ${path.relative(ROOT, dir)}/code-server.log and the profile's exthost log)`);
      for (const req of fs.readdirSync(SHOTS).filter((f) => f.endsWith('.request'))) {
        const name = req.slice(0, -'.request'.length);
        // A request may name a key to press first (the quick-fix menu opens only on a real key press).
        const key = fs.readFileSync(path.join(SHOTS, req), 'utf8').trim();
        fs.rmSync(path.join(SHOTS, req));
        if (!widened) widened = await widenSidebar(page);
        if (key) {
          await page.keyboard.press(key);
          await new Promise((r) => setTimeout(r, 1500));
        }
        await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
        if (key) await page.keyboard.press('Escape');
        fs.writeFileSync(path.join(SHOTS, `${name}.done`), '');
        log(`screenshot ${name}.png`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    const r = JSON.parse(fs.readFileSync(results, 'utf8'));
    return { scenario: s.name, tests: r.tests };
  } catch (err) {
    return { scenario: s.name, tests: [{ title: 'scenario', state: 'failed', error: String(err?.stack ?? err) }] };
  } finally {
    await browser?.close();
    server.kill();
  }
}

/** Drags the sash right of the side bar so tree rows show their descriptions in screenshots. */
async function widenSidebar(page) {
  const box = await page.locator('.part.sidebar').boundingBox().catch(() => null);
  if (!box) return false;
  const edge = box.x + box.width;
  const sashes = await page.locator('.monaco-sash.vertical').all();
  for (const sash of sashes) {
    const b = await sash.boundingBox().catch(() => null);
    if (!b || Math.abs(b.x + b.width / 2 - edge) > 4 || b.height < box.height / 2) continue;
    const x = b.x + b.width / 2;
    const y = b.y + b.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 220, y, { steps: 10 });
    await page.mouse.up();
    await page.waitForTimeout(500);
    return true;
  }
  return false;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.end();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}

export async function waitFor(fn, ms, message) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(message);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Run as a script (not when bench/extension.mjs imports the helpers above).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
