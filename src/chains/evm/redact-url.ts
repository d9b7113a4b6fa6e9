/**
 * An RPC URL fit for logs and error messages: scheme and host only, with any credentials, API-key
 * path or query removed (providers put keys in all three).
 *
 * @example
 * redactUrl('https://user:pw@eth.example/v2/KEY?x=1'); // 'https://eth.example/…'
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const hidden = u.username || u.password || (u.pathname && u.pathname !== '/') || u.search;
    return `${u.protocol}//${u.host}${hidden ? '/…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}
