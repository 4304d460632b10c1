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
 * moved by `shift` (the graph of the link that recorded it stays as it was). Each object is copied
 * once (`copies`), so the app's route list, the contexts' and the records of the runs inside share
 * the copies as they shared the originals.
 */
export class Renumbering {
  private readonly copies = new Map<object, object>();

  constructor(private readonly shift: Shift) {}

  contextId(id: number): number {
    return id === this.shift.targetFrom ? this.shift.targetTo : id + this.shift.context;
  }

  /** A run's counters when it began, moved. */
  base(b: { context: number; order: number; route: number }): { context: number; order: number; route: number } {
    return { context: b.context + this.shift.context, order: b.order + this.shift.order, route: b.route + this.shift.route };
  }

  route(r: Route): Route {
    let copy = this.copies.get(r) as Route | undefined;
    if (!copy) {
      this.copies.set(r, (copy = { ...r, id: r.id + this.shift.route, contextId: this.contextId(r.contextId) }));
      markRenumberedCopy(copy, r);
    }
    return copy;
  }

  /** An item of a context's list: ordered items get their order moved, routes and contexts are copied. */
  item<T>(field: string, x: T): T {
    if (field === 'routes') return this.route(x as Route) as T;
    if (field === 'children') return this.context(x as Context) as T;
    const o = x as { order?: unknown };
    if (typeof o !== 'object' || o === null || typeof o.order !== 'number') return x;
    let copy = this.copies.get(o) as T | undefined;
    if (!copy) this.copies.set(o, (copy = { ...o, order: o.order + this.shift.order } as T) as object);
    return copy;
  }

  context(c: Context): Context {
    let copy = this.copies.get(c) as Context | undefined;
    if (copy) return copy;
    copy = { ...c, id: this.contextId(c.id), parentId: c.parentId === undefined ? undefined : this.contextId(c.parentId) };
    if (c.parentId === undefined) delete copy.parentId;
    for (const [k, v] of Object.entries(c)) if (Array.isArray(v)) (copy as unknown as Record<string, unknown>)[k] = v.map((x) => this.item(k, x));
    this.copies.set(c, copy);
    return copy;
  }
}
