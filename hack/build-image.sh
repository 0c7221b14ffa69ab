#!/usr/bin/env bash
# build-image.sh — capkit's container image as an OCI archive, offline: no registry pull, no Docker engine.
# Three layers, each a sorted tar with fixed mtimes (epoch 0), numeric owners and no atime/ctime, gzip -n:
#   1. base  Debian minbase + libvirt0, openssh-client, ca-certificates, user nonroot 65532   hack/ensure-image-base.sh
#   2. jre   /opt/java: a runtime jlink'ed from this machine's JDK with the modules capkit.jar needs (jdeps)
#   3. app   /app/capkit.jar
# Config: User 65532:65532, Entrypoint [/opt/java/bin/java, -jar, /app/capkit.jar], Cmd [--help], Env with
# JAVA_TOOL_OPTIONS (the webhook's, docs/image.md; the provider's manifest sets its own). One image serves
# `webhook serve` and `provider run`. The archive holds an OCI image layout (oci-layout, index.json, blobs/sha256)
# whose index names the manifest by the tag (org.opencontainers.image.ref.name) and by the full reference
# (io.containerd.image.name), so `skopeo copy oci-archive:FILE:TAG ...`, `ctr import` and `docker load` take it.
#
# Usage: hack/build-image.sh --jar cli/target/capkit.jar --name ghcr.io/capkit/capkit --tag 0.1.0-SNAPSHOT \
#          --out image/target/capkit-image-0.1.0-SNAPSHOT.tar
# Needs root on a cold cache (debootstrap); the base and JRE layers are cached under
# ${XDG_CACHE_HOME:-~/.cache}/capkit/oci-base/ and .../oci-jre/, so a warm build only packs the jar.
set -euo pipefail

LOG_TAG=build-image
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JAR="" NAME="" TAG="" OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;;
    --name) NAME="$2"; shift 2 ;;
    --tag) TAG="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ -n "$JAR" && -n "$NAME" && -n "$TAG" && -n "$OUT" ]] || die "usage: build-image.sh --jar FILE --name REPO --tag TAG --out FILE"
[[ -f "$JAR" ]] || die "no jar at $JAR (build it first: mvn -pl cli -am package -DskipTests)"
JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"
# OCI distribution spec: a tag is [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}.
[[ "$TAG" =~ ^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$ ]] || die "'$TAG' is not a valid image tag"

START="$(now_s)"
# The webhook's JVM options (docs/webhook.md, bench/RESULTS.md): short young pauses on few CPUs, half the memory
# limit as heap. ImageIT checks that webhook/config/deployment.yaml sets the same.
JAVA_TOOL_OPTIONS_DEFAULT="-XX:+UseSerialGC -XX:MaxRAMPercentage=50 -Xmn32m"
# Service providers jdeps cannot see: EC keys and ECDHE in TLS, the zip file system, JNDI DNS.
EXTRA_MODULES="jdk.crypto.ec,jdk.zipfs,jdk.naming.dns"
TAR_OPTS=(--format=posix --sort=name --mtime=@0 --numeric-owner
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)

for tool in tar gzip sha256sum; do command -v "$tool" >/dev/null 2>&1 || die "$tool not found"; done
JAVA_BIN="$(readlink -f "$(command -v java)")" || die "no java on PATH"
JDK_HOME="$(dirname "$(dirname "$JAVA_BIN")")"
for tool in jlink jdeps jar; do [[ -x "$JDK_HOME/bin/$tool" ]] || die "$JDK_HOME has no $tool: install a JDK (openjdk-17-jdk-headless)"; done
[[ -d "$JDK_HOME/jmods" ]] || die "$JDK_HOME has no jmods folder, which jlink needs"

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# pack_layer DIR DEST [tar options...]: DEST.tar.gz and DEST.diffid (sha256 of the uncompressed tar), atomically.
pack_layer() {
  local dir="$1" dest="$2"
  shift 2
  local names
  mapfile -t names < <(cd "$dir" && LC_ALL=C ls -A | LC_ALL=C sort)
  tar "${TAR_OPTS[@]}" "$@" -C "$dir" -cf "$dest.tar.tmp" -- "${names[@]}"
  sha "$dest.tar.tmp" >"$dest.diffid.tmp"
  gzip -n -6 -c "$dest.tar.tmp" >"$dest.tar.gz.tmp"
  rm -f "$dest.tar.tmp"
  mv "$dest.tar.gz.tmp" "$dest.tar.gz"
  mv "$dest.diffid.tmp" "$dest.diffid"
}

