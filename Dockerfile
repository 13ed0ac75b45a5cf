# syntax=docker/dockerfile:1
# mycourier: one static binary (pure-Go SQLite and PostgreSQL drivers, no cgo).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/mycourier ./cmd/mycourier

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mycourier /usr/local/bin/mycourier
WORKDIR /var/lib/mycourier
ENV MYCOURIER_MODE=production \
    MYCOURIER_LISTEN=:8080 \
    MYCOURIER_DATA_DIR=/var/lib/mycourier
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK NONE
ENTRYPOINT ["mycourier"]
CMD ["serve"]
