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
- Compression (permessage-deflate, ``WS_COMPRESSION``) is negotiated *without context
  takeover* both ways: each message is compressed on its own, so the same message compresses to
  the same bytes for every socket. The board hub sends one frame to thousands of sockets; it is
  compressed once (``SharedDeflate``: the last messages compressed, by their bytes) and the same
  bytes written to each. No socket keeps a compressor or a decompressor between messages either
  (tens of KB each, with context takeover).
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, ClassVar

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import PerMessageDeflate, ServerPerMessageDeflateFactory
from websockets.frames import CTRL_OPCODES, Frame
from websockets.typing import ExtensionParameter

from scoreboard.settings import Settings


class SharedDeflate(PerMessageDeflate):
    """permessage-deflate whose messages, each compressed on its own, are compressed once: the
    most recent ones are kept by their bytes (the settings are the same for every socket)."""

    done: ClassVar[OrderedDict[tuple[int, int, bytes], bytes]] = OrderedDict()  # (opcode, window, data)
    KEEP = 64

    def encode(self, frame: Frame) -> Frame:
        if frame.opcode in CTRL_OPCODES or not frame.fin or not self.local_no_context_takeover:
            return super().encode(frame)  # a fragmented message: compressed as the library does
        key = (frame.opcode.value, self.local_max_window_bits, bytes(frame.data))
        data = self.done.get(key)
        if data is None:
            encoder = zlib.compressobj(wbits=-self.local_max_window_bits, **self.compress_settings)
            data = (encoder.compress(key[2]) + encoder.flush(zlib.Z_SYNC_FLUSH))[:-4]  # RFC 7692 §7.2.1
            self.done[key] = data
            if len(self.done) > self.KEEP:
                self.done.popitem(last=False)
        return Frame(frame.opcode, data, frame.fin, True, frame.rsv2, frame.rsv3)


class SharedDeflateFactory(ServerPerMessageDeflateFactory):
    def __init__(self) -> None:
        super().__init__(server_no_context_takeover=True, client_no_context_takeover=True, server_max_window_bits=12,
                         client_max_window_bits=12, compress_settings={"memLevel": 5})

    def process_request_params(self, params: Sequence[ExtensionParameter], accepted_extensions: Sequence[Extension],
                               ) -> tuple[list[ExtensionParameter], PerMessageDeflate]:
        answer, ext = super().process_request_params(params, accepted_extensions)
        return answer, SharedDeflate(ext.remote_no_context_takeover, ext.local_no_context_takeover,
                                     ext.remote_max_window_bits, ext.local_max_window_bits, ext.compress_settings)


class WebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.config.ws_per_message_deflate:
            self.conn.available_extensions = [SharedDeflateFactory()]

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
