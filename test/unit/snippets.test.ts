import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { syntaxErrors } from '../../src/core/facts/parse';

const SNIPPETS_FILE = path.join(__dirname, '..', '..', 'snippets', 'fastify.code-snippets');
const PREFIX = 'fl-';
const LANGUAGES = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'] as const;
type Language = (typeof LANGUAGES)[number];
const KIND: Record<Language, ts.ScriptKind> = {
  javascript: ts.ScriptKind.JS,
  javascriptreact: ts.ScriptKind.JSX,
  typescript: ts.ScriptKind.TS,
  typescriptreact: ts.ScriptKind.TSX,
};
const EXT: Record<Language, string> = { javascript: 'js', javascriptreact: 'jsx', typescript: 'ts', typescriptreact: 'tsx' };

/** VS Code variables the snippets may use, with a sample value for the expansion. */
const VARIABLES: Record<string, string> = { TM_FILENAME_BASE: 'my-plugin', TM_FILENAME: 'my-plugin.js', TM_SELECTED_TEXT: '' };

interface Snippet {
  scope: string;
  prefix: string;
  body: string[];
  description: string;
}

// ---------------------------------------------------------------------------------------------
// A parser for the VS Code snippet syntax (tab stops, placeholders, choices, variables, escapes).
// https://code.visualstudio.com/docs/editing/userdefinedsnippets#_grammar
// ---------------------------------------------------------------------------------------------

type SnippetNode =
  | { kind: 'text'; value: string }
  | { kind: 'tabstop'; index: number; children?: SnippetNode[]; choices?: string[] }
  | { kind: 'variable'; name: string; children?: SnippetNode[] };

class SnippetSyntaxError extends Error {}

function parseSnippet(src: string): SnippetNode[] {
  let pos = 0;
  const fail = (msg: string): never => {
    throw new SnippetSyntaxError(`${msg} at offset ${pos}: ${JSON.stringify(src.slice(Math.max(0, pos - 20), pos + 20))}`);
  };
  const digits = (): number | undefined => {
    const m = /^[0-9]+/.exec(src.slice(pos));
    if (!m) return undefined;
    pos += m[0].length;
    return Number(m[0]);
  };
  const ident = (): string | undefined => {
    const m = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(src.slice(pos));
    if (!m) return undefined;
    pos += m[0].length;
    return m[0];
  };
  const choice = (): string[] => {
    const options: string[] = [];
    let cur = '';
    for (;;) {
      if (pos >= src.length) fail('unterminated choice');
      const c = src[pos];
      if (c === '\\' && pos + 1 < src.length && ',|\\'.includes(src[pos + 1])) {
        cur += src[pos + 1];
        pos += 2;
      } else if (c === ',') {
        options.push(cur);
        cur = '';
        pos++;
      } else if (c === '|') {
        if (src[pos + 1] !== '}') fail("a choice must end with '|}'");
        options.push(cur);
        pos += 2;
        return options;
      } else {
        cur += c;
        pos++;
      }
    }
  };
  // Parses until the end, or (nested) until the unescaped '}' that closes a placeholder.
  const nodes = (nested: boolean): SnippetNode[] => {
    const out: SnippetNode[] = [];
    let text = '';
    const flush = () => {
      if (text) out.push({ kind: 'text', value: text });
      text = '';
    };
    while (pos < src.length) {
      const c = src[pos];
      if (c === '\\' && pos + 1 < src.length && '$}\\'.includes(src[pos + 1])) {
        text += src[pos + 1];
        pos += 2;
      } else if (c === '}' && nested) {
        flush();
        pos++;
        return out;
      } else if (c === '$') {
        flush();
        pos++;
        const index = digits();
        if (index !== undefined) {
          out.push({ kind: 'tabstop', index });
          continue;
        }
        const bare = ident();
        if (bare !== undefined) {
          out.push({ kind: 'variable', name: bare });
          continue;
        }
        if (src[pos] !== '{') fail("unescaped '$' (write '\\\\$' in the JSON for a literal dollar)");
        pos++;
        const idx = digits();
        const name = idx === undefined ? ident() : undefined;
        if (idx === undefined && name === undefined) fail("unescaped '${' (write '\\\\${' in the JSON for a template literal)");
        const next = src[pos++];
        if (idx !== undefined) {
          if (next === '}') out.push({ kind: 'tabstop', index: idx });
          else if (next === ':') out.push({ kind: 'tabstop', index: idx, children: nodes(true) });
          else if (next === '|') out.push({ kind: 'tabstop', index: idx, choices: choice() });
          else fail('bad tab stop');
        } else {
          if (next === '}') out.push({ kind: 'variable', name: name! });
          else if (next === ':') out.push({ kind: 'variable', name: name!, children: nodes(true) });
          else if (next === '/') fail('variable transforms are not supported by this test');
          else fail("unescaped '${' (write '\\\\${' in the JSON for a template literal)");
        }
      } else {
        text += c;
        pos++;
      }
    }
    if (nested) fail("unterminated '${'");
    flush();
    return out;
  };
  return nodes(false);
}

