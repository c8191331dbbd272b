"""The Piccolo app of vendor-ms: its tables and migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from vendor_ms.db.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="vendor_ms",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(TABLES),
    migration_dependencies=[],
    commands=[],
)
