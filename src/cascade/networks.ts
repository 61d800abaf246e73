/**
 * Presets for the public Lumera networks (chain id, chain REST, SN-API, minimum gas price), from
 * Lumera's documentation. The testnet LCD host is the one the docs list first; the docs disagree
 * on it, so a user can override every field in the configuration.
 *
 * @module
 */

import type { CascadeConnection } from "./remote.ts";

/** A network's endpoints, without the paying account. */
export type CascadeNetwork = Omit<CascadeConnection, "mnemonic">;

/** Lumera mainnet. */
export const MAINNET: Readonly<CascadeNetwork> = {
  chainId: "lumera-mainnet-1",
  lcdUrl: "https://lcd.lumera.io",
  snapiUrl: "https://snapi.lumera.io",
  gasPrice: "0.025",
};

/** Lumera testnet. */
export const TESTNET: Readonly<CascadeNetwork> = {
  chainId: "lumera-testnet-2",
  lcdUrl: "https://lcd.testnet.lumera.io",
  snapiUrl: "https://snapi.testnet.lumera.io",
  gasPrice: "0.025",
};

/** The presets by name. */
export const NETWORKS: Readonly<Record<"mainnet" | "testnet", Readonly<CascadeNetwork>>> = {
  mainnet: MAINNET,
  testnet: TESTNET,
};
