/**
 * Credential and personal-data formats of the evaluation corpus. Each format generates random
 * values in its real shape (alphabet, length, fixed parts, checksums) at run time: nothing here
 * is, or was ever, a real credential. `rule` is the rule expected to recognise a bare value.
 *
 * @module
 */

import { withBase62Crc32 } from "../../../src/scan/checksum.ts";
import { ALPHA, b64, b64url, type Rng, wrap } from "./random.ts";
import type { ValueKind } from "./contexts.ts";

/** One format. */
export interface Format {
  /** Format id (reported by the score script). */
  id: string;
  /** Rule id expected to report a bare value. */
  rule: string;
  /** What contexts suit it. */
  kind: ValueKind;
  /** The variable name such a value is usually kept in. */
  name: string;
  /** Generates one random value. */
  make(r: Rng): string;
}

const { alnum, hex, base64, base64url, upperAlnum, lowerAlnum, digits, upper, lower } = ALPHA;

function pem(r: Rng, label: string, lead: string, lines: number): string {
  const body = lead + r.chars(base64, lines * 64 - lead.length - 4) + "AQAB";
  return `-----BEGIN ${label}-----\n${wrap(body).join("\n")}\n-----END ${label}-----`;
}

/** A typed password: letters and digits with a symbol inside (no quote, `$` or backslash). */
function password(r: Rng): string {
  return r.chars(alnum, r.int(8, 14)) + r.pick(["!", "#", "%", "^", "*", "-", ""]) +
    r.chars(alnum, r.int(4, 8));
}

function github(r: Rng, prefix: string): string {
  return withBase62Crc32(prefix, r.chars(alnum, 30));
}

function snowflake(r: Rng): string {
  return String(r.int(1, 9)) + r.chars(digits, 17);
}

function jwtToken(r: Rng): string {
  const header = b64url(JSON.stringify({ alg: r.pick(["HS256", "RS256", "ES256"]), typ: "JWT" }));
  const payload = b64url(
    JSON.stringify({
      sub: r.uuid(),
      iat: 1_760_000_000 + r.int(0, 9_999_999),
      scope: r.pick(["read write", "admin", "repo"]),
    }),
  );
  return `${header}.${payload}.${r.chars(base64url, r.pick([43, 86, 342]))}`;
}

function luhnComplete(prefix: string, length: number, r: Rng): string {
  let d = prefix + r.chars(digits, length - prefix.length - 1);
  for (let c = 0; c < 10; c++) {
    const candidate = d + c;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let x = Number(candidate[candidate.length - 1 - i]);
      if (i % 2 === 1) {
        x *= 2;
        if (x > 9) x -= 9;
      }
      sum += x;
    }
    if (sum % 10 === 0) {
      d = candidate;
      break;
    }
  }
  return d;
}

const WORDS = (
  "abandon ability able about above absent absorb abstract absurd abuse access accident account " +
  "accuse achieve acid acoustic acquire across act action actor actress actual adapt add addict " +
  "address adjust admit adult advance advice aerobic affair afford afraid again age agent agree " +
  "ahead aim air airport aisle alarm album alcohol alert alien all alley allow almost alone alpha"
).split(" ");

