#!/usr/bin/env bash
# Builds the base image of Gale's container image from what the build machine already has —
# offline, without root, without a registry or a Docker daemon:
#
#   - a Java runtime made by `jlink` from the JDK the build runs on ($GALE_IMAGE_JDK, else
#     $JAVA_HOME, else the jlink on PATH): the modules Gale needs (java.se, which the launcher
#     adds, and the JDK modules it or its libraries load: management, JFR, EC crypto, DNS, ...),
#     a default CDS archive for fast start-up, no debug symbols, man pages or headers; the
#     desktop-only native libraries (X11, ALSA, fonts, colour management) are left out, as in a
#     headless JRE;
#   - a minimal userland copied from this machine: bash (the `gale` launcher is a bash script;
#     /bin/sh is bash too), coreutils, grep, sed, find, flock, nologin, and the shared libraries
#     all of these and the runtime need (their `ldd` closure: glibc, zlib, libstdc++, ...);
#   - /etc/passwd and /etc/group with the user gale (uid and gid 10001, home /var/lib/gale),
#     the CA certificates (/etc/ssl/certs/ca-certificates.crt; Java uses its own cacerts), an
#     empty /tmp (1777) and /var/lib/gale (owned by 10001), and
#     /usr/share/gale-base/manifest.txt listing every copied file with its checksum and package.
#
# No python3: the service does not need it, so python functions need a derived image (add
# python3 on top of this one); without it they fail with `runtime_unavailable`.
#
# The result is a `docker save`-style tarball (one gzipped layer) that Jib reads as its base
# image (`tar://...`):
#
#   image/base/build-base.sh OUTPUT.tar
#
# It is cached in ${GALE_IMAGE_CACHE:-~/.cache/gale}/gale-base-<key>.tar, where the key hashes
# this script, the JDK (its release file, jmods and native libraries), the size and time of the
# programs copied and of /etc/ld.so.cache (rewritten when a library is updated), so a JDK or
# library update on this machine makes a new base. OUTPUT is a copy of the
# cached file.
set -euo pipefail

out="${1:?usage: build-base.sh OUTPUT.tar}"
fail() {
  echo "error: build-base: $*" >&2
  exit 1
}
script="$(readlink -f "${BASH_SOURCE[0]}")"
cache_dir="${GALE_IMAGE_CACHE:-$HOME/.cache/gale}"
uid=10001

# --- what goes in ---------------------------------------------------------------------------
# the Java modules: java.se (the launcher runs with --add-modules java.se) and the JDK modules
# that Gale's jars use (jdeps: jdk.management, jdk.net, jdk.unsupported) or that the JDK loads
# as providers at run time (EC and PKCS#11 crypto for TLS, extra charsets, JNDI DNS, zip file
# system, JAAS/Kerberos for database drivers), plus what operators use in a container (JFR,
# the JMX agent, jcmd).
modules=java.se,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.jfr,jdk.net
modules+=,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.charsets,jdk.naming.dns
modules+=,jdk.zipfs,jdk.security.auth,jdk.security.jgss,jdk.jcmd,jdk.attach
# native libraries of a desktop JRE that a headless service never loads
desktop_libs=(libawt_xawt.so libjawt.so libsplashscreen.so libjsound.so libfontmanager.so
  liblcms.so libatk-wrapper.so libj2pcsc.so)
# the userland: the launcher's shell and the tools a shell task or an operator expects
programs=(bash env cat cp mv rm ln ls mkdir rmdir mktemp touch chmod chown stat readlink
  realpath dirname basename pwd echo printf test true false sleep date id whoami uname hostname
  head tail wc sort uniq cut tr tee seq md5sum sha256sum du df nproc timeout kill
  grep sed find xargs flock nologin)

# --- the JDK --------------------------------------------------------------------------------
jdk="${GALE_IMAGE_JDK:-${JAVA_HOME:-}}"
if [ -z "$jdk" ]; then
  jl="$(type -P jlink || true)"
  [ -n "$jl" ] || fail "no JDK: set GALE_IMAGE_JDK or JAVA_HOME to a JDK 17+ with jlink and jmods"
  jdk="$(dirname "$(dirname "$(readlink -f "$jl")")")"
fi
jdk="$(readlink -f "$jdk")"
[ -x "$jdk/bin/jlink" ] || fail "$jdk has no bin/jlink: GALE_IMAGE_JDK must be a JDK, not a JRE"
[ -f "$jdk/jmods/java.base.jmod" ] \
  || fail "$jdk has no jmods/ (on Debian: apt-get install openjdk-17-jdk-headless)"
