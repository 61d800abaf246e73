/**
 * Turns a user's free text into a safe FTS5 query. Every word becomes a quoted string token, so
 * FTS syntax in the input (quotes, `*`, `-`, `NEAR`, `AND`, column filters, parentheses) is plain
 * text and can never cause an SQL or FTS syntax error.
 *
 * @module
 */

/** Most words a query uses; the rest are ignored. */
export const MAX_QUERY_TERMS = 32;

/**
 * English function words dropped from queries when other words remain: agents ask in sentences
 * ("how did we fix the login race"), and these words match nearly every memory, which costs time
 * and dilutes ranking.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  ("a an and are as at be but by did do does for from had has have how i if in into is it its " +
    "me my of on or our so that the their them then there these they this to was we were what " +
    "when where which who why will with you your")
    .split(" "),
);

/** Printable ASCII, tabs and line breaks: text the plain pattern splits as the Unicode one does. */
const PLAIN_ASCII = /^[ -~\t\n\r]*$/;
const ASCII_WORD = /[a-z0-9_]+/g;
const WORD = /[\p{L}\p{N}_]+/gu;

/**
 * Extracts the searchable words of `text` (letters, digits, underscore), lowercased, without
 * duplicates; stopwords are dropped unless nothing else is left. Lowercased printable ASCII text
 * (most queries) is split by a plain pattern that finds the same words: V8 compiles the Unicode one in
 * ~0.5 ms on its first use, which a server's first query paid.
 */
export function queryTerms(text: string): string[] {
  const lower = text.toLowerCase();
  const words = lower.match(PLAIN_ASCII.test(lower) ? ASCII_WORD : WORD) ?? [];
  const unique = [...new Set(words)];
  const content = unique.filter((w) => !STOPWORDS.has(w));
  return (content.length > 0 ? content : unique).slice(0, MAX_QUERY_TERMS);
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