/** Every format. */
export const FORMATS: readonly Format[] = [
  // private keys
  {
    id: "pem-rsa",
    rule: "private-key",
    kind: "block",
    name: "TLS_KEY",
    make: (r) => pem(r, "RSA PRIVATE KEY", "MIIEowIBAAKCAQEA", 25),
  },
  {
    id: "pem-pkcs8",
    rule: "private-key",
    kind: "block",
    name: "PRIVATE_KEY",
    make: (r) => pem(r, "PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 26),
  },
  {
    id: "pem-ec",
    rule: "private-key",
    kind: "block",
    name: "EC_KEY",
    make: (r) => pem(r, "EC PRIVATE KEY", "MHcCAQEEI", 3),
  },
  {
    id: "pem-openssh",
    rule: "private-key",
    kind: "block",
    name: "SSH_KEY",
    make: (r) => pem(r, "OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAA", 7),
  },
  {
    id: "pem-encrypted",
    rule: "private-key",
    kind: "block",
    name: "SIGNING_KEY",
    make: (r) => pem(r, "ENCRYPTED PRIVATE KEY", "MIIFHDBOBgkqhkiG9w0BBQ0w", 27),
  },
  {
    id: "pgp-private-key",
    rule: "private-key",
    kind: "block",
    name: "GPG_KEY",
    make: (r) =>
      `-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: exported\n\n${
        wrap("lQOYBGV" + r.chars(base64, 700)).join("\n")
      }\n=${r.chars(base64, 4)}\n-----END PGP PRIVATE KEY BLOCK-----`,
  },
  {
    id: "putty-key",
    rule: "putty-private-key",
    kind: "block",
    name: "PPK",
    make: (r) =>
      `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy@build\n` +
      `Public-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAI${r.chars(base64, 39)}\n${r.chars(base64, 20)}\n` +
      `Private-Lines: 1\nAAAAI${r.chars(base64, 39)}\nPrivate-MAC: ${r.chars(hex, 64)}`,
  },
  {
    id: "age-secret-key",
    rule: "age-secret-key",
    kind: "token",
    name: "AGE_KEY",
    make: (r) => "AGE-SECRET-KEY-1" + r.chars(ALPHA.bech32, 58),
  },
  {
    id: "wireguard-key",
    rule: "wireguard-private-key",
    kind: "line",
    name: "WG_CONF",
    make: (r) => `PrivateKey = ${r.base64Bytes(32)}`,
  },
  {
    id: "kubeconfig-client-key",
    rule: "base64-private-key",
    kind: "line",
    name: "KUBE_CLIENT_KEY",
    make: (r) => `client-key-data: ${b64(pem(r, "RSA PRIVATE KEY", "MIIEpAIBAAKCAQEA", 25))}`,
  },
  // cloud
  {
    id: "aws-access-key-id",
    rule: "aws-access-key-id",
    kind: "token",
    name: "AWS_ACCESS_KEY_ID",
    make: (r) => r.pick(["AKIA", "ASIA"]) + r.chars(ALPHA.base32, 16),
  },
  {
    id: "aws-secret-access-key",
    rule: "aws-secret-access-key",
    kind: "named",
    name: "AWS_SECRET_ACCESS_KEY",
    make: (r) => r.chars(base64, 40),
  },
  {
    id: "aws-session-token",
    rule: "aws-session-token-value",
    kind: "token",
    name: "AWS_SESSION_TOKEN",
    make: (r) => "IQoJb3JpZ2luX2VjE" + r.chars(base64, r.int(300, 700)),
  },
  {
    id: "aws-session-token-named",
    rule: "aws-session-token",
    kind: "named",
    name: "AWS_SESSION_TOKEN",
    make: (r) => r.chars(base64, r.int(200, 400)),
  },
  {
    id: "aws-bedrock-api-key",
    rule: "aws-bedrock-api-key",
    kind: "token",
    name: "AWS_BEARER_TOKEN_BEDROCK",
    make: (r) => "ABSK" + r.base64Bytes(r.pick([96, 120, 150])),
  },
  {
    id: "gcp-service-account",
    rule: "gcp-service-account-key",
    kind: "line",
    name: "GOOGLE_CREDENTIALS",
    make: (r) =>
      JSON.stringify({
        type: "service_account",
        project_id: "acme-prod",
        private_key_id: r.chars(hex, 40),
        private_key: pem(r, "PRIVATE KEY", "MIIEvgIBADANBgkqhkiG9w0BAQEFAASC", 26) + "\n",
        client_email: "deployer@acme-prod.iam.gserviceaccount.com",
      }),
  },
  {
    id: "google-api-key",
    rule: "google-api-key",
    kind: "token",
    name: "GOOGLE_API_KEY",
    make: (r) => "AIza" + r.pick(["Sy", "Sx", "SB"]) + r.chars(base64url, 33),
  },
  {
    id: "google-oauth-client-secret",
    rule: "google-oauth-client-secret",
    kind: "token",
    name: "GOOGLE_CLIENT_SECRET",
    make: (r) => "GOCSPX-" + r.chars(base64url, 28),
  },
  {
    id: "google-oauth-access-token",
    rule: "google-oauth-token",
    kind: "token",
    name: "GOOGLE_ACCESS_TOKEN",
    make: (r) => "ya29.a0" + r.chars(base64url, r.int(120, 200)),
  },
  {
    id: "google-refresh-token",
    rule: "google-oauth-token",
    kind: "token",
    name: "GOOGLE_REFRESH_TOKEN",
    make: (r) => "1//0" + r.chars(base64url, r.int(60, 100)),
  },
  {
    id: "azure-storage-connection-string",
    rule: "azure-storage-account-key",
    kind: "line",
    name: "AZURE_STORAGE_CONNECTION_STRING",
    make: (r) =>
      `DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=${
        r.base64Bytes(64)
      };EndpointSuffix=core.windows.net`,
  },
  {
    id: "azure-servicebus-connection-string",
    rule: "azure-shared-access-key",
    kind: "line",
    name: "SERVICEBUS_CONNECTION",
    make: (r) =>
      `Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${
        r.base64Bytes(32)
      }`,
  },
  {
    id: "azure-sas-url",
    rule: "azure-sas-token",
    kind: "line",
    name: "BLOB_SAS_URL",
    make: (r) =>
      `https://acmeprod.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=rl&se=2026-12-31T00:00:00Z&spr=https&sig=${
        encodeURIComponent(r.base64Bytes(32))
      }`,
  },
  {
    id: "azure-ad-client-secret",
    rule: "azure-ad-client-secret",
    kind: "token",
    name: "AZURE_CLIENT_SECRET",
    make: (r) => r.chars(alnum, 3) + r.int(0, 9) + "Q~" + r.chars(alnum + "_~.-", 34),
  },
  {
    id: "digitalocean-token",
    rule: "digitalocean-token",
    kind: "token",
    name: "DIGITALOCEAN_TOKEN",
    make: (r) => r.pick(["dop_v1_", "doo_v1_", "dor_v1_"]) + r.chars(hex, 64),
  },
  {
    id: "heroku-api-key",
    rule: "heroku-api-key",
    kind: "token",
    name: "HEROKU_API_KEY",
    make: (r) => "HRKU-AA" + r.chars(base64url, 58),
  },
  {
    id: "heroku-api-key-uuid",
    rule: "heroku-api-key-legacy",
    kind: "named",
    name: "HEROKU_API_KEY",
    make: (r) => r.uuid(),
  },
  {
    id: "cloudflare-api-token",
    rule: "cloudflare-api-token",
    kind: "named",
    name: "CLOUDFLARE_API_TOKEN",
    make: (r) => r.chars(alnum + "_-", 40),
  },
  {
    id: "cloudflare-origin-ca-key",
    rule: "cloudflare-origin-ca-key",
    kind: "token",
    name: "CF_ORIGIN_CA_KEY",
    make: (r) => `v1.0-${r.chars(hex, 24)}-${r.chars(hex, 146)}`,
  },
  {
    id: "alibaba-access-key-id",
    rule: "alibaba-access-key-id",
    kind: "token",
    name: "ALIBABA_CLOUD_ACCESS_KEY_ID",
    make: (r) => "LTAI" + r.chars(alnum, 20),
  },
  {
    id: "firebase-fcm-server-key",
    rule: "firebase-cloud-messaging-key",
    kind: "token",
    name: "FCM_SERVER_KEY",
    make: (r) => `AAAA${r.chars(base64url, 7)}:APA91b${r.chars(base64url, 134)}`,
  },
  // code hosts
  ...["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].map((p): Format => ({
    id: `github-${p.slice(0, 3)}`,
    rule: "github-token",
    kind: "token",
    name: "GITHUB_TOKEN",
    make: (r) => github(r, p),
  })),
  {
    id: "github-fine-grained-pat",
    rule: "github-fine-grained-token",
    kind: "token",
    name: "GH_TOKEN",
    make: (r) => `github_pat_11${r.chars(upperAlnum, 20)}_${r.chars(alnum, 59)}`,
  },
  {
    id: "gitlab-pat",
    rule: "gitlab-token",
    kind: "token",
    name: "GITLAB_TOKEN",
    make: (r) => "glpat-" + r.chars(base64url, 20),
  },
  {
    id: "gitlab-pat-routable",
    rule: "gitlab-token",
    kind: "token",
    name: "GITLAB_TOKEN",
    make: (r) => `glpat-${r.chars(base64url, 36)}.01.${r.chars(lowerAlnum, 9)}`,
  },
  {
    id: "gitlab-deploy-token",
    rule: "gitlab-deploy-token",
    kind: "token",
    name: "CI_DEPLOY_PASSWORD",
    make: (r) => "gldt-" + r.chars(base64url, 20),
  },
  {
    id: "gitlab-runner-token",
    rule: "gitlab-runner-token",
    kind: "token",
    name: "RUNNER_TOKEN",
    make: (r) => r.pick(["glrt-", "GR1348941"]) + r.chars(base64url, 20),
  },
  {
    id: "gitlab-ci-token",
    rule: "gitlab-ci-token",
    kind: "token",
    name: "TRIGGER_TOKEN",
    make: (r) =>
      r.pick([
        () => "glptt-" + r.chars(hex, 40),
        () => `glcbt-${r.chars(alnum, 2)}_${r.chars(base64url, 20)}`,
      ])(),
  },
  {
    id: "gitlab-feed-token",
    rule: "gitlab-other-token",
    kind: "token",
    name: "GITLAB_FEED_TOKEN",
    make: (r) => r.pick(["glft-", "glimt-", "gloas-", "glagent-"]) + r.chars(base64url, 25),
  },
  {
    id: "bitbucket-app-password",
    rule: "bitbucket-app-password",
    kind: "token",
    name: "BITBUCKET_APP_PASSWORD",
    make: (r) => "ATBB" + r.chars(alnum, 32),
  },
  {
    id: "atlassian-api-token",
    rule: "atlassian-api-token",
    kind: "token",
    name: "JIRA_API_TOKEN",
    make: (r) => "ATATT3xFfGF0" + r.chars(base64url, 170) + "=" + r.chars(upperAlnum, 8),
  },
  // AI providers
  {
    id: "anthropic-api-key",
    rule: "anthropic-api-key",
    kind: "token",
    name: "ANTHROPIC_API_KEY",
    make: (r) => "sk-ant-api03-" + r.chars(base64url, 93) + "AA",
  },
  {
    id: "anthropic-admin-or-oauth",
    rule: "anthropic-api-key",
    kind: "token",
    name: "ANTHROPIC_AUTH_TOKEN",
    make: (r) => r.pick(["sk-ant-admin01-", "sk-ant-oat01-"]) + r.chars(base64url, 93) + "AA",
  },
  {
    id: "openai-legacy-key",
    rule: "openai-api-key",
    kind: "token",
    name: "OPENAI_API_KEY",
    make: (r) => `sk-${r.chars(alnum, 20)}T3BlbkFJ${r.chars(alnum, 20)}`,
  },
  {
    id: "openai-project-key",
    rule: "openai-api-key",
    kind: "token",
    name: "OPENAI_API_KEY",
    make: (r) =>
      `sk-${r.pick(["proj", "svcacct", "admin"])}-${r.chars(base64url, 74)}T3BlbkFJ${
        r.chars(base64url, 74)
      }`,
  },
  {
    id: "deepseek-api-key",
    rule: "openai-api-key",
    kind: "token",
    name: "DEEPSEEK_API_KEY",
    make: (r) => "sk-" + r.chars(hex, 32),
  },
  {
    id: "openrouter-api-key",
    rule: "openrouter-api-key",
    kind: "token",
    name: "OPENROUTER_API_KEY",
    make: (r) => "sk-or-v1-" + r.chars(hex, 64),
  },
  {
    id: "huggingface-token",
    rule: "huggingface-token",
    kind: "token",
    name: "HF_TOKEN",
    make: (r) => r.pick(["hf_", "api_org_"]) + r.chars(upper + lower, 34),
  },
  {
    id: "groq-api-key",
    rule: "groq-api-key",
    kind: "token",
    name: "GROQ_API_KEY",
    make: (r) => "gsk_" + r.chars(alnum, 52),
  },
  {
    id: "replicate-api-token",
    rule: "replicate-api-token",
    kind: "token",
    name: "REPLICATE_API_TOKEN",
    make: (r) => "r8_" + r.chars(alnum, 37),
  },
  {
    id: "perplexity-api-key",
    rule: "perplexity-api-key",
    kind: "token",
    name: "PPLX_API_KEY",
    make: (r) => "pplx-" + r.chars(alnum, 48),
  },
  {
    id: "xai-api-key",
    rule: "xai-api-key",
    kind: "token",
    name: "XAI_API_KEY",
    make: (r) => "xai-" + r.chars(alnum, 80),
  },
  {
    id: "langsmith-api-key",
    rule: "langsmith-api-key",
    kind: "token",
    name: "LANGSMITH_API_KEY",
    make: (r) => `lsv2_${r.pick(["pt", "sk"])}_${r.chars(hex, 32)}_${r.chars(hex, 10)}`,
  },
  {
    id: "langfuse-secret-key",
    rule: "langfuse-secret-key",
    kind: "token",
    name: "LANGFUSE_SECRET_KEY",
    make: (r) => "sk-lf-" + r.uuid(),
  },
  {
    id: "elevenlabs-api-key",
    rule: "elevenlabs-api-key",
    kind: "token",
    name: "ELEVENLABS_API_KEY",
    make: (r) => "sk_" + r.chars(hex, 48),
  },
  {
    id: "pinecone-api-key",
    rule: "pinecone-api-key",
    kind: "token",
    name: "PINECONE_API_KEY",
    make: (r) => `pcsk_${r.chars(alnum, 5)}_${r.chars(alnum, 60)}`,
  },
  {
    id: "tavily-api-key",
    rule: "tavily-api-key",
    kind: "token",
    name: "TAVILY_API_KEY",
    make: (r) => "tvly-" + r.pick(["", "dev-"]) + r.chars(alnum, 32),
  },
  // payments
  {
    id: "stripe-live-secret-key",
    rule: "stripe-secret-key",
    kind: "token",
    name: "STRIPE_SECRET_KEY",
    make: (r) => "sk_live_" + r.pick(["51", ""]) + r.chars(alnum, r.pick([24, 97])),
  },
  {
    id: "stripe-restricted-key",
    rule: "stripe-secret-key",
    kind: "token",
    name: "STRIPE_RESTRICTED_KEY",
    make: (r) => "rk_live_" + r.chars(alnum, r.pick([24, 99])),
  },
  {
    id: "stripe-webhook-secret",
    rule: "stripe-webhook-secret",
    kind: "token",
    name: "STRIPE_WEBHOOK_SECRET",
    make: (r) => "whsec_" + r.chars(alnum, 32),
  },
  {
    id: "square-access-token",
    rule: "square-access-token",
    kind: "token",
    name: "SQUARE_ACCESS_TOKEN",
    make: (r) =>
      r.pick([() => "EAAA" + r.chars(base64url, 60), () => "sq0atp-" + r.chars(base64url, 22)])(),
  },
  {
    id: "square-oauth-secret",
    rule: "square-oauth-secret",
    kind: "token",
    name: "SQUARE_APP_SECRET",
    make: (r) => "sq0csp-" + r.chars(base64url, 43),
  },
  {
    id: "braintree-access-token",
    rule: "braintree-access-token",
    kind: "token",
    name: "BRAINTREE_ACCESS_TOKEN",
    make: (r) =>
      `access_token$${r.pick(["production", "sandbox"])}$${r.chars(lowerAlnum, 16)}$${
        r.chars(hex, 32)
      }`,
  },
  {
    id: "paypal-client-secret",
    rule: "paypal-client-secret",
    kind: "named",
    name: "PAYPAL_CLIENT_SECRET",
    make: (r) => "E" + r.chars(base64url, 79),
  },
  {
    id: "shopify-token",
    rule: "shopify-token",
    kind: "token",
    name: "SHOPIFY_ACCESS_TOKEN",
    make: (r) => r.pick(["shpat_", "shpss_", "shpca_"]) + r.chars(hex, 32),
  },
  {
    id: "flutterwave-secret-key",
    rule: "flutterwave-secret-key",
    kind: "token",
    name: "FLW_SECRET_KEY",
    make: (r) => `FLWSECK${r.pick(["", "_TEST"])}-${r.chars(hex, 32)}-X`,
  },
  // messaging
  {
    id: "slack-bot-token",
    rule: "slack-token",
    kind: "token",
    name: "SLACK_BOT_TOKEN",
    make: (r) => `xoxb-${r.chars(digits, 12)}-${r.chars(digits, 13)}-${r.chars(alnum, 24)}`,
  },
  {
    id: "slack-user-token",
    rule: "slack-token",
    kind: "token",
    name: "SLACK_USER_TOKEN",
    make: (r) =>
      `xoxp-${r.chars(digits, 12)}-${r.chars(digits, 12)}-${r.chars(digits, 13)}-${
        r.chars(hex, 32)
      }`,
  },
  {
    id: "slack-config-token",
    rule: "slack-token",
    kind: "token",
    name: "SLACK_CONFIG_TOKEN",
    make: (r) => `xoxe.xoxp-1-${r.chars(alnum, 140)}`,
  },
  {
    id: "slack-app-token",
    rule: "slack-app-token",
    kind: "token",
    name: "SLACK_APP_TOKEN",
    make: (r) => `xapp-1-A${r.chars(upperAlnum, 10)}-${r.chars(digits, 13)}-${r.chars(hex, 64)}`,
  },
  {
    id: "slack-webhook-url",
    rule: "slack-webhook",
    kind: "line",
    name: "SLACK_WEBHOOK_URL",
    make: (r) =>
      `https://hooks.slack.com/services/T${r.chars(upperAlnum, 8)}/B${r.chars(upperAlnum, 10)}/${
        r.chars(alnum, 24)
      }`,
  },
  {
    id: "discord-bot-token",
    rule: "discord-bot-token",
    kind: "token",
    name: "DISCORD_BOT_TOKEN",
    make: (r) => `${b64url(snowflake(r))}.${r.chars(base64url, 6)}.${r.chars(base64url, 38)}`,
  },
  {
    id: "discord-bot-token-loose",
    rule: "discord-bot-token-named",
    kind: "named",
    name: "DISCORD_TOKEN",
    make: (r) => `M${r.chars(base64url, 23)}.${r.chars(base64url, 6)}.${r.chars(base64url, 27)}`,
  },
  {
    id: "discord-webhook-url",
    rule: "discord-webhook",
    kind: "line",
    name: "DISCORD_WEBHOOK",
    make: (r) => `https://discord.com/api/webhooks/${snowflake(r)}/${r.chars(base64url, 68)}`,
  },
  {
    id: "telegram-bot-token",
    rule: "telegram-bot-token",
    kind: "token",
    name: "TELEGRAM_BOT_TOKEN",
    make: (r) => `${r.int(1, 9)}${r.chars(digits, r.int(7, 9))}:AA${r.chars(base64url, 33)}`,
  },
  {
    id: "telegram-bot-url",
    rule: "telegram-bot-token",
    kind: "line",
    name: "TELEGRAM_WEBHOOK",
    make: (r) =>
      `https://api.telegram.org/bot${r.int(1, 9)}${r.chars(digits, r.int(7, 9))}:${
        r.chars(base64url, 35)
      }/sendMessage?chat_id=-100${r.chars(digits, 10)}`,
  },
  {
    id: "telegram-bot-token-loose",
    rule: "telegram-bot-token-named",
    kind: "named",
    name: "TELEGRAM_TOKEN",
    make: (r) => `${r.int(1, 9)}${r.chars(digits, 8)}:${r.chars(base64url, 35)}`,
  },
  {
    id: "pypi-token-loose",
    rule: "pypi-token",
    kind: "token",
    name: "PYPI_TOKEN",
    make: (r) => "pypi-" + r.chars(base64url, 120),
  },
  {
    id: "twilio-api-key",
    rule: "twilio-api-key",
    kind: "token",
    name: "TWILIO_API_KEY",
    make: (r) => "SK" + r.chars(hex, 32),
  },
  {
    id: "twilio-auth-token",
    rule: "twilio-auth-token",
    kind: "named",
    name: "TWILIO_AUTH_TOKEN",
    make: (r) => r.chars(hex, 32),
  },
  {
    id: "sendgrid-api-key",
    rule: "sendgrid-api-key",
    kind: "token",
    name: "SENDGRID_API_KEY",
    make: (r) => `SG.${r.chars(base64url, 22)}.${r.chars(base64url, 43)}`,
  },
  {
    id: "mailgun-api-key",
    rule: "mailgun-api-key",
    kind: "token",
    name: "MAILGUN_API_KEY",
    make: (r) => "key-" + r.chars(hex, 32),
  },
  {
    id: "mailchimp-api-key",
    rule: "mailchimp-api-key",
    kind: "token",
    name: "MAILCHIMP_API_KEY",
    make: (r) => `${r.chars(hex, 32)}-us${r.int(1, 21)}`,
  },
  {
    id: "brevo-api-key",
    rule: "brevo-api-key",
    kind: "token",
    name: "BREVO_API_KEY",
    make: (r) => `xkeysib-${r.chars(hex, 64)}-${r.chars(alnum, 16)}`,
  },
  {
    id: "teams-webhook-url",
    rule: "microsoft-teams-webhook",
    kind: "line",
    name: "TEAMS_WEBHOOK_URL",
    make: (r) =>
      `https://acme.webhook.office.com/webhookb2/${r.uuid()}@${r.uuid()}/IncomingWebhook/${
        r.chars(hex, 32)
      }/${r.uuid()}`,
  },
  // package registries
  {
    id: "npm-token",
    rule: "npm-token",
    kind: "token",
    name: "NPM_TOKEN",
    make: (r) => github(r, "npm_"),
  },
  {
    id: "npmrc-legacy-token",
    rule: "npmrc-auth",
    kind: "line",
    name: "NPMRC",
    make: (r) => `//registry.npmjs.org/:_authToken=${r.uuid()}`,
  },
  {
    id: "npmrc-basic-auth",
    rule: "npmrc-auth",
    kind: "line",
    name: "NPMRC",
    make: (r) => `_auth=${b64(`ci-bot:${r.chars(alnum, 20)}`)}`,
  },
  {
    id: "pypi-token",
    rule: "pypi-token",
    kind: "token",
    name: "TWINE_PASSWORD",
    make: (r) => "pypi-AgEIcHlwaS5vcmc" + r.chars(base64url, 160),
  },
  {
    id: "rubygems-api-key",
    rule: "rubygems-api-key",
    kind: "token",
    name: "GEM_HOST_API_KEY",
    make: (r) => "rubygems_" + r.chars(hex, 48),
  },
  {
    id: "docker-hub-pat",
    rule: "docker-hub-token",
    kind: "token",
    name: "DOCKERHUB_TOKEN",
    make: (r) => "dckr_pat_" + r.chars(base64url, 27),
  },
  {
    id: "docker-config-auth",
    rule: "docker-config-auth",
    kind: "line",
    name: "DOCKER_CONFIG_JSON",
    make: (r) =>
      JSON.stringify({
        auths: { "https://index.docker.io/v1/": { auth: b64(`acmebot:${r.chars(alnum, 24)}`) } },
      }),
  },
  {
    id: "nuget-api-key",
    rule: "nuget-api-key",
    kind: "token",
    name: "NUGET_API_KEY",
    make: (r) => "oy2" + r.chars(lowerAlnum, 43),
  },
  {
    id: "crates-io-token",
    rule: "crates-io-token",
    kind: "token",
    name: "CARGO_REGISTRY_TOKEN",
    make: (r) => "cio" + r.chars(alnum, 32),
  },
  {
    id: "artifactory-api-key",
    rule: "artifactory-token",
    kind: "token",
    name: "ARTIFACTORY_API_KEY",
    make: (r) => r.pick([() => "AKCp" + r.chars(alnum, 69), () => "cmVmd" + r.chars(alnum, 59)])(),
  },
  {
    id: "pulumi-access-token",
    rule: "pulumi-access-token",
    kind: "token",
    name: "PULUMI_ACCESS_TOKEN",
    make: (r) => "pul-" + r.chars(hex, 40),
  },
  {
    id: "clojars-token",
    rule: "clojars-token",
    kind: "token",
    name: "CLOJARS_TOKEN",
    make: (r) => "CLOJARS_" + r.chars(lowerAlnum, 60),
  },
  // infrastructure and SaaS
  {
    id: "vault-service-token",
    rule: "vault-token",
    kind: "token",
    name: "VAULT_TOKEN",
    make: (r) => "hvs." + r.chars(base64url, r.pick([24, 95])),
  },
  {
    id: "vault-batch-token",
    rule: "vault-token",
    kind: "token",
    name: "VAULT_TOKEN",
    make: (r) => "hvb." + r.chars(base64url, 140),
  },
  {
    id: "vault-legacy-token",
    rule: "vault-token-legacy",
    kind: "named",
    name: "VAULT_TOKEN",
    make: (r) => "s." + r.chars(alnum, 24),
  },
  {
    id: "terraform-cloud-token",
    rule: "terraform-cloud-token",
    kind: "token",
    name: "TFE_TOKEN",
    make: (r) => `${r.chars(alnum, 14)}.atlasv1.${r.chars(alnum, 67)}`,
  },
  {
    id: "datadog-api-key",
    rule: "datadog-api-key",
    kind: "named",
    name: "DD_API_KEY",
    make: (r) => r.chars(hex, 32),
  },
  {
    id: "datadog-app-key",
    rule: "datadog-api-key",
    kind: "named",
    name: "DATADOG_APP_KEY",
    make: (r) => r.chars(hex, 40),
  },
  {
    id: "sentry-user-token",
    rule: "sentry-auth-token",
    kind: "token",
    name: "SENTRY_AUTH_TOKEN",
    make: (r) => "sntryu_" + r.chars(hex, 64),
  },
  {
    id: "sentry-org-token",
    rule: "sentry-auth-token",
    kind: "token",
    name: "SENTRY_AUTH_TOKEN",
    make: (r) =>
      "sntrys_" +
      b64(JSON.stringify({ iat: 1_760_000_000 + r.int(0, 9999), url: "https://sentry.io" }))
        .replace(/=+$/, "") +
      "_" + r.chars(base64, 43),
  },
  {
    id: "sentry-dsn-with-secret",
    rule: "url-credentials",
    kind: "line",
    name: "SENTRY_DSN",
    make: (r) =>
      `https://${r.chars(hex, 32)}:${r.chars(hex, 32)}@o${r.chars(digits, 6)}.ingest.sentry.io/${
        r.chars(digits, 7)
      }`,
  },
  {
    id: "new-relic-user-key",
    rule: "new-relic-key",
    kind: "token",
    name: "NEW_RELIC_API_KEY",
    make: (r) =>
      r.pick([() => "NRAK-" + r.chars(upperAlnum, 27), () => "NRII-" + r.chars(base64url, 32)])(),
  },
  {
    id: "new-relic-license-key",
    rule: "new-relic-license-key",
    kind: "token",
    name: "NEW_RELIC_LICENSE_KEY",
    make: (r) => r.chars(hex, 36) + "NRAL",
  },
  {
    id: "grafana-token",
    rule: "grafana-token",
    kind: "token",
    name: "GRAFANA_TOKEN",
    make: (r) =>
      r.pick([
        () => `glsa_${r.chars(alnum, 32)}_${r.chars(hex, 8)}`,
        () =>
          "glc_" + b64(JSON.stringify({ o: r.chars(digits, 6), n: "ci", k: r.chars(alnum, 24) })),
      ])(),
  },
  {
    id: "doppler-token",
    rule: "doppler-token",
    kind: "token",
    name: "DOPPLER_TOKEN",
    make: (r) => r.pick(["dp.pt.", "dp.st."]) + r.chars(alnum, 43),
  },
  {
    id: "databricks-token",
    rule: "databricks-token",
    kind: "token",
    name: "DATABRICKS_TOKEN",
    make: (r) => "dapi" + r.chars(hex, 32),
  },
  {
    id: "netlify-token",
    rule: "netlify-token",
    kind: "token",
    name: "NETLIFY_AUTH_TOKEN",
    make: (r) => "nfp_" + r.chars(alnum, 36),
  },
  {
    id: "fly-io-token",
    rule: "fly-io-token",
    kind: "token",
    name: "FLY_API_TOKEN",
    make: (r) => "fm2_" + r.chars(base64, 300),
  },
  {
    id: "supabase-token",
    rule: "supabase-token",
    kind: "token",
    name: "SUPABASE_ACCESS_TOKEN",
    make: (r) => "sbp_" + r.chars(hex, 40),
  },
  {
    id: "planetscale-token",
    rule: "planetscale-token",
    kind: "token",
    name: "PLANETSCALE_SERVICE_TOKEN",
    make: (r) => r.pick(["pscale_tkn_", "pscale_pw_"]) + r.chars(base64url, 43),
  },
  {
    id: "render-api-key",
    rule: "render-api-key",
    kind: "token",
    name: "RENDER_API_KEY",
    make: (r) => "rnd_" + r.chars(alnum, 32),
  },
  {
    id: "deno-deploy-token",
    rule: "deno-deploy-token",
    kind: "token",
    name: "DENO_DEPLOY_TOKEN",
    make: (r) => "ddp_" + r.chars(alnum, 36),
  },
  {
    id: "buildkite-token",
    rule: "buildkite-token",
    kind: "token",
    name: "BUILDKITE_API_TOKEN",
    make: (r) => "bkua_" + r.chars(hex, 40),
  },
  {
    id: "circleci-token",
    rule: "circleci-token",
    kind: "token",
    name: "CIRCLE_TOKEN",
    make: (r) => `CCIPAT_${r.chars(alnum, 22)}_${r.chars(hex, 40)}`,
  },
  {
    id: "sonarqube-token",
    rule: "sonarqube-token",
    kind: "token",
    name: "SONAR_TOKEN",
    make: (r) => r.pick(["sqp_", "squ_"]) + r.chars(hex, 40),
  },
  {
    id: "octopus-deploy-api-key",
    rule: "octopus-deploy-api-key",
    kind: "token",
    name: "OCTOPUS_API_KEY",
    make: (r) => "API-" + r.chars(upperAlnum, 26),
  },
  {
    id: "infracost-api-key",
    rule: "infracost-api-key",
    kind: "token",
    name: "INFRACOST_API_KEY",
    make: (r) => "ico-" + r.chars(alnum, 32),
  },
  {
    id: "harness-token",
    rule: "harness-token",
    kind: "token",
    name: "HARNESS_API_KEY",
    make: (r) => `pat.${r.chars(base64url, 22)}.${r.chars(alnum, 24)}.${r.chars(alnum, 20)}`,
  },
  {
    id: "prefect-api-key",
    rule: "prefect-api-key",
    kind: "token",
    name: "PREFECT_API_KEY",
    make: (r) => "pnu_" + r.chars(alnum, 36),
  },
  {
    id: "dynatrace-token",
    rule: "dynatrace-token",
    kind: "token",
    name: "DT_API_TOKEN",
    make: (r) => `dt0c01.${r.chars(upperAlnum, 24)}.${r.chars(upperAlnum, 64)}`,
  },
  {
    id: "okta-api-token",
    rule: "okta-api-token",
    kind: "named",
    name: "OKTA_API_TOKEN",
    make: (r) => "00" + r.chars(base64url, 40),
  },
  {
    id: "onepassword-service-account",
    rule: "onepassword-token",
    kind: "token",
    name: "OP_SERVICE_ACCOUNT_TOKEN",
    make: (r) => "ops_eyJ" + r.chars(base64, 320),
  },
  {
    id: "onepassword-secret-key",
    rule: "onepassword-secret-key",
    kind: "token",
    name: "OP_SECRET_KEY",
    make: (r) =>
      `A3-${r.chars(upperAlnum, 6)}-${r.chars(upperAlnum, 6)}-${r.chars(upperAlnum, 5)}-${
        r.chars(upperAlnum, 5)
      }-${r.chars(upperAlnum, 5)}-${r.chars(upperAlnum, 5)}`,
  },
  {
    id: "linear-api-key",
    rule: "linear-api-key",
    kind: "token",
    name: "LINEAR_API_KEY",
    make: (r) => "lin_api_" + r.chars(alnum, 40),
  },
  {
    id: "notion-token",
    rule: "notion-token",
    kind: "token",
    name: "NOTION_TOKEN",
    make: (r) =>
      r.pick([
        () => `ntn_${r.chars(digits, 11)}${r.chars(alnum, 35)}`,
        () => "secret_" + r.chars(alnum, 43),
      ])(),
  },
  {
    id: "airtable-token",
    rule: "airtable-token",
    kind: "token",
    name: "AIRTABLE_TOKEN",
    make: (r) => `pat${r.chars(alnum, 14)}.${r.chars(hex, 64)}`,
  },
  {
    id: "figma-token",
    rule: "figma-token",
    kind: "token",
    name: "FIGMA_TOKEN",
    make: (r) => "figd_" + r.chars(base64url, 40),
  },
  {
    id: "postman-api-key",
    rule: "postman-api-key",
    kind: "token",
    name: "POSTMAN_API_KEY",
    make: (r) => `PMAK-${r.chars(hex, 24)}-${r.chars(hex, 34)}`,
  },
  {
    id: "dropbox-token",
    rule: "dropbox-token",
    kind: "token",
    name: "DROPBOX_TOKEN",
    make: (r) => "sl." + r.chars(base64url, 136),
  },
  {
    id: "hubspot-token",
    rule: "hubspot-token",
    kind: "token",
    name: "HUBSPOT_ACCESS_TOKEN",
    make: (r) => `pat-${r.pick(["na1", "eu1"])}-${r.uuid()}`,
  },
  {
    id: "shippo-token",
    rule: "shippo-token",
    kind: "token",
    name: "SHIPPO_API_TOKEN",
    make: (r) => "shippo_live_" + r.chars(hex, 40),
  },
  {
    id: "mapbox-secret-token",
    rule: "mapbox-secret-token",
    kind: "token",
    name: "MAPBOX_SECRET_TOKEN",
    make: (r) =>
      `sk.${b64url(JSON.stringify({ u: "acme", a: r.chars(lowerAlnum, 25) }))}.${
        r.chars(base64url, 22)
      }`,
  },
  {
    id: "twitter-bearer-token",
    rule: "twitter-bearer-token",
    kind: "token",
    name: "TWITTER_BEARER_TOKEN",
    make: (r) => "A".repeat(22) + r.chars(alnum, 40) + "%2B" + r.chars(alnum, 40),
  },
  {
    id: "facebook-access-token",
    rule: "facebook-access-token",
    kind: "token",
    name: "FB_ACCESS_TOKEN",
    make: (r) => "EAA" + r.pick(["G", "B", "C"]) + r.chars(alnum, 180),
  },
  {
    id: "duffel-token",
    rule: "duffel-token",
    kind: "token",
    name: "DUFFEL_ACCESS_TOKEN",
    make: (r) => "duffel_live_" + r.chars(base64url, 43),
  },
  {
    id: "easypost-api-key",
    rule: "easypost-api-key",
    kind: "token",
    name: "EASYPOST_API_KEY",
    make: (r) => "EZAK" + r.chars(alnum, 54),
  },
  {
    id: "typeform-token",
    rule: "typeform-token",
    kind: "token",
    name: "TYPEFORM_TOKEN",
    make: (r) => "tfp_" + r.chars(base64url, 59),
  },
  {
    id: "readme-api-key",
    rule: "readme-api-key",
    kind: "token",
    name: "README_API_KEY",
    make: (r) => "rdme_" + r.chars(lowerAlnum, 70),
  },
  {
    id: "lumera-memory-key",
    rule: "lumera-memory-key",
    kind: "named",
    name: "LUMERA_MEMORY_KEY",
    make: (r) => r.chars(hex, 64),
  },
  {
    id: "mnemonic-phrase",
    rule: "mnemonic-phrase",
    kind: "named",
    name: "MNEMONIC",
    make: (r) => r.sample(WORDS, 12).join(" "),
  },
  // structural
  {
    id: "jwt",
    rule: "jwt",
    kind: "token",
    name: "ID_TOKEN",
    make: jwtToken,
  },
  {
    id: "authorization-bearer",
    rule: "authorization-header",
    kind: "line",
    name: "HEADER",
    make: (r) => `Authorization: Bearer ${r.chars(alnum, r.int(32, 48))}`,
  },
  {
    id: "bearer-token",
    rule: "bearer-token",
    kind: "line",
    name: "NOTE",
    make: (r) =>
      `send Bearer ${r.chars(alnum, 24)}${r.int(10, 99)}${r.chars(alnum, 8)} as the header`,
  },
  {
    id: "authorization-basic",
    rule: "authorization-header",
    kind: "line",
    name: "HEADER",
    make: (r) => `Authorization: Basic ${b64(`svc-deploy:${r.chars(alnum, 18)}`)}`,
  },
  ...["postgres", "mysql", "mongodb+srv", "redis", "amqp"].map((scheme): Format => ({
    id: `url-${scheme.replace("+srv", "")}`,
    rule: "url-credentials",
    kind: "line",
    name: "DATABASE_URL",
    make: (r) =>
      `${scheme}://${scheme === "redis" ? "" : "app_user"}:${r.chars(alnum, 12)}${
        r.pick(["!", "#", "%25", ""])
      }${r.chars(alnum, 6)}@db-${r.chars(lowerAlnum, 6)}.internal.acme-corp.io:${
        r.pick([5432, 3306, 27017, 6379, 5672])
      }/prod`,
  })),
  {
    id: "git-url-token",
    rule: "url-credentials",
    kind: "line",
    name: "REMOTE",
    make: (r) => `https://ci-bot:${r.chars(alnum, 32)}@git.acme-corp.io/platform/api.git`,
  },
  {
    id: "curl-basic-auth",
    rule: "curl-user-password",
    kind: "line",
    name: "CMD",
    make: (r) =>
      `curl -sS -u admin:${r.chars(alnum, 14)}${
        r.pick(["!", "@", "#"])
      } https://jenkins.acme-corp.io/api/json`,
  },
  // generic assignments
  {
    id: "env-password",
    rule: "generic-secret-assignment",
    kind: "named",
    name: "DB_PASSWORD",
    make: (r) => r.chars(alnum, 10) + r.pick("!#%*+-=?@^_~".split("")) + r.chars(alnum, 5),
  },
  {
    id: "dotenv-password-with-symbols",
    rule: "dotenv-secret",
    kind: "envline",
    name: "SMTP_PASSWORD",
    make: (r) => `${r.chars(alnum, 4)}&${r.chars(alnum, 10)},${r.chars(alnum, 4)}`,
  },
  {
    id: "env-secret",
    rule: "generic-secret-assignment",
    kind: "named",
    name: "JWT_SECRET",
    make: (r) => r.chars(alnum, 48),
  },
  {
    id: "generic-api-key",
    rule: "generic-secret-assignment",
    kind: "named",
    name: "API_KEY",
    make: (r) => r.chars(hex, 32),
  },
  {
    id: "client-secret",
    rule: "generic-secret-assignment",
    kind: "named",
    name: "OAUTH_CLIENT_SECRET",
    make: (r) => r.chars(base64url, 40),
  },
  {
    id: "django-secret-key",
    rule: "django-secret-key",
    kind: "named",
    name: "SECRET_KEY",
    make: (r) => "django-insecure-" + r.chars(lowerAlnum + "!@#$%^&*(-_=+)", 50),
  },
  {
    id: "env-key",
    rule: "env-key-assignment",
    kind: "named",
    name: "ALGOLIA_ADMIN_KEY",
    make: (r) => r.chars(hex, 32),
  },
  {
    id: "cli-password-flag",
    rule: "cli-secret-flag",
    kind: "line",
    name: "CMD",
    make: (r) => `vault login --password ${r.chars(alnum, 16)}${r.pick(["!", "#", ""])}`,
  },
  {
    id: "mysql-password-flag",
    rule: "mysql-password-flag",
    kind: "line",
    name: "CMD",
    make: (r) => `mysql -u root -h db.internal -p${r.chars(alnum, 12)} app_prod`,
  },
  {
    id: "docker-login-password",
    rule: "command-line-password",
    kind: "line",
    name: "CMD",
    make: (r) =>
      `${r.pick(["docker", "podman"])} login -u ci-bot -p ${password(r)} ${
        r.pick(["registry.acme-corp.io", "ghcr.io", "quay.io"])
      }`,
  },
  {
    id: "sshpass-password",
    rule: "command-line-password",
    kind: "line",
    name: "CMD",
    make: (r) =>
      `sshpass -p '${password(r)}' ssh deploy@10.0.${r.int(0, 9)}.${r.int(2, 250)} uptime`,
  },
  {
    id: "redis-cli-password",
    rule: "command-line-password",
    kind: "line",
    name: "CMD",
    make: (r) => `redis-cli -h cache.internal -p 6379 -a ${password(r)} --no-auth-warning ping`,
  },
  {
    id: "openssl-pass-argument",
    rule: "command-line-password",
    kind: "line",
    name: "CMD",
    make: (r) =>
      `openssl pkcs12 -export -in tls.crt -inkey tls.key -out tls.p12 -passout pass:${password(r)}`,
  },
  {
    id: "netrc-line",
    rule: "netrc-password",
    kind: "line",
    name: "NETRC",
    make: (r) =>
      `machine ${r.pick(["api.github.com", "api.heroku.com", "gitlab.acme-corp.io"])} login ${
        r.pick(["octocat", "ci-bot", "deploy"])
      } password ${password(r)}`,
  },
  {
    id: "netrc-file",
    rule: "netrc-password",
    kind: "block",
    name: "NETRC",
    make: (r) =>
      `machine artifacts.acme-corp.io\n  login deploy\n  password ${password(r)}\n` +
      `machine code.acme-corp.io\n  login ci\n  password ${password(r)}`,
  },
  {
    id: "powershell-securestring",
    rule: "powershell-plaintext-password",
    kind: "line",
    name: "PS",
    make: (r) => {
      const q = r.pick(["'", '"']);
      return `$cred = New-Object PSCredential('svc-backup', (ConvertTo-SecureString ${q}${
        password(r)
      }${q} -AsPlainText -Force))`;
    },
  },
  {
    id: "dotnet-appsettings",
    rule: "xml-config-secret",
    kind: "line",
    name: "APP_CONFIG",
    make: (r) =>
      `<add key="${r.pick(["PaymentGatewaySecret", "SmtpPassword", "ReportingApiKey"])}" value="${
        r.chars(alnum, r.int(24, 40))
      }" />`,
  },
  {
    id: "k8s-env-pair",
    rule: "name-value-secret",
    kind: "block",
    name: "DEPLOYMENT_ENV",
    make: (r) =>
      `- name: ${r.pick(["API_TOKEN", "STRIPE_SECRET", "DB_PASSWORD", "SENDGRID_API_KEY"])}\n` +
      `  value: "${r.chars(alnum, r.int(24, 40))}"`,
  },
  {
    id: "ecs-env-pair",
    rule: "name-value-secret",
    kind: "line",
    name: "TASK_ENV",
    make: (r) =>
      `{"name": "${r.pick(["DB_PASSWORD", "JWT_SECRET", "PARTNER_API_KEY"])}", "value": "${
        r.chars(alnum, r.int(20, 40))
      }"}`,
  },
  {
    id: "sql-create-user",
    rule: "sql-password",
    kind: "line",
    name: "MIGRATION",
    make: (r) => `CREATE USER app_rw IDENTIFIED BY '${password(r)}';`,
  },
  {
    id: "sql-alter-role",
    rule: "sql-password",
    kind: "line",
    name: "MIGRATION",
    make: (r) => `ALTER ROLE reporting WITH LOGIN PASSWORD '${password(r)}';`,
  },
  {
    id: "wp-config-define",
    rule: "php-define-secret",
    kind: "line",
    name: "WP_CONFIG",
    make: (r) => `define( 'DB_PASSWORD', '${password(r)}' );`,
  },
  {
    id: "java-setter",
    rule: "setter-secret",
    kind: "line",
    name: "JAVA",
    make: (r) => `dataSource.setPassword("${password(r)}");`,
  },
  {
    id: "python-basic-auth",
    rule: "basic-auth-pair",
    kind: "line",
    name: "PY",
    make: (r) => `resp = requests.get(url, auth=("svc-report", "${password(r)}"), timeout=10)`,
  },
  {
    id: "zip-password",
    rule: "command-line-password",
    kind: "line",
    name: "CMD",
    make: (r) => `zip -P ${password(r)} -r backup.zip data/`,
  },
  {
    id: "env-pass-suffix",
    rule: "generic-secret-assignment",
    kind: "named",
    name: "SMTP_PASS",
    make: (r) => password(r),
  },
  // personal data
  {
    id: "email",
    rule: "email-address",
    kind: "pii",
    name: "CONTACT_EMAIL",
    make: (r) =>
      `${r.pick(["maria", "j.okafor", "li.wei", "sam_ito", "noor"])}${r.int(1, 99)}@${
        r.pick(["gmail.com", "fastmail.fm", "acme-corp.io", "uni-bonn.de"])
      }`,
  },
  {
    id: "phone-international",
    rule: "phone-number",
    kind: "pii",
    name: "PHONE",
    make: (r) =>
      r.pick([
        () => `+1 (${r.int(201, 989)}) ${r.int(200, 999)}-${r.chars(digits, 4)}`,
        () => `+44 20 ${r.int(3000, 8999)} ${r.chars(digits, 4)}`,
        () => `+49 30 ${r.chars(digits, 8)}`,
        () =>
          `+33 6 ${r.chars(digits, 2)} ${r.chars(digits, 2)} ${r.chars(digits, 2)} ${
            r.chars(digits, 2)
          }`,
        () => `+91 ${r.int(70000, 99999)} ${r.chars(digits, 5)}`,
      ])(),
  },
  {
    id: "phone-us",
    rule: "phone-number",
    kind: "pii",
    name: "PHONE",
    make: (r) =>
      r.pick([
        () => `(${r.int(201, 989)}) ${r.int(200, 999)}-${r.chars(digits, 4)}`,
        () => `${r.int(201, 989)}-${r.int(200, 999)}-${r.chars(digits, 4)}`,
        () => `${r.int(201, 989)}.${r.int(200, 999)}.${r.chars(digits, 4)}`,
      ])(),
  },
  {
    id: "phone-labelled",
    rule: "phone-number-labelled",
    kind: "line",
    name: "CONTACT",
    make: (r) => `phone: 0${r.int(20, 99)} ${r.chars(digits, 4)} ${r.chars(digits, 4)}`,
  },
  {
    id: "card-visa",
    rule: "payment-card",
    kind: "pii",
    name: "CARD",
    make: (r) => luhnComplete("4", 16, r),
  },
  {
    id: "card-mastercard",
    rule: "payment-card",
    kind: "pii",
    name: "CARD",
    make: (r) =>
      luhnComplete(r.pick(["51", "53", "55", "2221"]), 16, r).replace(/(\d{4})(?=\d)/g, "$1 "),
  },
  {
    id: "card-amex",
    rule: "payment-card",
    kind: "pii",
    name: "CARD",
    make: (r) => luhnComplete(r.pick(["34", "37"]), 15, r),
  },
];

/** Formats counted separately (distinct credential or datum shapes). */
export function formatCount(): number {
  return new Set(FORMATS.map((f) => f.id)).size;
}
