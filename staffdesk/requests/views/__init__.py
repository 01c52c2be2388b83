"""Web pages of requests: the request page and its actions (detail), my requests and the queue (lists)."""
