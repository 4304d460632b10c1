import type { Context } from '../../model';
import type { ContextBuilder } from '../context-builder';
import type { Value } from '../values';
import { valueKey } from './value-key';

/** What an app's plugin runs may read of it that does not change while it is built (server options, versions). */
const appKeys = new WeakMap<object, string>();

/**
 * The key of a plugin run: its own context as it is before the run (name, prefix, spans,
 * conditional…), its options as plain data, and the app's constants. Undefined when the options
 * are not plain data (a function, an instance): such a run is not recorded.
 */
export function pluginRunKey(target: ContextBuilder, opts: Value): string | undefined {
  const o = valueKey(opts);
  if (o === undefined) return undefined;
  const app = target.app;
  let a = appKeys.get(app);
  if (a === undefined) {
    a = JSON.stringify([app.kind, app.entry, app.project, app.fastifyMajor, app.serverOptions, app.versions, app.fastifyAt]);
    appKeys.set(app, a);
  }
  return `${contextKey(target.ctx)}|${o}|${a}`;
}

/**
 * A context as a run key reads it: everything but its id, its parent's, its place among its
 * parent's declarations (nothing in the run depends on them: its numbers are local to it) and
 * its children.
 */
function contextKey(c: Context): string {
  // Field by field, as `name:JSON,` (self-delimiting): a copy without the four fields stringified
  // whole took ~1.5x as long, on a key made for every plugin run of every link.
  let s = '';
  for (const k in c) {
    if (k === 'id' || k === 'parentId' || k === 'order' || k === 'children') continue;
    const v = (c as unknown as Record<string, unknown>)[k];
    if (v === undefined) continue;
    s += Array.isArray(v) && v.length === 0 ? `${k}:[],` : `${k}:${JSON.stringify(v)},`;
  }
  return s;
}
