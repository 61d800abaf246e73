/**
 * Pointers: `cascade://<64 lowercase hex>`, the SHA-256 of the stored envelope bytes.
 *
 * Validated by one strict pattern before any use. A file path is only ever derived from the
 * validated hex, so `../`, absolute paths, uppercase, URL-encoding or wrong lengths can never
 * reach the file system.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";

/** The pointer scheme prefix. */
export const POINTER_PREFIX = "cascade://";

const POINTER_PATTERN = /^cascade:\/\/([0-9a-f]{64})$/;

/** A validated pointer: its 64 lowercase hex digest. */
export type BlobId = string & { readonly __blobId: unique symbol };

/** Returns the digest of a valid pointer, or throws INVALID_POINTER without echoing long input. */
export function parsePointer(pointer: unknown): BlobId {
  if (typeof pointer === "string") {
    const m = POINTER_PATTERN.exec(pointer);
    if (m) return m[1] as BlobId;
  }
  const shown = typeof pointer === "string"
    ? `"${pointer.length > 80 ? pointer.slice(0, 80) + "…" : pointer}"`.replace(
      // deno-lint-ignore no-control-regex -- replacing control characters is the point
      /[\u0000-\u001f\u007f]/g,
      "?",
    )
    : typeof pointer;
  throw new LumeraError("INVALID_POINTER", `not a valid pointer: ${shown}`, {
    hint: "a pointer is cascade:// followed by 64 lowercase hex characters, as printed by store",
  });
}

/** Checks a bare 64-hex digest (e.g. a file name found on disk). */
export function isBlobId(value: string): value is BlobId {
  return /^[0-9a-f]{64}$/.test(value);
}

/** Formats a digest as a pointer. */
export function toPointer(id: BlobId): string {
  return `${POINTER_PREFIX}${id}`;
}
