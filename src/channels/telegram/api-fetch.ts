import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';

/** The part of a fetch response grammY's API client reads (`res.json()`). */
interface JsonResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

/** What grammY passes to its `fetch` (see grammY's `createJsonPayload`). */
interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: { aborted: boolean; addEventListener(type: 'abort', fn: () => void): void; removeEventListener(type: 'abort', fn: () => void): void } | null;
}

/** grammY's own default fetch (node-fetch, its dependency), for the calls this one leaves to it. */
const nodeFetch = createRequire(require.resolve('grammy'))('node-fetch') as (url: string, init: unknown) => Promise<JsonResponse>;

/**
 * How soon after a call went out on a kept-alive connection its failure counts as the connection
 * having been closed before the call reached the server (see {@link telegramFetch}). The reset
 * comes at once; the margin is for an event loop running late on a loaded machine.
 */
export const STALE_CONNECTION_MS = 2_000;

/** One keep-alive agent per protocol: every Bot API call reuses the same few sockets. */
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
/**
 * File uploads (an .ics with a booking, a worker's export) each on a connection of their own:
 * their body is a multipart stream that cannot be sent again, so the stale kept-alive connection
 * a JSON call survives by resending (see {@link telegramFetch}) would fail the upload, and with
 * it the reply (a webhook's 503, the kept reply resent whole). Uploads are rare; a new
 * connection each costs a handshake, not a lost message.
 */
const uploadAgents = { http: new HttpAgent({ keepAlive: false }), https: new HttpsAgent({ keepAlive: false }) };

/**
 * A `fetch` for grammY's API client (`client.fetch`) that sends the JSON calls — nearly every
 * Bot API call Körpü makes — straight through node:http with a keep-alive agent, and leaves
 * everything else (file uploads: a multipart stream as the body) to node-fetch, grammY's own
 * default (on a connection of its own, see `uploadAgents`). Why: node-fetch's Request, Headers and AbortSignal objects and its URL parsing cost
 * a third of a call's CPU (5,000 sendMessage calls, 50 in flight, against the bench's fake Bot
 * API: ≈ 170 µs per call with node-fetch, ≈ 110–130 µs with this, grammY's own work included;
 * Körpü makes ≈ 1.85 calls per update). Behaviour grammY relies on is kept: the method,
 * headers and body as given, an abort through the signal (grammY's timeout) rejecting the
 * call, and the response's body parsed as JSON whatever the status (Telegram's errors are JSON
 * too).
 *
 * A call sent on a kept-alive connection that the Bot API had closed meanwhile fails with
 * ECONNRESET or EPIPE before any answer, at once: the server's keep-alive timeout ran out as the
 * call went out, or before this process read the close (on a loaded machine the agent's own idle
 * timer, set a second short of the server's, fires late; one fuzzed update in 400 was answered
 * 503 for it). Such a call is sent again on another connection, as Node's documentation of
 * `request.reusedSocket` advises, instead of failing the reply (a webhook would answer 503 and
 * wait for Telegram's redelivery). Only a failure within {@link STALE_CONNECTION_MS} of the
 * send: a call held and then cut may have been read and delivered, and is the caller's (a
 * webhook's redelivery sends the kept reply only if no other process took it meanwhile).
 * Bounded: each such failure uses up one pooled connection, and a failure on a new connection,
 * or once an answer began, is the caller's.
 */
export function telegramFetch(url: string, init: FetchInit = {}): Promise<JsonResponse> {
  if (typeof init.body !== 'string') return nodeFetch(url, { ...init, agent: url.startsWith('https:') ? uploadAgents.https : uploadAgents.http });
  const body = init.body;
  return new Promise<JsonResponse>((resolve, reject) => {
    const signal = init.signal ?? undefined;
    const target = targetOf(url);
    const send = (): void => {
      if (signal?.aborted) return reject(abortError(url));
      const req = (target.https ? httpsRequest : httpRequest)({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path: target.path,
        method: init.method ?? 'POST',
        agent: target.https ? agents.https : agents.http,
        headers: { ...init.headers, 'content-length': Buffer.byteLength(body) },
      });
      let answered = false;
      const sentAt = Date.now();
      // grammY makes a new signal for every call, so the listener goes with it: nothing to remove.
      // (Closures here are inline on purpose: under tsx every named one costs a __name call.)
      signal?.addEventListener('abort', () => req.destroy(abortError(url)));
      req.on('error', (err: NodeJS.ErrnoException) => (!answered && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && Date.now() - sentAt < STALE_CONNECTION_MS ? send() : reject(err)));
      req.on('response', (res: IncomingMessage) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({
            ok: status >= 200 && status < 300,
            status,
            json() {
              return parseJson(text);
            },
          });
        });
      });
      req.end(body);
    };
    send();
  });
}

/** The answer's body as JSON, as `Response.json()` gives it (a promise; rejected when it is not JSON). */
function parseJson(text: string): Promise<unknown> {
  try {
    return Promise.resolve(JSON.parse(text) as unknown);
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

/** Where a call goes: the API root parsed once (every call shares it), the method's path added. */
interface Target {
  https: boolean;
  protocol: string;
  hostname: string;
  port: string;
  path: string;
}
const roots = new Map<string, Omit<Target, 'path'> & { base: string }>();

function targetOf(url: string): Target {
  // `<apiRoot>/bot<token>/<method>`: the part before the method is the same for every call.
  const cut = url.lastIndexOf('/');
  const rootUrl = url.slice(0, cut);
  let root = roots.get(rootUrl);
  if (!root) {
    const u = new URL(rootUrl);
    root = { https: u.protocol === 'https:', protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, base: u.pathname };
    if (roots.size > 16) roots.clear();
    roots.set(rootUrl, root);
  }
  return { https: root.https, protocol: root.protocol, hostname: root.hostname, port: root.port, path: `${root.base}${url.slice(cut)}` };
}

/** The error an aborted call rejects with (as node-fetch's, named AbortError). */
function abortError(url: string): Error {
  const e = new Error(`The request to ${url.replace(/\/bot[^/]+\//, '/bot<token>/')} was aborted`);
  e.name = 'AbortError';
  return e;
}
