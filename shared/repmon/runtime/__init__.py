"""Settings, observability and wiring: the only place that knows which adapter serves which port."""
