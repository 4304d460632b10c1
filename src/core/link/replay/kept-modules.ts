import type { ts } from 'ts-morph';
import type { ModuleRecord } from '../module-record';
import type { Value } from '../values';

/**
 * Module top levels kept from one link to the next (ARCHITECTURE.md "Module top levels kept").
 *
 * A module's top level makes its own values (scope, exports, functions, objects) and, in a link
 * that saw no foreign write (`ownership.ts`), nothing writes them afterwards: the next link can
 * take the module as it is, instead of evaluating it again, when its text and everything it
 * imports are the same and its evaluation did nothing else the link keeps — no report, no note,
 * no app, no live file-system read, no marks on another module's function. What it did that the
 * link counts is kept with it (`Evaluation`: steps, loop iterations, the modules and JSON modules it
 * required, its listing as a module importing the fastify factory) and done again when it is
 * taken up, where the link would have evaluated it.
 */

/** What a module's top level did besides making its values: counted again when it is taken up. */
export interface Evaluation {
  /** Interpreter steps its top level took, without the modules it evaluated in turn. */
  steps: number;
  /** Loop iterations its top level ran, without those of the modules it evaluated in turn. */
  loops: Map<ts.Node, number>;
  /**
   * Modules its top level required, in order (paths; evaluated then, or before): evaluated (or
   * taken up) in that order when it is taken up, so its values never reach a module this link did
   * not take up. `USES_FACTORY` where it was listed as importing the fastify factory (the
   * uncalled factories are looked for in those modules, in that order).
   */
  required: string[];
  /** JSON modules it required, with the values it got, and whether it loaded them first (their spans point at its require). */
  json: [string, Value, boolean][];
  /** The interpreter's state when it began (`Interpreter.moduleState`): taken up in another, the link is done again without kept modules. */
  state: unknown[];
}

interface Frame {
  m: ModuleRecord;
  stepsAt: number;
  nestedSteps: number;
  evaluation: Evaluation;
}

/** The module top levels running in one link (innermost last), told what happens while they run. */
export class ModuleFrames {
  private readonly stack: Frame[] = [];
  /** Why nothing this link evaluated may be kept (a write the barrier does not see), if so. */
  keepNone: string | undefined;
  /** Modules kept from the link before and taken up in this one. */
  takenUp = 0;
  /**
   * Why a module taken up in this link does not give what evaluating it would (another state, a
   * JSON module loaded elsewhere first, the budget or a loop's cap reached): the link is done
   * again without kept modules (`Analyzer.link`).
   */
  invalid: string | undefined;

  private get top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** Module `m`'s top level begins (or its kept evaluation is taken up) at step `steps`. */
  begin(m: ModuleRecord, steps: number, state: unknown[]): void {
    this.stack.push({ m, stepsAt: steps, nestedSteps: 0, evaluation: { steps: 0, loops: new Map(), required: [], json: [], state } });
  }

  /** The running top level requires module `path` (evaluated now or before). */
  required(path: string): void {
    const top = this.top;
    if (top && !top.evaluation.required.includes(path)) top.evaluation.required.push(path);
  }

  /** The innermost top level ends at step `steps`; a module evaluated now keeps what it did, unless it did something else. */
  end(steps: number, takenUp: boolean): void {
    const f = this.stack.pop()!;
    const inclusive = steps - f.stepsAt;
    const parent = this.top;
    if (parent) parent.nestedSteps += inclusive;
    if (takenUp) {
      this.takenUp++;
      return;
    }
    f.evaluation.steps = inclusive - f.nestedSteps;
    f.m.evaluation = f.evaluation;
  }

  /** The running top level did something the link keeps besides its values: its module is evaluated again next time. */
  effect(why: string): void {
    const top = this.top;
    if (top) top.m.unkeepable ??= why;
  }

  loop(loop: ts.Node, iterations: number): void {
    const top = this.top;
    if (top) top.evaluation.loops.set(loop, (top.evaluation.loops.get(loop) ?? 0) + iterations);
  }

