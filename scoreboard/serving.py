"""How uvicorn serves the app, for ``scoreboard serve`` and ``scoreboard demo``.

- Forwarded headers (X-Forwarded-For, X-Forwarded-Proto) are believed only from the proxies
  named in ``FORWARDED_ALLOW_IPS``; with none named they are ignored. (uvicorn's own default
  believes them from 127.0.0.1, which let a local client choose its address per request.)
- Websockets use uvicorn's default protocol (``websockets-sansio``) with one repair: a
  handshake the ``websockets`` library refuses while reading it — a header line over 8 KiB (a
  big cookie from another app on the host), too many headers, a request line too long — gets
  the library's answer (431, 414) and the connection is closed. uvicorn 0.54 leaves that answer
  unsent and the connection hanging. And a text frame that is not UTF-8 — a client's mistake —
  closes the socket with 1007 and a line in the log, not a traceback.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from scoreboard.settings import Settings


class WebSocketProtocol(WebSocketsSansIOProtocol):
    def send_receive_event_to_app(self) -> None:
        if self.curr_msg_data_type == "text" and not self.close_sent:
            try:
                b"".join(self.frames).decode()
            except UnicodeDecodeError:
                self.frames = []
                self.logger.info("a websocket text frame that is not UTF-8: closed with 1007")
                self.conn.send_close(1007)
                self.handle_parser_exception()
                return
        super().send_receive_event_to_app()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self.handshake_initiated and self.conn.handshake_exc is not None and not self.transport.is_closing():
            self.transport.write(b"".join(self.conn.data_to_send()))
            self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The keyword arguments for ``uvicorn.run`` or ``uvicorn.Config`` that the settings decide."""
    proxies = settings.forwarded_allow_ips
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies, "ws": WebSocketProtocol,
            "ws_per_message_deflate": settings.ws_compression}
