/**
 * A manual probe of a Lumera network for the testnet runbook (`docs/cascade-testnet-runbook.md`):
 * prints, as JSON lines on stdout, the account, balance, params, fee and a gas estimate, and with
 * `--upload N` performs a real round trip of N random bytes (register → upload → DONE → download
 * → BLAKE3 check), with timings. The mnemonic is read from a file and never printed.
 *
 *     deno run --allow-read=<mnemonic file> \
 *       --allow-net=lcd.testnet.lumera.io,snapi.testnet.lumera.io \
 *       src/cascade/probe.ts --mnemonic-file <file> [--network testnet|mainnet]
 *       [--key-type secp256k1|eth_secp256k1] [--lcd URL] [--snapi URL] [--chain-id ID]
 *       [--upload BYTES] [--done-timeout-s 1800]
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { createCascadeRemote } from "./client.ts";
import { NETWORKS } from "./networks.ts";
import type { CascadeConnection } from "./remote.ts";

/** Parsed probe arguments. */
export interface ProbeArgs {
  connection: CascadeConnection;
  uploadBytes?: number;
  doneTimeoutS: number;
}

/** Parses the probe's command line; reads the mnemonic file. */
export async function parseProbeArgs(argv: string[]): Promise<ProbeArgs> {
  const opts = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1];
    if (!k.startsWith("--") || v === undefined) {
      throw new LumeraError("USAGE", `bad argument: ${k}`, { hint: "see src/cascade/probe.ts" });
    }
    opts.set(k.slice(2), v);
  }
  const known = [
    "network",
    "mnemonic-file",
    "key-type",
    "lcd",
    "snapi",
    "chain-id",
    "upload",
    "done-timeout-s",
  ];
  for (const k of opts.keys()) {
    if (!known.includes(k)) throw new LumeraError("USAGE", `unknown option --${k}`);
  }
  const networkName = opts.get("network") ?? "testnet";
  if (networkName !== "testnet" && networkName !== "mainnet") {
    throw new LumeraError("USAGE", "--network must be testnet or mainnet");
  }
  const net = NETWORKS[networkName];
  const file = opts.get("mnemonic-file");
  if (!file) throw new LumeraError("USAGE", "--mnemonic-file is required");
  const keyType = opts.get("key-type") ?? "secp256k1";
  if (keyType !== "secp256k1" && keyType !== "eth_secp256k1") {
    throw new LumeraError("USAGE", "--key-type must be secp256k1 or eth_secp256k1");
  }
  const upload = opts.has("upload") ? Number(opts.get("upload")) : undefined;
  if (upload !== undefined && (!Number.isSafeInteger(upload) || upload < 1)) {
    throw new LumeraError("USAGE", "--upload takes a positive byte count");
  }
  return {
    connection: {
      chainId: opts.get("chain-id") ?? net.chainId,
      lcdUrl: opts.get("lcd") ?? net.lcdUrl,
      snapiUrl: opts.get("snapi") ?? net.snapiUrl,
      gasPrice: net.gasPrice,
      mnemonic: (await Deno.readTextFile(file)).trim(),
      keyType,
    },
    uploadBytes: upload,
    doneTimeoutS: Number(opts.get("done-timeout-s") ?? "1800"),
  };
}

const line = (o: Record<string, unknown>) =>
  Deno.stdout.write(
    new TextEncoder().encode(
      JSON.stringify(o, (_k, v) => typeof v === "bigint" ? v.toString() : v) + "\n",
    ),
  );

/** Runs the probe; returns the process exit code. */
export async function runProbe(args: ProbeArgs): Promise<number> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const remote = await createCascadeRemote(args.connection);
  await line({ step: "account", address: remote.address, keyType: args.connection.keyType });
  await line({ step: "balance", ulume: await remote.balance(), ms: ms() });
  const params = await remote.params();
  await line({ step: "params", ...params, ms: ms() });
  const size = args.uploadBytes ?? 100_000;
  await line({ step: "action_fee", bytes: size, ulume: await remote.actionFee(size), ms: ms() });
  await line({ step: "estimate_gas", bytes: size, ...(await remote.estimateGas(size)), ms: ms() });
  if (args.uploadBytes === undefined) return 0;

  const bytes = crypto.getRandomValues(new Uint8Array(args.uploadBytes));
  const reg = await remote.register(bytes, `probe-${Date.now()}.bin`);
  await line({ step: "registered", ...reg, ms: ms() });
  const task = await remote.upload(reg.actionId, bytes);
  await line({ step: "uploaded", taskId: task, ms: ms() });
  const deadline = Date.now() + args.doneTimeoutS * 1000;
  let status = await remote.uploadStatus(task);
  let state = (await remote.action(reg.actionId)).state;
  while (state !== "DONE" && state !== "APPROVED") {
    if (status === "failed" || ["REJECTED", "FAILED", "EXPIRED"].includes(state)) {
      await line({ step: "failed", status, state, ms: ms() });
      return 1;
    }
    if (Date.now() > deadline) {
      await line({ step: "timeout", status, state, ms: ms() });
      return 1;
    }
    await new Promise((r) => setTimeout(r, 5_000));
    status = await remote.uploadStatus(task).catch(() => status);
    state = (await remote.action(reg.actionId)).state;
  }
  await line({ step: "done", actionId: reg.actionId, state, ms: ms() });
  const back = await remote.download(reg.actionId);
  const same = back.length === bytes.length && back.every((b, i) => b === bytes[i]);
  await line({ step: "downloaded", bytes: back.length, identical: same, ms: ms() });
  return same ? 0 : 1;
}

if (import.meta.main) {
  try {
    Deno.exitCode = await runProbe(await parseProbeArgs(Deno.args));
  } catch (e) {
    const err = e instanceof LumeraError
      ? { code: e.code, message: e.message, hint: e.hint, details: e.details }
      : { code: "INTERNAL", message: e instanceof Error ? e.name : "unexpected failure" };
    await line({ step: "error", ...err });
    Deno.exitCode = 1;
  }
}