  /** Module `m` is listed as importing the fastify factory: in its evaluation's order, if it is the one running. */
  usesFactory(m: ModuleRecord): void {
    const top = this.top;
    if (top?.m === m) top.evaluation.required.push(USES_FACTORY);
  }

  /** The running top level requires JSON module `path` and gets `value`, loaded now (`first`) or before. */
  json(path: string, value: Value, first: boolean): void {
    this.top?.evaluation.json.push([path, value, first]);
  }
}

/** A link's modules, as the next link chooses those it keeps. */
export interface LinkedModules {
  modules: Iterable<ModuleRecord>;
  /** Why none may be kept, if so. */
  keepNone: string | undefined;
}

/** In `Evaluation.required`: the module was listed as importing the fastify factory here. */
export const USES_FACTORY = '\u0000uses the fastify factory';

/** Every module's resolutions (`ModuleRecord.resolutions`), flat: module path, `resolutionOf` key, resolved; again. */
export type Resolutions = readonly string[];

export function resolutionsOf(last: LinkedModules): Resolutions {
  const out: string[] = [];
  for (const m of last.modules) for (const [k, r] of m.resolutions) out.push(m.path, k, r);
  return out;
}

/**
 * The modules of the link before whose module resolutions are answered otherwise now (files came
 * or went): what they made, and what the plugin runs calling into them did, is as if they changed.
 */
export function resolvedOtherwise(last: Resolutions, resolveNow: (from: string, spec: string, kind: string) => string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < last.length; i += 3) if (!out.has(last[i]) && resolveAgain(last[i + 1], last[i], resolveNow) !== last[i + 2]) out.add(last[i]);
  return out;
}

/**
 * The modules of the link before that the next link takes as they are: evaluated, with nothing
 * else done (`unkeepable`), their file not changed since (`changed`: with `resolvedOtherwise`
 * when files came or went), and everything they import kept too (a JSON module: the module that
 * loaded it first kept too, its spans point there).
 */
export function keptModules(last: LinkedModules, changed: ReadonlySet<string>): Map<string, ModuleRecord> {
  const kept = new Map<string, ModuleRecord>();
  if (last.keepNone !== undefined) return kept;
  const all = [...last.modules];
  const jsonOwner = new Map<string, string>();
  for (const m of all) for (const [p, , first] of m.evaluation?.json ?? []) if (first) jsonOwner.set(p, m.path);
  for (const m of all) {
    if (m.state !== 'done' || !m.evaluation || m.unkeepable !== undefined || changed.has(m.path)) continue;
    kept.set(m.path, m);
  }
  // What each kept module's values came from: the modules it imports (a JSON module: its first loader).
  const dependents = new Map<string, string[]>();
  const dropped: string[] = [];
  for (const m of kept.values()) {
    for (const p of m.imports) {
      const on = /\.json$/i.test(p) ? (changed.has(p) ? undefined : jsonOwner.get(p)) : p;
      if (on === undefined || !kept.has(on)) {
        dropped.push(m.path);
        break;
      }
      const list = dependents.get(on);
      if (list) list.push(m.path);
      else dependents.set(on, [m.path]);
    }
  }
  for (const p of dropped) kept.delete(p);
  for (let i = 0; i < dropped.length; i++) {
    for (const d of dependents.get(dropped[i]) ?? []) {
      if (kept.delete(d)) dropped.push(d);
    }
  }
  return kept;
}

/** A resolution key as `ModuleRecord.resolutions` holds it: specifier and kind. */
export function resolutionOf(spec: string, kind: string): string {
  return `${kind}\u0000${spec}`;
}

function resolveAgain(key: string, from: string, resolveNow: (from: string, spec: string, kind: string) => string): string {
  const at = key.indexOf('\u0000');
  return resolveNow(from, key.slice(at + 1), key.slice(0, at));
}
