# syntax=docker/dockerfile:1
# AirsenalOps: the console plus a pinned AIrsenal release in one image.
# (No Docker engine runs on the development machines: this file is kept correct by reading.)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so the package layer is cached across code changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY AirsenalOps.Core/AirsenalOps.Core.csproj AirsenalOps.Core/packages.lock.json AirsenalOps.Core/
COPY AirsenalOps.Web/AirsenalOps.Web.csproj AirsenalOps.Web/packages.lock.json AirsenalOps.Web/
RUN dotnet restore --locked-mode AirsenalOps.Web/AirsenalOps.Web.csproj
COPY AirsenalOps.Core/ AirsenalOps.Core/
COPY AirsenalOps.Web/ AirsenalOps.Web/
RUN dotnet publish AirsenalOps.Web/AirsenalOps.Web.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# The AIrsenal release whose output formats the parsers are written for (see README).
ARG AIRSENAL_VERSION=1.15.0
# util-linux gives setsid/setpriv, which the job runner uses to put each job in its own process group.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv util-linux curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/airsenal \
 && /opt/airsenal/bin/pip install --no-cache-dir "airsenal==${AIRSENAL_VERSION}" \
 && mkdir -p /data/console /data/airsenal /tmp/airsenal \
 && chown -R app:app /data /tmp/airsenal

# Everything that must survive the container lives under /data (one volume): the console's own
# store and keys (DATA_DIR) and AIrsenal's home and durable database.
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_URLS=http://+:8080 \
    DATA_DIR=/data/console \
    AIRSENAL_BIN_DIR=/opt/airsenal/bin \
    AIRSENAL_HOME=/data/airsenal \
    PERSISTENT_DB_PATH=/data/airsenal/data.db \
    LOCAL_DB_PATH=/tmp/airsenal/data.db
VOLUME ["/data"]

WORKDIR /app
COPY --from=build --chown=app:app /app .
# The aspnet image ships the unprivileged user `app`.
USER app
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/api/health || exit 1
ENTRYPOINT ["dotnet", "AirsenalOps.Web.dll"]
