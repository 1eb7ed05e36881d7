"""The service's HTTP server: /healthz and /metrics."""
