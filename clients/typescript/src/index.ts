// A typed client of ignition-api. The types come from the server's OpenAPI document
// (`npm run generate` writes src/schema.d.ts from docs/openapi.json); the requests are
// openapi-fetch's, with what every call to this API needs: the cookies, the CSRF token on unsafe
// methods, a hook for 401, and errors as a typed `ApiError`.
//
//   const api = createIgnitionClient({ onUnauthorized: () => location.assign("/auth/signin") });
//   const idea = await ok(api.POST("/api/v1/ideas", { body: { title: "Walk more" } }));
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";

/** The error body of every failed answer (contract §1). */
export type ErrorBody = components["schemas"]["Error"];
export type IgnitionClient = Client<paths>;

/** An answer that is not a success: its status and, when the server sent one, its error body. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody | undefined;

  constructor(status: number, body: ErrorBody | undefined) {
    super(body?.error ?? `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }

  /** The error's code (`insufficient_funds`, `validation_failed`…), or undefined without a body. */
  get code(): ErrorBody["code"] | undefined {
    return this.body?.code;
  }

  /** With `validation_failed`: the problem of each field. */
  get fields(): Record<string, string> {
    return this.body?.fields ?? {};
  }
}

export interface IgnitionClientOptions {
  /** Where the API is: "" (the page's own origin, the default) or an absolute URL. */
  baseUrl?: string;
  /** Called with every 401 answer, before the call fails: the frontend sends the user to sign in. */
  onUnauthorized?: (response: Response) => void;
  /** The CSRF token for unsafe methods; by default the `csrf_token` cookie of `document.cookie`. */
  csrfToken?: () => string | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Another fetch (tests, instrumentation). */
  fetch?: (request: Request) => Promise<Response>;
}

const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The value of cookie `name` in a `Cookie` header (or `document.cookie`). */
export function cookieValue(cookies: string | undefined | null, name: string): string | undefined {
  for (const part of (cookies ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

function browserCsrfToken(): string | undefined {
  return typeof document === "undefined" ? undefined : cookieValue(document.cookie, "csrf_token");
}

/** A client for the browser: the session cookie goes with every request (`credentials: "include"`). */
export function createIgnitionClient(options: IgnitionClientOptions = {}): IgnitionClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? "",
    credentials: "include",
    headers: options.headers,
    fetch: options.fetch,
  });
  const csrfToken = options.csrfToken ?? browserCsrfToken;
  const middleware: Middleware = {
    onRequest({ request }) {
      const token = csrfToken();
      if (token && unsafeMethods.has(request.method)) request.headers.set("X-CSRF-Token", token);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) options.onUnauthorized?.(response);
      return response;
    },
  };
  client.use(middleware);
  return client;
}

/** What a call of the client resolves to (openapi-fetch's result). */
type Outcome<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful call; throws `ApiError` with the error body otherwise. */
export async function ok<T>(call: Promise<Outcome<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok && response.status !== 304) {
    const body = error && typeof error === "object" && "code" in error ? (error as ErrorBody) : undefined;
    throw new ApiError(response.status, body);
  }
  return data as T;
}

/** The incoming request of a server that renders pages (Node's IncomingMessage, a Fetch `Request`…). */
export interface IncomingRequest {
  headers: Headers | Record<string, string | string[] | undefined>;
  /** The address the request came from (Node: `request.socket.remoteAddress`). */
  remoteAddress?: string;
}

function header(incoming: IncomingRequest, name: string): string | undefined {
  const headers = incoming.headers;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * For server-side rendering: a client that calls the API for the browser whose request is being
 * rendered. It forwards that request's `Cookie` (so the API sees the user's session), takes the
 * CSRF token from it, and adds the browser's address to `X-Forwarded-For`, which the API believes
 * only from an address in its `TRUSTED_PROXIES`.
 */
export function createServerClient(
  incoming: IncomingRequest,
  options: Omit<IgnitionClientOptions, "csrfToken"> & { baseUrl: string },
): IgnitionClient {
  const cookie = header(incoming, "cookie");
  const forwarded = [header(incoming, "x-forwarded-for"), incoming.remoteAddress].filter(Boolean).join(", ");
  const headers: Record<string, string> = { ...options.headers };
  if (cookie) headers["Cookie"] = cookie;
  if (forwarded) headers["X-Forwarded-For"] = forwarded;
  return createIgnitionClient({ ...options, headers, csrfToken: () => cookieValue(cookie, "csrf_token") });
}

/**
 * A stored file's bytes as a stream, never whole in memory: `Range` ("bytes=0-99") asks for a
 * part (206). Throws `ApiError` when the answer is not 200 or 206.
 */
export async function downloadBlob(
  client: IgnitionClient,
  id: string,
  range?: string,
): Promise<{ stream: ReadableStream<Uint8Array>; response: Response }> {
  const { data, error, response } = await client.GET("/api/v1/blobs/{id}", {
    params: { path: { id } },
    headers: range ? { Range: range } : {},
    parseAs: "stream",
  });
  if (!data || (response.status !== 200 && response.status !== 206)) throw new ApiError(response.status, error as ErrorBody);
  return { stream: data, response };
}

/** Uploads a file's bytes with its media type (`image/png`…): the new blob's metadata. */
export async function uploadBlob(
  client: IgnitionClient,
  filename: string,
  contentType: string,
  bytes: Uint8Array | Blob | ReadableStream<Uint8Array>,
): Promise<components["schemas"]["Blob"]> {
  return ok(
    client.POST("/api/v1/blobs", {
      params: { query: { filename } },
      // The bytes as they are: the default serializer would write JSON.
      body: bytes as unknown as string,
      bodySerializer: (body: unknown) => body as BodyInit,
      headers: { "Content-Type": contentType },
      // A stream needs half-duplex in Node's fetch.
      ...(bytes instanceof ReadableStream ? { duplex: "half" } : {}),
    }),
  );
}
