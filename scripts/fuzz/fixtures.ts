import * as fs from 'node:fs';
import * as path from 'node:path';

export const FIXTURES_DIR = path.join(__dirname, '..', '..', 'test', 'fixtures');

export interface FixtureFile {
  /** Fixture folder name, e.g. `autoload-6.3`. */
  fixture: string;
  /** Absolute (real) fixture folder. */
  root: string;
  /** Absolute path of the file. */
  file: string;
  text: string;
}

/**
 * Every file of every fixture (each folder of `dir` is one), in a fixed order (fixture, then
 * path), read as the Host reads them (UTF-8).
 */
export function fixtureFiles(dir = FIXTURES_DIR, only?: string[]): FixtureFile[] {
  const out: FixtureFile[] = [];
  for (const fixture of fs.readdirSync(dir).sort()) {
    if (only?.length && !only.includes(fixture)) continue;
    const root = fs.realpathSync(path.join(dir, fixture));
    if (!fs.statSync(root).isDirectory()) continue;
    const walk = (dir: string) => {
      for (const d of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const p = path.join(dir, d.name);
        if (d.isDirectory()) walk(p);
        else if (d.isFile()) out.push({ fixture, root, file: p, text: fs.readFileSync(p, 'utf8') });
      }
    };
    walk(root);
  }
  return out;
}
