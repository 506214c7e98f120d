#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# images.sh DIR: builds a small image without any registry and loads it
# into docker (docker import), containerd (ctr image import of an OCI
# image layout tarball) and podman (podman import), all as
# brig-busybox:latest. Needs the run's env.sh (daemons.sh start).
#
# The rootfs: busybox-static with its applet links, root and an "app" user
# (uid/gid 1000), /www/index.html for httpd.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DIR=${1:?usage: images.sh DIR}
. "$DIR/env.sh"
IMAGE=brig-busybox:latest
OUT=$DIR/images
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || { echo "no $BUSYBOX (Debian package busybox-static)" >&2; exit 1; }
if ldd "$BUSYBOX" >/dev/null 2>&1; then echo "$BUSYBOX is dynamically linked" >&2; exit 1; fi

mkdir -p "$OUT"
R=$OUT/rootfs
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,root,home/app,www,var/run,var/log,run,mnt,tmp}
chmod 1777 "$R/tmp"
chmod 700 "$R/root"
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$R/bin/$a"
done
cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
app:x:1000:1000:app user:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$R/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
app:x:1000:
nogroup:x:65534:
EOF
echo 'root:*:19000:0:99999:7:::' >"$R/etc/shadow"
chmod 600 "$R/etc/shadow"
: >"$R/etc/hosts"
: >"$R/etc/resolv.conf"
echo brig >"$R/etc/hostname"
echo "hello from brig busybox" >"$R/www/index.html"
chown -R 1000:1000 "$R/home/app"
TAR=$OUT/rootfs.tar
tar --numeric-owner -C "$R" -cf "$TAR" .

# ---- OCI image layout (one gzip layer), for ctr image import
O=$OUT/oci
rm -rf "$O"
mkdir -p "$O/blobs/sha256"
blob() { # FILE: moves FILE into blobs/ under its digest, prints "DIGEST SIZE"
	local d s
	d=$(sha256sum "$1" | cut -d' ' -f1)
	s=$(stat -c %s "$1")
	mv "$1" "$O/blobs/sha256/$d"
	echo "sha256:$d $s"
}
diffid=sha256:$(sha256sum "$TAR" | cut -d' ' -f1)
gzip -n -c "$TAR" >"$O/layer"
read -r ldig lsize < <(blob "$O/layer")
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
jq -cn --arg d "$diffid" --arg c "$created" '{created: $c, architecture: "amd64", os: "linux",
	config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
		Cmd: ["/bin/sh"], WorkingDir: "/"},
	rootfs: {type: "layers", diff_ids: [$d]},
	history: [{created: $c, created_by: "images.sh busybox rootfs"}]}' >"$O/config"
read -r cdig csize < <(blob "$O/config")
jq -cn --arg cd "$cdig" --argjson cs "$csize" --arg ld "$ldig" --argjson ls "$lsize" '{schemaVersion: 2,
	mediaType: "application/vnd.oci.image.manifest.v1+json",
	config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
	layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $ld, size: $ls}]}' >"$O/manifest"
read -r mdig msize < <(blob "$O/manifest")
jq -cn --arg md "$mdig" --argjson ms "$msize" --arg n "docker.io/library/$IMAGE" --arg t "${IMAGE##*:}" '{
	schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
	manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
		platform: {architecture: "amd64", os: "linux"},
		annotations: {"io.containerd.image.name": $n, "org.opencontainers.image.ref.name": $t}}]}' >"$O/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$O/oci-layout"
tar --numeric-owner -C "$O" -cf "$OUT/oci.tar" oci-layout index.json blobs

env_cmd=(-c 'CMD ["/bin/sh"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
"$DOCKER" import "${env_cmd[@]}" "$TAR" "$IMAGE" >/dev/null
"$CTR" images import "$OUT/oci.tar" >/dev/null
# shellcheck disable=SC2086
"$PODMAN" $PODMAN_OPTS import "${env_cmd[@]}" "$TAR" "localhost/$IMAGE" >/dev/null
cl_note "image $IMAGE loaded into docker, containerd (namespace $CONTAINERD_NAMESPACE) and podman"