java_version="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$jdk/release")"
feature="${java_version%%.*}"
[[ "$feature" =~ ^[0-9]+$ ]] && [ "$feature" -ge 17 ] \
  || fail "$jdk is Java '$java_version'; Gale needs 17 or newer"

# --- host files and their shared libraries --------------------------------------------------
prog_paths=()
for p in "${programs[@]}"; do
  path="$(type -P "$p" || true)"
  [ -n "$path" ] || fail "the program '$p' is not on this machine's PATH (needed in the image)"
  prog_paths+=("$path")
done

# the shared libraries the given ELF files need (ldd resolves them transitively), as paths on
# this machine. $1 is the runtime's own directory (or ""): its libraries are skipped, and one of
# them that ldd cannot find (libjvm.so is found by the launcher, not by a run path) is fine.
lib_closure() {
  local own="$1" internal=""
  shift
  [ "$#" -gt 0 ] || return 0
  [ -n "$own" ] && internal="$(find "$own" -name '*.so' -printf '%f\n' | sort -u | tr '\n' ' ')"
  # one ldd for all files: a "FILE:" header, then one dependency per line
  { LC_ALL=C ldd "$@" 2>&1 || true; } | awk -v own="$own/" -v internal=" $internal" -v one="$#" '
    one == 1 && NR == 1 { file = "'"$1"'" }
    /^[^ \t].*:$/ { file = substr($0, 1, length($0) - 1); next }
    $2 == "=>" && $3 == "not" {
      if (index(internal, " " $1 " ") == 0) { missing = missing "\n  " file " needs " $1 }
      next
    }
    $2 == "=>" && $3 ~ /^\// { if (own == "/" || index($3, own) != 1) print $3; next }
    $1 ~ /^\// && $2 ~ /^\(/ { print $1 }
    END { if (missing != "") { print "missing:" missing > "/dev/stderr"; exit 3 } }
  ' | sort -u
}

# the native files of a JDK tree, without the desktop ones
native_files() {
  local f keep d
  find "$1/bin" "$1/lib" -type f \( -name '*.so' -o -perm -u+x \) | sort | while read -r f; do
    keep=1
    for d in "${desktop_libs[@]}"; do [ "${f##*/}" = "$d" ] && keep=0; done
    [ "$keep" = 1 ] && echo "$f"
  done
}

certs=/etc/ssl/certs/ca-certificates.crt
[ -s "$certs" ] || fail "$certs is missing (apt-get install ca-certificates)"