# --- layer 1: base (cached beside the root filesystem it is packed from) ---------------------------------------
ROOTFS="$("$HACK_DIR/ensure-image-base.sh")"
BASE_CACHE="$(dirname "$ROOTFS")"
if [[ ! -f "$BASE_CACHE/layer.diffid" ]]; then
  log "packing the base layer from $ROOTFS ..."
  with_lock oci-base
  [[ -f "$BASE_CACHE/layer.diffid" ]] || pack_layer "$ROOTFS" "$BASE_CACHE/layer"
fi

# --- layer 2: JRE ------------------------------------------------------------------------------------------------
# Modules: jdeps over the dependencies (cached by their coordinates and versions, read from the jar's
# pom.properties) and over capkit's own classes (every build, a few seconds), plus EXTRA_MODULES.
CACHE_JRE="$CAPKIT_CACHE/oci-jre"
mkdir -p "$CACHE_JRE/modules"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/own" "$WORK/maven"
(cd "$WORK/maven" && "$JDK_HOME/bin/jar" xf "$JAR" META-INF/maven)
(cd "$WORK/own" && "$JDK_HOME/bin/jar" xf "$JAR" io/capkit)
DEPS_KEY="$(find "$WORK/maven" -name pom.properties -exec cat {} + | grep -v '^#' | LC_ALL=C sort | sha256sum | cut -c1-16)"
DEPS_MODULES="$CACHE_JRE/modules/$DEPS_KEY"
if [[ ! -s "$DEPS_MODULES" ]]; then
  log "jdeps over the jar's dependencies (once per dependency set) ..."
  "$JDK_HOME/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$JAR" >"$DEPS_MODULES.tmp" ||
    die "jdeps failed on $JAR"
  mv "$DEPS_MODULES.tmp" "$DEPS_MODULES"
fi
OWN_MODULES="$("$JDK_HOME/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$WORK/own")" ||
  die "jdeps failed on capkit's classes"
MODULES="$(printf '%s,%s,%s' "$(cat "$DEPS_MODULES")" "$OWN_MODULES" "$EXTRA_MODULES" | tr ',' '\n' |
  sed '/^$/d' | LC_ALL=C sort -u | paste -sd, -)"
JDK_ID="$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$JDK_HOME/release")"
JRE_KEY="$(printf 'capkit oci-jre v2 %s %s %s' "$JDK_HOME" "$JDK_ID" "$MODULES" | sha256sum | cut -c1-16)"
JRE_DIR="$CACHE_JRE/$JRE_KEY"
if [[ ! -f "$JRE_DIR/layer.diffid" ]]; then
  log "jlink $JDK_ID: $MODULES ..."
  with_lock oci-jre
  if [[ ! -f "$JRE_DIR/layer.diffid" ]]; then
    rm -rf "$CACHE_JRE"/.tmp.*
    TMP_JRE="$(mktemp -d "$CACHE_JRE/.tmp.XXXXXX")"
    mkdir -p "$TMP_JRE/root/opt"
    "$JDK_HOME/bin/jlink" --add-modules "$MODULES" --output "$TMP_JRE/root/opt/java" --strip-debug --no-man-pages \
      --no-header-files --generate-cds-archive >"$TMP_JRE/jlink.log" 2>&1 || { cat "$TMP_JRE/jlink.log" >&2; die "jlink failed"; }
    # The archive for heaps above 32 GiB (no compressed oops): capkit runs with a few hundred MiB.
    rm -f "$TMP_JRE/root/opt/java/lib/server/classes_nocoops.jsa"
    # jlink takes lib/security/cacerts from java.base.jmod, a real trust store (the installed JDK's own is a link to
    # /etc/ssl/certs/java/cacerts, which the image has no package for): TLS to a forge works out of the box.
    [[ -s "$TMP_JRE/root/opt/java/lib/security/cacerts" && ! -L "$TMP_JRE/root/opt/java/lib/security/cacerts" ]] ||
      die "the jlink'ed runtime has no lib/security/cacerts"
    chmod -R u+rwX,go+rX,go-w "$TMP_JRE/root"
    printf '%s\n' "$MODULES" >"$TMP_JRE/modules"
    pack_layer "$TMP_JRE/root" "$TMP_JRE/layer" --owner=0 --group=0
    rm -rf "$TMP_JRE/root" "$TMP_JRE/jlink.log"
    rm -rf "$JRE_DIR"
    chmod 0755 "$TMP_JRE"
    mv "$TMP_JRE" "$JRE_DIR"
  fi
fi

