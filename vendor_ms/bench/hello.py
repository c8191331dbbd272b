"""The floor of `vendor-ms bench api`: a Litestar hello-world, served as `vendor-ms serve` serves the
app (uvicorn, one worker, the same defaults), so the ratio measures only what the app adds.

    python -m vendor_ms.bench.hello --port 8001
"""

from __future__ import annotations

import argparse

from litestar import Litestar, get


@get("/")
async def hello() -> dict[str, str]:
    return {"hello": "world"}


app = Litestar(route_handlers=[hello])


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m vendor_ms.bench.hello")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
