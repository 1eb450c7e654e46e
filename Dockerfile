# syntax=docker/dockerfile:1
# resolvebot's container image: a static binary on an empty base, run as a
# non-root user, with its data on a volume at /data. The root file system
# can be mounted read-only (docker run --read-only, Kubernetes
# readOnlyRootFilesystem): resolvebot writes only to /data.
#
#   docker build -t resolvebot .
#   docker run -d --read-only -p 3978:3978 -v resolvebot-data:/data --env-file resolvebot.env resolvebot
#
# Release builds pass the version: --build-arg VERSION=v1.2.3. GO_IMAGE is
# the builder, any image with Go and a shell (CI builds this file offline
# with a local one).

ARG GO_IMAGE=golang:1.26-bookworm

FROM ${GO_IMAGE} AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
# The commit and its date come from the checkout when it is in the build
# context (Go's VCS stamp); set them explicitly where it is not.
ARG COMMIT=""
ARG DATE=""
RUN go build -buildvcs=auto \
        -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE}" \
        -o /out/resolvebot ./cmd/resolvebot \
    && /out/resolvebot version \
    && mkdir -p /out/data \
    && chown 65532:65532 /out/data \
    && chmod 0700 /out/data

FROM scratch
# TLS to Slack, Microsoft and Redis needs the CA certificates; time zones
# are built into the binary.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/resolvebot /resolvebot
COPY --from=build /out/data /data
USER 65532:65532
ENV RESOLVEBOT_ADDR=:3978 \
    RESOLVEBOT_ADMIN_ADDR=:9090 \
    RESOLVEBOT_DATA=/data/resolvebot.db
VOLUME ["/data"]
# 3978: Slack and the Bot Framework; 9090: the admin listener (health,
# metrics), for your own network only.
EXPOSE 3978 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/resolvebot", "healthcheck"]
ENTRYPOINT ["/resolvebot"]
CMD ["serve"]