key="$({
  sha256sum "$script"
  echo "$jdk"
  cat "$jdk/release"
  # a library update on this machine runs ldconfig, which rewrites its cache
  stat -L -c '%n %s %Y' "$jdk"/jmods/*.jmod "$jdk"/lib/*.so "${prog_paths[@]}" "$certs" \
    /etc/ld.so.cache 2>/dev/null || true
} | sha256sum | cut -c1-16)"
cached="$cache_dir/gale-base-$key.tar"

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
mkdir -p "$cache_dir"
# one build at a time (several worktrees may share the cache)
exec 8>"$cache_dir/.gale-base.lock"
flock 8
if [ -s "$cached" ]; then
  deliver
  exit 0
fi

work="$(mktemp -d "$cache_dir/build.XXXXXX")"
trap 'rm -rf --one-file-system "$work"' EXIT
root="$work/rootfs"
java_home="/usr/lib/jvm/java-$feature-gale-jre"

# (a failure inside a command substitution only ends that subshell: hence the `|| fail`)
lines() { [ -n "$1" ] && printf '%s\n' "$1"; return 0; }
libs="$(lib_closure "" "${prog_paths[@]}")" \
  || fail "this machine lacks a library the image's programs need (above)"
mapfile -t prog_libs < <(lines "$libs")

# --- the root file system -------------------------------------------------------------------
mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc/ssl/certs,root,tmp,var/tmp,var/lib/gale}
mkdir -p "$root"/{dev,proc,sys,run,usr/lib/jvm,usr/share/gale-base}
# merged /usr, as in Debian 12
for d in bin sbin lib lib64; do ln -s "usr/$d" "$root/$d"; done
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
chmod 0750 "$root/var/lib/gale"

echo "gale base image: jlink $java_version ($jdk) …" >&2
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --generate-cds-archive --output "$root$java_home" >"$work/jlink.log" 2>&1 \
  || { cat "$work/jlink.log" >&2; fail "jlink failed (output above)"; }
for d in "${desktop_libs[@]}"; do rm -f "$root$java_home/lib/$d"; done
# the CDS archive for heaps over 32 GB: such a JVM simply starts without CDS
rm -f "$root$java_home/lib/server/classes_nocoops.jsa"
natives="$(native_files "$root$java_home")" || fail "cannot list the runtime's native files"
mapfile -t jre_natives < <(lines "$natives")
libs="$(lib_closure "$root$java_home" "${jre_natives[@]}")" \
  || fail "this machine lacks a library the runtime's native code needs (above)"
mapfile -t jre_libs < <(lines "$libs")
for t in java jcmd jfr keytool; do ln -s "$java_home/bin/$t" "$root/usr/bin/$t"; done

# programs and libraries, each at the path it has here (merged /usr: /lib/x → /usr/lib/x)
copied=()
copy_host_file() {
  local src="$1" dest="$root$1"
  [ -e "$dest" ] && return 0
  mkdir -p "$(dirname "$dest")"
  cp -L --preserve=mode "$src" "$dest"
  copied+=("$src")
}
for f in "${prog_paths[@]}" $(printf '%s\n' "${prog_libs[@]}" "${jre_libs[@]}" | sort -u); do
  copy_host_file "$f"
done
ln -s bash "$root/usr/bin/sh"
cp -L "$certs" "$root$certs"

cat >"$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/bash
gale:x:$uid:$uid::/var/lib/gale:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$root/etc/group" <<EOF
root:x:0:
gale:x:$uid:
nogroup:x:65534:
EOF
cat >"$root/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF
cat >"$root/etc/os-release" <<EOF
NAME="Gale base"
PRETTY_NAME="Gale base (Java $java_version runtime and a minimal userland from $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -sr))"
ID=gale-base
EOF
: >"$root/etc/hosts"
echo 'gale' >"$root/etc/hostname"

# provenance: what was copied from where, and the licences of those packages
{
  echo "# Gale base image $key, built by image/base/build-base.sh"
  echo "java: $java_version from $jdk, modules $modules"
  echo "# host files: sha256, path, package"
  for f in "${copied[@]}" "$certs"; do
    pkg=""
    if command -v dpkg-query >/dev/null 2>&1; then
      real="$(readlink -f "$f")"
      pkg="$(dpkg-query -S "$f" "$real" "${real#/usr}" 2>/dev/null | head -n1 | cut -d: -f1 || true)"
    fi
    echo "$(sha256sum "$f" | cut -d' ' -f1) $f ${pkg:--}"
  done
} >"$root/usr/share/gale-base/manifest.txt"
awk 'NR > 3 && $3 != "-" { print $3 }' "$root/usr/share/gale-base/manifest.txt" | sort -u \
  | while read -r pkg; do
    if [ -f "/usr/share/doc/$pkg/copyright" ]; then
      mkdir -p "$root/usr/share/doc/$pkg"
      cp -L "/usr/share/doc/$pkg/copyright" "$root/usr/share/doc/$pkg/copyright"
    fi
  done

# --- packing --------------------------------------------------------------------------------
echo "gale base image: packing …" >&2
img="$work/image"
mkdir -p "$img"
# one layer: everything owned by root except the state directory of the image's user; file
# times are kept (the CDS archive checks the time of lib/modules)
tar --format=gnu --sort=name --numeric-owner --owner=0 --group=0 --exclude=./var/lib/gale \
  -C "$root" -cf "$img/layer.tar" .
tar --format=gnu --numeric-owner --owner="$uid" --group="$uid" --no-recursion \
  -C "$root" -rf "$img/layer.tar" ./var/lib/gale
diff_id="sha256:$(sha256sum "$img/layer.tar" | cut -d' ' -f1)"
gzip -n -6 "$img/layer.tar"
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
  "history": [ { "created": "$created", "created_by": "image/base/build-base.sh (jlink $java_version + host userland)" } ]
}
JSON
config_id="$(sha256sum "$img/config.json" | cut -d' ' -f1)"
mv "$img/config.json" "$img/$config_id.json"
cat >"$img/manifest.json" <<JSON
[ { "Config": "$config_id.json", "RepoTags": ["gale-base:$key"], "Layers": ["layer.tar.gz"] } ]
JSON
tar -C "$img" -cf "$work/base.tar" manifest.json "$config_id.json" layer.tar.gz
mv -f "$work/base.tar" "$cached"
deliver
