# kamscope in one binary (the web UI embedded). Build context: the repository root.
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        rustc-web cargo-web rust-web-src lld-22 gcc libc6-dev pkg-config ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN frontend/build.sh && cargo build --release -p kamscope-server --features embed-spa

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/kamscope /usr/local/bin/kamscope
ENV KAMSCOPE_LISTEN=0.0.0.0:8080
ENTRYPOINT ["/usr/local/bin/kamscope"]
CMD ["serve"]
