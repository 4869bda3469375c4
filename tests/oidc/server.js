#!/usr/bin/env node
// Mock OpenID Connect provider for the Ignition tests, built on oauth2-mock-server.
//
//   node server.js [port]        (port 0 or absent = any free port; binds 127.0.0.1)
//
// Prints one line {"port":N,"issuer":"http://127.0.0.1:N"} on stdout when ready and exits
// when its stdin closes (so it never outlives the test process that started it).
//
// The library provides discovery, JWKS, the authorize endpoint (auto-approve: 302 to
// redirect_uri with code and state; remembers nonce and the PKCE challenge per code) and
// the token endpoint (checks code_verifier against the challenge). This file replaces the
// library's ID token with one it signs itself, so tests can shape it:
//
//   POST /__control/next-token       {claim: value | null (= remove), ...,
//                                      "exp_offset": s, "iat_offset": s,
//                                      "alg": "RS256" | "ES256",
//                                      "sign_with_unknown_key": true,   // kid not in the JWKS
//                                      "bad_signature": true,           // known kid, wrong key
//                                      "rotate_key": true}              // new kid added to the JWKS
//                                     applies to the next ID token only.
//   POST /__control/next-authorize   {"error": "access_denied"}  next authorize redirects with it
//   POST /__control/token-endpoint   {"status": 500}  token endpoint answers that until reset
//   POST /__control/reset            back to defaults (the JWKS keeps rotated keys)
//   GET  /__control/stats            {"discovery":n,"jwks":n,"token":n,"authorize":n}
//   GET  /__control/last-token-request  the form fields of the last successful token request
//
// Multi-tenant Entra ID imitation: /{tenant}/v2.0/... serves the same endpoints; its discovery
// document names the issuer http://127.0.0.1:N/{tenant}/v2.0, or .../{tenantid}/v2.0 for
// "common", "organizations" and "consumers" (as Microsoft does).
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const { OAuth2Server } = require('oauth2-mock-server');

const port = Number(process.argv[2] || 0);
const oauth2 = new OAuth2Server();
const service = oauth2.service;

const defaultClaims = {
  sub: 'mock-user-1',
  email: 'user@example.com',
  email_verified: true,
  name: 'Mock User',
  picture: 'https://example.com/avatar.png',
  tid: '9188040d-6c67-4c5b-b112-36a304b66dad',
  oid: '00000000-0000-0000-66f3-3332eca7ea81',
};

function newKey(alg, kid) {
  const pair = alg === 'ES256'
    ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { alg, kid, privateKey: pair.privateKey };
}

// Published keys go into the library's key store, which serves them at /jwks.
async function publish(key) {
  await oauth2.issuer.keys.add({ ...key.privateKey.export({ format: 'jwk' }), alg: key.alg, kid: key.kid, use: 'sig' });
  return key;
}

let keys;           // { RS256, ES256, unknown }
let rotations = 0;
let state;
const stats = { discovery: 0, jwks: 0, token: 0, authorize: 0 };

function resetState() {
  state = { nextToken: null, pendingKey: null, lastTokenRequest: {}, nextAuthorizeError: null, tokenStatus: 0, currentRsa: keys.RS256 };
}

const b64url = (data) => Buffer.from(data).toString('base64url');

function sign(header, payload, key) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const options = key.alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' } : key.privateKey;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), options).toString('base64url')}`;
}

// The library's ID token carries what it learned from the flow (aud = client_id, nonce from
// the authorize request); everything else comes from the defaults and the overrides.
function shapeIdToken(libraryToken) {
  const issued = JSON.parse(Buffer.from(libraryToken.split('.')[1], 'base64url').toString());
  const overrides = { ...(state.nextToken || {}) };
  const rotated = state.pendingKey;
  state.nextToken = null;
  state.pendingKey = null;

  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: oauth2.issuer.url, aud: issued.aud, iat: now, exp: now + 3600, ...defaultClaims };
  if (issued.nonce !== undefined) claims.nonce = issued.nonce;

  const flags = {};
  for (const name of ['exp_offset', 'iat_offset', 'alg', 'sign_with_unknown_key', 'bad_signature', 'rotate_key']) {
    if (name in overrides) {
      flags[name] = overrides[name];
      delete overrides[name];
    }
  }
  if (flags.exp_offset !== undefined) claims.exp = now + Number(flags.exp_offset);
  if (flags.iat_offset !== undefined) claims.iat = now + Number(flags.iat_offset);
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) delete claims[name];
    else claims[name] = value;
  }

  let key = flags.alg === 'ES256' ? keys.ES256 : state.currentRsa;
  if (rotated) key = rotated;
  let kid = key.kid;
  if (flags.sign_with_unknown_key) {
    key = keys.unknown;
    kid = keys.unknown.kid;
  } else if (flags.bad_signature) {
    kid = key.kid;
    key = key.alg === 'ES256' ? newKey('ES256', 'throwaway') : keys.unknown;
  }
  return sign({ alg: key.alg, typ: 'JWT', kid }, claims, key);
}

