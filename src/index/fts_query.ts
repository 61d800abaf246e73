/**
 * Turns a user's free text into a safe FTS5 query. Every word becomes a quoted string token, so
 * FTS syntax in the input (quotes, `*`, `-`, `NEAR`, `AND`, column filters, parentheses) is plain
 * text and can never cause an SQL or FTS syntax error.
 *
 * @module
 */

/** Most words a query uses; the rest are ignored. */
export const MAX_QUERY_TERMS = 32;

/** Extracts the searchable words of `text` (letters, digits, underscore), lowercased. */
export function queryTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  const unique = [...new Set(words)];
  return unique.slice(0, MAX_QUERY_TERMS);
}

/**
 * Builds an FTS5 MATCH expression from terms: `all` joins them with AND (implicit), `any` with OR.
 * Returns `undefined` when there is nothing searchable.
 */
export function ftsMatchExpression(terms: string[], mode: "all" | "any"): string | undefined {
  if (terms.length === 0) return undefined;
  const quoted = terms.map((t) => `"${t.replaceAll('"', '""')}"`);
  return quoted.join(mode === "all" ? " " : " OR ");
}
