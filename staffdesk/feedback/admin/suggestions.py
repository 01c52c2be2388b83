"""Admin of the suggestion box."""
