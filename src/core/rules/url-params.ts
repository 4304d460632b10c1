/** A parameter of a route URL as find-my-way reads it. */
export interface UrlParam {
  /** `id` for `:id`, `'*'` for the wildcard. */
  name: string;
  /** `:id?`: the router also serves the URL without it, and then `params.id` is absent. */
  optional: boolean;
}

/**
 * The parameters find-my-way gives `request.params` for a URL (`Router.prototype._on`): `:name`
 * up to `(`, `-`, `.` or `/`, `::` a literal colon, a last `:name?` optional, `*` the wildcard
 * (`params['*']`). Undefined when the URL is one the router rejects (an optional parameter that
 * is not last, a `*` that is not the last character, an unclosed regex).
 */
export function urlParams(url: string): UrlParam[] | undefined {
  const out: UrlParam[] = [];
  for (let i = 0; i < url.length; i++) {
    const ch = url[i];
    if (ch === ':' && url[i + 1] === ':') {
      i++;
      continue;
    }
    if (ch === '*') {
      if (i !== url.length - 1) return undefined;
      out.push({ name: '*', optional: false });
      continue;
    }
    if (ch !== ':') continue;
    let j = i + 1;
    while (j < url.length && !'(-./'.includes(url[j]) && !(url[j] === '?' && (j + 1 === url.length || url[j + 1] === '/'))) j++;
    const name = url.slice(i + 1, j);
    if (url[j] === '?') {
      if (j + 1 < url.length - 1 || (j + 1 === url.length - 1 && url[j + 1] !== '/')) return undefined;
      out.push({ name, optional: true });
      return out;
    }
    out.push({ name, optional: false });
    if (url[j] === '(') {
      let depth = 0;
      for (; j < url.length; j++) {
        if (url[j] === '\\') j++;
        else if (url[j] === '(') depth++;
        else if (url[j] === ')' && --depth === 0) break;
      }
      if (j >= url.length) return undefined;
    }
    i = j - 1 + (url[j] === ')' ? 1 : 0);
  }
  return out;
}
