import type { ModuleRecord } from './module-record';
import type { Value } from './values';
import { barrier, stamp } from './replay/ownership';

interface Binding {
  value?: Value;
  /** Live binding (ES imports), read at each access. */
  get?: () => Value;
}

/** A lexical scope of the interpreter. */
export class Scope {
  private readonly vars = new Map<string, Binding>();
  /** When it was made (replay/ownership.ts). */
  born = stamp();

  constructor(
    readonly parent: Scope | undefined,
    readonly module: ModuleRecord,
    /** `this` inside a non-arrow function. */
    readonly thisValue?: Value,
  ) {}

  declare(name: string, value: Value): void {
    barrier.write(this);
    this.vars.set(name, { value });
  }

  declareLive(name: string, get: () => Value): void {
    barrier.write(this);
    this.vars.set(name, { get });
  }

  lookup(name: string): Value | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const b = s.vars.get(name);
      if (b) return b.get ? b.get() : b.value;
    }
    return undefined;
  }

  /** Assigns to the nearest declaration; declares at module level when there is none (sloppy globals). */
  assign(name: string, value: Value): void {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const b = s.vars.get(name);
      if (b) {
        barrier.write(s);
        b.value = value;
        b.get = undefined;
        return;
      }
    }
    this.module.scope.declare(name, value);
  }

  thisOf(): Value | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.thisValue) return s.thisValue;
    return undefined;
  }
}
