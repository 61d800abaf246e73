import assert from "node:assert/strict";
import { createCipheriv, hkdfSync } from "node:crypto";
import { contentIdOfBytes } from "../../src/crypto/content_id.ts";
import { bytesToHex } from "../../src/crypto/hex.ts";
import { deriveKeyRing } from "../../src/crypto/keys.ts";

// Known answers for the master key 00 01 02 … 1f, computed independently (Python's hmac/hashlib
// HKDF-SHA-256 with the salt and labels of src/crypto/keys.ts). A change here changes every key
// id, content id and envelope key of every existing store.
const MASTER = Uint8Array.from({ length: 32 }, (_, i) => i);
const SALT = new TextEncoder().encode("lumera-memory/v1/hkdf-salt");
const hello = new TextEncoder().encode("hello");

Deno.test("deriveKeyRing: key id and content-id key match the HKDF known answers", async () => {
  const keys = await deriveKeyRing(MASTER.slice());
  assert.equal(keys.keyIdHex, "3487f65e1b2e4eb3");
  assert.equal(bytesToHex(keys.keyId), "3487f65e1b2e4eb3");
  assert.equal(
    await contentIdOfBytes(keys, hello),
    "fa7e4f1461eac7057932d5c182b3086c54991ed72c8b4a28d37bcc8cda9a5288",
  );
  const name = await crypto.subtle.sign("HMAC", keys.remoteNameKey, hello);
  assert.equal(
    bytesToHex(new Uint8Array(name)),
    "e41f90de7017476bfab37887be950e941f451a5ae0c7b59b24f090d178df6d76",
  );
});

Deno.test("deriveKeyRing: both AES keys are HKDF-SHA-256 of their labels", async () => {
  const keys = await deriveKeyRing(MASTER.slice());
  const iv = new Uint8Array(12).fill(7);
  for (
    const [key, label] of [
      [keys.envelopeKey, "lumera-memory/v1/envelope/aes-256-gcm"],
      [keys.remoteDirectoryKey, "lumera-memory/v1/remote/segment-directory/aes-256-gcm"],
    ] as const
  ) {
    const raw = new Uint8Array(hkdfSync("sha256", MASTER, SALT, label, 32));
    const c = createCipheriv("aes-256-gcm", raw, iv);
    const expected = new Uint8Array([...c.update(hello), ...c.final(), ...c.getAuthTag()]);
    const got = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, hello));
    assert.deepEqual(got, expected, label);
  }
});

Deno.test("deriveKeyRing: refuses a master key of the wrong length", async () => {
  await assert.rejects(() => deriveKeyRing(new Uint8Array(31)), /must be 32 bytes/);
});
