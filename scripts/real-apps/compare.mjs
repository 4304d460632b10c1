#!/usr/bin/env node
// Compares Fastify Lens's static route table of one app with the table the app really builds.
//
//   node scripts/real-apps/compare.mjs <appFolder> <boot.json | name in apps.json> [--json]
//
// 1. boots the app with its own installed fastify in a child process (boot.mjs, through tsx so
//    TypeScript entries load; nothing listens on a port);
// 2. runs `bin/fastify-lens.js routes <folder> --json` (without --include-head);
// 3. keeps the app's OWN routes on both sides: at boot, routes whose declaring stack frame is in
//    the repository outside node_modules; statically, routes without `package`. Routes of npm
//    packages (swagger-ui, static, cors' OPTIONS *) are counted apart. HEAD routes are dropped from
//    the boot table where the same URL has a GET (Fastify's exposeHeadRoutes);
// 4. compares method + exact URL (no normalisation of parameter names) and prints matched,
//    missed (booted, not found statically) and extra (static, not booted), recall and precision.
//
// Boot description (the "boot" object of an apps.json entry; see boot.mjs for every key), plus:
//   folder       the folder given to fastify-lens, relative to the app folder (default ".")
//   staticApps   keep only static routes whose `app` starts with one of these (default: all)
//   notOwn       [{ "url": "<regex>", "method"?: "GET", "why": "..." }] boot routes to count as
//                not the app's own even though its code declares them
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '../..');
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const asJson = process.argv.includes('--json');
if (args.length < 2) {
  console.error('usage: compare.mjs <appFolder> <boot.json | app name in apps.json> [--json]');
  process.exit(2);
}
const appDir = resolve(args[0]);

let entry;
if (existsSync(args[1])) entry = { name: args[1], boot: JSON.parse(readFileSync(args[1], 'utf8')) };
else {
  const apps = JSON.parse(readFileSync(join(here, 'apps.json'), 'utf8'));
  entry = apps.find((a) => a.name === args[1]);
  if (!entry) { console.error(`no app named ${args[1]} in apps.json`); process.exit(2); }
}
const boot = entry.boot;

