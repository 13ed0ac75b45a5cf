# Packages a static binary built on the host (bin/mycourier-linux-amd64) on the
# runtime stage of the main Dockerfile, so the binary the tests and the
# pipeline checked is the one shipped, compiled once:
#   docker build --target runtime -t mycourier-runtime:$V .
#   docker build -f deploy/image/package.Dockerfile --build-arg RUNTIME=mycourier-runtime:$V -t mycourier:$V .
# (`make image-package VERSION=$V` runs both.)
ARG RUNTIME=mycourier-runtime:latest
FROM ${RUNTIME}
COPY --chown=0:0 bin/mycourier-linux-amd64 /usr/local/bin/mycourier
