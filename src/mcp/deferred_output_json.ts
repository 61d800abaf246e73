/**
 * Defers the SDK's JSON Schema conversion of a tool's output schema.
 *
 * On a tool's first call the MCP SDK converts its output schema to JSON Schema only to read the
 * root's `type` (a non-object result gets wrapped as `{result: …}`). Every output schema here is an
 * object (or a union of objects, which the SDK marks `type: "object"`), so that answer is known in
 * advance; the conversion (~2.5 ms of a server's first answer) then waits until something reads
 * more of the schema. `tools/list` converts separately and is unaffected.
 *
 * @module
 */

/** The part of the SDK's `RegisteredTool` this module touches. */
export interface HasOutputSchemaJson {
  /** The SDK's memo: assigning `undefined` makes its getter convert again on the next read. */
  outputSchemaJson?: Record<string, unknown>;
}

/**
 * Replaces `tool.outputSchemaJson` with a stand-in whose `type` is `"object"` and which reads
 * everything else from the SDK's own conversion, done on first such read (after which the SDK's
 * memo holds the real schema). Only for tools whose output schema has an object root.
 */
export function deferOutputSchemaJson(tool: HasOutputSchemaJson): void {
  let real: Record<string, unknown> | undefined;
  const convert = (): Record<string, unknown> => {
    if (real === undefined) {
      tool.outputSchemaJson = undefined; // the SDK's getter converts on the next read
      real = tool.outputSchemaJson ?? {};
    }
    return real;
  };
  tool.outputSchemaJson = new Proxy({}, {
    get: (_target, key) =>
      key === "type" && real === undefined ? "object" : Reflect.get(convert(), key),
    has: (_target, key) => Reflect.has(convert(), key),
    ownKeys: () => Reflect.ownKeys(convert()),
    getOwnPropertyDescriptor: (_target, key) => {
      const d = Reflect.getOwnPropertyDescriptor(convert(), key);
      return d === undefined ? undefined : { ...d, configurable: true };
    },
  });
}