export function compareApp(appDir, boot) {
  // ---- boot -----------------------------------------------------------------------------------
  const tmp = mkdtempSync(join(tmpdir(), 'real-apps-'));
  const bootFile = join(tmp, 'boot.json');
  writeFileSync(bootFile, JSON.stringify(boot));
  const tsx = createRequire(join(projectRoot, 'package.json')).resolve('tsx');
  const child = spawnSync(process.execPath, ['--import', tsx, join(here, 'boot.mjs'), appDir, bootFile], {
    cwd: appDir,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    // tsx loads TypeScript; @fastify/autoload only imports .ts files when told so.
    env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production', FASTIFY_AUTOLOAD_TYPESCRIPT: '1', ...(boot.env ?? {}) },
  });
  const line = (child.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{"instances"')).pop();
  if (!line) throw new Error(`boot printed no table (exit ${child.status}):\n${(child.stderr ?? '').slice(-4000)}`);
  const booted = JSON.parse(line);
  const bootRoutes = booted.instances.flat();

  const notOwn = (r) => (boot.notOwn ?? []).find((n) => new RegExp(n.url).test(r.url) && (!n.method || n.method === r.method));
  const bootOwnAll = bootRoutes.filter((r) => !r.package && !notOwn(r));
  const bootPackage = bootRoutes.filter((r) => r.package || notOwn(r));
  const key = (r) => `${r.method} ${r.url}`;
  // Fastify's implicit HEAD routes: a HEAD whose URL, or its trailing-slash twin (`/api/` of a `/`
  // route under the `/api` prefix: onRoute reports the HEAD twin, not the GET twin), has a GET.
  const headOf = (list) => {
    const getUrls = new Set(list.filter((r) => r.method === 'GET').map((r) => r.url));
    return (r) => r.method === 'HEAD' && (getUrls.has(r.url) || (r.url.endsWith('/') && getUrls.has(r.url.slice(0, -1))));
  };
  const implicitHead = headOf(bootRoutes);
  const bootOwn = new Map();
  for (const r of bootOwnAll) {
    if (implicitHead(r)) continue;
    if (!bootOwn.has(key(r))) bootOwn.set(key(r), r);
  }

  // ---- static ---------------------------------------------------------------------------------
  const folder = resolve(appDir, boot.folder ?? '.');
  const cli = execFileSync(process.execPath, [join(projectRoot, 'bin/fastify-lens.js'), 'routes', folder, '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  const graph = JSON.parse(cli);
  const keepApp = (r) => !boot.staticApps || boot.staticApps.some((p) => String(r.app).startsWith(p));
  const staticAll = graph.routes.filter(keepApp);
  const staticPackage = staticAll.filter((r) => r.package);
  const staticOwn = new Map();
  // A URL not known statically (`{?}`) can match nothing: each such route counts on its own.
  const staticKey = (r) => (r.urlKnown === false ? `${key(r)} @${r.file}:${r.line}` : key(r));
  for (const r of staticAll.filter((x) => !x.package)) if (!staticOwn.has(staticKey(r))) staticOwn.set(staticKey(r), r);

  // ---- compare --------------------------------------------------------------------------------
  const matched = [...bootOwn.keys()].filter((k) => staticOwn.has(k));
  const missed = [...bootOwn.values()].filter((r) => !staticOwn.has(key(r)));
  const extra = [...staticOwn.values()].filter((r) => !bootOwn.has(key(r)));
  // Package routes are not scored, but where the two sides differ it is said.
  const bootPkgKeys = new Set(bootPackage.filter((r) => !implicitHead(r)).map(key));
  const staticPkgKeys = new Set(staticPackage.filter((r) => r.method !== 'HEAD' || !headOf(staticPackage)(r)).map(key));
  const pct = (a, b) => (b === 0 ? null : Math.round((1000 * a) / b) / 10);
  return {
    bootOwn: bootOwn.size,
    staticOwn: staticOwn.size,
    matched: matched.length,
    recall: pct(matched.length, bootOwn.size),
    precision: pct(staticOwn.size - extra.length, staticOwn.size),
    missed: missed.map((r) => ({ method: r.method, url: r.url, site: r.file ? `${r.file}:${r.line}` : null })),
    extra: extra.map((r) => ({ method: r.method, url: r.url, site: `${r.file}:${r.line}`, urlKnown: r.urlKnown, conditional: r.conditional ?? false })),
    bootPackage: [...new Set(bootPackage.map((r) => `${r.method} ${r.url} (${r.package ?? notOwn(r).why})`))],
    staticPackage: [...new Set(staticPackage.map((r) => `${r.method} ${r.url} (${r.package})`))],
    packageOnlyAtBoot: [...bootPkgKeys].filter((k) => !staticPkgKeys.has(k)),
    packageOnlyStatic: [...staticPkgKeys].filter((k) => !bootPkgKeys.has(k)).map((k) => (staticPackage.some((r) => key(r) === k && r.conditional) ? `${k} (conditional)` : k)),
    apps: [...new Set(graph.routes.map((r) => r.app))],
    unresolved: graph.unresolved.length,
    bootErrors: booted.errors,
    matchedRoutes: matched,
  };
}

const result = compareApp(appDir, boot);
if (asJson) process.stdout.write(JSON.stringify({ name: entry.name, ...result }, null, 2) + '\n');
else {
  const show = (title, list, f) => {
    console.log(`${title} (${list.length})`);
    for (const x of list) console.log(`  ${f(x)}`);
  };
  console.log(`${entry.name}: own routes booted ${result.bootOwn}, static ${result.staticOwn}, matched ${result.matched}`);
  console.log(`recall ${result.recall ?? '-'}%  precision ${result.precision ?? '-'}%  (static apps: ${result.apps.join(', ') || 'none'}; unresolved entries: ${result.unresolved})`);
  if (result.bootErrors.length) show('boot errors', result.bootErrors, (e) => e.split('\n')[0]);
  show('missed (booted, not found statically)', result.missed, (r) => `${r.method} ${r.url}  ${r.site ?? ''}`);
  show('extra (static, not booted)', result.extra, (r) => `${r.method} ${r.url}  ${r.site}${r.urlKnown === false ? ' (url not known)' : ''}${r.conditional ? ' (conditional)' : ''}`);
  show('package routes at boot (not scored)', result.bootPackage, (s) => s);
  show('package routes found statically (not scored)', result.staticPackage, (s) => s);
  if (result.packageOnlyAtBoot.length || result.packageOnlyStatic.length) {
    show('package routes only at boot', result.packageOnlyAtBoot, (s) => s);
    show('package routes only static', result.packageOnlyStatic, (s) => s);
  }
  if (process.argv.includes('--matched')) show('matched', result.matchedRoutes, (s) => s);
}
