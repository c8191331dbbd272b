"""Piccolo's configuration module (PICCOLO_CONF points here).

`DB` is replaced by `vendor_ms.db.engine.bind()` whenever vendor-ms opens a database, so the
Piccolo CLI and the migration runner always see the engine the app is using.
"""

from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine

from vendor_ms.db.engine import engine_from_url
from vendor_ms.settings import get_settings

DB: Engine[Any] = engine_from_url(get_settings().database_url)

APP_REGISTRY = AppRegistry(apps=["vendor_ms.db.piccolo_app"])
