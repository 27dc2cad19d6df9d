# Builds the fat jar in a Maven stage, runs it on a JRE as an unprivileged user (uid 10001). One
# image serves both services; the service is chosen by the command:
#   docker run IMAGE line-provider | bet-maker | all
FROM node:24-bookworm-slim AS web
WORKDIR /web
COPY verticles/platform/src/main/frontend/package.json verticles/platform/src/main/frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY verticles/pom.xml verticles/pom.xml
COPY verticles/platform/pom.xml verticles/platform/pom.xml
COPY verticles/wire/pom.xml verticles/wire/pom.xml
COPY verticles/line-provider/pom.xml verticles/line-provider/pom.xml
COPY verticles/bet-maker/pom.xml verticles/bet-maker/pom.xml
COPY verticles/testing/pom.xml verticles/testing/pom.xml
COPY verticles/tests/pom.xml verticles/tests/pom.xml
COPY launcher/pom.xml launcher/pom.xml
COPY bench/pom.xml bench/pom.xml
RUN mvn -B -q dependency:go-offline -DexcludeGroupIds=io.eventwalker || true
COPY conf conf
COPY verticles verticles
COPY launcher launcher
COPY bench/src bench/src
COPY --from=web /web/node_modules verticles/platform/src/main/frontend/node_modules
# GET /info's commit: the context has no .git (.dockerignore), so it comes from this argument
# (docker build --build-arg GIT_COMMIT=$(git rev-parse HEAD) .), else it is "unknown".
ARG GIT_COMMIT=unknown
# The tests are neither compiled nor run here: `mvn verify` runs them against real backing services.
RUN mvn -B -q package -Dmaven.test.skip=true -Dskip.npm=true -Dgit.commit.id=${GIT_COMMIT} -pl launcher -am

FROM eclipse-temurin:17-jre
RUN groupadd --gid 10001 eventwalker \
 && useradd --uid 10001 --gid eventwalker --home-dir /app --no-create-home --shell /usr/sbin/nologin eventwalker
WORKDIR /app
COPY --from=build /src/launcher/target/event-walker.jar /app/event-walker.jar
# The JVM settings the benchmark measures (docs/benchmarks.md): a small heap and the serial collector keep each service well under 256 MB.
# Out of memory, the JVM exits rather than running on half-broken, so that whatever supervises it can start a fresh one.
ENV MALLOC_ARENA_MAX=2
ENV JAVA_TOOL_OPTIONS="-Xmx96m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=96m -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
ENTRYPOINT ["java", "-jar", "/app/event-walker.jar"]
CMD ["all"]
