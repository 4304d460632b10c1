/**
 * Node's package.json `imports` and `exports` maps, as the ESM resolver reads them
 * (PACKAGE_IMPORTS_EXPORTS_RESOLVE and PACKAGE_TARGET_RESOLVE): exact keys, then the `*` pattern
 * with the longest prefix; targets are strings, arrays (first that works) or condition objects
 * whose keys are tried in their written order against the active conditions.
 */

export type ModuleKind = 'require' | 'import';

/** Node's active conditions for `require()` and for `import`. */
export function conditionsFor(kind: ModuleKind | undefined): Set<string> {
  if (kind === 'require') return new Set(['node', 'require', 'module-sync', 'default']);
  if (kind === 'import') return new Set(['node', 'import', 'module-sync', 'default']);
  return new Set(['node', 'import', 'require', 'default']);
}

/**
 * The targets a map gives for a key (`#routes/x` in `imports`, `./sub` in `exports`), in the order
 * to try them, with `*` substituted; [] when no key matches or the target is null.
 */
export function mapTargets(map: Record<string, unknown>, key: string, conditions: Set<string>): string[] {
  if (Object.prototype.hasOwnProperty.call(map, key) && !key.includes('*')) return targetStrings(map[key], undefined, conditions);
  let best: string | undefined;
  let bestStar = '';
  for (const pattern of Object.keys(map)) {
    const i = pattern.indexOf('*');
    if (i < 0 || pattern.indexOf('*', i + 1) >= 0) continue;
    const before = pattern.slice(0, i);
    const after = pattern.slice(i + 1);
    if (!key.startsWith(before) || key === before || key.length < before.length + after.length || !key.endsWith(after)) continue;
    if (best === undefined || patternKeyCompare(best, pattern) > 0) {
      best = pattern;
      bestStar = key.slice(before.length, key.length - after.length);
    }
  }
  return best === undefined ? [] : targetStrings(map[best], bestStar, conditions);
}

/** Node's PATTERN_KEY_COMPARE: > 0 when `b` should win over `a`. */
function patternKeyCompare(a: string, b: string): number {
  const ai = a.indexOf('*');
  const bi = b.indexOf('*');
  const baseA = ai < 0 ? a.length : ai + 1;
  const baseB = bi < 0 ? b.length : bi + 1;
  if (baseA > baseB) return -1;
  if (baseB > baseA) return 1;
  if (ai < 0) return 1;
  if (bi < 0) return -1;
  if (a.length > b.length) return -1;
  if (b.length > a.length) return 1;
  return 0;
}

function targetStrings(target: unknown, star: string | undefined, conditions: Set<string>, depth = 0): string[] {
  if (depth > 16) return [];
  if (typeof target === 'string') return [star === undefined ? target : target.split('*').join(star)];
  if (Array.isArray(target)) return target.flatMap((t) => targetStrings(t, star, conditions, depth + 1));
  if (target && typeof target === 'object') {
    for (const [cond, value] of Object.entries(target as Record<string, unknown>)) {
      if (!conditions.has(cond)) continue;
      const out = targetStrings(value, star, conditions, depth + 1);
      // A matching condition whose target resolves to nothing ends the search in Node only when
      // it is null; an empty result from nested conditions falls through to the next key.
      if (out.length) return out;
      if (value === null) return [];
    }
  }
  return [];
}

/** The subpath map of an `exports` field: `{ '.': … }` for sugar forms. */
export function exportsMap(exp: unknown): Record<string, unknown> | undefined {
  if (exp === undefined || exp === null) return undefined;
  if (typeof exp === 'string' || Array.isArray(exp)) return { '.': exp };
  if (typeof exp !== 'object') return undefined;
  const keys = Object.keys(exp);
  if (keys.length > 0 && keys.every((k) => !k.startsWith('.'))) return { '.': exp };
  return exp as Record<string, unknown>;
}
