"""The web pages of announcements (news) and service notices (the status board)."""