/** Every tab stop in the tree, placeholders' children included. */
function tabstops(tree: SnippetNode[]): Extract<SnippetNode, { kind: 'tabstop' }>[] {
  const out: Extract<SnippetNode, { kind: 'tabstop' }>[] = [];
  const walk = (ns: SnippetNode[]) => {
    for (const n of ns) {
      if (n.kind === 'tabstop') out.push(n);
      if (n.kind !== 'text' && n.children) walk(n.children);
    }
  };
  walk(tree);
  return out;
}

function variables(tree: SnippetNode[]): string[] {
  const out: string[] = [];
  const walk = (ns: SnippetNode[]) => {
    for (const n of ns) {
      if (n.kind === 'variable') out.push(n.name);
      if (n.kind !== 'text' && n.children) walk(n.children);
    }
  };
  walk(tree);
  return out;
}

/**
 * The text VS Code inserts when every tab stop keeps its default: a placeholder gives its default,
 * a choice its option number `variant` (or its last), and a bare `$n` mirrors the default of tab stop n.
 */
function expand(tree: SnippetNode[], variant = 0): string {
  const defaults = new Map<number, SnippetNode[] | string>();
  for (const t of tabstops(tree)) {
    if (defaults.has(t.index)) continue;
    if (t.choices) defaults.set(t.index, t.choices[Math.min(variant, t.choices.length - 1)]);
    else if (t.children) defaults.set(t.index, t.children);
  }
  const render = (ns: SnippetNode[]): string =>
    ns
      .map((n) => {
        if (n.kind === 'text') return n.value;
        if (n.kind === 'variable') return VARIABLES[n.name] ?? (n.children ? render(n.children) : n.name);
        const d = defaults.get(n.index);
        return d === undefined ? '' : typeof d === 'string' ? d : render(d);
      })
      .join('');
  return render(tree);
}

// ---------------------------------------------------------------------------------------------

const raw = fs.readFileSync(SNIPPETS_FILE, 'utf8');
const snippets = JSON.parse(raw) as Record<string, Snippet>;
const entries = Object.entries(snippets);
const languagesOf = (s: Snippet) => s.scope.split(',').map((l) => l.trim()) as Language[];
const treeOf = (s: Snippet) => {
  try {
    return parseSnippet(s.body.join('\n'));
  } catch (e) {
    throw new SnippetSyntaxError(`${s.prefix}: ${(e as Error).message}`);
  }
};
const choiceVariants = (tree: SnippetNode[]) => Math.max(1, ...tabstops(tree).map((t) => t.choices?.length ?? 1));

