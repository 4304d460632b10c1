import { spawnSync } from 'node:child_process';

/**
 * Boots `app.js` of a temp workspace with real fastify in a child process: 'ok' or the error code.
 * `after` is a script body run with the ready app as `app` (say, requests with `inject`); what it
 * prints last is the answer instead of 'ok'.
 */
export function boot(dir: string, after = ''): string {
  const then = after ? `.then(async (app) => { ${after} })` : ".then(() => console.log('ok'))";
  const r = spawnSync(process.execPath, ['-e', `Promise.resolve().then(async () => { const app = require('./app.js')(); await app.ready(); return app })${then}.catch((e) => console.log(e.code || e.message)).finally(() => process.exit(0))`], { cwd: dir, encoding: 'utf8', timeout: 30000 });
  const out = (r.stdout.trim().split('\n').pop() ?? '') || `crash: ${r.stderr}`;
  return out.trim();
}

/** An app.js that exports a function building the app (so the same file is analysed and booted). */
export const appJs = (fastify: string, body: string[]): string =>
  [`const fastify = require('${fastify}')`, 'function build () {', '  const app = fastify()', ...body.map((l) => `  ${l}`), '  return app', '}', 'module.exports = build', ''].join('\n');
