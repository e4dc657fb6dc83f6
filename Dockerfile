# syntax=docker/dockerfile:1
#
# Folio container image: build with the official Swift image, run on Debian slim.
#
#   docker build --build-arg FOLIO_COMMIT=$(git rev-parse --short HEAD) -t folio .
#   docker run --rm -p 8080:8080 --read-only -v folio-data:/data folio
#
# The runtime stage is checked without a Docker engine by scripts/container-check, which
# reads RUNTIME_PACKAGES, FOLIO_UID, the ENV lines and the HEALTHCHECK command from this file.

############################################################################ build
# Same toolchain (6.3.1) and Debian release (12, bookworm) as the development machines.
FROM swift:6.3.1-bookworm AS build

# Headers for the system-library targets (CZlib, COpenSSL, CSQLite, CBrotli, CZstd); binutils for strip.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-dev zlib1g-dev libssl-dev libbrotli-dev libzstd-dev libdeflate-dev libcurl4-openssl-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libpq-dev binutils \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependencies first, so source edits do not refetch them. Package.resolved is optional.
COPY Package.swift Package.resolved* ./
RUN swift package resolve

COPY Sources ./Sources
# Test targets are declared in Package.swift, so their folders must exist for the graph to load.
COPY Tests ./Tests

# `folio --version` names the commit; .git is not copied, so pass it:
#   docker build --build-arg FOLIO_COMMIT=$(git rev-parse --short HEAD) -t folio .
ARG FOLIO_COMMIT=unknown

# The Swift runtime and Foundation are linked statically; only C libraries remain dynamic.
RUN swift build -c release --static-swift-stdlib --product folio \
 && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/folio" /out/folio \
 && strip /out/folio

########################################################################## runtime
FROM debian:bookworm-slim AS runtime

# Exactly the runtime packages for what `ldd folio` lists beyond the base image:
#   libsqlite3.so.0 -> libsqlite3-0     libssl.so.3, libcrypto.so.3 -> libssl3
#   libz.so.1       -> zlib1g (already in the base; listed so it is never lost)
#   libbrotlienc.so.1, libbrotlidec.so.1 -> libbrotli1     libzstd.so.1 -> libzstd1 (in the base too)
#   libdeflate.so.0 -> libdeflate0 (stored bodies are inflated with it)
#   libcurl.so.4 -> libcurl4 (webhook deliveries), and what ldd lists through it and libpq:
#   libnghttp2.so.14 -> libnghttp2-14, librtmp.so.1 -> librtmp1, libssh2.so.1 -> libssh2-1,
#   libpsl.so.5 -> libpsl5, libgssapi_krb5.so.2 -> libgssapi-krb5-2, libkrb5.so.3 -> libkrb5-3,
#   libk5crypto.so.3 -> libk5crypto3, libkrb5support.so.0 -> libkrb5support0,
#   libkeyutils.so.1 -> libkeyutils1, libldap-2.5.so.0, liblber-2.5.so.0 -> libldap-2.5-0,
#   libsasl2.so.2 -> libsasl2-2
#   libcmark-gfm.so.0.29.0.gfm.6, libcmark-gfm-extensions.so.0.29.0.gfm.6 -> libcmark-gfm0.29.0.gfm.6,
#   libcmark-gfm-extensions0.29.0.gfm.6 (Markdown)     libpq.so.5 -> libpq5 (PostgreSQL)
# libc6, libstdc++6 and libgcc-s1 (libc, libm, libstdc++, libgcc_s) come with bookworm-slim.
# ca-certificates: webhook endpoints are reached over HTTPS and their certificates verified.
# No curl command: the health check below uses bash's /dev/tcp.
ARG RUNTIME_PACKAGES="libsqlite3-0 libssl3 zlib1g libbrotli1 libzstd1 libdeflate0 libcurl4 ca-certificates libcmark-gfm0.29.0.gfm.6 libcmark-gfm-extensions0.29.0.gfm.6 libpq5 libnghttp2-14 librtmp1 libssh2-1 libpsl5 libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libkeyutils1 libldap-2.5-0 libsasl2-2"
ARG FOLIO_UID=10001

RUN apt-get update \
 && apt-get install -y --no-install-recommends ${RUNTIME_PACKAGES} \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && groupadd --gid "${FOLIO_UID}" folio \
 && useradd --no-log-init --uid "${FOLIO_UID}" --gid folio --home-dir /app --no-create-home \
            --shell /usr/sbin/nologin folio \
 && mkdir -p /app /data \
 && chown folio:folio /data \
 && ln -s /data /app/data

WORKDIR /app
COPY --from=build /out/folio /usr/local/bin/folio
COPY Public/ /app/Public/
COPY Config/ /app/Config/

# Everything Folio writes goes to /data (the SQLite store, its WAL, and temporary files), so
# the image runs with a read-only root file system: docker run --read-only -v ...:/data
ENV FOLIO_HOST=0.0.0.0 \
    FOLIO_PORT=8080 \
    FOLIO_DATABASE=/data/folio.sqlite \
    FOLIO_PUBLIC=/app/Public \
    FOLIO_LOG_FORMAT=json \
    TMPDIR=/data \
    SQLITE_TMPDIR=/data

VOLUME /data
USER ${FOLIO_UID}:${FOLIO_UID}
EXPOSE 8080
STOPSIGNAL SIGTERM

# bash is essential in Debian, so it is in the slim image; /dev/tcp needs nothing else.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${FOLIO_PORT:-8080} && printf "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3 && read -r -t 2 line <&3 && [[ $line == "HTTP/1.1 200 "* ]]'

ENTRYPOINT ["/usr/local/bin/folio"]
CMD ["serve"]
