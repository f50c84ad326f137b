# Build with the same command as the README, then run from a small image as a non-root user.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin harbor \
    && mkdir -p /data && chown harbor:harbor /data
COPY --from=build /src/target/release/harbor /usr/local/bin/harbor
USER harbor
WORKDIR /data
# Settings live here; nothing else is written.
VOLUME /data
ENTRYPOINT ["harbor"]
ENV HARBOR_DATA=/data
# The token comes from the environment (docker run --env-file) or a mounted secret file.
CMD ["discord"]
