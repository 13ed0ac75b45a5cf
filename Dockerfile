# mycourier image: `docker build .` builds the admin UI with Node, the static Go
# binary, and the distroless runtime image around it.
# A binary already built on the host (bin/mycourier-linux-amd64; what the tests
# and `make image-package` use, so nothing is compiled twice) is packaged on the
# same runtime stage by deploy/image/package.Dockerfile.
# Base images are build arguments so a build without a registry can name
# local ones (the tests do); the defaults are the public images.
# Written for BuildKit and the classic builder alike (the classic builder
# builds every stage before its target, so each stage here is needed by the
# last one, and `--target runtime` builds the runtime stage alone).
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot
ARG GO_IMAGE=golang:1.26-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- runtime: everything the final image has except the binary ----
FROM ${RUNTIME_IMAGE} AS runtime
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="mycourier" \
      org.opencontainers.image.description="Back office of a courier company: GraphQL API and admin UI" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Proprietary" \
      org.opencontainers.image.source="https://github.com/mycourier/mycourier"
# 65532 is distroless's "nonroot"; the data directory belongs to it so a fresh
# volume mounted there is writable (SQLite, uploads, backups).
COPY --chown=65532:65532 deploy/image/data/ /var/lib/mycourier/
WORKDIR /var/lib/mycourier
ENV MYCOURIER_MODE=production \
    MYCOURIER_LISTEN=:8080 \
    MYCOURIER_DATA_DIR=/var/lib/mycourier \
    MYCOURIER_DATABASE_URL=sqlite:///var/lib/mycourier/mycourier.db
USER 65532:65532
EXPOSE 8080
VOLUME ["/var/lib/mycourier"]
HEALTHCHECK --interval=10s --timeout=4s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/mycourier", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/mycourier"]
CMD ["serve"]

# ---- ui: the admin UI, built where the Go build embeds it (internal/webui/dist/app) ----
FROM ${NODE_IMAGE} AS ui
WORKDIR /src
# The lock file first: an unchanged one keeps the installed packages cached.
COPY admin-ui/package.json admin-ui/package-lock.json ./admin-ui/
RUN cd admin-ui && npm ci --no-audit --no-fund
COPY . .
RUN cd admin-ui && npm run build && test -f ../internal/webui/dist/app/index.html

# ---- build: the static Go binary, with the built UI in the tree ----
FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=ui /src/internal/webui/dist/app ./internal/webui/dist/app
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false \
      -ldflags="-s -w -X github.com/mycourier/mycourier/internal/platform/buildinfo.Version=${VERSION}" \
      -o /out/mycourier ./cmd/mycourier

# ---- release (default): the full build ----
FROM runtime AS release
COPY --from=build --chown=0:0 /out/mycourier /usr/local/bin/mycourier
