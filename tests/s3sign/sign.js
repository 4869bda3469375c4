// The reference for the C++ SigV4 signer's differential test (libs/storage/tests).
//
// Reads a JSON array of requests on stdin and prints a JSON array with, for each, the
// Authorization header and the presigned URL that AWS's own JavaScript signer computes.
// The signer is configured the way the AWS SDK's S3 client configures it:
//   - @smithy/signature-v4 with `uriEscapePath: false` (S3 encodes the path once; the SDK's
//     default `true` normalises and double-encodes it, which is right for other services only),
//     `applyChecksum: true` (x-amz-content-sha256 is sent and signed), service "s3";
//   - the path is encoded before signing exactly as the S3 client's serializer does for
//     the greedy `/{Bucket}/{Key+}` label: each '/'-separated segment through
//     extendedEncodeURIComponent, the slashes kept;
//   - presigned URLs carry only `host` as a signed header and UNSIGNED-PAYLOAD as the payload,
//     as in AWS's "Authenticating Requests: Using Query Parameters", and are written out as
//     the SDK's formatUrl does (@aws-sdk/s3-request-presigner's getSignedUrl): scheme, host,
//     the encoded path and smithy's buildQueryString. formatUrl itself is not a dependency
//     because its package needs Node 20 and Debian 12 ships Node 18.
//
// Input element:
//   { method, scheme, host, path, query: [[name, value]...], headers: [[name, value]...],
//     payload_sha256, region, service, access_key_id, secret_access_key,
//     session_token (string or null), time_ms (epoch milliseconds), expires (seconds) }
// Output element: { authorization, url }
"use strict";

const { SignatureV4 } = require("@smithy/signature-v4");
const { HttpRequest } = require("@smithy/protocol-http");
const { buildQueryString, extendedEncodeURIComponent } = require("@smithy/core/protocols");
const { Hash } = require("@smithy/hash-node");

// The hash the S3 client uses on Node (its runtimeConfig: Hash.bind(null, "sha256")).
const Sha256 = Hash.bind(null, "sha256");

const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
};

// Repeated names become arrays, which is how the SDK represents a multi-valued query.
const toQuery = (pairs) => {
  const query = {};
  for (const [name, value] of pairs) {
    if (!Object.prototype.hasOwnProperty.call(query, name)) {
      query[name] = value;
    } else if (Array.isArray(query[name])) {
      query[name].push(value);
    } else {
      query[name] = [query[name], value];
    }
  }
  return query;
};

const encodePath = (path) => path.split("/").map(extendedEncodeURIComponent).join("/");

// formatUrl for a request without port, credentials or fragment (the port is in `hostname`).
const formatUrl = ({ protocol, hostname, path, query }) => {
  const queryString = buildQueryString(query);
  return `${protocol}//${hostname}${path}${queryString ? `?${queryString}` : ""}`;
};

const signerFor = (c) =>
  new SignatureV4({
    service: c.service,
    region: c.region,
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: true,
    credentials: {
      accessKeyId: c.access_key_id,
      secretAccessKey: c.secret_access_key,
      ...(c.session_token !== null ? { sessionToken: c.session_token } : {}),
    },
  });

const signOne = async (c) => {
  const signer = signerFor(c);
  const signingDate = new Date(c.time_ms);
  const hostname = c.host;

  const headers = { host: c.host };
  for (const [name, value] of c.headers) headers[name] = value;
  // The payload hash is handed over as the x-amz-content-sha256 header, which is what the
  // S3 client does for a precomputed or unsigned payload (getPayloadHash reads it back).
  headers["x-amz-content-sha256"] = c.payload_sha256;
  const toSign = new HttpRequest({
    method: c.method,
    protocol: `${c.scheme}:`,
    hostname,
    path: encodePath(c.path),
    query: toQuery(c.query),
    headers,
  });
  const signed = await signer.sign(toSign, { signingDate });

  const toPresign = new HttpRequest({
    method: c.method,
    protocol: `${c.scheme}:`,
    hostname,
    path: encodePath(c.path),
    query: toQuery(c.query),
    headers: { host: c.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
  });
  // The payload marker is read from the header but neither hoisted into the query nor signed:
  // the URL then has exactly the parameters of AWS's query-string authentication example.
  const keep = new Set(["x-amz-content-sha256"]);
  const presigned = await signer.presign(toPresign, {
    signingDate,
    expiresIn: c.expires,
    unhoistableHeaders: keep,
    unsignableHeaders: keep,
  });
  return { authorization: signed.headers.authorization, url: formatUrl(presigned) };
};

const main = async () => {
  const cases = JSON.parse(await readStdin());
  const out = [];
  for (const c of cases) out.push(await signOne(c));
  process.stdout.write(JSON.stringify(out));
};

main().catch((err) => {
  process.stderr.write(`s3sign: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
