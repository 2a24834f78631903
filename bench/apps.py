from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed only for its `seed_bench` command: the benchmark's data generator."""

    name = "bench"
    verbose_name = "Benchmark"
