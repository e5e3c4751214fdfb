import net from 'node:net';

export type ProxyMode = 'forward' | 'refuse' | 'blackhole' | 'stall';

export interface CuttableProxy {
  readonly port: number;
  /**
   * `refuse`: the port stops listening and every open connection is reset (a server that died);
   * `blackhole`: connections are accepted and never answered, open ones are dropped (a hung host);
   * `stall`: the same for new connections, while open ones stay open and carry nothing until
   * restored (a peer that stops answering without losing a connection, as a starved process does).
   */
  cut(mode: Exclude<ProxyMode, 'forward'>): Promise<void>;
  /**
   * Drops the open connections that come from `host` and resets its new ones, while other clients
   * pass: one side of a link cut, as a partition cuts it.
   */
  cutClientsFrom(host: string): void;
  /** Forwards again, on the same port, for every client. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of a server that others share: cutting it makes that server
 * unreachable for whoever connects through the proxy only, while the server itself runs on.
 */
export async function startCuttableProxy(upstream: { host: string; port: number }, listenOn: { port?: number } = {}): Promise<CuttableProxy> {
  let mode: ProxyMode = 'forward';
  const cutClients = new Set<string>();
  const open = new Set<net.Socket>();
  /** The client side of each upstream connection, to drop both sides of a cut client's link. */
  const clientOf = new WeakMap<net.Socket, net.Socket>();
  /** Forwarding connections, to stop and resume their traffic without closing them. */
  const links = new Set<{ client: net.Socket; server: net.Socket }>();
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const onConnection = (client: net.Socket) => {
    if (cutClients.has(client.remoteAddress ?? '')) {
      client.resetAndDestroy();
      return;
    }
    track(client);
    if (mode !== 'forward') return; // blackhole: accepted, never answered
    const server = net.connect(upstream);
    clientOf.set(server, client);
    track(server);
    client.pipe(server);
    server.pipe(client);
    const link = { client, server };
    links.add(link);
    client.on('close', () => links.delete(link));
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  };
  let listener = net.createServer(onConnection);
  const listen = (port: number) => new Promise<void>((resolve, reject) => listener.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  const stopListening = () => new Promise<void>((resolve) => (listener.listening ? listener.close(() => resolve()) : resolve()));
  await listen(listenOn.port ?? 0);
  const port = (listener.address() as net.AddressInfo).port;
  const dropAll = () => {
    for (const socket of open) socket.destroy();
  };

  return {
    port,
    async cut(next) {
      mode = next;
      if (next === 'refuse') {
        const closed = stopListening();
        dropAll();
        await closed;
      } else if (next === 'stall') {
        for (const { client, server } of links) {
          client.unpipe(server);
          server.unpipe(client);
          client.pause();
          server.pause();
        }
      } else {
        dropAll();
      }
    },
    cutClientsFrom(host) {
      cutClients.add(host);
      for (const socket of open) {
        const client = clientOf.get(socket) ?? socket;
        if (client.remoteAddress === host) socket.destroy();
      }
    },
    async restore() {
      if (mode === 'stall') {
        // What arrived meanwhile is delivered now, as after a stall of the network.
        for (const { client, server } of links) {
          client.pipe(server);
          server.pipe(client);
        }
      }
      mode = 'forward';
      cutClients.clear();
      if (!listener.listening) {
        listener = net.createServer(onConnection);
        await listen(port);
      }
    },
    async close() {
      const closed = stopListening();
      dropAll();
      await closed;
    },
  };
}
