# Builds the fat jar in a Maven stage, runs it on a JRE. The service is chosen by the command:
#   docker run IMAGE line-provider | bet-maker | all
FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY verticles/src/main/frontend/package.json verticles/src/main/frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY verticles/pom.xml verticles/pom.xml
COPY launcher/pom.xml launcher/pom.xml
COPY bench/pom.xml bench/pom.xml
RUN mvn -B -q dependency:go-offline -DexcludeArtifactIds=event-walker-verticles || true
COPY conf conf
COPY verticles verticles
COPY launcher launcher
COPY bench/src bench/src
COPY --from=web /web/node_modules verticles/src/main/frontend/node_modules
RUN mvn -B -q package -DskipTests -Dskip.npm=true -pl launcher -am

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/launcher/target/event-walker.jar /app/event-walker.jar
# The JVM settings the benchmark measures (docs/benchmarks.md): a small heap and the serial collector keep each service well under 256 MB.
ENV MALLOC_ARENA_MAX=2
ENV JAVA_TOOL_OPTIONS="-Xmx96m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=96m"
ENTRYPOINT ["java", "-jar", "/app/event-walker.jar"]
CMD ["all"]
