# photoferry server image (see docs/deploy.md). NOT BUILT OR TESTED: no Docker engine runs where this was written.
# Build:  docker build -t photoferry .
# Run:    docker run -d -p 127.0.0.1:8642:8642 -v photoferry-data:/data -e PHOTOFERRY_PASSPHRASE=... photoferry

FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 13 ships prebuilt N-API binaries inside its npm package: no compiler needed.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build:web && npm prune --omit=dev

FROM node:24-bookworm-slim
# rclone: the rclone destination; libheif-examples: HEIC → JPEG conversion (heif-convert).
RUN apt-get update && apt-get install -y --no-install-recommends rclone libheif-examples ca-certificates tini \
  && rm -rf /var/lib/apt/lists/* && useradd --system --home /data --uid 10001 photoferry
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production PHOTOFERRY_HOME=/data
VOLUME ["/data"]
USER photoferry
EXPOSE 8642
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:8642/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Inside the container 0.0.0.0 is the container's own interface; publish the port on 127.0.0.1 of the host
# (or put a TLS proxy in front). --insecure acknowledges that the container itself speaks plain HTTP.
# The launcher itself, not `node bin/photoferry.js`: its shebang carries the heap flags that keep memory flat.
ENTRYPOINT ["/usr/bin/tini", "--", "/app/bin/photoferry.js"]
CMD ["serve", "--host", "0.0.0.0", "--insecure"]
