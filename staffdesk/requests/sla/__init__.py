"""SLA clocks of requests: a pure computation over the timeline, and its stored cache."""
