/**
 * Hard negatives of the evaluation corpus: text that looks like it might hold a secret and does
 * not — placeholders, documented example keys, environment and template references, prose about
 * tokens, git SHAs, UUIDs, hashes, npm integrity strings, base64 images, minified code, public
 * keys and identifiers, card-like numbers that fail Luhn, phone-like numbers that are not phones.
 * Random parts are generated at run time; documented examples are assembled from pieces.
 *
 * @module
 */

import { ALPHA, b64, b64url, type Rng, toBase64, wrap } from "./random.ts";

/** One kind of hard negative. */
export interface NegativeKind {
  /** Kind id (reported by the score script). */
  id: string;
  /** The family it belongs to. */
  family:
    | "placeholder"
    | "example"
    | "reference"
    | "prose"
    | "identifier"
    | "hash"
    | "encoded"
    | "code"
    | "number"
    | "public";
  /** Generates one text. */
  make(r: Rng): string;
}

const { hex, alnum, base64, digits, lowerAlnum, upperAlnum, base64url } = ALPHA;

function jsonLine(content: string): string {
  return JSON.stringify({
    type: "user",
    message: { role: "user", content: [{ type: "tool_result", content }] },
  });
}

function numbered(text: string, from: number): string {
  return text.split("\n").map((l, i) => `${String(from + i).padStart(6)}→${l}`).join("\n");
}

function notLuhn(prefix: string, length: number, r: Rng): string {
  for (;;) {
    const d = prefix + r.chars(digits, length - prefix.length);
    let sum = 0;
    for (let i = 0; i < d.length; i++) {
      let x = Number(d[d.length - 1 - i]);
      if (i % 2 === 1) {
        x *= 2;
        if (x > 9) x -= 9;
      }
      sum += x;
    }
    if (sum % 10 !== 0) return d;
  }
}

function sha(r: Rng, n = 40): string {
  return r.chars(hex, n);
}

