import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '.tmp');

/** Writes a small workspace under test/.tmp/<name> (gitignored) from a map of relative paths to contents. */
export function writeWorkspace(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(ROOT, name);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return fs.realpathSync(dir);
}

export const FASTIFY_PACKAGE = JSON.stringify({ name: 'tmp-app', dependencies: { fastify: '^5.0.0', 'fastify-plugin': '^5.0.0', '@fastify/autoload': '^6.0.0' } });
