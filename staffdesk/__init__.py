"""staffdesk: an internal customer-service platform, a "311 for employees"."""

__version__ = "0.1.0"
