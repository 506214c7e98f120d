// SPDX-License-Identifier: Apache-2.0
/* checkpoint: what runc's Checkpoint asks of criu, over its RPC (criu.c).
 * The mounts criu cannot dump (the config's bind mounts, the host's
 * /dev/null over masked files, the host's device nodes bound in) are marked
 * external, keyed by their mount point in the container; restore
 * (restore.c) maps the keys back to the config's sources. */
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <sys/stat.h>

/* runc's defaults for the devices it creates (runtime/init/dev.c's list) */
static const char *const default_devices[] = {"/dev/null",   "/dev/zero",    "/dev/full",
					      "/dev/random", "/dev/urandom", "/dev/tty"};

/* ---- checkpoint ---- */

/* The mount points in the container (field 5 of its mountinfo), "\n"-joined
 * between "\n"s for a whole-line search. */
static char *mount_points(pid_t pid, struct brig_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, &text, NULL, err) < 0)
		return NULL;
	size_t cap = strlen(text) + 2, n = 1;
	char *out = xmalloc(cap);
	out[0] = '\n';
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mp[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		n += (size_t)snprintf(out + n, cap - n, "%s\n", mp);
	}
	return out;
}

static bool is_mount_point(const char *points, const char *path)
{
	_cleanup_free_ char *clean = path_clean(path);
	_cleanup_free_ char *needle = xasprintf("\n%s\n", clean);
	return strstr(points, needle) != NULL;
}

/* runc's addCriuDumpMount, addMaskPaths and its device binds. A bind
 * mount's key is its mount point: the destination resolved in the rootfs
 * (a destination that is a symlink is mounted on its target). */
