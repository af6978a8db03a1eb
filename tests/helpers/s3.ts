// A local S3-compatible server (s3rver) on a loopback port, with an empty bucket, for the tests that
// run Shoebox in S3 mode. s3rver 3.7 parses SigV4 but checks no V4 signature (any signature from a
// known access key passes), so a check in front of it refuses what a real bucket refuses: an
// anonymous request, a wrong or tampered signature (signed headers included), an expired presigned URL.
import { createHmac, createHash, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { createS3Storage, type S3Settings, type S3Storage } from "../../common/s3";

export interface LocalS3 {
  settings: S3Settings;
  // The environment that puts Shoebox's storage in this server's bucket.
  env: Record<string, string>;
  // A client of the bucket, for looking behind Shoebox's back.
  bucket: S3Storage;
  keys(prefix?: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startLocalS3(bucketName = "shoebox-test"): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), "shoebox-s3-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: bucketName, configs: [] }],
  });
  // s3rver is a Koa app: a middleware put first in its stack sees every request before s3rver does.
  const region = "us-east-1";
  (server as unknown as KoaApp).middleware.unshift(signatureCheck(region, new Map([["S3RVER", "S3RVER"]])));
  // A server that never comes up should fail the suite in seconds, not at the suite's time limit.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`s3rver did not start within 20 s (folder ${directory})`)), 20_000);
  });
  const { port } = (await Promise.race([server.run(), deadline]).finally(() => clearTimeout(timer))) as {
    port: number;
  };
  const settings: S3Settings = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: bucketName,
    region,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    forcePathStyle: true,
  };
  const bucket = createS3Storage(settings, (request) => fetch(request));
  return {
    settings,
    bucket,
    env: {
      STORAGE: "s3",
      S3_ENDPOINT: settings.endpoint,
      S3_BUCKET: bucketName,
      S3_REGION: settings.region,
      S3_ACCESS_KEY_ID: settings.accessKeyId,
      S3_SECRET_ACCESS_KEY: settings.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    },
    async keys(prefix = "") {
      const keys: string[] = [];
      for await (const object of bucket.list(prefix)) keys.push(object.key);
      return keys;
    },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

// What of Koa the signature check uses.
interface KoaApp {
  middleware: Array<(ctx: KoaContext, next: () => Promise<void>) => Promise<void>>;
}
interface KoaContext {
  req: IncomingMessage;
  method: string;
  status: number;
  type: string;
  body: unknown;
}

interface Refusal {
  status: number;
  code: string;
  message: string;
}

const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
// S3 reads "+" in a path or query as a space (as aws4fetch signs it).
const decodeComponent = (value: string) => decodeURIComponent(value.replace(/\+/g, " "));
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const hmac = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text).digest();
const amzTime = (value: string) => {
  const m = value.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
};

