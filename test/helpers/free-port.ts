import net from 'node:net';

/**
 * A TCP port free right now on 127.0.0.1 (taken from a server that is then closed).
 *
 * @example
 * const port = await freePort();
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
