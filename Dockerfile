# syntax=docker/dockerfile:1
# Larder in a container: the release archive built from this tree (mvn package), run by bin/larder on a JRE.
#   docker build -t larder --build-arg LARDER_COMMIT=$(git rev-parse --short=12 HEAD) .
#   docker run --rm -v larder-data:/data larder demo
#   docker run -d -p 8080:8080 -v larder-data:/data larder serve --host 0.0.0.0
# The store and the working folder are /data (a volume): relative paths (--db, configs, demo output) land there.

FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The build sees no .git (.dockerignore), so the commit for larder --version comes in as an argument; empty is fine.
ARG LARDER_COMMIT=
# The Maven repository is a cache mount: rebuilding after a source change downloads nothing again.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -Dlarder.commit="${LARDER_COMMIT}" -pl larder-dist -am package \
 && mkdir -p /opt/larder \
 && tar -xzf larder-dist/target/larder-*.tar.gz -C /opt/larder --strip-components=1

FROM eclipse-temurin:17-jre
# A user of its own, not root; a fixed uid so a volume's owner is the same in every image.
RUN groupadd --gid 10001 larder \
 && useradd --uid 10001 --gid larder --home-dir /data --no-create-home --shell /usr/sbin/nologin larder \
 && mkdir -p /data && chown larder:larder /data
COPY --from=build /opt/larder /opt/larder
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
# larder serve's default port; inside a container it must listen on --host 0.0.0.0 to be reachable.
EXPOSE 8080
# JVM options come from LARDER_JAVA_OPTS, as for bin/larder anywhere. The JVM is the container's one process, so
# its heap may take three quarters of the container's memory (the JVM's own default is a quarter).
ENV LARDER_JAVA_OPTS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["/opt/larder/bin/larder"]
CMD ["--help"]
