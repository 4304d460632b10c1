import type { BodyFacts } from '../model';
import { RouteMemo } from './route-memo';
import { eachRequestCode, once, roleText, type Picked } from './rule-utils';
import type { Rule, RuleFinding } from './types';

/** `fs.*Sync`, `child_process.*Sync`, `crypto.*Sync`, `zlib.*Sync` in handlers and lifecycle hooks (resolved through the file's imports: `BodyFacts.blockingCalls`). */
export const blockingCallInHandler: Rule = {
  id: 'blocking-call-in-handler',
  summary: 'a synchronous fs, child_process, crypto or zlib call in a handler or request hook',
  why: 'A `*Sync` call blocks Node\'s only JavaScript thread until it finishes: while one request reads a file, runs a process or derives a key, every other request of the server waits. In code that runs for each request, use the asynchronous form (`fs/promises`, `execFile` with a callback or promisified, `crypto.scrypt`/`pbkdf2` with a callback, `zlib.gzip`).',
  wrong: "import { readFileSync } from 'node:fs'\napp.get('/report', async () => readFileSync('./report.json', 'utf8'))",
  right: "import { readFile } from 'node:fs/promises'\napp.get('/report', async () => readFile('./report.json', 'utf8'))",
  defaultSeverity: 'warning',
  check(rc) {
    const out: RuleFinding[] = [];
    const first = once();
    for (const app of rc.graph.apps) {
      const pick = (body: BodyFacts) => (body.blockingCalls.length ? body.blockingCalls : undefined);
      eachRequestCode(rc, app, MEMO, true, pick, (calls, _body, role) => {
        for (const call of calls) {
          if (!first(call.span)) continue;
          out.push({
            message: `${call.name}() in a ${roleText(role)} blocks the event loop for every request while it runs; use ${asyncForm(call.name)}`,
            span: call.span,
          });
        }
      });
    }
    return out;
  },
};

const MEMO = new RouteMemo<readonly Picked<BodyFacts['blockingCalls']>[]>();

/** The asynchronous form to suggest for a blocking call. */
function asyncForm(name: string): string {
  if (name === 'fs.existsSync') return "fs/promises' access() or stat()";
  const [module, fn] = name.split('.');
  const base = fn.replace(/Sync$/, '');
  return module === 'fs' ? `fs/promises' ${base}()` : `the asynchronous ${module}.${base}() (callback or util.promisify)`;
}
