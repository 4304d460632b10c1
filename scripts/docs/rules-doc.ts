// docs/rules.md, written from the rule registry (src/core/rules): one section per rule with what it
// catches, why it matters, code it reports and the same code written right. `npm run docs:rules`
// rewrites the file; test/unit/meta.test.ts fails when it is not what this renders.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES, type Rule } from '../../src/core/rules';

export const RULES_DOC = path.join(__dirname, '..', '..', 'docs', 'rules.md');

function section(r: Rule): string {
  const cli = r.cliDefaultSeverity && r.cliDefaultSeverity !== r.defaultSeverity ? ` (in \`fastify-lens check\`: ${r.cliDefaultSeverity === 'off' ? 'off unless asked with `--rule ' + r.id + '=<severity>`' : r.cliDefaultSeverity})` : '';
  return [
    `## <a id="${r.id}"></a>\`${r.id}\``,
    '',
    `${r.summary[0].toUpperCase()}${r.summary.slice(1)}.`,
    '',
    `Default severity: **${r.defaultSeverity}**${cli}. Change it with the setting \`fastifyLens.rules\` (\`{ "${r.id}": "warning" }\`) or \`fastify-lens check --rule ${r.id}=warning\`.`,
    '',
    `**Why it matters.** ${r.why}`,
    '',
    'Reported:',
    '',
    '```js',
    r.wrong,
    '```',
    '',
    'Instead:',
    '',
    '```js',
    r.right,
    '```',
    '',
  ].join('\n');
}

export function renderRulesDoc(): string {
  return [
    '# Fastify Lens rules',
    '',
    '<!-- Written by `npm run docs:rules` from src/core/rules; edit the rules, not this file. -->',
    '',
    'Each finding carries its rule id as `code`; in VS Code the code links here. Quick fixes are listed in the README ([Quick fixes](../README.md#quick-fixes)).',
    '',
    ...RULES.map((r) => `- [\`${r.id}\`](#${r.id}) (${r.defaultSeverity}): ${r.summary}`),
    '',
    ...RULES.map(section),
  ].join('\n');
}

if (require.main === module) {
  fs.writeFileSync(RULES_DOC, renderRulesDoc());
  console.log(`wrote ${path.relative(process.cwd(), RULES_DOC)} (${RULES.length} rules)`);
}