// AWS Signature Version 4 as S3 checks it (Authorization header, or a presigned URL's query), from
// "Authenticating Requests (AWS Signature Version 4)". The payload hash is taken as declared.
export function checkSignature(
  request: Pick<IncomingMessage, "method" | "url" | "headers">,
  region: string,
  secrets: Map<string, string>,
  now = Date.now(),
): Refusal | undefined {
  const refuse = (code: string, message: string, status = 403): Refusal => ({ status, code, message });
  const url = request.url ?? "/";
  const queryAt = url.indexOf("?");
  const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? "" : url.slice(queryAt + 1);
  let params: Array<[string, string]>;
  let canonicalUri: string;
  try {
    params = rawQuery
      .split("&")
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf("=");
        return at < 0
          ? [decodeComponent(pair), ""]
          : [decodeComponent(pair.slice(0, at)), decodeComponent(pair.slice(at + 1))];
      });
    canonicalUri = rawPath
      .split("/")
      .map((segment) => rfc3986(decodeComponent(segment)))
      .join("/");
  } catch {
    return refuse("InvalidURI", "Couldn't parse the specified URI.", 400);
  }
  const param = (name: string) => params.find(([key]) => key === name)?.[1];
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(",") : value;
  };

  let credential: string, signedHeaders: string, signature: string, amzDate: string;
  const authorization = header("authorization");
  if (param("X-Amz-Algorithm") !== undefined) {
    if (authorization) return refuse("InvalidArgument", "Only one auth mechanism allowed", 400);
    if (param("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256")
      return refuse("AuthorizationQueryParametersError", "X-Amz-Algorithm only supports AWS4-HMAC-SHA256", 400);
    const [c, h, s, d, e] = [
      "X-Amz-Credential",
      "X-Amz-SignedHeaders",
      "X-Amz-Signature",
      "X-Amz-Date",
      "X-Amz-Expires",
    ].map(param);
    if (!c || !h || !s || !d || !e)
      return refuse(
        "AuthorizationQueryParametersError",
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
        400,
      );
    const expires = Number(e);
    if (!Number.isInteger(expires) || expires < 1 || expires > 604_800)
      return refuse("AuthorizationQueryParametersError", "X-Amz-Expires must be between 1 and 604800 seconds", 400);
    const signedAt = amzTime(d);
    if (Number.isNaN(signedAt))
      return refuse("AuthorizationQueryParametersError", "X-Amz-Date must be in the ISO8601 Long Format", 400);
    if (now > signedAt + expires * 1000) return refuse("AccessDenied", "Request has expired");
    if (signedAt > now + 15 * 60_000) return refuse("AccessDenied", "Request is not valid yet");
    [credential, signedHeaders, signature, amzDate] = [c, h, s, d];
  } else if (authorization) {
    const m = authorization.match(
      /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=(\S+)$/,
    );
    if (!m)
      return refuse(
        "AuthorizationHeaderMalformed",
        "The authorization header is malformed (only AWS4-HMAC-SHA256 is checked here)",
        400,
      );
    const d = header("x-amz-date");
    if (!d || Number.isNaN(amzTime(d)))
      return refuse("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
    if (Math.abs(now - amzTime(d)) > 15 * 60_000)
      return refuse(
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
      );
    if (!header("x-amz-content-sha256"))
      return refuse("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400);
    [credential, signedHeaders, signature, amzDate] = [m[1]!, m[2]!, m[3]!, d];
  } else {
    // A private bucket: CORS preflights aside, nothing without a signature.
    return request.method === "OPTIONS" ? undefined : refuse("AccessDenied", "Access Denied");
  }

  const [accessKeyId, scopeDate, scopeRegion, service, terminator, ...rest] = credential.split("/");
  const secret = secrets.get(accessKeyId ?? "");
  if (!secret) return refuse("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
  if (
    rest.length ||
    scopeDate !== amzDate.slice(0, 8) ||
    scopeRegion !== region ||
    service !== "s3" ||
    terminator !== "aws4_request"
  ) {
    return refuse(
      "AuthorizationHeaderMalformed",
      `The credential scope ${credential.slice(accessKeyId!.length + 1)} is not ${amzDate.slice(0, 8)}/${region}/s3/aws4_request`,
      400,
    );
  }
  const headerNames = signedHeaders.split(";");
  if (!headerNames.includes("host")) return refuse("AccessDenied", "The host header must be signed");
  const missing = headerNames.filter((name) => header(name) === undefined);
  if (missing.length) return refuse("AccessDenied", `Signed headers missing from the request: ${missing.join(", ")}`);

  const canonicalQuery = params
    .filter(([key]) => key !== "X-Amz-Signature")
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  const canonicalHeaders = headerNames.map((name) => `${name}:${header(name)!.trim().replace(/\s+/g, " ")}\n`).join("");
  const payloadHash = header("x-amz-content-sha256") ?? (authorization ? "" : "UNSIGNED-PAYLOAD");
  const canonicalRequest = [
    request.method ?? "GET",
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${scopeDate}/${region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const key = ["s3", "aws4_request"].reduce<Buffer>(
    (k, part) => hmac(k, part),
    hmac(hmac(`AWS4${secret}`, scopeDate), region),
  );
  const expected = createHmac("sha256", key).update(stringToSign).digest();
  const provided = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, "hex") : Buffer.alloc(0);
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    return refuse(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    );
  }
  return undefined;
}

function signatureCheck(region: string, secrets: Map<string, string>) {
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    const refusal = checkSignature(ctx.req, region, secrets);
    if (!refusal) return next();
    ctx.status = refusal.status;
    ctx.type = "application/xml";
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${refusal.message.replace(/[<&>]/g, (c) => `&#${c.charCodeAt(0)};`)}</Message></Error>`;
  };
}
