import { createHash } from 'node:crypto';
import type { DirEntry, Host } from '../host';

/**
 * Everything a full analysis read through its Host, as data: what a warm start checks against
 * the disk before it trusts a cached graph. Files and folder listings are kept as content hashes
 * (`null`: missing or unreadable), `stat` and `realpath` as their answers.
 */
export interface HostInputs {
  files: Record<string, string | null>;
  dirs: Record<string, string | null>;
  stats: Record<string, 'file' | 'directory' | null>;
  realpaths: Record<string, string | null>;
}

/** Content hash of a text (a file, a listing). */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

const hashOf = (text: string | undefined): string | null => (text === undefined ? null : contentHash(text));
const listingText = (entries: DirEntry[] | undefined): string | undefined => entries?.map((e) => `${e.name}\0${e.kind}`).join('\n');

export interface Recorder {
  /** The Host to analyse with: it answers as `host` does and remembers every question and answer. */
  readonly host: Host;
  /**
   * Stops recording and gives the inputs, or undefined when one path gave two different answers
   * during the analysis (a file written meanwhile: nothing trustworthy to cache).
   */
  finish(): HostInputs | undefined;
}

/** Wraps `host` to record the inputs of one analysis; after `finish()` it only passes through. */
export function recordingHost(host: Host): Recorder {
  let recording = true;
  let stable = true;
  const files = new Map<string, string | undefined>();
  const dirs = new Map<string, string | undefined>();
  const stats = new Map<string, 'file' | 'directory' | undefined>();
  const realpaths = new Map<string, string | undefined>();
  const remember = <T>(map: Map<string, T>, key: string, value: T) => {
    if (!recording) return;
    if (!map.has(key)) map.set(key, value);
    else if (map.get(key) !== value) stable = false;
  };
  const wrapped: Host = {
    readFile(p) {
      const text = host.readFile(p);
      remember(files, p, text);
      return text;
    },
    readDirectory(p) {
      const entries = host.readDirectory(p);
      remember(dirs, p, listingText(entries));
      return entries;
    },
    stat(p) {
      const kind = host.stat(p);
      remember(stats, p, kind);
      return kind;
    },
    realpath(p) {
      const real = host.realpath(p);
      remember(realpaths, p, real);
      return real;
    },
  };
  return {
    host: wrapped,
    finish() {
      recording = false;
      const inputs: HostInputs | undefined = stable
        ? {
            files: Object.fromEntries([...files].map(([p, t]) => [p, hashOf(t)])),
            dirs: Object.fromEntries([...dirs].map(([p, t]) => [p, hashOf(t)])),
            stats: Object.fromEntries([...stats].map(([p, k]) => [p, k ?? null])),
            realpaths: Object.fromEntries([...realpaths].map(([p, r]) => [p, r ?? null])),
          }
        : undefined;
      files.clear();
      dirs.clear();
      stats.clear();
      realpaths.clear();
      return inputs;
    },
  };
}

/** What a check of recorded inputs found: all equal (with the texts read), or the first difference. */
export type InputsCheck = { same: true; texts: Map<string, string> } | { same: false; difference: string };

/**
 * Asks `host` every recorded question again (files are read and hashed, folders listed: cheap
 * next to parsing) and compares the answers. Stops at the first difference.
 */
export function checkInputs(host: Host, inputs: HostInputs): InputsCheck {
  const texts = new Map<string, string>();
  for (const [p, kind] of Object.entries(inputs.stats)) {
    const now = host.stat(p) ?? null;
    if (now !== kind) return { same: false, difference: `${p}: ${kind ?? 'missing'} before, ${now ?? 'missing'} now` };
  }
  for (const [p, real] of Object.entries(inputs.realpaths)) if ((host.realpath(p) ?? null) !== real) return { same: false, difference: `${p}: resolves elsewhere now` };
  for (const [p, hash] of Object.entries(inputs.dirs)) if (hashOf(listingText(host.readDirectory(p))) !== hash) return { same: false, difference: `${p}: folder listing changed` };
  for (const [p, hash] of Object.entries(inputs.files)) {
    const text = host.readFile(p);
    if (hashOf(text) !== hash) return { same: false, difference: `${p}: ${hash === null ? 'now exists' : text === undefined ? 'gone' : 'content changed'}` };
    if (text !== undefined) texts.set(p, text);
  }
  return { same: true, texts };
}

/** True when `value` has the shape of `HostInputs` (a cache file is read as untrusted data). */
export function isHostInputs(value: unknown): value is HostInputs {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const mapOf = (m: unknown, ok: (x: unknown) => boolean) => !!m && typeof m === 'object' && !Array.isArray(m) && Object.values(m).every(ok);
  const stringOrNull = (x: unknown) => x === null || typeof x === 'string';
  return mapOf(v.files, stringOrNull) && mapOf(v.dirs, stringOrNull) && mapOf(v.realpaths, stringOrNull) && mapOf(v.stats, (x) => x === null || x === 'file' || x === 'directory');
}
