# syntax=docker/dockerfile:1
# The API and the worker (one image: `courzly serve` by default, `courzly worker` for
# workers). Dependencies are installed in a build stage and copied into a slim runtime
# that has no compilers and runs as an unprivileged user; it writes only to /data.

FROM python:3.11.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/courzly
WORKDIR /app
COPY requirements/main.txt requirements/main.txt
RUN /opt/courzly/bin/pip install -r requirements/main.txt
COPY pyproject.toml README.md alembic.ini ./
COPY app app
COPY migrations migrations
# Editable: migrations and alembic.ini stay beside the code, where `courzly migrate` looks.
RUN /opt/courzly/bin/pip install --no-deps -e .

FROM python:3.11.11-slim-bookworm
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE=https://github.com/courzly/courzly
LABEL org.opencontainers.image.title="courzly-api" \
      org.opencontainers.image.description="Courzly API and worker" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"
# WeasyPrint (PDF exports) draws text with Pango; DejaVu is the fallback font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0=1.50.12+ds-1 \
        libpangoft2-1.0-0=1.50.12+ds-1 \
        fonts-dejavu-core=2.37-6 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 courzly \
    && useradd --system --uid 10001 --gid courzly --home-dir /data --no-create-home courzly \
    && mkdir /data /rendered \
    && chown courzly:courzly /data \
    && chown 65534:65534 /rendered
# /rendered: `courzly monitoring-config` writes there as nobody, the user Prometheus and
# Alertmanager run as (a new named volume mounted there takes this owner).
COPY --from=build /opt/courzly /opt/courzly
COPY --from=build /app /app
ENV PATH=/opt/courzly/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    COURZLY_ENV=production \
    COURZLY_DATA_DIR=/data \
    WEB_APP_DIR=/app/no-web-app
WORKDIR /data
VOLUME ["/data"]
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
# Exec form: the process gets SIGTERM itself; uvicorn and the worker both stop gracefully.
ENTRYPOINT ["courzly"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
