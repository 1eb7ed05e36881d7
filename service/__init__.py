"""Wirewatch: news monitoring and alerting."""

__version__ = "0.1.0"