/** Syntactic diagnostics of each text, in a program so JavaScript files also report TypeScript-only syntax. */
function syntaxDiagnostics(files: { name: string; text: string; kind: ts.ScriptKind }[]): Map<string, string[]> {
  const byName = new Map(files.map((f) => [f.name, ts.createSourceFile(f.name, f.text, ts.ScriptTarget.Latest, true, f.kind)]));
  const options: ts.CompilerOptions = { allowJs: true, jsx: ts.JsxEmit.Preserve, noLib: true, noResolve: true, types: [], noEmit: true };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (name) => byName.get(name);
  host.fileExists = (name) => byName.has(name);
  host.readFile = (name) => byName.get(name)?.text;
  const program = ts.createProgram({ rootNames: [...byName.keys()], options, host });
  const out = new Map<string, string[]>();
  for (const [name, sf] of byName) {
    const parse = syntaxErrors(sf).map((d) => `${d.start}: ${d.message}`);
    const program_ = program.getSyntacticDiagnostics(program.getSourceFile(name)).map((d) => `${d.start}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    out.set(name, [...new Set([...parse, ...program_])]);
  }
  return out;
}

function findAddHook(sf: ts.SourceFile, hook: string): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const visit = (n: ts.Node) => {
    if (
      !found &&
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      n.expression.name.text === 'addHook' &&
      n.arguments.length === 2 &&
      ts.isStringLiteral(n.arguments[0]) &&
      n.arguments[0].text === hook
    ) {
      found = n;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

const parseTs = (text: string) => ts.createSourceFile('snippet.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

describe('snippets/fastify.code-snippets', () => {
  it('is plain JSON with at least one snippet', () => {
    assert.ok(entries.length > 0);
  });

  it('gives every snippet a prefix, body, description and scope', () => {
    for (const [name, s] of entries) {
      assert.equal(typeof s.prefix, 'string', `${name}: prefix`);
      assert.ok(Array.isArray(s.body) && s.body.length > 0 && s.body.every((l) => typeof l === 'string'), `${name}: body`);
      assert.ok(typeof s.description === 'string' && s.description.length > 0, `${name}: description`);
      assert.equal(typeof s.scope, 'string', `${name}: scope`);
      const langs = languagesOf(s);
      assert.ok(langs.length > 0 && langs.every((l) => (LANGUAGES as readonly string[]).includes(l)), `${name}: scope ${s.scope}`);
      assert.equal(new Set(langs).size, langs.length, `${name}: repeated language in scope`);
    }
  });

  it(`uses unique prefixes that all start with '${PREFIX}'`, () => {
    const seen = new Map<string, string>();
    for (const [name, s] of entries) {
      assert.match(s.prefix, /^fl-[a-z0-9]+(-[a-z0-9]+)*$/, name);
      assert.ok(!seen.has(s.prefix), `${name}: prefix ${s.prefix} already used by ${seen.get(s.prefix)}`);
      seen.set(s.prefix, name);
    }
  });

  it('uses well-formed snippet syntax: known variables, tab stops 1..n, one default per tab stop', () => {
    for (const [name, s] of entries) {
      const tree = treeOf(s);
      for (const v of variables(tree)) assert.ok(v in VARIABLES, `${name}: unknown variable $${v} (escape a literal '$' as '\\\\$')`);
      const stops = tabstops(tree);
      const indexes = [...new Set(stops.map((t) => t.index).filter((i) => i > 0))].sort((a, b) => a - b);
      assert.deepEqual(indexes, indexes.map((_, i) => i + 1), `${name}: tab stops ${indexes.join(',')} are not 1..n`);
      assert.ok(stops.filter((t) => t.index === 0).length <= 1, `${name}: more than one $0`);
      const defaults = new Map<number, string>();
      for (const t of stops) {
        if (!t.children && !t.choices) continue;
        const text = t.choices ? `|${t.choices.join(',')}|` : expand(t.children!);
        const prev = defaults.get(t.index);
        assert.ok(prev === undefined || prev === text, `${name}: tab stop ${t.index} has defaults ${prev} and ${text}`);
        defaults.set(t.index, text);
      }
    }
  });

  it('expands the snippet-syntax test cases as VS Code does', () => {
    const x = (s: string, variant = 0) => expand(parseSnippet(s), variant);
    assert.equal(x('a ${1:b} $1 ${1} c'), 'a b b b c');
    assert.equal(x('m(${1|get,post|}) $1', 1), 'm(post) post');
    assert.equal(x('$0x$2${3}'), 'x');
    assert.equal(x('`\\${a}` \\$ref ${1:{ a: 1 \\}} \\\\'), '`${a}` $ref { a: 1 } \\');
    assert.equal(x("'${1:${TM_FILENAME_BASE}}'"), "'my-plugin'");
    assert.equal(x('${1|a\\,b,c|}'), 'a,b');
    assert.throws(() => parseSnippet('`${a.b}`'), SnippetSyntaxError);
    assert.throws(() => parseSnippet('${1:x'), SnippetSyntaxError);
  });

  it('expands every body to code that parses in each language of its scope, for every choice', () => {
    const files: { name: string; text: string; kind: ts.ScriptKind }[] = [];
    entries.forEach(([, s], i) => {
      const tree = treeOf(s);
      for (let v = 0; v < choiceVariants(tree); v++) {
        for (const lang of languagesOf(s)) files.push({ name: `/s${i}-v${v}.${EXT[lang]}`, text: expand(tree, v), kind: KIND[lang] });
      }
    });
    const diags = syntaxDiagnostics(files);
    const problems: string[] = [];
    entries.forEach(([name, s], i) => {
      for (const f of files.filter((f) => f.name.startsWith(`/s${i}-`))) {
        for (const d of diags.get(f.name)!) problems.push(`${name} (${s.prefix}, ${path.basename(f.name)}): ${d}\n${f.text}`);
      }
    });
    assert.deepEqual(problems, []);
  });

  const HOOKS: [hook: string, params: string[], async: boolean][] = [
    ['onRequest', ['request', 'reply'], true],
    ['preParsing', ['request', 'reply', 'payload'], true],
    ['preValidation', ['request', 'reply'], true],
    ['preHandler', ['request', 'reply'], true],
    ['preSerialization', ['request', 'reply', 'payload'], true],
    ['onSend', ['request', 'reply', 'payload'], true],
    ['onResponse', ['request', 'reply'], true],
    ['onError', ['request', 'reply', 'error'], true],
    ['onTimeout', ['request', 'reply'], true],
    ['onRequestAbort', ['request'], true],
    ['onReady', [], true],
    ['onListen', [], true],
    ['onClose', ['instance'], true],
    // Fastify's hook is `preClose` (lib/hooks.js, types/hooks.d.ts); there is no `onPreClose`.
    ['preClose', [], true],
    ['onRoute', ['routeOptions'], false],
    ['onRegister', ['instance', 'opts'], false],
  ];

  it('has a snippet for each lifecycle and application hook, with the right signature', () => {
    const bodies = entries.map(([name, s]) => ({ name, text: expand(treeOf(s)) }));
    for (const [hook, params, isAsync] of HOOKS) {
      const own = bodies.find((b) => b.name.endsWith(` ${hook}`));
      assert.ok(own, `no snippet named "... ${hook}"`);
      const call = findAddHook(parseTs(own.text), hook);
      assert.ok(call, `${own.name}: no fastify.addHook('${hook}', ...)`);
      const fn = call.arguments[1];
      assert.ok(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn), `${hook}: the handler is not a function`);
      assert.deepEqual(fn.parameters.map((p) => p.name.getText()), params, `${hook}: parameters`);
      const hasAsync = !!fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
      assert.equal(hasAsync, isAsync, `${hook}: ${isAsync ? 'async' : 'synchronous'} handler expected`);
      if (params.includes('payload')) assert.match(own.text, /return payload\b/, `${hook}: returns the payload`);
    }
  });

  it('decorates requests and replies only with null, functions or getters (Fastify 5)', () => {
    for (const [name, s] of entries) {
      const visit = (n: ts.Node) => {
        if (
          ts.isCallExpression(n) &&
          ts.isPropertyAccessExpression(n.expression) &&
          ['decorateRequest', 'decorateReply'].includes(n.expression.name.text) &&
          n.arguments.length >= 2
        ) {
          const v = n.arguments[1];
          const ok =
            v.kind === ts.SyntaxKind.NullKeyword ||
            ts.isFunctionExpression(v) ||
            ts.isArrowFunction(v) ||
            (ts.isObjectLiteralExpression(v) && v.properties.some((p) => p.name?.getText() === 'getter'));
          assert.ok(ok, `${name}: ${n.expression.name.text} initial value ${v.getText()}`);
        }
        ts.forEachChild(n, visit);
      };
      visit(parseTs(expand(treeOf(s))));
    }
  });

  it('covers the plugin, route, decorator, schema, autoload, test and handler snippets', () => {
    const all = entries.map(([, s]) => ({ langs: languagesOf(s), text: expand(treeOf(s)) }));
    const has = (re: RegExp, lang?: Language) => all.some((b) => re.test(b.text) && (!lang || b.langs.includes(lang)));
    const required: [string, RegExp, Language?][] = [
      ['CommonJS plugin', /module\.exports = async function\b[^(]*\(fastify, opts\)/],
      ['ESM plugin', /export default async function\b[^(]*\(fastify, opts\)/],
      ['TypeScript plugin', /: FastifyPluginAsync\b.*= async \(fastify, opts\) =>/, 'typescript'],
      ['fastify-plugin CommonJS', /require\('fastify-plugin'\)[\s\S]*module\.exports = fp\(async \(fastify, opts\) =>[\s\S]*\{ name: '/],
      ['fastify-plugin ESM', /import fp from 'fastify-plugin'[\s\S]*export default fp\(async \(fastify, opts\) =>[\s\S]*\{ name: '/],
      ['fastify-plugin TypeScript', /import fp from 'fastify-plugin'[\s\S]*FastifyPluginAsync[\s\S]*export default fp\([\s\S]*\{ name: '/, 'typescript'],
      ['route shorthand', /fastify\.(get|post|put|patch|delete)\('[^']*', \{\s*schema: \{[\s\S]*params:[\s\S]*querystring:[\s\S]*body:[\s\S]*response:[\s\S]*\}, async \(request, reply\) =>/],
      ['fastify.route', /fastify\.route\(\{\s*method: '[A-Z]+',\s*url: '[^']*',\s*schema: \{[\s\S]*handler: async \(request, reply\) =>/],
      ['decorate', /fastify\.decorate\('/, 'javascript'],
      ['decorateRequest', /fastify\.decorateRequest\('/, 'javascript'],
      ['decorateReply', /fastify\.decorateReply\('/, 'javascript'],
      ['FastifyInstance augmentation', /declare module 'fastify' \{\s*interface FastifyInstance \{[\s\S]*fastify\.decorate\('/, 'typescript'],
      ['FastifyRequest augmentation', /declare module 'fastify' \{\s*interface FastifyRequest \{[\s\S]*fastify\.decorateRequest\('/, 'typescript'],
      ['FastifyReply augmentation', /declare module 'fastify' \{\s*interface FastifyReply \{[\s\S]*fastify\.decorateReply\('/, 'typescript'],
      ['addSchema with $id', /fastify\.addSchema\(\{\s*\$id: '/],
      ['route with $ref', /\{ \$ref: '[^']+#' \}/],
      ['autoload CommonJS', /require\('@fastify\/autoload'\)[\s\S]*path\.join\(__dirname, 'routes'\),\s*options: Object\.assign\(\{\}, opts\)/],
      ['autoload ESM', /from '@fastify\/autoload'[\s\S]*path\.join\(import\.meta\.dirname, 'routes'\),\s*options: Object\.assign\(\{\}, opts\)/],
      ['inject test', /from 'node:test'[\s\S]*t\.after\(\(\) => app\.close\(\)\)[\s\S]*const res = await app\.inject\(\{ method: 'GET', url: '\/' \}\)[\s\S]*assert\.equal\(res\.statusCode, 200\)/],
      ['setErrorHandler (JavaScript)', /fastify\.setErrorHandler\(async \(error, request, reply\) =>/, 'javascript'],
      ['setErrorHandler (TypeScript)', /fastify\.setErrorHandler<FastifyError>\(async \(error, request, reply\) =>/, 'typescript'],
      ['setNotFoundHandler', /fastify\.setNotFoundHandler\(async \(request, reply\) =>/],
    ];
    for (const [what, re, lang] of required) assert.ok(has(re, lang), `missing: ${what}${lang ? ` (${lang})` : ''}`);
  });
});
