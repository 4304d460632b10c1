/**
 * Who made a container, and who writes to it: the write barrier that makes replaying a plugin run
 * sound (ARCHITECTURE.md "Incremental updates", "The replay").
 *
 * Every container the interpreter makes where it matters (objects, arrays, functions, classes,
 * collections, scopes) is stamped with the clock when it is made. A *frame* is a stretch of
 * interpretation whose effects are kept or replayed as a whole: a module's top level, a plugin
 * run. A write to a container stamped before the innermost frame began is a *foreign* write:
 * state shared between frames changed, which a replay would not repeat, so the link that saw one
 * keeps nothing replayable (`unsound`). A container without a stamp (a site not covered) counts as
 * foreign: a missed site only stops replays, never makes one wrong.
 */

let clock = 0;

/** A stamp for a container made now. */
export function stamp(): number {
  return clock++;
}

export interface Stamped {
  born?: number;
}

/** The frames of the running link, and whether it saw a foreign write or anything else that makes replay unsound. */
class WriteBarrier {
  /** When each frame began, and the module whose top level it is (none for a plugin run or a factory's call). */
  private readonly frames: number[] = [];
  private readonly modules: (string | undefined)[] = [];
  /** Why the running link keeps nothing replayable (the first reason), if it does not. */
  unsound: string | undefined;

  /** A new link: no frames, nothing seen. */
  reset(): void {
    this.frames.length = 0;
    this.modules.length = 0;
    this.unsound = undefined;
  }

  /** A frame begins: `module` is the path of the module whose top level it is, if it is one. */
  enter(module?: string): void {
    this.frames.push(clock);
    this.modules.push(module);
  }

  exit(): void {
    this.frames.pop();
    this.modules.pop();
  }

  /** The module whose top level is running now, when the innermost frame is a module's top level. */
  moduleFrame(): string | undefined {
    return this.modules[this.modules.length - 1];
  }

  /** Runs `fn` as a frame of its own. */
  frame(fn: () => void): void {
    this.enter();
    try {
      fn();
    } finally {
      this.exit();
    }
  }

  /** A write to `c` (its properties, items, entries, bindings or marks). */
  write(c: Stamped): void {
    if (this.unsound !== undefined) return;
    const top = this.frames.length ? this.frames[this.frames.length - 1] : Infinity;
    if ((c.born ?? -1) < top) this.unsound = 'a value made outside the running plugin or module was written to';
  }

  /** Something else replay cannot repeat happened (a module cycle, a live file-system read). */
  taint(why: string): void {
    this.unsound ??= why;
  }
}

export const barrier = new WriteBarrier();
