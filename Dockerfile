# reportsite under gunicorn. Build: `docker build -t reportsite .`; run it with docker-compose.yml (README.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The project installs no packages of its own (it runs from /app), so `pip install .` installs exactly the
# dependencies; copying only these two files first keeps that layer cached across code edits.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .
# Static files are collected into the image; WhiteNoise serves them, so no separate web server is needed.
# The key and host exist only for this build step: settings refuse to load without them when DEBUG is off.
RUN SECRET_KEY=build-only-not-used-at-runtime ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --create-home --uid 10001 reportsite \
    && mkdir -p /app/backups \
    && chown reportsite:reportsite /app/backups \
    && chmod +x docker/entrypoint.sh
USER reportsite

EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
# Workers, threads and timeouts live in gunicorn.conf.py, which the benchmark runs with too.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "reportsite.wsgi:application"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]
