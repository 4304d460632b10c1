import type { ContextBuilder } from '../context-builder';
import type { Value } from '../values';
import { contextKey } from './plugin-runs';
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
