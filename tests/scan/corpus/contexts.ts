/**
 * Transcript-like contexts a value is embedded in: what coding agents' sessions actually hold —
 * `.env` files and shell exports, raw JSONL lines (JSON-escaped, once or twice), tool output
 * with line-number prefixes (`   12→`), code in several languages, YAML/TOML config, diffs,
 * `docker`/`kubectl`/`curl` commands, base64-encoded config files, `\u002b`-style escapes.
 *
 * @module
 */

import { b64, type Rng } from "./random.ts";

/** What a value needs from its context. */
export type ValueKind =
  /** Recognisable on its own (a prefixed token): any context. */
  | "token"
  /** Only recognisable next to its name (`TWILIO_AUTH_TOKEN=<32 hex>`). */
  | "named"
  /** Multi-line (PEM blocks, key files). */
  | "block"
  /** A URL or a complete line that carries its own context (`Authorization: …`). */
  | "line"
  /** Personal data in prose or records. */
  | "pii"
  /** Only recognisable as a whole `.env` line (`NAME=value` at the start of a line). */
  | "envline";

/** A context: turns a value (and the variable name it is usually kept in) into transcript text. */
export interface Context {
  /** Short id, reported in score output. */
  id: string;
  /** Which kinds of value it suits. */
  kinds: readonly ValueKind[];
  /** Builds the text. */
  render(value: string, name: string, rng: Rng): string;
}

function camel(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** JSON string with every non-alphanumeric ASCII character written as `\u00XX`. */
function unicodeEscaped(text: string): string {
  let out = '"';
  for (const ch of text) {
    out += /[A-Za-z0-9 ]/.test(ch) ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  }
  return out + '"';
}

function numbered(lines: string[], from: number): string {
  return lines.map((l, i) => `${String(from + i).padStart(6)}→${l}`).join("\n");
}

function toolResult(content: string): string {
  return JSON.stringify({
    type: "user",
    message: {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "toolu_01AbCdEf", content }],
    },
    timestamp: "2026-11-20T10:00:00.000Z",
  });
}

/** Every context. */
export const CONTEXTS: readonly Context[] = [
  {
    id: "env-file",
    kinds: ["envline", "token", "named", "line"],
    render: (v, name) => `# production settings\nNODE_ENV=production\n${name}=${v}\nLOG_LEVEL=info`,
  },
  {
    id: "shell-export",
    kinds: ["token", "named", "line"],
    render: (v, name) => `$ export ${name}="${v}"\n$ npm run deploy -- --region eu-west-1`,
  },
  {
    id: "jsonl-tool-result",
    kinds: ["envline", "token", "named", "block", "line", "pii"],
    render: (v, name) => toolResult(`$ cat .env.local\nDEBUG=false\n${name}=${v}\nPORT=3000\n`),
  },
  {
    id: "jsonl-double-escaped",
    kinds: ["token", "named", "block", "line"],
    render: (v, name) =>
      JSON.stringify({ type: "raw", line: toolResult(`config loaded: ${name}=${v}\n`) }),
  },
  {
    id: "line-numbered-read",
    kinds: ["envline", "token", "named", "block", "line", "pii"],
    render: (v, name, rng) => {
      const lines = [
        `# ${name.toLowerCase()} settings`,
        ...`${name}=${v}`.split("\n"),
        "TIMEOUT=30",
      ];
      return `Read(config/app.env)\n${numbered(lines, rng.int(1, 200))}`;
    },
  },
  {
    id: "yaml-config",
    kinds: ["token", "named", "line", "pii"],
    render: (v, name) => `service:\n  name: api\n  ${name.toLowerCase()}: "${v}"\n  replicas: 3`,
  },
  {
    id: "yaml-block",
    kinds: ["block"],
    render: (v) =>
      `apiVersion: v1\nkind: Secret\nstringData:\n  tls.key: |\n${
        v.split("\n").map((l) => `    ${l}`).join("\n")
      }\n`,
  },
  {
    id: "python-code",
    kinds: ["token", "named"],
    render: (v, name) =>
      `import requests\n\n${name} = "${v}"\nresp = requests.get(URL, headers={"X-Key": ${name}})`,
  },
  {
    id: "typescript-code",
    kinds: ["token", "named"],
    render: (v, name) =>
      `const ${camel(name)} = '${v}';\nexport const client = new Client({ ${camel(name)} });`,
  },
  {
    id: "toml-config",
    kinds: ["token", "named"],
    render: (v, name) => `[deploy]\nregion = "eu-west-1"\n${name.toLowerCase()} = "${v}"\n`,
  },
  {
    id: "git-diff",
    kinds: ["envline", "token", "named", "block", "line"],
    render: (v, name) =>
      `diff --git a/.env b/.env\n@@ -1,2 +1,3 @@\n LOG_LEVEL=info\n${
        `${name}=${v}`.split("\n").map((l) => `+${l}`).join("\n")
      }\n`,
  },
  {
    id: "docker-run",
    kinds: ["token", "named", "line"],
    render: (v, name) => `docker run --rm -e ${name}=${v} -p 8080:8080 acme/api:1.4.2`,
  },
  {
    id: "kubectl-literal",
    kinds: ["token", "named"],
    render: (v, name) =>
      `kubectl create secret generic api-secrets --from-literal=${name.toLowerCase()}=${v}`,
  },
  {
    id: "base64-env",
    kinds: ["envline", "token", "named", "line", "block"],
    render: (v, name) =>
      `echo ${b64(`${name}=${v}\nLOG_LEVEL=info\nREGION=eu-west-1\n`)} | base64 -d > .env`,
  },
  {
    id: "unicode-escaped-json",
    kinds: ["token", "named", "line"],
    render: (v, name) => `{"type":"assistant","text":${unicodeEscaped(`set ${name}=${v}`)}}`,
  },
  {
    id: "prose",
    kinds: ["token", "line", "pii"],
    render: (v, _name, rng) =>
      rng.pick([
        `The deploy only worked after I pasted ${v} into the settings page.`,
        `I found ${v} in the old CI logs; we should rotate it.`,
        `Use ${v} for now, I'll change it tomorrow.`,
      ]),
  },
  {
    id: "markdown-curl",
    kinds: ["token"],
    render: (v) =>
      'Try this:\n```bash\ncurl -sS -H "Authorization: Bearer ' + v +
      '" https://api.acme-corp.io/v1/me | jq .\n```',
  },
  {
    id: "pii-record",
    kinds: ["pii"],
    render: (v) => `id,name,contact,plan\n1042,Jordan Reyes,${v},pro\n1043,Sam Ito,—,free`,
  },
  {
    id: "pii-message",
    kinds: ["pii"],
    render: (v) =>
      JSON.stringify({
        role: "user",
        text: `please update the customer record, their new contact is ${v} (confirmed today)`,
      }),
  },
];
