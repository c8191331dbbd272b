"""The request class: JSON numbers with a fraction decode to exact Decimals, never floats.

Litestar decodes a body to builtins and then converts it into the handler's Struct; with
plain JSON decoding, `12345678901234567.89` would pass through a float and lose its fen.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.types import Empty

from vendor_ms.domain.decoding import decode_json_bytes


class AppRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        if self._json is Empty:
            if (cached := self._connection_state.json) is not Empty:
                self._json = cached
            else:
                self._json = self._connection_state.json = decode_json_bytes(await self.body() or b"null")
        return self._json
