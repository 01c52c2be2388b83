"""Every write of announcements and service notices."""
