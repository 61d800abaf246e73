/**
 * A minimal protobuf wire-format writer and reader: just what Cosmos transactions and Lumera's
 * action messages need (varints, length-delimited fields). Field numbers are given by the
 * callers, from the `.proto` files.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";

const te = new TextEncoder();

/** Appends protobuf fields to a growing byte buffer. */
export class ProtoWriter {
  #chunks: Uint8Array[] = [];
  #length = 0;

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#length += bytes.length;
  }

  #varint(value: bigint): void {
    if (value < 0n) throw new LumeraError("INTERNAL", "negative protobuf varint");
    const out: number[] = [];
    let v = value;
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.#push(Uint8Array.from(out));
  }

  #tag(field: number, wire: number): void {
    this.#varint(BigInt(field * 8 + wire));
  }

  /** A varint field (uint64/int64/enum/bool); zero values are omitted (proto3). */
  uint(field: number, value: number | bigint): this {
    const v = BigInt(value);
    if (v !== 0n) {
      this.#tag(field, 0);
      this.#varint(v);
    }
    return this;
  }

  /** A bytes field; empty values are omitted unless `always`. */
  bytes(field: number, value: Uint8Array, always = false): this {
    if (value.length === 0 && !always) return this;
    this.#tag(field, 2);
    this.#varint(BigInt(value.length));
    this.#push(value);
    return this;
  }

  /** A string field; empty strings are omitted (proto3). */
  string(field: number, value: string): this {
    return this.bytes(field, te.encode(value));
  }

  /** An embedded message field (written even when empty). */
  message(field: number, value: Uint8Array): this {
    return this.bytes(field, value, true);
  }

  /** The encoded bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** One decoded field: a varint value or length-delimited bytes. */
export interface ProtoField {
  field: number;
  wire: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

/** Decodes all fields of a message (varint, fixed64, length-delimited, fixed32). */
export function readFields(buf: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let at = 0;
  const bad = () => new LumeraError("INVALID_RECORD", "malformed protobuf message");
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= buf.length || shift > 63n) throw bad();
      const b = buf[at++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (at < buf.length) {
    const tag = varint();
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (field === 0) throw bad();
    if (wire === 0) fields.push({ field, wire, varint: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      if (at + len > buf.length) throw bad();
      fields.push({ field, wire, bytes: buf.subarray(at, at + len) });
      at += len;
    } else if (wire === 1 || wire === 5) {
      const len = wire === 1 ? 8 : 4;
      if (at + len > buf.length) throw bad();
      fields.push({ field, wire, bytes: buf.subarray(at, at + len) });
      at += len;
    } else throw bad();
  }
  return fields;
}

/** Helpers over decoded fields. */
export class ProtoMessage {
  readonly fields: ProtoField[];
  constructor(buf: Uint8Array) {
    this.fields = readFields(buf);
  }
  /** Last bytes value of `field` (empty if absent). */
  bytes(field: number): Uint8Array {
    const f = this.fields.filter((x) => x.field === field && x.bytes).at(-1);
    return f?.bytes ?? new Uint8Array(0);
  }
  /** Every bytes value of a repeated `field`. */
  repeated(field: number): Uint8Array[] {
    return this.fields.filter((x) => x.field === field && x.wire === 2).map((x) => x.bytes!);
  }
  /** Last string value of `field` ("" if absent). */
  string(field: number): string {
    return new TextDecoder("utf-8", { fatal: true }).decode(this.bytes(field));
  }
  /** Last varint value of `field` (0 if absent). */
  uint(field: number): bigint {
    return this.fields.filter((x) => x.field === field && x.wire === 0).at(-1)?.varint ?? 0n;
  }
  /** Whether `field` is present. */
  has(field: number): boolean {
    return this.fields.some((x) => x.field === field);
  }
}
