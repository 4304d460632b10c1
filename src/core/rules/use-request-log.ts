import type { BodyFacts, Span } from '../model';
import { RouteMemo } from './route-memo';
import { eachRequestCode, once, present, roleText, type Picked } from './rule-utils';
import type { Fix, Rule, RuleFinding } from './types';

/** console method → the pino level `request.log` has for it. */
const LEVELS: Record<string, string> = { log: 'info', info: 'info', warn: 'warn', error: 'error', debug: 'debug', trace: 'trace' };

/** `console.*` in handlers and lifecycle hooks. Off in `fastify-lens check` unless asked. */
export const useRequestLog: Rule = {
  id: 'use-request-log',
  summary: '`console.*` in a handler or hook instead of `request.log`',
  why: '`request.log` is the app\'s logger (pino) bound to the request: each line carries the request id (`reqId`), goes where the app\'s logs go, at a level the logger settings filter, and is serialised without blocking. `console.*` output has none of that and cannot be tied to the request that wrote it.',
  wrong: "app.get('/users', async (request) => {\n  console.log('listing users')\n  return db.users()\n})",
  right: "app.get('/users', async (request) => {\n  request.log.info('listing users')\n  return db.users()\n})",
  defaultSeverity: 'hint',
  cliDefaultSeverity: 'off',
  check(rc) {
    const { source } = rc;
    const out: RuleFinding[] = [];
    const first = once();
    for (const app of rc.graph.apps) {
      const pick = (body: BodyFacts) => (body.consoleCalls.length ? body.consoleCalls : undefined);
      eachRequestCode(rc, app, MEMO, true, pick, (calls, body, role) => {
        for (const call of calls) {
          if (!first(call)) continue;
          out.push({
            message: `console output in a ${roleText(role)}: ${body.requestParam ?? 'request'}.log keeps the request id and the app's logger settings`,
            span: call,
            fixes: () => present(logFix(body, call, source(call.file))),
          });
        }
      });
    }
    return out;
  },
};

const MEMO = new RouteMemo<readonly Picked<Span[]>[]>();

/**
 * `console.X(` → `<request>.log.<level>(` where the request parameter is a plain name that is
 * not redeclared around the call. Not safe: pino formats extra arguments differently.
 */
function logFix(body: BodyFacts, call: Span, text: string | undefined): Fix | undefined {
  const req = body.requestParam;
  if (!req || !text || body.shadowed.some((s) => s.file === call.file && s.start <= call.start && call.end <= s.end)) return undefined;
  const m = /^console\s*\.\s*([A-Za-z]+)/.exec(text.slice(call.start, call.end));
  const level = m ? LEVELS[m[1]] : undefined;
  if (!m || !level) return undefined;
  return {
    title: `Use ${req}.log.${level}`,
    edits: [{ file: call.file, start: call.start, end: call.start + m[0].length, newText: `${req}.log.${level}` }],
    safe: false,
  };
}
