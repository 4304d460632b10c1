/** `fastify start` options that take a value (fastify-cli args.js), so their values are not the entry. */
const VALUE_FLAGS = new Set([
  '-p', '--port', '-a', '--address', '-s', '--socket', '-l', '--log-level', '-x', '--prefix', '-r', '--require', '-i', '--import',
  '-T', '--plugin-timeout', '-b', '--body-limit', '-c', '--close-grace-delay', '-e', '--env', '--logging-module', '--trust-proxy',
  '--debug-port', '--debug-host', '--ignore-watch', '--lang', '--language', '--options-file', '--http2-options', '--https-options',
]);

export interface FastifyStart {
  entry: string;
  prefix?: string;
}

/** Every `fastify start [options] <file>` in one package.json script (commands joined by && ; |). */
export function parseFastifyStart(script: string): FastifyStart[] {
  const out: FastifyStart[] = [];
  for (const command of script.split(/&&|\|\||;|\|/)) {
    const words = command.trim().split(/\s+/);
    const at = words.findIndex((w, i) => /(^|\/)fastify$/.test(w) && words[i + 1] === 'start');
    if (at < 0) continue;
    let prefix: string | undefined;
    let entry: string | undefined;
    for (let i = at + 2; i < words.length; i++) {
      const w = words[i];
      if (w.startsWith('-')) {
        const [flag, inline] = w.split('=', 2);
        if (VALUE_FLAGS.has(flag)) {
          const value = inline ?? words[++i];
          if (flag === '-x' || flag === '--prefix') prefix = value?.replace(/^['"]|['"]$/g, '');
        }
        continue;
      }
      entry = w.replace(/^['"]|['"]$/g, '');
      break;
    }
    if (entry) out.push({ entry, prefix });
  }
  return out;
}