static int dump_externals(struct criu_call *call, const struct spec *s, const char *rootfs,
			  pid_t pid, struct brig_error *err)
{
	_cleanup_free_ char *points = mount_points(pid, err);
	if (!points)
		return err_wrap(err, "read the container's mounts");
	for (size_t i = 0; i < s->n_mounts; i++) {
		_cleanup_free_ char *key = criu_mount_key(rootfs, s->mounts[i].destination);
		if (criu_mount_is_bind(&s->mounts[i]) && is_mount_point(points, key))
			criu_external(call, "mnt[%s]:%s", key, key);
	}
	for (char **m = s->linux.masked_paths; m && *m; m++) {
		char path[4200];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%d/root%s", pid, *m);
		if (!is_mount_point(points, *m) || stat(path, &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		criu_external(call, "mnt[%s]:/dev/null", *m);
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_devices) + s->linux.n_devices; i++) {
		const char *d = i < ARRAY_SIZE(default_devices)
				    ? default_devices[i]
				    : s->linux.devices[i - ARRAY_SIZE(default_devices)].path;
		if (is_mount_point(points, d))
			criu_external(call, "mnt[%s]:%s", d, d);
	}
	return 0;
}

/* A network namespace the config names by path is not the container's own:
 * criu leaves it and restore joins the config's (runc's extRootNetNS). */
static int dump_netns(struct criu_call *call, const struct spec *s, pid_t pid,
		      struct brig_error *err)
{
	if (!s->linux.namespaces[SPEC_NS_NETWORK].path)
		return 0;
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	if (stat(path, &st) < 0)
		return err_sys(err, "stat '%s'", path);
	criu_external(call, "net[%llu]:" CRIU_NETNS_KEY, (unsigned long long)st.st_ino);
	return 0;
}

/* runc's descriptors.json: what the init's fds 0-2 were (a JSON array of
 * their /proc/PID/fd links), so that restore can put its caller's pipes in
 * place of the dumped ones. */
static int write_descriptors(pid_t pid, const char *image, struct brig_error *err)
{
	char json[3 * 2 * 4096 + 16];
	size_t n = 0;
	json[n++] = '[';
	for (int fd = 0; fd < 3; fd++) {
		char link[64], target[4096];
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", pid, fd);
		ssize_t len = readlink(link, target, sizeof(target) - 1);
		target[len > 0 ? len : 0] = '\0';
		json[n++] = fd ? ',' : '"';
		if (fd)
			json[n++] = '"';
		for (const char *p = target; *p; p++) {
			if (*p == '"' || *p == '\\')
				json[n++] = '\\';
			json[n++] = (unsigned char)*p < 0x20 ? '?' : *p;
		}
		json[n++] = '"';
	}
	json[n++] = ']';
	_cleanup_free_ char *path = path_join(image, CRIU_DESCRIPTORS);
	return write_file_at(AT_FDCWD, path, json, n, O_CREAT | O_TRUNC, err);
}

/* runc's prepareImagePaths: --parent-path is relative to the image path and
 * must be a directory there. */
static int check_parent(const char *image, const char *parent, struct brig_error *err)
{
	if (!parent)
		return 0;
	if (parent[0] == '/')
		return err_set(err, EINVAL, "--parent-path must be relative");
	_cleanup_free_ char *real = path_join(image, parent);
	struct stat st;
	if (stat(real, &st) < 0)
		return err_sys(err, "invalid --parent-path: stat '%s'", real);
	if (!S_ISDIR(st.st_mode))
		return err_errno(err, ENOTDIR, "invalid --parent-path: '%s'", real);
	return 0;
}

/* runc's --page-server ADDRESS:PORT (the address may be empty: any) */
static int parse_page_server(const char *arg, char **address, int *port, struct brig_error *err)
{
	const char *colon = arg ? strrchr(arg, ':') : NULL;
	int64_t n;
	if (!arg)
		return 0;
	if (!colon || parse_int64(colon + 1, 1, 65535, &n) < 0)
		return err_set(err, EINVAL, "--page-server: '%s' is not ADDRESS:PORT", arg);
	*address = xasprintf("%.*s", (int)(colon - arg), arg);
	*port = (int)n;
	return 0;
}

/* runc's --status-fd: an open fd of brig's, writable */
static int parse_status_fd(const char *arg, int *fd, struct brig_error *err)
{
	int64_t n;
	*fd = -1;
	if (!arg)
		return 0;
	if (parse_int64(arg, 0, INT32_MAX, &n) < 0)
		return err_set(err, EINVAL, "invalid --status-fd argument '%s': not a number", arg);
	int flags = fcntl((int)n, F_GETFL);
	if (flags < 0)
		return err_sys(err, "invalid --status-fd argument %d", (int)n);
	if ((flags & O_ACCMODE) == O_RDONLY)
		return err_set(err, EBADF, "invalid --status-fd argument %d: not writable", (int)n);
	*fd = (int)n;
	return 0;
}

/* criu's status-ready: the page server listens (lazy pages); runc writes a
 * \0 to --status-fd and closes it */
static int on_dump_notify(void *ctx, const char *script, pid_t pid, int *fd, struct brig_error *err)
{
	int *status_fd = ctx;
	(void)pid;
	(void)fd;
	(void)err;
	if (strcmp(script, "status-ready") || *status_fd < 0)
		return 0;
	if (write(*status_fd, "", 1) != 1)
		log_warn("checkpoint: write to --status-fd %d: %s", *status_fd, strerror(errno));
	closep(status_fd);
	return 0;
}

int lifecycle_checkpoint(struct container *c, const struct checkpoint_opts *o,
			 struct brig_error *err)
{
	enum spec_status st = container_status(&c->state);
	if (st != SPEC_STATUS_RUNNING && st != SPEC_STATUS_PAUSED)
		return err_set(err, EINVAL, "container cannot be checkpointed in %s state",
			       spec_status_name(st));
	_cleanup_free_ char *ps_address = NULL;
	int ps_port = 0, status_fd = -1;
	if (criu_check_opts(&o->cr, err) < 0 ||
	    parse_page_server(o->page_server, &ps_address, &ps_port, err) < 0 ||
	    parse_status_fd(o->status_fd, &status_fd, err) < 0)
		return -1;
	_cleanup_free_ char *criu = criu_find(o->cr.criu, err);
	if (!criu)
		return -1;
	const char *dir = o->cr.image_path ? o->cr.image_path : "checkpoint";
	if (mkdir_p(dir, 0700, err) < 0)
		return err_wrap(err, "image directory");
	_cleanup_free_ char *image = criu_abs_dir(dir, false, err);
	if (!image || check_parent(image, o->parent_path, err) < 0)
		return -1;
	_cleanup_free_ char *work =
	    o->cr.work_path ? criu_abs_dir(o->cr.work_path, true, err) : xstrdup(image);
	if (!work)
		return -1;
	_cleanup_spec_ struct spec *s = lifecycle_load_config(c, err);
	if (!s)
		return -1;
	/* the whole cgroup frozen at once, as runc asks (its processes cannot
	 * fork away meanwhile) */
	_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
	_cleanup_free_ char *freeze = NULL;
	if (c->state.cgroup_path && cgroup_load(&c->state, &cg, err) == 0 && cg.cg.v2.path &&
	    cg.host.v2_mount)
		freeze = xasprintf("%s%s", cg.host.v2_mount, cg.cg.v2.path);
	_cleanup_(criu_call_clear) struct criu_call call = {
	    .type = o->pre_dump ? CRIU_CALL_PRE_DUMP : CRIU_CALL_DUMP,
	    .image = image,
	    .work = work,
	    .log = o->pre_dump ? "pre-dump.log" : "dump.log",
	    .pid = c->state.pid,
	    .root = c->state.rootfs,
	    .parent = o->parent_path,
	    .freeze_cgroup = freeze,
	    .leave_running = o->leave_running && !o->pre_dump,
	    .track_mem = o->pre_dump || o->parent_path,
	    .ps_address = ps_address,
	    .ps_port = ps_port,
	    .notify = on_dump_notify,
	    .ctx = &status_fd,
	};
	if (dump_externals(&call, s, c->state.rootfs, c->state.pid, err) < 0 ||
	    dump_netns(&call, s, c->state.pid, err) < 0)
		return -1;
	if (!o->pre_dump && write_descriptors(c->state.pid, image, err) < 0)
		return err_wrap(err, "write " CRIU_DESCRIPTORS);
	log_debug("checkpoint %s: %s %s into %s", c->id, criu, call.log, image);
	if (criu_call_run(criu, &call, &o->cr, s, NULL, err) < 0)
		return -1;
	if (o->leave_running || o->pre_dump)
		return 0;
	/* runc's checkpoint destroys the container it stopped */
	if (lifecycle_delete(c, true, err) < 0)
		return err_wrap(err, "delete the checkpointed container");
	return 0;
}
