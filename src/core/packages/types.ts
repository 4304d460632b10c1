import type { DecoratorTarget, DecoratorValueKind } from '../model';

/**
 * Models of npm plugins, as data: what registering a package adds (decorators, hooks, routes,
 * nested contexts), read from each package's source and checked by booting it
 * (test/unit/package-models.test.ts). Pure: no analyser state, no interpreter values.
 */

/** A register option (or a part of it) the analysis could not compute. */
export interface Unknown {
  unknown: string;
  /** A string known except for the parts written `{?}` (`/{?}` for `/${env.DIR}`). */
  text?: string;
}

/** URL text of a partly known string: its known parts, and `u` for each `{?}`. */
export function partlyKnown(text: string, u: Unknown): (string | Unknown)[] {
  const out: (string | Unknown)[] = [];
  text.split('{?}').forEach((part, i) => {
    if (i > 0) out.push({ unknown: u.unknown });
    if (part) out.push(part);
  });
  return out;
}

/** Register options as the model sees them: plain data, with `Unknown` where not known statically. */
export type OptValue = string | number | boolean | null | undefined | OptObject | OptValue[] | Unknown | OptFunction;
export interface OptObject {
  kind: 'object';
  get(key: string): OptValue;
}
export interface OptFunction {
  kind: 'function';
}

/** URL text: literal parts and unknown parts (printed `{?}`, the route's URL then partly unknown). */
export type UrlText = string | Unknown | (string | Unknown)[];

export interface PkgDecorator {
  target: DecoratorTarget;
  name: string | Unknown;
  kind?: DecoratorValueKind;
  /** Added only under an option known at run time. */
  conditional?: boolean;
}

export interface PkgHook {
  name: string;
  conditional?: boolean;
}

export interface PkgRoute {
  methods: string[];
  path: UrlText;
  /** The route's own `exposeHeadRoute` (else the server default). */
  exposeHeadRoute?: boolean;
  conditional?: boolean;
}

/** What one context gets: the registering one (fastify-plugin wrapped) or the package's own. */
export interface PkgScope {
  decorators?: PkgDecorator[];
  hooks?: PkgHook[];
  routes?: PkgRoute[];
  contentTypeParsers?: string[];
  schemas?: string[];
  /** Encapsulated plugins the package registers inside (they load after its body). */
  children?: PkgChild[];
  /** What the model cannot say from these options (becomes an unresolved entry at the register call). */
  notes?: string[];
}

/** A plugin the package registers: its own context, or (wrapped) the same one, loaded after the body. */
export interface PkgChild extends PkgScope {
  name: string;
  prefix?: UrlText;
  wrapped?: boolean;
  conditional?: boolean;
}

export interface PackageModel {
  /** npm names the model covers: the scoped one first, then Fastify 3 era unscoped names. */
  names: string[];
  /**
   * The versions of its package this model is for (a semver range, `<8`); absent: every version
   * no other model of the name claims, and the one used when the version is not known (the
   * newest). Several models may share a name: packages/index.ts packageModelFor picks one.
   */
  versions?: string;
  /** fastify-plugin wrapped (skip-override): what it adds lands in the registering context. */
  wrapped: boolean;
  /** What registering it adds, as data or as a function of the register options (and of `io`). */
  adds: PkgScope | ((o: OptObject, io: PackageIO) => PkgScope);
}

/**
 * What a model may read of the workspace at the register call (the linker answers through its
 * Host): data only, never the package's code.
 */
export interface PackageIO {
  /**
   * The files under an absolute folder, recursively (links to folders followed once), as paths
   * relative to it with '/' separators, sorted; Unknown when the folder is missing, outside the
   * workspace, or too large to list.
   */
  listFiles(dir: string): string[] | Unknown;
}

export function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && typeof (v as Unknown).unknown === 'string';
}

export function isObject(v: OptValue): v is OptObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as OptObject).kind === 'object';
}

/** A string option with its default; Unknown when not known statically. */
export function optString(o: OptObject, key: string, fallback: string): string | Unknown {
  const v = o.get(key);
  if (v === undefined) return fallback;
  if (typeof v === 'string') return v;
  if (isUnknown(v)) return { unknown: `option ${key}: ${v.unknown}` };
  return { unknown: `option ${key} is not a string` };
}

/** Is the option set (not undefined)? Unknown when that is not known statically. */
export function optSet(o: OptObject, key: string): boolean | Unknown {
  const v = o.get(key);
  if (isUnknown(v)) return { unknown: `option ${key}: ${v.unknown}` };
  return v !== undefined;
}

/** JavaScript truthiness of an option; Unknown when not known statically. */
export function optTruthy(o: OptObject, key: string): boolean | Unknown {
  const v = o.get(key);
  if (isUnknown(v)) return { unknown: `option ${key}: ${v.unknown}` };
  return !!v;
}

/** `opts[key] === value`; Unknown when not known statically. */
export function optIs(o: OptObject, key: string, value: string | number | boolean | null | undefined): boolean | Unknown {
  const v = o.get(key);
  if (isUnknown(v)) return { unknown: `option ${key}: ${v.unknown}` };
  return v === value;
}

/** Items added when `cond` holds: all of them, none, or all marked conditional when unknown. */
export function when<T extends { conditional?: boolean }>(cond: boolean | Unknown, items: T[]): T[] {
  if (cond === true) return items;
  if (cond === false) return [];
  return items.map((i) => ({ ...i, conditional: true }));
}

export const dec = (target: PkgDecorator['target'], ...names: string[]): PkgDecorator[] => names.map((name) => ({ target, name }));
export const hooks = (...names: string[]): PkgHook[] => names.map((name) => ({ name }));
