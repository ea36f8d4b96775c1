# delay-proxy.py LISTEN_PORT UPSTREAM_PORT DELAY_MS: a DNS proxy on
# 127.0.0.1 that forwards UDP and TCP to 127.0.0.1:UPSTREAM_PORT and holds
# every answer for DELAY_MS before passing it back (the fallback link delay
# of bench/dns/run.sh when netem is not available).
import asyncio
import sys

listen, upstream, delay = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) / 1000.0


class Upstream(asyncio.DatagramProtocol):
    def __init__(self, server, client):
        self.server, self.client = server, client

    def datagram_received(self, data, addr):
        loop = asyncio.get_running_loop()
        loop.call_later(delay, self.server.transport.sendto, data, self.client)


class Server(asyncio.DatagramProtocol):
    def __init__(self):
        self.ups = {}

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        asyncio.ensure_future(self.forward(data, addr))

    async def forward(self, data, addr):
        up = self.ups.get(addr)
        if up is None:
            loop = asyncio.get_running_loop()
            up, _ = await loop.create_datagram_endpoint(
                lambda: Upstream(self, addr), remote_addr=("127.0.0.1", upstream))
            self.ups[addr] = up
        up.sendto(data)


async def pipe(reader, writer, hold):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if hold:
                await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    writer.close()


async def tcp(reader, writer):
    try:
        ur, uw = await asyncio.open_connection("127.0.0.1", upstream)
    except OSError:
        writer.close()
        return
    await asyncio.gather(pipe(reader, uw, False), pipe(ur, writer, True))


async def main():
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(Server, local_addr=("127.0.0.1", listen))
    server = await asyncio.start_server(tcp, "127.0.0.1", listen)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
