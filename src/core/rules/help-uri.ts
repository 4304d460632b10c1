/** Where a rule is documented: its row of the README's Rules table (each row has an anchor `rule-<id>`). */
export const README_URL = 'https://github.com/fastify-lens/fastify-lens/blob/main/README.md';

export function ruleHelpUri(id: string): string {
  return `${README_URL}#rule-${id}`;
}
