/**
 * "Add hook…" on a route: which route a cursor is in, which request/reply hooks it can take, and
 * the edit that writes `<hook>: async (request, reply) => {}` into its options object (or a new
 * options object before a shorthand's handler). Pure: offsets into the document's text.
 */
import { LIFECYCLE_HOOKS } from '../../core/hook-names';
import type { Route } from '../../core/model';
import { insertFirstProperty } from '../../core/fixes/text-edits';
import type { GraphIndex, RouteEntry } from './graph-index';

/** The parameters of each request/reply hook's async form (semantics doc 4.2). */
const PARAMS: Record<string, string> = {
  onRequest: 'request, reply',
  preParsing: 'request, reply, payload',
  preValidation: 'request, reply',
  preHandler: 'request, reply',
  preSerialization: 'request, reply, payload',
  onSend: 'request, reply, payload',
  onResponse: 'request, reply',
  onTimeout: 'request, reply',
  onError: 'request, reply, error',
  onRequestAbort: 'request',
};

export const ROUTE_HOOKS: readonly string[] = LIFECYCLE_HOOKS;

/** The hook's option text, `onRequest: async (request, reply) => {}`. */
export function hookOptionText(hook: string): string {
  return `${hook}: async (${PARAMS[hook] ?? 'request, reply'}) => {}`;
}

/** The innermost route declared in `file` whose declaration holds `offset`, and that "Add hook…" can edit. */
export function routeAt(index: GraphIndex, file: string, offset: number): RouteEntry | undefined {
  let best: RouteEntry | undefined;
  for (const e of index.routesIn(file)) {
    const { span, implicitHead, optionsAt } = e.route;
    if (implicitHead || !optionsAt || offset < span.start || offset > span.end) continue;
    if (!best || span.end - span.start < best.route.span.end - best.route.span.start) best = e;
  }
  return best;
}

/** The request/reply hooks the route does not have among its own options yet (adding one again would replace it). */
export function hooksToAdd(route: Route): string[] {
  const has = new Set(route.hooks.map((h) => h.name));
  return ROUTE_HOOKS.filter((h) => !has.has(h));
}

export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
  /** Offset of the new hook's `{}` body in the text after the edit (where the cursor goes). */
  bodyAt: number;
}

/**
 * The edit adding `hook` to the route's options: first key of its options object (on its own
 * line, indented like the next key, when the object spans lines), or a new `{ hook }` object
 * before the handler of `app.get(url, handler)`. Undefined when the route's options are not
 * written in its declaration.
 */
export function addHookEdit(text: string, route: Route, hook: string): OffsetEdit | undefined {
  const at = route.optionsAt;
  const option = hookOptionText(hook);
  const body = option.length - 2;
  if (!at) return undefined;
  if ('before' in at) {
    const newText = `{ ${option} }, `;
    return { start: at.before.start, end: at.before.start, newText, bodyAt: at.before.start + 2 + body };
  }
  const edit = insertFirstProperty(text, at.object.file, at.object.start, at.object.end, option);
  return edit && { start: edit.start, end: edit.end, newText: edit.newText, bodyAt: edit.at + body };
}
