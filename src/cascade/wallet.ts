/**
 * The paying account: an HD key from a BIP-39 mnemonic, its bech32 `lumera1…` address, and the
 * two kinds of signature Cascade needs (a transaction SignDoc, and an arbitrary string such as
 * the layout, the index file, a `data_hash` or an `action_id`).
 *
 * Two key types:
 * - `secp256k1` (Cosmos, coin type 118, `m/44'/118'/0'/0/0`): address = RIPEMD160(SHA256(pk33)),
 *   signatures over SHA-256, pubkey `/cosmos.crypto.secp256k1.PubKey`;
 * - `eth_secp256k1` (EVM-style accounts after Lumera's EVM migration, coin type 60,
 *   `m/44'/60'/0'/0/0`): address = last 20 bytes of Keccak256(pk65 without its prefix),
 *   signatures over Keccak-256, pubkey `/cosmos.evm.crypto.v1.ethsecp256k1.PubKey`.
 *
 * The mnemonic and the private key stay inside the closure; nothing here formats them.
 *
 * @module
 */

import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { base64, bech32 } from "@scure/base";
import { HDKey } from "@scure/bip32";
import { mnemonicToSeedSync, validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { LumeraError } from "../errors.ts";

/** The account key type of the target network. */
export type KeyType = "secp256k1" | "eth_secp256k1";

/** Bech32 prefix of Lumera account addresses. */
export const LUMERA_PREFIX = "lumera";

/** Protobuf type URL of the public key for each key type. */
export const PUBKEY_TYPE_URL: Readonly<Record<KeyType, string>> = {
  secp256k1: "/cosmos.crypto.secp256k1.PubKey",
  eth_secp256k1: "/cosmos.evm.crypto.v1.ethsecp256k1.PubKey",
};

/** The paying account, able to sign without exposing its key. */
export interface Wallet {
  readonly keyType: KeyType;
  /** bech32 `lumera1…` address. */
  readonly address: string;
  /** Compressed (33-byte) public key. */
  readonly publicKey: Uint8Array;
  /** Signs raw bytes (digest per key type) → 64-byte r‖s, low-S. */
  signBytes(message: Uint8Array): Uint8Array;
  /** Signs a UTF-8 string → base64 of the 64-byte r‖s signature. */
  signString(message: string): string;
}

/** The digest a key type signs. */
export function digestFor(keyType: KeyType, message: Uint8Array): Uint8Array {
  return keyType === "secp256k1" ? sha256(message) : keccak_256(message);
}

/** The bech32 address of a compressed public key. */
export function addressOf(publicKey: Uint8Array, keyType: KeyType): string {
  let raw: Uint8Array;
  if (keyType === "secp256k1") {
    raw = ripemd160(sha256(publicKey));
  } else {
    const full = secp256k1.Point.fromBytes(publicKey).toBytes(false);
    raw = keccak_256(full.subarray(1)).subarray(12);
  }
  return bech32.encode(LUMERA_PREFIX, bech32.toWords(raw));
}

/** Verifies a 64-byte r‖s signature (low-S required, as Cosmos does) over `message`. */
export function verifyBytes(
  keyType: KeyType,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.length !== 64) return false;
  try {
    return secp256k1.verify(signature, digestFor(keyType, message), publicKey, {
      prehash: false,
      lowS: true,
    });
  } catch {
    return false;
  }
}

/** Derives the account of `mnemonic` (first account, first address). */
export function walletFromMnemonic(mnemonic: string, keyType: KeyType = "secp256k1"): Wallet {
  const words = mnemonic.trim().split(/\s+/).join(" ");
  if (!validateMnemonic(words, wordlist)) {
    throw new LumeraError(
      "KEY_INVALID",
      "the Lumera account mnemonic is not a valid BIP-39 phrase",
      {
        hint: "check the words of the configured Lumera mnemonic (12 or 24 English words)",
      },
    );
  }
  const coin = keyType === "secp256k1" ? 118 : 60;
  const node = HDKey.fromMasterSeed(mnemonicToSeedSync(words)).derive(`m/44'/${coin}'/0'/0/0`);
  const privateKey = node.privateKey;
  const publicKey = node.publicKey;
  if (!privateKey || !publicKey) {
    throw new LumeraError("KEY_INVALID", "could not derive a key from the Lumera mnemonic");
  }
  const signBytes = (message: Uint8Array): Uint8Array =>
    secp256k1.sign(digestFor(keyType, message), privateKey, { prehash: false, lowS: true });
  return {
    keyType,
    address: addressOf(publicKey, keyType),
    publicKey,
    signBytes,
    signString: (message) => base64.encode(signBytes(new TextEncoder().encode(message))),
  };
}

/**
 * The ADR-036 amino sign bytes of `message` for `signer` (Keplr's arbitrary-data signing); the
 * chain and the SuperNodes accept a signature over either the raw string or these bytes.
 */
export function adr36SignBytes(signer: string, message: string): Uint8Array {
  const data = base64.encode(new TextEncoder().encode(message));
  return new TextEncoder().encode(
    `{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"",` +
      `"msgs":[{"type":"sign/MsgSignData","value":{"data":${JSON.stringify(data)},` +
      `"signer":${JSON.stringify(signer)}}}],"sequence":"0"}`,
  );
}

/** Verifies a base64 signature over a string, raw or ADR-036, as the chain and SuperNodes do. */
export function verifyString(
  keyType: KeyType,
  publicKey: Uint8Array,
  signer: string,
  message: string,
  signatureB64: string,
): boolean {
  let sig: Uint8Array;
  try {
    sig = base64.decode(signatureB64);
  } catch {
    return false;
  }
  return verifyBytes(keyType, publicKey, new TextEncoder().encode(message), sig) ||
    verifyBytes(keyType, publicKey, adr36SignBytes(signer, message), sig);
}
