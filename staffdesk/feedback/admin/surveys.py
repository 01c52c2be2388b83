"""Admin of satisfaction surveys."""
