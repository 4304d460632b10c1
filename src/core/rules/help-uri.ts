/** Where a rule is documented: its section of docs/rules.md (written from the registry; each has an anchor `<id>`). */
export const RULES_DOC_URL = 'https://github.com/fastify-lens/fastify-lens/blob/main/docs/rules.md';

export function ruleHelpUri(id: string): string {
  return `${RULES_DOC_URL}#${id}`;
}
