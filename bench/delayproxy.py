#!/usr/bin/env python3
"""delayproxy.py - a TCP proxy that adds a fixed delay in each direction.

usage: delayproxy.py LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT DELAY_MS READY

Every chunk read from one side is written to the other DELAY_MS / 2 later
(order kept), so a request/reply exchange through it costs DELAY_MS more:
DELAY_MS is the added round-trip time.  The bench uses it for the "+50 ms
RTT" row because this kernel has no netem.  It does not delay the TCP
handshake itself (connect() returns at once): the figure is, if anything,
a little low for both clients alike.  Writes READY (the port) when
listening; runs until killed.
"""
import asyncio
import sys
import time


async def pipe(reader, writer, delay):
    q = asyncio.Queue()

    async def pump_out():
        while True:
            due, data = await q.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                try:
                    writer.write_eof()
                except OSError:
                    pass
                return
            writer.write(data)
            try:
                await writer.drain()
            except OSError:
                return

    out = asyncio.ensure_future(pump_out())
    try:
        while True:
            data = await reader.read(65536)
            q.put_nowait((time.monotonic() + delay, data or None))
            if not data:
                break
    except OSError:
        q.put_nowait((time.monotonic() + delay, None))
    await out


async def serve(port, host, uport, delay, ready):
    async def handle(cr, cw):
        try:
            ur, uw = await asyncio.open_connection(host, uport)
        except OSError:
            cw.close()
            return
        await asyncio.gather(pipe(cr, uw, delay), pipe(ur, cw, delay),
                             return_exceptions=True)
        for w in (cw, uw):
            w.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", port)
    with open(ready, "w") as f:
        f.write(str(srv.sockets[0].getsockname()[1]))
    async with srv:
        await srv.serve_forever()


def main():
    port, host, uport, ms, ready = sys.argv[1:6]
    asyncio.run(serve(int(port), host, int(uport), float(ms) / 2000.0,
                      ready))


if __name__ == "__main__":
    main()
