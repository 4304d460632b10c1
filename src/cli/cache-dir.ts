import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where the CLI keeps its warm-start cache: `$FASTIFY_LENS_CACHE_DIR` (tests), else the user's
 * cache folder (`$XDG_CACHE_HOME/fastify-lens`, `%LOCALAPPDATA%\fastify-lens\cache` on Windows,
 * `~/.cache/fastify-lens`). Never the analysed folder.
 */
export function cliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FASTIFY_LENS_CACHE_DIR) return path.resolve(env.FASTIFY_LENS_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'fastify-lens');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'fastify-lens', 'cache');
  return path.join(os.homedir(), '.cache', 'fastify-lens');
}
