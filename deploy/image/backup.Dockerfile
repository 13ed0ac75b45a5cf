# mycourier-backup: the mycourier binary beside pg_dump and pg_restore, for
# `mycourier backup` and `mycourier restore` against PostgreSQL (the runtime
# image is distroless and has no PostgreSQL client). Built from an image of
# mycourier and a PostgreSQL image whose major version is the server's or newer:
#   docker build -f deploy/image/backup.Dockerfile \
#     --build-arg MYCOURIER_IMAGE=mycourier:1.2.3 -t mycourier-backup:1.2.3 .
ARG MYCOURIER_IMAGE=mycourier:latest
ARG POSTGRES_IMAGE=postgres:16-bookworm

FROM ${MYCOURIER_IMAGE} AS app

FROM ${POSTGRES_IMAGE}
ARG VERSION=dev
LABEL org.opencontainers.image.title="mycourier-backup" \
      org.opencontainers.image.description="mycourier backup and restore with pg_dump/pg_restore" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Proprietary" \
      org.opencontainers.image.source="https://github.com/mycourier/mycourier"
COPY --from=app /usr/local/bin/mycourier /usr/local/bin/mycourier
# Backups go to /backups (a volume); the stored files, when on local disk,
# are read from the data directory mounted as in the app's container.
COPY --chown=65532:65532 deploy/image/data/ /backups/
COPY --chown=65532:65532 deploy/image/data/ /var/lib/mycourier/
ENV MYCOURIER_MODE=production \
    MYCOURIER_DATA_DIR=/var/lib/mycourier \
    MYCOURIER_BACKUP_DIR=/backups
USER 65532:65532
VOLUME ["/backups", "/var/lib/mycourier"]
ENTRYPOINT ["/usr/local/bin/mycourier"]
CMD ["backup"]