/** Every kind of hard negative. */
export const NEGATIVES: readonly NegativeKind[] = [
  // placeholders
  {
    id: "placeholder-x-run",
    family: "placeholder",
    make: (r) =>
      r.pick([
        "GITHUB_TOKEN=ghp_" + "x".repeat(36),
        "OPENAI_API_KEY=sk-" + "x".repeat(48),
        "AWS_ACCESS_KEY_ID=AKIA" + "X".repeat(16),
        "ANTHROPIC_API_KEY=sk-ant-api03-" + "X".repeat(95),
        "SLACK_BOT_TOKEN=xoxb-" + "x".repeat(10) + "-" + "x".repeat(13) + "-" + "x".repeat(24),
        "STRIPE_SECRET_KEY=sk_live_" + "x".repeat(24),
        "HF_TOKEN=hf_" + "x".repeat(34),
        "NPM_TOKEN=npm_" + "X".repeat(36),
      ]),
  },
  {
    id: "placeholder-ellipsis",
    family: "placeholder",
    make: (r) =>
      r.pick([
        "export OPENAI_API_KEY=sk-proj-...",
        'ANTHROPIC_API_KEY="sk-ant-..."',
        "token: ghp_…",
        "Authorization: Bearer eyJhbGciOi...",
        "STRIPE_KEY=sk_live_...",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----",
        "aws_secret_access_key = ...",
      ]),
  },
  {
    id: "placeholder-angle",
    family: "placeholder",
    make: (r) =>
      r.pick([
        "api_key: <your-api-key>",
        "GITHUB_TOKEN=<YOUR_GITHUB_TOKEN>",
        "password=<password>",
        "curl -H 'Authorization: Bearer <token>' https://api.acme-corp.io",
        "postgres://<user>:<password>@<host>:5432/<db>",
        "SLACK_WEBHOOK_URL=<slack-webhook-url>",
      ]),
  },
  {
    id: "placeholder-template",
    family: "placeholder",
    make: (r) =>
      r.pick([
        "password: ${DB_PASSWORD}",
        "token: {{ .Values.apiToken }}",
        "secret: {{ secrets.DEPLOY_KEY }}",
        "NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
        "api_key = '%(api_key)s'",
        "auth_token: <%= ENV['AUTH_TOKEN'] %>",
        "password = ${var.db_password}",
        "mongodb://${MONGO_USER}:${MONGO_PASSWORD}@mongo:27017",
      ]),
  },
  {
    id: "placeholder-words",
    family: "placeholder",
    make: (r) =>
      r.pick([
        "password=changeme",
        "SECRET_KEY=your-secret-key-here",
        "API_KEY=your_api_key_here",
        "client_secret: replace_me",
        "token = 'insert-token-here'",
        "DB_PASSWORD=password123",
        "api_key: test_key_123",
        "JWT_SECRET=supersecret",
        "password: hunter2",
        "AUTH_TOKEN=dummy-token",
        "admin_password: admin",
        "secret = 'my-secret'",
        'DB_PASSWORD="P@ssw0rd!"',
        "password: Password123!",
        "ADMIN_PASSWORD=Summer2024!",
      ]),
  },
  {
    id: "placeholder-masked",
    family: "placeholder",
    make: (r) =>
      r.pick([
        "password: ********",
        "token=•••••••••••",
        `API key: sk-...${r.chars(alnum, 4)}`,
        "GITHUB_TOKEN=[REDACTED]",
        "aws_secret_access_key = ****************************************",
        `Using key ending in ...${r.chars(alnum, 4)}`,
      ]),
  },
  {
    id: "placeholder-zeros",
    family: "placeholder",
    make: (r) =>
      r.pick([
        "AWS_ACCESS_KEY_ID=AKIA0000000000000000",
        "ghp_000000000000000000000000000000000000",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "4111 1111 1111 1111".replace(/1/g, "0"),
        "sk_test_" + "0".repeat(24),
      ]),
  },
  // documented examples (assembled from pieces)
  {
    id: "aws-doc-example",
    family: "example",
    make: (r) =>
      r.pick([
        `aws_access_key_id = ${"AKIA" + "IOSFODNN7" + "EXAMPLE"}`,
        `aws_secret_access_key = ${"wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY"}`,
        `export AWS_ACCESS_KEY_ID=${"AKIA" + "I44QH8DHB" + "EXAMPLE"}`,
      ]),
  },
  {
    id: "jwt-io-example",
    family: "example",
    make: () =>
      "Authorization: Bearer " + "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "." +
      "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ" + "." +
      "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  },
  {
    id: "stripe-doc-example",
    family: "example",
    make: () => `stripe.api_key = "${"sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc"}"`,
  },
  {
    id: "basic-auth-doc-example",
    family: "example",
    make: (r) =>
      r.pick([
        `Authorization: Basic ${"QWxhZGRpbjpvcGVu" + "IHNlc2FtZQ=="}`,
        `Authorization: Basic ${b64("username:password")}`,
        `Authorization: Basic ${b64("user:pass")}`,
      ]),
  },
  {
    id: "kubeadm-doc-example",
    family: "example",
    make: () => "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef",
  },
  {
    id: "sequential-example",
    family: "example",
    make: (r) =>
      r.pick([
        "api_key=1234567890abcdef1234567890abcdef",
        "OPENAI_API_KEY=sk-1234567890abcdefghijklmnopqrstuvwxyz",
        "token: abcdefghijklmnopqrstuvwxyz123456",
        "SECRET=0123456789ABCDEF0123456789ABCDEF",
      ]),
  },
  // references
  {
    id: "env-reference",
    family: "reference",
    make: (r) =>
      r.pick([
        'api_key = os.getenv("OPENAI_API_KEY")',
        "const token = process.env.GITHUB_TOKEN!;",
        'password = os.environ["DB_PASSWORD"]',
        'const key = Deno.env.get("ANTHROPIC_API_KEY");',
        'secret_key = ENV.fetch("SECRET_KEY_BASE")',
        'String apiKey = System.getenv("API_KEY");',
        "export GITHUB_TOKEN=$(gh auth token)",
        "PGPASSWORD=$(cat /run/secrets/db_password) psql -h db",
        "password=$(vault kv get -field=password secret/db)",
        'token := os.Getenv("SLACK_TOKEN")',
      ]),
  },
  {
    id: "command-references",
    family: "reference",
    make: (r) =>
      r.pick([
        'docker login -u "$DOCKER_USER" -p "$DOCKER_PASSWORD" ghcr.io',
        'echo "$CR_PAT" | docker login ghcr.io -u octocat --password-stdin',
        "docker login -u ci -p ${{ secrets.REGISTRY_TOKEN }} registry.acme-corp.io",
        'sshpass -p "$SSHPASS" ssh deploy@10.0.0.12',
        "sshpass -e ssh deploy@10.0.0.12 uptime",
        'redis-cli -a "${REDIS_PASSWORD}" --no-auth-warning ping',
        "redis-cli -h cache.internal -p 6379 ping",
        "mongosh -u admin -p --authenticationDatabase admin",
        "openssl pkcs12 -export -passout env:P12_PASS -out tls.p12",
        "openssl rsa -in key.pem -passin file:/run/secrets/key_pass",
        `machine ${
          r.pick(["api.github.com", "api.heroku.com"])
        } login octocat password $GITHUB_TOKEN`,
        "machine api.github.com login <user> password <your-token>",
        "$pw = ConvertTo-SecureString $plain -AsPlainText -Force",
        "$pw = ConvertTo-SecureString -String $env:SVC_PASSWORD -AsPlainText -Force",
        '$enc = ConvertTo-SecureString "76492d1116743f0423413b16050a5345" -Key $key',
        '<add key="ApiKeyHeaderName" value="X-Api-Key" />',
        '<add key="TokenLifetimeMinutes" value="60" />',
        '<add key="ClientSecret" value="#{ClientSecret}#" />',
        "SMTP_PASS=${SMTP_PASS}",
        "const smtpPass = process.env.SMTP_PASS;",
      ]),
  },
  {
    id: "pass-words",
    family: "prose",
    make: (r) =>
      r.pick([
        "The machine learning password policy requires 12 characters.",
        "By default password authentication is disabled on the bastion.",
        "pass: true",
        "bypass_cache=1 compass_heading=275.5",
        'passport_number: "on file"',
        `npm test -- --grep "pass"  # ${r.int(10, 400)} passing (${r.int(1, 9)}s)`,
        'pass_through = "enabled"',
        "PASS=1 FAIL=0 SKIP=3",
        `[PASS] ${r.int(10, 99)} tests, pass rate: 100%`,
        "first_pass = second_pass + 1",
        `test_pass_count: ${r.int(10, 999)}`,
        "if (pass == null) return; let pass = getPass();",
      ]),
  },
  {
    id: "code-reference",
    family: "reference",
    make: (r) =>
      r.pick([
        "secret_key = settings.SECRET_KEY",
        "api_key: self.api_key",
        "token = get_token(session)",
        'headers = {"Authorization": f"Bearer {token}"}',
        "const apiKey = config.get('apiKey');",
        "password = request.form['password']",
        "client_secret: credentials.client_secret,",
        "access_token = response.json()['access_token']",
        "let password = try keychain.read(account: user)",
      ]),
  },
  {
    id: "type-annotation",
    family: "reference",
    make: (r) =>
      r.pick([
        "password: str",
        "token: string;",
        "apiKey?: string | undefined;",
        "secret: Option<String>,",
        "private_key: bytes = b''",
        "def login(username: str, password: str) -> Session:",
        "sign: (msg: Uint8Array, secretKey: Uint8Array) => Uint8Array;",
        "export type SecretKey = Ed25519PrivateKey;",
        "return { public: round1Public, secret: round1Secret };",
        "token: JWTPayload2,",
        "password: PasswordHash256,",
        "exports.JwtTokenIssuedAt = JwtTokenIssuedAt;",
      ]),
  },
  // prose
  {
    id: "prose-about-secrets",
    family: "prose",
    make: (r) =>
      r.pick([
        "The token expires after 3600 seconds, so refresh it before calling the API again.",
        "Set your API key in the dashboard under Settings → API keys, then restart the server.",
        "Password: must be at least 12 characters and include a number.",
        "We rotate the secret key every 90 days; the old key stays valid for a day.",
        "Bearer tokens go in the Authorization header; never put them in query strings.",
        "I removed the hard-coded password and now read it from the environment instead.",
        "The private key never leaves the HSM; only the public key is distributed.",
        "Secret: the thing we do not commit. Token: what the OAuth flow returns.",
        "Make sure the AWS secret access key is stored in the credentials file, not in code.",
        "The API key must be rotated; use the --api-key flag or the API_KEY variable.",
      ]),
  },
  {
    id: "llm-token-counts",
    family: "prose",
    make: (r) =>
      JSON.stringify({
        usage: {
          input_tokens: r.int(100, 99999),
          output_tokens: r.int(10, 9999),
          cache_read_input_tokens: r.int(0, 999999),
        },
        max_tokens: r.pick([1024, 4096, 8192]),
        token_type: "Bearer",
        tokenizer: "cl100k_base",
      }),
  },
  // identifiers
  {
    id: "git-sha",
    family: "identifier",
    make: (r) =>
      r.pick([
        () =>
          `commit ${sha(r)}\nMerge: ${sha(r, 7)} ${sha(r, 7)}\nDate:   Thu Nov 20 10:00:00 2026`,
        () =>
          Array.from(
            { length: 5 },
            () => `${sha(r, 7)} fix: handle ${r.pick(["race", "retry", "null"])}`,
          )
            .join("\n"),
        () => `$ git rev-parse HEAD\n${sha(r)}`,
        () => `HEAD is now at ${sha(r, 7)} chore: bump deps`,
      ])(),
  },
  {
    id: "uuid",
    family: "identifier",
    make: (r) =>
      r.pick([
        () => JSON.stringify({ session_id: r.uuid(), request_id: r.uuid(), parent: r.uuid() }),
        () => `x-request-id: ${r.uuid()}\ntraceparent: 00-${sha(r, 32)}-${sha(r, 16)}-01`,
        () => `Created volume ${r.uuid()} in zone eu-west-1a`,
      ])(),
  },
  {
    id: "cloud-identifiers",
    family: "identifier",
    make: (r) =>
      r.pick([
        () => `arn:aws:iam::${r.chars(digits, 12)}:role/deploy-${r.chars(lowerAlnum, 6)}`,
        () => `i-${sha(r, 17)} running t3.medium subnet-${sha(r, 17)}`,
        () =>
          `"client_id": "${r.chars(digits, 12)}-${
            r.chars(lowerAlnum, 32)
          }.apps.googleusercontent.com"`,
        () => `Account SID: AC${sha(r, 32)}`,
        () => `projects/acme-prod/locations/europe-west1/functions/${r.chars(lowerAlnum, 10)}`,
        () => `pod/api-${sha(r, 10)}-${r.chars(lowerAlnum, 5)} 1/1 Running 0 3h`,
      ])(),
  },
  {
    id: "public-keys",
    family: "public",
    make: (r) =>
      r.pick([
        () => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${r.chars(base64, 43)} deploy@build-01`,
        () => `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${r.chars(base64, 340)} ci@runner`,
        () =>
          `-----BEGIN PUBLIC KEY-----\n${
            wrap("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + r.chars(base64, 330)).join("\n")
          }\n-----END PUBLIC KEY-----`,
        () =>
          `-----BEGIN CERTIFICATE-----\n${
            wrap("MIIDdzCCAl+gAwIBAgIE" + r.chars(base64, 900)).join("\n")
          }\n-----END CERTIFICATE-----`,
        () => `STRIPE_PUBLISHABLE_KEY=pk_live_${r.chars(alnum, 24)}`,
        () =>
          `NEXT_PUBLIC_SENTRY_DSN=https://${sha(r, 32)}@o${r.chars(digits, 6)}.ingest.sentry.io/${
            r.chars(digits, 7)
          }`,
        () => `age1${r.chars("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)}`,
      ])(),
  },
  // hashes
  {
    id: "checksums",
    family: "hash",
    make: (r) =>
      r.pick([
        () => `${sha(r, 64)}  lumera-memory-x86_64-unknown-linux-gnu.tar.gz`,
        () => `${sha(r, 32)}  README.md`,
        () => `Digest: sha256:${sha(r, 64)}\nStatus: Downloaded newer image for node:22-alpine`,
        () => `github.com/acme/lib v1.4.2 h1:${r.base64Bytes(32)}`,
        () => `checksum = "${sha(r, 64)}"`,
        () => `pip install requests==2.32.3 --hash=sha256:${sha(r, 64)}`,
        () => `"contentHash": "${sha(r, 64)}", "etag": "W/\\"${sha(r, 16)}\\""`,
        () => `X-Hub-Signature-256: sha256=${sha(r, 64)}`,
        () => `password_hash: "$2b$12$${r.chars(base64url.replace(/[-_]/g, "./"), 53)}"`,
      ])(),
  },
  {
    id: "npm-integrity",
    family: "hash",
    make: (r) =>
      JSON.stringify(
        {
          [`node_modules/${r.pick(["zod", "commander", "undici"])}`]: {
            version: `${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}`,
            resolved: `https://registry.npmjs.org/x/-/x-1.0.0.tgz`,
            integrity: `sha512-${r.base64Bytes(64)}`,
          },
        },
        null,
        2,
      ),
  },
  {
    id: "yarn-lock",
    family: "hash",
    make: (r) =>
      `"@types/node@^20.11.5":\n  version "20.11.5"\n  resolved "https://registry.yarnpkg.com/@types/node/-/node-20.11.5.tgz#${
        sha(r)
      }"\n  integrity sha512-${r.base64Bytes(64)}`,
  },
  // encoded data
  {
    id: "base64-image",
    family: "encoded",
    make: (r) => {
      const png = new Uint8Array([
        0x89,
        0x50,
        0x4e,
        0x47,
        0x0d,
        0x0a,
        0x1a,
        0x0a,
        ...r.bytes(r.int(600, 3000)),
      ]);
      return r.pick([
        `<img alt="logo" src="data:image/png;base64,${toBase64(png)}">`,
        `background: url(data:image/png;base64,${toBase64(png)}) no-repeat;`,
        JSON.stringify({
          type: "image",
          source: { type: "base64", media_type: "image/png", data: toBase64(png) },
        }),
      ]);
    },
  },
  {
    id: "base64-binary",
    family: "encoded",
    make: (r) =>
      r.pick([
        () => `"ciphertext": "${r.base64Bytes(r.int(64, 400))}"`,
        () => `font-src: url(data:font/woff2;base64,${r.base64Bytes(900)})`,
        () =>
          `"nonce": "${r.base64Bytes(24)}", "state": "${
            b64url(String.fromCharCode(...r.bytes(32)))
          }"`,
        () => `wasm: ${r.base64Bytes(1200)}`,
      ])(),
  },
  {
    id: "base64-text",
    family: "encoded",
    make: (r) =>
      `echo ${
        b64(`#!/bin/sh\nset -e\necho deploying build ${r.int(100, 999)}\nnpm ci && npm run build\n`)
      } | base64 -d | sh`,
  },
  // code
  {
    id: "minified-js",
    family: "code",
    make: (r) => {
      const ids = Array.from(
        { length: 40 },
        () =>
          r.pick(["e", "t", "n", "r", "o", "i", "a", "s"]) + r.pick(["", "", String(r.int(0, 9))]),
      );
      const parts = [
        `!function(e,t){"object"==typeof exports?module.exports=t():e.lib=t()}(this,function(){`,
        `var ${ids[0]}={token:null,apiKey:${ids[1]},authDomain:${ids[2]}};`,
        `function ${ids[3]}(e,t){return e.password===t.password&&e.token!==t.token}`,
        `${ids[4]}.prototype.secret=function(e){return this._s=e,this};`,
        `var ${ids[5]}="${r.chars(alnum, 12)}",${ids[6]}=${r.int(1000, 99999)},${
          ids[7]
        }=/[A-Za-z0-9+/=]{40}/;`,
        `return{setToken:function(e){${ids[8]}.token=e},credentials:"include"}});`,
      ];
      return r.sample(parts, parts.length).join("");
    },
  },
  {
    id: "source-code",
    family: "code",
    make: (r) =>
      r.pick([
        'if (!token) throw new Error("missing token");\nconst [scheme, credentials] = header.split(" ");',
        'PASSWORD_MIN_LENGTH = 12\nTOKEN_TTL_SECONDS = 3600\nSECRET_NAME = "prod/db/password"',
        "def rotate_api_key(key_id: str) -> ApiKey:\n    return ApiKey(id=key_id, created_at=now())",
        'const secretName = "db-credentials";\nconst tokenUrl = "https://auth.acme-corp.io/oauth/token";',
        "password_field = forms.CharField(widget=forms.PasswordInput)",
        'expect(screen.getByLabelText("Password")).toBeInTheDocument();',
        "let tokens = tokenizer.encode(text); // count tokens before sending",
      ]),
  },
  // numbers
  {
    id: "test-cards-and-dummy-phones",
    family: "example",
    make: (r) =>
      r.pick([
        'expect(z.string().creditCard().parse("4111 1111 1111 1111")).toBe(true);',
        "Pay with 4242 4242 4242 4242, any future expiry and any CVC.",
        '[["Mastercard", "5555555555554444"], ["AmEx", "378282246310005"]]',
        '{ "number": "6011111111111117", "brand": "discover", "test": true }',
        `card_declined: 4000 0000 0000 0002 (attempt ${r.int(1, 9)})`,
        "insufficient_funds: 4000000000009995",
        'parse("+15555555555"); parse("+1 555 555 5555");',
        '["JCB", "3530111333300000"], ["Diners", "30569309025904"]',
        "braintree sandbox card 4012 8888 8888 1881",
      ]),
  },
  {
    id: "non-luhn-numbers",
    family: "number",
    make: (r) =>
      r.pick([
        () => `order ${notLuhn("4", 16, r)} shipped`,
        () => `card on file: ${notLuhn("5", 16, r).replace(/(\d{4})(?=\d)/g, "$1 ")}`,
        () => `"created_ms": ${1_760_000_000_000 + r.int(0, 999_999_999)}`,
        () => `tracking number 1Z${r.chars(upperAlnum, 16)}`,
        () => `invoice INV-${r.int(2020, 2026)}-${r.chars(digits, 6)} total 1,234.56`,
      ])(),
  },
  {
    id: "phone-like-numbers",
    family: "number",
    make: (r) =>
      r.pick([
        () =>
          `version ${r.int(1, 9)}.${r.int(0, 99)}.${r.int(0, 999)} released 2026-11-${
            r.int(10, 28)
          }`,
        () => `listening on 192.168.${r.int(0, 255)}.${r.int(1, 254)}:${r.int(1024, 65535)}`,
        () => `ISBN 978-3-${r.chars(digits, 2)}-${r.chars(digits, 6)}-${r.int(0, 9)}`,
        () => `elapsed 00:${r.int(10, 59)}:${r.int(10, 59)}.${r.chars(digits, 3)}`,
        () => `@@ -${r.int(1, 400)},${r.int(1, 30)} +${r.int(1, 400)},${r.int(1, 30)} @@`,
        () =>
          `zip 94107-${r.chars(digits, 4)}, lat 37.${r.chars(digits, 6)}, lon -122.${
            r.chars(digits, 6)
          }`,
        () => `build #${r.int(1000, 9999)} (${r.chars(digits, 10)} bytes)`,
      ])(),
  },
  {
    id: "non-personal-emails",
    family: "identifier",
    make: (r) =>
      r.pick([
        "git@github.com:acme/api.git",
        "Co-Authored-By: Claude <noreply@anthropic.com>",
        `${r.int(1000000, 9999999)}+octocat@users.noreply.github.com`,
        "mail alice@example.com or bob@test.example.org",
        "npm install @types/node@20.11.5 @scope/pkg@1.2.3",
        "icon@2x.png and logo@3x.webp",
        "ssh deploy@10.0.0.12 'systemctl restart api'",
        "@Component({ selector: 'app-login' })",
      ]),
  },
];

/** Wrappers that put a negative into transcript-like surroundings. */
export const NEGATIVE_WRAPPERS: readonly { id: string; wrap(text: string, r: Rng): string }[] = [
  { id: "plain", wrap: (t) => t },
  { id: "jsonl", wrap: (t) => jsonLine(t) },
  { id: "numbered", wrap: (t, r) => numbered(t, r.int(1, 300)) },
];
