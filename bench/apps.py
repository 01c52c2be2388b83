from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Owns the `bench_seed` command; it has no models."""

    name = "bench"
    label = "bench"
    verbose_name = "Benchmark dataset"
