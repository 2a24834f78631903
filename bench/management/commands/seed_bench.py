"""Generate the benchmark's department: N times the demo in teams, KPIs and key results, years of history."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench import generator


class Command(BaseCommand):
    help = (
        "Generate a bench department: max(1, round(0.3*N)) teams of 40 KPIs and 20 key results, "
        "with WEEKS weeks of history ending at 2024-W33. Repeatable: the same scale, seed and weeks "
        "give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="N: 1 is about the demo's size.")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--weeks", type=int, default=generator.DEFAULT_WEEKS)
        parser.add_argument(
            "--fresh", action="store_true", help="Delete an existing bench dataset and generate again."
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, scale, seed, weeks, fresh, force, **options):
        if scale < 1 or scale > 1000:
            raise CommandError("--scale must be between 1 and 1000.")
        if weeks < 2 or weeks > 2000:
            raise CommandError("--weeks must be between 2 and 2000.")
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_bench writes hundreds of thousands of rows; it refuses with DEBUG off. "
                "Use --force if this really is a bench database."
            )
        plan = generator.Plan(scale=scale, weeks=weeks)
        marker = generator.read_marker()
        if generator.has_bench_rows() or marker is not None:
            if not fresh and generator.marker_matches(marker, plan, seed):
                self.stdout.write(
                    f"Bench dataset scale={scale} seed={seed} weeks={weeks} is already here; nothing to do."
                )
                return
            if not fresh:
                held = (
                    "an incomplete bench dataset"
                    if marker is None
                    else "bench dataset scale={scale} seed={seed} weeks={weeks} version={version}".format(
                        **marker
                    )
                )
                raise CommandError(
                    f"This database holds {held}. Run again with --fresh to delete it and generate "
                    f"scale={scale} seed={seed} weeks={weeks}."
                )
            self.stdout.write("Deleting the existing bench dataset …")
            generator.delete_bench_data()

        started = time.perf_counter()
        generator.generate(
            scale, seed=seed, weeks=weeks, log=lambda message: self.stdout.write(f"  {message}")
        )
        # Fresh statistics, or SQLite sorts every KPI value for the first page of /kpis/ (FINDINGS §1).
        generator.analyze()
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated scale={scale} seed={seed} weeks={weeks}: {plan.teams} teams, {plan.kpis} KPIs, "
                f"{plan.kpi_values} KPI values, {plan.key_result_updates} key result updates, "
                f"{plan.incidents} incidents in {seconds:.1f} s. Log in as {generator.ADMIN_USERNAME} "
                f"or {generator.MANAGER_USERNAME} / {generator.PASSWORD}."
            )
        )
