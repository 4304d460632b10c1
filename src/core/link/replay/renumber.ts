import type { Context, Route } from '../../model';
import { markRenumberedCopy } from '../../route-origin';
import { idUnder } from '../context-builder';

/**
 * Copies of what a recorded run added, for a replay whose own context has another id than when
 * it was recorded (`from` → `to`: a context of the same kind, name and prefix came or went before
 * it among its siblings, or an ancestor's id moved). Numbers are local to a context
 * (`context-builder.ts`), so only ids move: the ids of the contexts under the run's own (`from`
 * and `from.…`), and with them the ids and `contextId` of their routes; declaration orders never
 * do. Each object is copied once (`copies`), so the app's route list, the contexts' and the
 * records of the runs inside share the copies as they shared the originals.
 */
export class Renumbering {
  private readonly copies = new Map<object, object>();

  constructor(
    private readonly from: string,
    private readonly to: string,
  ) {}

  /** An id of the run's subtree (a context's, or a route's `context:n`), moved. */
  id(id: string): string {
    return idUnder(id, this.from) ? this.to + id.slice(this.from.length) : id;
  }

  route(r: Route): Route {
    let copy = this.copies.get(r) as Route | undefined;
    if (!copy) {
      this.copies.set(r, (copy = { ...r, id: this.id(r.id), contextId: this.id(r.contextId) }));
      markRenumberedCopy(copy, r);
    }
    return copy;
  }

  /** An item of a context's list: routes and contexts are copied, the rest is the same. */
  item<T>(field: string, x: T): T {
    if (field === 'routes') return this.route(x as Route) as T;
    if (field === 'children') return this.context(x as Context) as T;
    return x;
  }

  context(c: Context): Context {
    let copy = this.copies.get(c) as Context | undefined;
    if (copy) return copy;
    copy = { ...c, id: this.id(c.id), parentId: c.parentId === undefined ? undefined : this.id(c.parentId) };
    if (c.parentId === undefined) delete copy.parentId;
    for (const [k, v] of Object.entries(c)) if (Array.isArray(v)) (copy as unknown as Record<string, unknown>)[k] = v.map((x) => this.item(k, x));
    this.copies.set(c, copy);
    return copy;
  }
}
