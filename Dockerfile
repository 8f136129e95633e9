# syntax=docker/dockerfile:1
# Preflight: the server binary and its site (CSS, wasm) in a small image, run as a non-root
# user with its SQLite data in a volume (or DATABASE_URL=postgres://… for PostgreSQL).
#   docker build -t preflight .
#   docker run -p 3000:3000 -v preflight-data:/var/lib/preflight preflight
# See compose.yaml for PostgreSQL, and the README's Deployment section.

FROM rust:1-bookworm AS build
# Node for wasm-opt (npm binaryen: Debian's breaks hydration); the rest comes from .ci/setup.sh.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN PREFLIGHT_SETUP_ONLY=build bash .ci/setup.sh \
 && PATH="/src/end2end/node_modules/.bin:$PATH" cargo leptos build --release \
 && strip target/release/preflight

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/preflight --shell /usr/sbin/nologin preflight \
 && mkdir -p /var/lib/preflight \
 && chown preflight:preflight /var/lib/preflight
COPY --from=build /src/target/release/preflight /usr/local/bin/preflight
COPY --from=build /src/target/site /usr/local/share/preflight/site
# MALLOC_ARENA_MAX: glibc's malloc keeps a peak per arena, and every pooled SQLite connection's
# thread may take one of its own (README, "At company scale": 319 MB after the run, 158 with 2).
ENV LEPTOS_SITE_ROOT=/usr/local/share/preflight/site \
    PREFLIGHT_DATA_DIR=/var/lib/preflight \
    PREFLIGHT_ADDR=0.0.0.0:3000 \
    MALLOC_ARENA_MAX=2
USER preflight
WORKDIR /var/lib/preflight
VOLUME ["/var/lib/preflight"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:3000/readyz || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["preflight"]
CMD ["serve"]
