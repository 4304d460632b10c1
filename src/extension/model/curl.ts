/** A `curl` command line for a route, with path parameters left as `:name` for the user to fill. Pure. */
export function curlCommand(method: string, url: string, base = 'http://localhost:3000'): string {
  const m = method === 'ALL' ? 'GET' : method;
  const target = `${base.replace(/\/$/, '')}${url.startsWith('/') ? '' : '/'}${url}`;
  const quoted = `'${target.replace(/'/g, `'\\''`)}'`;
  if (m === 'GET') return `curl -i ${quoted}`;
  if (m === 'HEAD') return `curl -I ${quoted}`;
  const body = m === 'POST' || m === 'PUT' || m === 'PATCH' ? ` -H 'content-type: application/json' -d '{}'` : '';
  return `curl -i -X ${m} ${quoted}${body}`;
}
