/**
 * The extension host side of bench/extension.mjs, run by the test harness extension
 * (test/vscode/harness) as its "suite" once the window has started. It measures nothing itself:
 * it writes what only the extension host knows to the file named by the harness config's
 * `probeOut`, and bench/extension.mjs computes the numbers.
 * - VS Code's own performance marks around Fastify Lens's activation (the extension host sets
 *   `code/extHost/willLoadExtensionCode/<id>` before it requires the extension's main file,
 *   `didLoadExtensionCode` after, `willActivateExtension`/`didActivateExtension` around the
 *   `activate()` call and its result), converted to `Date.now()` time;
 * - after detection and the first graph (`whenIdle()`): the folders that got an analysis worker,
 *   the route rows of the Routes view, the window's Fastify Lens diagnostics, and which files of
 *   the extension the host has loaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { flatten, harness, lens } from '../test/vscode/suite/support';

const ID = 'fastify-lens.fastify-lens';

interface PerformanceMarks {
  getMarks(): { name: string; startTime: number }[];
}

describe('bench probe: Fastify Lens in the extension host', function () {
  this.timeout(600_000);

  it('writes the activation marks and what the extension loaded', async () => {
    const config = harness() as ReturnType<typeof harness> & { probeOut: string; cpuProfile?: string };
    // --extension-profile: the extension host's CPU profile from here until the first graph is shown.
    const profiler = config.cpuProfile ? await startProfiler() : undefined;
    const api = await lens();
    if (profiler && config.cpuProfile) {
      await new Promise((r) => setTimeout(r, 3000)); // what the graph's change events set off
      fs.writeFileSync(config.cpuProfile, JSON.stringify(await profiler()));
    }
    // The marks are performance.timeOrigin + performance.now() (rounded); the runner's clock is Date.now().
    const offset = Math.round(Date.now() - (performance.timeOrigin + performance.now()));
    const marks = ((globalThis as unknown as { MonacoPerformanceMarks?: PerformanceMarks }).MonacoPerformanceMarks?.getMarks() ?? []).filter((m) => m.name.endsWith(`/${ID}`));
    const at = (what: string) => {
      const m = marks.find((x) => x.name === `code/extHost/${what}/${ID}`);
      return m ? m.startTime + offset : null;
    };
    const ext = vscode.extensions.getExtension(ID)!;
    const main = path.join(ext.extensionPath, 'dist', 'extension.js');
    const moduleCache = (require('node:module') as { _cache: Record<string, unknown> })._cache;
    const loaded = Object.keys(moduleCache).filter((f) => f.startsWith(ext.extensionPath + path.sep)).map((f) => path.relative(ext.extensionPath, f).split(path.sep).join('/'));
    const mainText = fs.readFileSync(main, 'utf8');
    fs.writeFileSync(
      config.probeOut,
      JSON.stringify({
        willLoadCode: at('willLoadExtensionCode'),
        didLoadCode: at('didLoadExtensionCode'),
        willActivate: at('willActivateExtension'),
        didActivate: at('didActivateExtension'),
        indexedFolders: api.indexedFolders(),
        routeRows: flatten(api.routesRows()).filter((n) => n.routeKey).length,
        diagnostics: vscode.languages.getDiagnostics().reduce((n, [, ds]) => n + ds.filter((d) => d.source === 'Fastify Lens').length, 0),
        loadedFiles: loaded.sort(),
        mainBytes: Buffer.byteLength(mainText),
        // TypeScript's parser entry point: present when the bundle activation loads carries the parser.
        mainHasParser: mainText.includes('createSourceFile'),
        idleAt: Date.now(),
      }),
    );
  });
});

/** Starts the V8 CPU profiler of this extension host; the returned function stops it and gives the profile. */
async function startProfiler(): Promise<() => Promise<unknown>> {
  const inspector = await import('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    return profile;
  };
}
