# SPDX-License-Identifier: Apache-2.0
"""Builds the CRI tests' images and pushes them to a local registry.

    images.py REGISTRY busybox REPO:TAG [--user U] [--busybox PATH]
    images.py REGISTRY pause REPO:TAG --pause PATH

REGISTRY is host:port of a registry speaking the Docker registry HTTP API v2
over plain http (Debian's docker-registry on 127.0.0.1). An image is one
gzip layer, a config and a Docker schema 2 manifest, pushed with the API's
monolithic upload (POST .../blobs/uploads/, PUT ?digest=, PUT manifests/TAG).
Prints the manifest's digest.

busybox: busybox-static with its applets as hard links (as Docker's busybox
image has them: a masked /bin/ls must not mask the shell), root, an "app" user and
group (1000), groups 1234, 5678 and 50000 (app's), www-data (33),
/www/index.html for httpd, /tmp; --user, --cmd, --variant (a file that
makes another image of the same files) and --add (a file of the host's) change it.
pause: only the static program PATH, as /pause, the entrypoint.
"""
import argparse
import gzip
import hashlib
import http.client
import io
import json
import os
import subprocess
import sys
import tarfile
import time
import urllib.parse

PASSWD = """root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
app:x:1000:1000:app user:/home/app:/bin/sh
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
"""
GROUP = """root:x:0:
daemon:x:1:
app:x:1000:
extra1:x:1234:app
extra2:x:5678:
www-data:x:33:
predefined:x:50000:app
nogroup:x:65534:
"""


def _add(tar, name, data=None, mode=0o644, kind=tarfile.REGTYPE, link="", uid=0, gid=0):
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.uid, info.gid, info.mtime = kind, mode, uid, gid, 0
    info.linkname = link
    if data is not None:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    else:
        tar.addfile(info)


def busybox_layer(busybox, variant="", extra=()):
    with open(busybox, "rb") as f:
        bb = f.read()
    applets = subprocess.run([busybox, "--list"], capture_output=True, text=True, check=True).stdout.split()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for d in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "root",
                  "home", "www", "var", "var/run", "run", "mnt", "tmp"):
            mode = 0o1777 if d == "tmp" else 0o700 if d == "root" else 0o755
            _add(t, d, kind=tarfile.DIRTYPE, mode=mode)
        _add(t, "home/app", kind=tarfile.DIRTYPE, mode=0o755, uid=1000, gid=1000)
        _add(t, "bin/busybox", bb, mode=0o755)
        for a in applets:
            if a != "busybox":
                _add(t, "bin/" + a, kind=tarfile.LNKTYPE, link="bin/busybox", mode=0o755)
        _add(t, "etc/passwd", PASSWD.encode())
        _add(t, "etc/group", GROUP.encode())
        _add(t, "etc/shadow", b"root:*:19000:0:99999:7:::\n", mode=0o600)
        _add(t, "etc/hostname", b"brig\n")
        _add(t, "www/index.html", b"hello from brig busybox\n")
        if variant:
            _add(t, "etc/variant", variant.encode() + b"\n")
        for src, dest, mode in extra:
            with open(src, "rb") as f:
                _add(t, dest.lstrip("/"), f.read(), mode=mode)
    return buf.getvalue()


def pause_layer(pause):
    with open(pause, "rb") as f:
        data = f.read()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        _add(t, "pause", data, mode=0o755)
    return buf.getvalue()


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Registry:
    def __init__(self, addr):
        self.addr = addr

    def request(self, method, path, body=None, headers=None):
        for attempt in range(50):  # the registry may still be starting
            try:
                c = http.client.HTTPConnection(self.addr, timeout=30)
                c.request(method, path, body=body, headers=headers or {})
                r = c.getresponse()
                data = r.read()
                return r.status, r.getheader("Location"), r.getheader("Docker-Content-Digest"), data
            except ConnectionRefusedError:
                time.sleep(0.1)
        raise RuntimeError("registry %s does not answer" % self.addr)

    def push_blob(self, repo, data):
        digest = sha(data)
        status, _, _, _ = self.request("HEAD", "/v2/%s/blobs/%s" % (repo, digest))
        if status == 200:
            return digest
        status, loc, _, body = self.request("POST", "/v2/%s/blobs/uploads/" % repo)
        if status != 202 or not loc:
            raise RuntimeError("start upload to %s: HTTP %d %s" % (repo, status, body[:200]))
        u = urllib.parse.urlparse(loc)
        q = u.query + ("&" if u.query else "") + "digest=" + urllib.parse.quote(digest)
        status, _, _, body = self.request("PUT", u.path + "?" + q, data,
                                          {"Content-Type": "application/octet-stream",
                                           "Content-Length": str(len(data))})
        if status != 201:
            raise RuntimeError("upload %s to %s: HTTP %d %s" % (digest, repo, status, body[:200]))
        return digest

    def push_manifest(self, repo, tag, manifest):
        data = json.dumps(manifest, separators=(",", ":")).encode()
        status, _, digest, body = self.request(
            "PUT", "/v2/%s/manifests/%s" % (repo, tag), data,
            {"Content-Type": manifest["mediaType"], "Content-Length": str(len(data))})
        if status != 201:
            raise RuntimeError("push manifest %s:%s: HTTP %d %s" % (repo, tag, status, body[:300]))
        return digest or sha(data)


def push_image(reg, ref, layer_tar, config):
    repo, _, tag = ref.rpartition(":")
    layer = gzip.compress(layer_tar, mtime=0)
    config = dict(config)
    config.update({"architecture": "amd64", "os": "linux",
                   "rootfs": {"type": "layers", "diff_ids": [sha(layer_tar)]},
                   "created": "2024-01-01T00:00:00Z",
                   "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "brig images.py"}]})
    cfg = json.dumps(config, separators=(",", ":")).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": len(cfg), "digest": reg.push_blob(repo, cfg)},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": len(layer), "digest": reg.push_blob(repo, layer)}],
    }
    return reg.push_manifest(repo, tag, manifest)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("registry")
    ap.add_argument("kind", choices=["busybox", "pause"])
    ap.add_argument("ref", help="REPO:TAG in the registry")
    ap.add_argument("--busybox", default="/bin/busybox")
    ap.add_argument("--pause")
    ap.add_argument("--user", default="", help="the image's USER")
    ap.add_argument("--cmd", default='["sh"]', help="the image's CMD, as a JSON array")
    ap.add_argument("--variant", default="", help="written to /etc/variant: another image, same files")
    ap.add_argument("--add", action="append", default=[], metavar="SRC=DEST[:MODE]",
                    help="a file of the host into the image (MODE in octal, setuid allowed)")
    a = ap.parse_args(argv[1:])
    reg = Registry(a.registry)
    path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    if a.kind == "busybox":
        cfg = {"config": {"Env": [path], "Cmd": json.loads(a.cmd), "WorkingDir": "/", "User": a.user}}
        extra = []
        for spec in a.add:
            src, _, dest = spec.partition("=")
            dest, _, mode = dest.partition(":")
            extra.append((src, dest, int(mode or "755", 8)))
        digest = push_image(reg, a.ref, busybox_layer(a.busybox, a.variant, extra), cfg)
    else:
        if not a.pause:
            ap.error("pause needs --pause PATH")
        cfg = {"config": {"Env": [path], "Entrypoint": ["/pause"], "WorkingDir": "/"}}
        digest = push_image(reg, a.ref, pause_layer(a.pause), cfg)
    print(digest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
