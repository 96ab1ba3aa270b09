/** Text or an attribute value made safe for HTML and inline SVG: the report shows names and tags it did not write. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A link target the page may carry: only https URLs (a finding's AWS documentation page); anything else is dropped. */
export function safeUrl(url: string): string | undefined {
  return /^https:\/\/[^\s"'<>]+$/.test(url) ? url : undefined;
}
