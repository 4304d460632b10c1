// The analyser version a warm-start cache file must match (src/core/cache/analyser-version.ts):
// bundles are built with `__FASTIFY_LENS_ANALYSER__` defined as a placeholder, then the placeholder
// is replaced by the SHA-256 of the bundle's own text. Any change to the bundled code gives a new
// version, so a stale cache can never be read by mistake, and nobody has to remember to bump it.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const PLACEHOLDER = '@fastify-lens-analyser-stamp@'.padEnd(64, '0');

/** esbuild `define` for the builds that contain the analyser. */
export const stampDefine = { __FASTIFY_LENS_ANALYSER__: JSON.stringify(PLACEHOLDER) };

/**
 * Writes an esbuild result built with `write: false`, each script stamped with its own hash (and
 * `alsoLoaded`'s: the text of a bundle it requires at run time, such as dist/ts-morph.js).
 */
export function writeStamped(result, alsoLoaded = '') {
  for (const file of result.outputFiles) {
    let text = file.text;
    if (/\.c?js$/.test(file.path) && text.includes(PLACEHOLDER)) {
      const hash = createHash('sha256').update(text).update(alsoLoaded).digest('hex');
      text = text.split(PLACEHOLDER).join(hash);
    }
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, text);
  }
}
