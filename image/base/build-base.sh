#!/usr/bin/env bash
# Builds the base image of Gale's container image, without a registry or a Docker daemon:
# a minimal Debian 12 (bookworm) root file system made with debootstrap, with a headless
# Java 17 runtime, python3 (for python functions), CA certificates and the user gale (uid and
# gid 10001, home /var/lib/gale), packed as a `docker save`-style tarball that Jib reads as
# its base image (`tar://...`).
#
#   image/base/build-base.sh OUTPUT.tar
#
# Building takes a few minutes and needs root (debootstrap, chroot) and the Debian mirror
# ($GALE_DEBIAN_MIRROR, default http://deb.debian.org/debian). The result is cached in
# ${GALE_IMAGE_CACHE:-~/.cache/gale}/gale-base-<hash of this script>.tar, so it is built
# once per version of this script; OUTPUT is a copy of the cached file.
set -euo pipefail

out="${1:?usage: build-base.sh OUTPUT.tar}"
script="$(readlink -f "${BASH_SOURCE[0]}")"
hash="$(sha256sum "$script" | cut -c1-16)"
cache_dir="${GALE_IMAGE_CACHE:-$HOME/.cache/gale}"
cached="$cache_dir/gale-base-$hash.tar"
mirror="${GALE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
uid=10001

deliver() {
  mkdir -p "$(dirname "$out")"
  if [ "$(readlink -f "$out" 2>/dev/null || true)" != "$(readlink -f "$cached")" ]; then
    cp -f "$cached" "$out.tmp.$$"
    mv -f "$out.tmp.$$" "$out"
  fi
  echo "gale base image: $out (cached as $cached)"
}

if [ -s "$cached" ]; then
  deliver
  exit 0
fi

fail() { echo "error: build-base: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "building the base image needs root (debootstrap and chroot); run it once as root or put a built $cached in place"
command -v debootstrap >/dev/null 2>&1 || fail "debootstrap is not installed (apt-get install -y --no-install-recommends debootstrap)"
mkdir -p "$cache_dir"

# one build at a time (several worktrees may share the cache)
exec 8>"$cache_dir/.gale-base.lock"
flock 8
if [ -s "$cached" ]; then
  deliver
  exit 0
fi

work="$(mktemp -d "$cache_dir/build.XXXXXX")"
root="$work/rootfs"
unmount_all() {
  # whatever debootstrap or this script mounted under the work directory, deepest first
  local m
  for m in $(awk -v w="$work" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
}
cleanup() {
  unmount_all
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

echo "gale base image: debootstrap $suite (minbase) from $mirror …" >&2
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; fail "debootstrap failed (log above)"; }

echo "gale base image: installing the Java 17 runtime and python3 …" >&2
mount -t proc proc "$root/proc"
cat >"$root/usr/sbin/policy-rc.d" <<'POLICY'
#!/bin/sh
# no services start while the image is built
exit 101
POLICY
chmod 0755 "$root/usr/sbin/policy-rc.d"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  sh -c 'apt-get update -qq &&
         apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless python3 ca-certificates &&
         apt-get clean' >"$work/apt.log" 2>&1 \
  || { tail -n 30 "$work/apt.log" >&2; fail "installing packages failed (log above)"; }
chroot "$root" groupadd --gid "$uid" gale
chroot "$root" useradd --uid "$uid" --gid "$uid" --home-dir /var/lib/gale --no-create-home \
  --shell /usr/sbin/nologin gale
rm -f "$root/usr/sbin/policy-rc.d"
# nothing may stay mounted in the root file system before files are removed and packed
unmount_all
if awk -v w="$work" 'index($2, w) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
  fail "a file system is still mounted under $work; not touching it"
fi

# the state directory of the image's user; /tmp as usual
install -d -m 0750 -o "$uid" -g "$uid" "$root/var/lib/gale"
chmod 1777 "$root/tmp"
# what a running container does not need: package lists, caches, docs, logs of the build,
# device nodes (the runtime mounts /dev)
rm -rf --one-file-system "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* \
  "$root"/var/cache/debconf/*-old "$root"/usr/share/doc/* "$root"/usr/share/man/* \
  "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/var/log/*.log "$root"/var/log/apt/* \
  "$root"/dev/* "$root"/root/.bash_history
java_home="$(dirname "$(dirname "$(readlink -f "$root/usr/bin/java" | sed "s|^$root||")")")"
[ -x "$root$java_home/bin/java" ] || fail "no java in the root file system ($java_home)"

echo "gale base image: packing …" >&2
img="$work/image"
mkdir -p "$img"
# one layer: the whole root file system, owners kept as numbers, stable order
tar --numeric-owner --sort=name --xattrs --one-file-system -C "$root" -cf "$img/layer.tar" .
diff_id="sha256:$(sha256sum "$img/layer.tar" | cut -d' ' -f1)"
created="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
cat >"$img/config.json" <<JSON
{
  "architecture": "amd64",
  "os": "linux",
  "created": "$created",
  "config": {
    "User": "$uid:$uid",
    "WorkingDir": "/var/lib/gale",
    "Env": [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "JAVA_HOME=$java_home",
      "LANG=C.UTF-8"
    ]
  },
  "rootfs": { "type": "layers", "diff_ids": ["$diff_id"] },
  "history": [ { "created": "$created", "created_by": "image/base/build-base.sh ($suite minbase + openjdk-17-jre-headless, python3)" } ]
}
JSON
config_id="$(sha256sum "$img/config.json" | cut -d' ' -f1)"
mv "$img/config.json" "$img/$config_id.json"
cat >"$img/manifest.json" <<JSON
[ { "Config": "$config_id.json", "RepoTags": ["gale-base:$hash"], "Layers": ["layer.tar"] } ]
JSON
tar -C "$img" -cf "$work/base.tar" manifest.json "$config_id.json" layer.tar
mv -f "$work/base.tar" "$cached"
deliver
