import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** A listening HTTP server and how to stop it. */
export interface RunningHttpServer {
  server: Server;
  /** The port actually bound (useful with port 0). */
  port: number;
  /** `http://host:port`, for the start-up log line. */
  url: string;
  /** Stops accepting connections, lets requests in flight finish (at most `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts `app` on `host:port` and resolves once it listens (rejects if the port is taken).
 * @example const http = await startHttpServer(app, { port: env.PORT, host: env.HOST });
 */
export function startHttpServer(app: Express, o: { port: number; host: string }): Promise<RunningHttpServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(o.port, o.host);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
      resolve({
        server,
        port,
        url: `http://${shown}:${port}`,
        close: (graceMs = 5000) =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => server.closeAllConnections(), graceMs);
            server.close(() => {
              clearTimeout(timer);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
