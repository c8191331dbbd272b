"""vendor-ms: vendor management for outsourced e-commerce customer service (客服外包)."""

__version__ = "0.1.0"
