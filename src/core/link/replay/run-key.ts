import type { AppBuilder } from '../context-builder';
import type { Value } from '../values';
import { valueKey } from './value-key';

/**
 * The key of a plugin run, in three parts compared apart: its options as plain data (this text),
 * its own context as it is before the run (name, prefix, spans, conditional…: a
 * `ContextSnapshot`, context-snapshot.ts), and the app's constants (`appConstantsKey`).
 * Undefined when the options are not plain data (a function, an instance): such a run is not
 * recorded.
 */
export function pluginRunKey(opts: Value): string | undefined {
  return valueKey(opts);
}

/** `appConstantsKey` per app. */
const appKeys = new WeakMap<object, string>();

/** What an app's plugin runs may read of it that does not change while it is built: its kind, entry, server options, versions. */
export function appConstantsKey(app: AppBuilder): string {
  let a = appKeys.get(app);
  if (a === undefined) {
    a = JSON.stringify([app.kind, app.entry, app.project, app.fastifyMajor, app.serverOptions, app.versions, app.fastifyAt]);
    appKeys.set(app, a);
  }
  return a;
}
