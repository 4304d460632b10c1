import type { Context, Route } from '../../model';
import { markRenumberedCopy } from '../../route-origin';

/** How far a replayed run's numbers move: the app's counters now, less what they were when it was recorded. */
export interface Shift {
  /** Context ids made during the run. */
  context: number;
  order: number;
  route: number;
  /** The run's own context (made just before it): its id then and now. */
  targetFrom: number;
  targetTo: number;
}

export function isNoShift(s: Shift): boolean {
  return s.context === 0 && s.order === 0 && s.route === 0 && s.targetFrom === s.targetTo;
}

/**
 * Copies of what a recorded run added, with its context ids, declaration orders and route ids
 * moved by `shift` (the graph of the link that recorded it stays as it was). `routes` maps each
 * route to its copy, so the app's route list and the contexts' share them as they did.
 */
export class Renumbering {
  readonly routes = new Map<Route, Route>();

  constructor(private readonly shift: Shift) {}

  contextId(id: number): number {
    return id === this.shift.targetFrom ? this.shift.targetTo : id + this.shift.context;
  }

  route(r: Route): Route {
    let copy = this.routes.get(r);
    if (!copy) {
      this.routes.set(r, (copy = { ...r, id: r.id + this.shift.route, contextId: this.contextId(r.contextId) }));
      markRenumberedCopy(copy, r);
    }
    return copy;
  }

  /** An item of a context's list: ordered items get their order moved, routes and contexts are copied. */
  item<T>(field: string, x: T): T {
    if (field === 'routes') return this.route(x as Route) as T;
    if (field === 'children') return this.context(x as Context) as T;
    const o = x as { order?: unknown };
    return typeof o === 'object' && o !== null && typeof o.order === 'number' ? ({ ...o, order: o.order + this.shift.order } as T) : x;
  }

  context(c: Context): Context {
    const copy: Context = { ...c, id: this.contextId(c.id), parentId: c.parentId === undefined ? undefined : this.contextId(c.parentId) };
    if (c.parentId === undefined) delete copy.parentId;
    for (const [k, v] of Object.entries(c)) if (Array.isArray(v)) (copy as unknown as Record<string, unknown>)[k] = v.map((x) => this.item(k, x));
    return copy;
  }
}