# --- layer 3: the application --------------------------------------------------------------------------------
mkdir -p "$WORK/app/app"
install -m 0644 "$JAR" "$WORK/app/app/capkit.jar"
chmod 0755 "$WORK/app/app"
pack_layer "$WORK/app" "$WORK/app-layer" --owner=0 --group=0

# --- the OCI image layout --------------------------------------------------------------------------------------
LAYOUT="$WORK/layout"
mkdir -p "$LAYOUT/blobs/sha256"
LAYER_FILES=("$BASE_CACHE/layer" "$JRE_DIR/layer" "$WORK/app-layer")
LAYER_DESCS=() DIFF_IDS=()
for l in "${LAYER_FILES[@]}"; do
  d="$(sha "$l.tar.gz")"
  cp "$l.tar.gz" "$LAYOUT/blobs/sha256/$d"
  LAYER_DESCS+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$(size "$l.tar.gz")}")
  DIFF_IDS+=("\"sha256:$(cat "$l.diffid")\"")
done
join() { local IFS=,; printf '%s' "$*"; }

# blob FILE: moves FILE into blobs/sha256 under its digest; prints "digest size".
blob() {
  local d s
  d="$(sha "$1")"
  s="$(size "$1")"
  mv "$1" "$LAYOUT/blobs/sha256/$d"
  printf '%s %s\n' "$d" "$s"
}

CREATED="1970-01-01T00:00:00Z"
ANNOTATIONS="\"org.opencontainers.image.title\":\"capkit\",\"org.opencontainers.image.version\":\"$TAG\",\"org.opencontainers.image.base.name\":\"debian:$IMAGE_DEBIAN_SUITE (debootstrap minbase)\""
printf '%s' "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"$CREATED\",\
\"config\":{\"User\":\"65532:65532\",\
\"Env\":[\"PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"JAVA_HOME=/opt/java\",\"LANG=C.UTF-8\",\"JAVA_TOOL_OPTIONS=$JAVA_TOOL_OPTIONS_DEFAULT\"],\
\"Entrypoint\":[\"/opt/java/bin/java\",\"-jar\",\"/app/capkit.jar\"],\"Cmd\":[\"--help\"],\
\"WorkingDir\":\"/home/nonroot\",\"Labels\":{$ANNOTATIONS}},\
\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$(join "${DIFF_IDS[@]}")]},\
\"history\":[{\"created\":\"$CREATED\",\"created_by\":\"hack/ensure-image-base.sh: debootstrap --variant=minbase $IMAGE_DEBIAN_SUITE + $IMAGE_BASE_PACKAGES\"},\
{\"created\":\"$CREATED\",\"created_by\":\"hack/build-image.sh: jlink $JDK_ID --add-modules $MODULES\"},\
{\"created\":\"$CREATED\",\"created_by\":\"hack/build-image.sh: /app/capkit.jar\"}]}" >"$WORK/config.json"
read -r CONFIG_DIGEST CONFIG_SIZE < <(blob "$WORK/config.json")

printf '%s' "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\
\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$CONFIG_DIGEST\",\"size\":$CONFIG_SIZE},\
\"layers\":[$(join "${LAYER_DESCS[@]}")],\"annotations\":{$ANNOTATIONS}}" >"$WORK/manifest.json"
read -r MANIFEST_DIGEST MANIFEST_SIZE < <(blob "$WORK/manifest.json")

printf '%s' "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\
\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$MANIFEST_DIGEST\",\"size\":$MANIFEST_SIZE,\
\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},\
\"annotations\":{\"org.opencontainers.image.ref.name\":\"$TAG\",\"io.containerd.image.name\":\"$NAME:$TAG\"}}]}" >"$LAYOUT/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$LAYOUT/oci-layout"

mkdir -p "$(dirname "$OUT")"
tar "${TAR_OPTS[@]}" --owner=0 --group=0 -C "$LAYOUT" -cf "$OUT.tmp" oci-layout index.json blobs
mv "$OUT.tmp" "$OUT"
printf 'sha256:%s\n' "$MANIFEST_DIGEST" >"$OUT.digest"
log "$NAME:$TAG sha256:$MANIFEST_DIGEST -> $OUT ($(( $(size "$OUT") / 1048576 )) MiB; layers: base $(( $(size "$BASE_CACHE/layer.tar.gz") / 1048576 )), jre $(( $(size "$JRE_DIR/layer.tar.gz") / 1048576 )), app $(( $(size "$WORK/app-layer.tar.gz") / 1048576 )) MiB gzip) in $(elapsed "$START")s"
