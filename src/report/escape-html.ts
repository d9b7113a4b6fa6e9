/**
 * Text for HTML element content and quoted attribute values: entity names and findings come from
 * label lists anyone can publish, so every one of `& < > " '` is escaped.
 *
 * @example
 * escapeHtml(`Alder <Exchange> & "Sons"`); // 'Alder &lt;Exchange&gt; &amp; &quot;Sons&quot;'
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
