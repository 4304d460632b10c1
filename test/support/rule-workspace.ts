import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import type { WorkspaceGraph } from '../../src/core/model';
import { cliSeverities, runRulesDetailed, type Finding } from '../../src/core/rules';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from './temp-workspace';

/** Rule tests: temp workspaces analysed and checked, and booted with real fastify. */

export const V4_PACKAGE = JSON.stringify({ name: 'tmp-app', dependencies: { fastify: '^4.0.0', 'fastify-plugin': '^4.0.0' } });

/** Writes a temp workspace, analyses it and runs the rules at the CLI's severities (missing-response-schema off) or the given ones. */
export function check(name: string, files: Record<string, string>, pkg = FASTIFY_PACKAGE, severities = cliSeverities()): { dir: string; graph: WorkspaceGraph; findings: Finding[]; notes: { id: string; message: string }[] } {
  const dir = writeWorkspace(`rules-${name}`, { 'package.json': pkg, ...files });
  const analyzer = new Analyzer(dir, createNodeHost());
  const graph = analyzer.analyze();
  assertNoInternalError(graph);
  const { findings, notes } = runRulesDetailed(graph, severities, analyzer.sourceOf());
  return { dir, graph, findings, notes };
}

/** `code severity file:line <source text at the span>` for each finding. */
export function shown(dir: string, findings: Finding[]): string[] {
  return findings.map((f) => `${f.code} ${f.severity} ${path.relative(dir, f.span.file)}:${f.span.line} ${fs.readFileSync(f.span.file, 'utf8').slice(f.span.start, f.span.end)}`);
}

/**
 * Boots `app.js` of a temp workspace with real fastify in a child process: 'ok' or the error code
 * (else its message). `after` is a script body run with the ready app as `app` (say, requests with
 * `inject`); what it prints last is the answer instead of 'ok'.
 */
export function boot(dir: string, after = ''): string {
  const then = after ? `.then(async (app) => { ${after} })` : ".then(() => console.log('ok'))";
  const r = spawnSync(process.execPath, ['-e', `Promise.resolve().then(async () => { const app = require('./app.js')(); await app.ready(); return app })${then}.catch((e) => console.log(e.code || e.message)).finally(() => process.exit(0))`], { cwd: dir, encoding: 'utf8', timeout: 30000 });
  const out = (r.stdout.trim().split('\n').pop() ?? '') || `crash: ${r.stderr}`;
  return out.trim();
}

/** Boots `app.js` and injects each request (`'GET /u/1'`): `<status> <body>` per request, or the boot error. */
export function inject(dir: string, requests: string[]): string[] {
  const script = `
    const reqs = ${JSON.stringify(requests)};
    (async () => {
      const app = require('./app.js')();
      await app.ready();
      const out = [];
      for (const r of reqs) {
        const [method, url] = r.split(' ');
        const res = await app.inject({ method, url });
        out.push(res.statusCode + ' ' + res.body);
      }
      console.log(JSON.stringify(out));
    })().catch((e) => console.log(JSON.stringify(['boot: ' + (e.code || e.message)]))).finally(() => process.exit(0));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', timeout: 30000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (!last) throw new Error(`inject crashed: ${r.stderr}`);
  return JSON.parse(last) as string[];
}

/** An app.js that exports a function building the app (so the same file is analysed and booted). */
export const appJs = (fastify: string, body: string[], options = '') => [`const fastify = require('${fastify}')`, 'function build () {', `  const app = fastify(${options})`, ...body.map((l) => `  ${l}`), '  return app', '}', 'module.exports = build', ''].join('\n');
