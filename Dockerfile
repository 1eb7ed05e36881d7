# syntax=docker/dockerfile:1
# Production image: multi-stage, non-root, data/ volume, health check by the service itself.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
COPY alembic ./alembic
RUN pip install --no-cache-dir --upgrade pip \
 && pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    WIREWATCH_CONFIG=/app/config.yaml
RUN useradd --create-home --uid 10001 wirewatch
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /app
COPY config.yaml ./config.yaml
RUN mkdir -p /app/data /app/outbox && chown -R wirewatch:wirewatch /app/data /app/outbox
USER wirewatch
VOLUME ["/app/data"]
EXPOSE 8080
# The service listens on 127.0.0.1:8080 by default; set server.listen: 0.0.0.0:8080 to
# publish it. The health check asks the service itself, inside the container.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["wirewatch", "health"]
CMD ["wirewatch", "run"]