service.on('beforeResponse', (response, req) => {
  state.lastTokenRequest = { ...(req.body || {}) };
  if (response.body && typeof response.body.id_token === 'string') {
    response.body.id_token = shapeIdToken(response.body.id_token);
  }
});

service.on('beforeAuthorizeRedirect', (redirect) => {
  if (!state.nextAuthorizeError) return;
  redirect.url.searchParams.delete('code');
  redirect.url.searchParams.set('error', state.nextAuthorizeError);
  state.nextAuthorizeError = null;
});

function readJson(req) {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { text += chunk; });
    req.on('end', () => {
      try {
        resolve(text.trim() === '' ? {} : JSON.parse(text));
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function control(req, res, path) {
  const body = req.method === 'POST' ? await readJson(req) : {};
  if (req.method === 'GET' && path === '/__control/stats') return sendJson(res, 200, stats);
  if (req.method === 'GET' && path === '/__control/last-token-request') return sendJson(res, 200, state.lastTokenRequest);
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' });
  switch (path) {
    case '/__control/next-token':
      state.nextToken = body;
      if (body.rotate_key) {
        rotations += 1;
        state.pendingKey = await publish(newKey('RS256', `rs-rotated-${rotations}`));
        state.currentRsa = state.pendingKey;
      }
      return sendJson(res, 200, { ok: true });
    case '/__control/next-authorize':
      state.nextAuthorizeError = body.error || 'access_denied';
      return sendJson(res, 200, { ok: true });
    case '/__control/token-endpoint':
      state.tokenStatus = Number(body.status) || 0;
      return sendJson(res, 200, { ok: true });
    case '/__control/reset':
      resetState();
      for (const k of Object.keys(stats)) stats[k] = 0;
      return sendJson(res, 200, { ok: true });
    default:
      return sendJson(res, 404, { error: 'unknown control endpoint' });
  }
}

function tenantDiscovery(res, tenant) {
  const base = oauth2.issuer.url;
  const generic = ['common', 'organizations', 'consumers'].includes(tenant);
  sendJson(res, 200, {
    issuer: `${base}/${generic ? '{tenantid}' : tenant}/v2.0`,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    jwks_uri: `${base}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    code_challenge_methods_supported: ['S256'],
  });
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  let path = url.pathname;
  if (path.startsWith('/__control/')) return control(req, res, path);

  const tenant = /^\/([^/]+)\/v2\.0(\/.*)$/.exec(path);
  if (tenant) {
    if (tenant[2] === '/.well-known/openid-configuration') {
      stats.discovery += 1;
      return tenantDiscovery(res, tenant[1]);
    }
    path = tenant[2];
    req.url = path + url.search;
  }
  if (path === '/.well-known/openid-configuration') stats.discovery += 1;
  if (path === '/jwks') stats.jwks += 1;
  if (path === '/authorize') stats.authorize += 1;
  if (path === '/token') {
    stats.token += 1;
    if (state.tokenStatus) return sendJson(res, state.tokenStatus, { error: 'server_error' });
  }
  return service.requestHandler(req, res);
}

async function main() {
  keys = {
    RS256: await publish(newKey('RS256', 'rs-1')),
    ES256: await publish(newKey('ES256', 'es-1')),
    unknown: newKey('RS256', 'not-in-jwks'),
  };
  resetState();
  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => sendJson(res, 500, { error: String(e && e.message) }));
  });
  await new Promise((resolve, reject) => server.listen(port, '127.0.0.1', resolve).on('error', reject));
  const actual = server.address().port;
  oauth2.issuer.url = `http://127.0.0.1:${actual}`;
  process.stdout.write(`${JSON.stringify({ port: actual, issuer: oauth2.issuer.url })}\n`);

  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((e) => {
  process.stderr.write(`oidc mock: ${e.stack || e}\n`);
  process.exit(1);
});
