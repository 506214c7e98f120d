// SPDX-License-Identifier: Apache-2.0
/* checkpoint with criu's command line (Debian has no libcriu): what runc's
 * Checkpoint asks of criu over its RPC, as `criu dump` / `criu pre-dump`
 * flags. The mounts criu cannot dump (the config's bind mounts, the host's
 * /dev/null over masked files, the host's device nodes bound in) are marked
 * external, keyed by their destination; restore (restore.c) maps the keys
 * back to the config's sources. Also the helpers restore shares: finding
 * criu, its common flags, running it and reporting its log's error. */
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

/* runc's defaults for the devices it creates (runtime/init/dev.c's list) */
static const char *const default_devices[] = {"/dev/null",   "/dev/zero",    "/dev/full",
					      "/dev/random", "/dev/urandom", "/dev/tty"};
static const char *const cgroups_modes[] = {"soft", "full", "strict", "ignore"};

void criu_arg(struct criu_args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	a->v = xrealloc(a->v, (a->n + 2) * sizeof(*a->v));
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

void criu_args_clear(struct criu_args *a)
{
	strv_free(a->v);
	a->v = NULL;
	a->n = 0;
	free(a->log);
	a->log = NULL;
}

char *criu_find(const char *name, struct brig_error *err)
{
	if (strchr(name, '/')) {
		if (access(name, X_OK) == 0)
			return xstrdup(name);
		err_sys(err, "criu not found: '%s'", name);
		return NULL;
	}
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = xstrdup(path && *path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *p = path_join(dir, name);
		if (access(p, X_OK) == 0)
			return steal_ptr(&p);
	}
	err_set(err, ENOENT,
		"criu not found: no '%s' in PATH (install criu or name it with --criu)", name);
	return NULL;
}

int criu_check_opts(const struct criu_opts *o, struct brig_error *err)
{
	if (o->lazy_pages)
		return err_set(err, ENOTSUP, "--lazy-pages: not supported by brig");
	for (char **ns = o->empty_ns; ns && *ns; ns++)
		if (strcmp(*ns, "network"))
			return err_set(err, EINVAL,
				       "--empty-ns: namespace '%s' is not supported (only network)",
				       *ns);
	return 0;
}

/* runc's handleCriuConfigurationFile: the annotation org.criu.config names
 * criu's configuration file, "" for none; without the annotation,
 * /etc/criu/runc.conf. criu's RPC ignores a file that is not there and its
 * command line refuses one, so only a file that exists is passed. */
static const char *criu_config(const struct spec *s)
{
	const char *file = spec_annotation(s, CRIU_CONFIG_ANNOTATION);
	if (!file)
		file = CRIU_DEFAULT_CONFIG;
	return *file && access(file, F_OK) == 0 ? file : NULL;
}

/* The value of option `key` in a criu configuration file (lines "key value"
 * or "key=value", '#' comments), the last one; NULL when it is not set. */
static char *criu_config_value(const char *file, const char *key)
{
	_cleanup_free_ char *text = NULL;
	struct brig_error ignored;
	if (read_file_at(AT_FDCWD, file, &text, NULL, &ignored) < 0)
		return NULL;
	char *found = NULL, *save = NULL;
	size_t klen = strlen(key);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (line[0] == '-' && line[1] == '-')
			line += 2;
		if (strncmp(line, key, klen) || !strchr(" \t=", line[klen]) || !line[klen])
			continue;
		char *v = line + klen;
		v += strspn(v, " \t=");
		v[strcspn(v, " \t#")] = '\0';
		if (*v) {
			free(found);
			found = xstrdup(v);
		}
	}
	return found;
}

/* In runc, criu's RPC, the file's settings override the runtime's; on criu's
 * command line the command line wins. So where the file sets what brig would
 * pass too (log-file, manage-cgroups), brig passes the file's. */
void criu_common(struct criu_args *a, const struct criu_opts *o, const struct spec *s,
		 const char *image, const char *work, const char *log)
{
	const char *conf = criu_config(s);
	_cleanup_free_ char *conf_log = conf ? criu_config_value(conf, "log-file") : NULL;
	_cleanup_free_ char *conf_cgroups = conf ? criu_config_value(conf, "manage-cgroups") : NULL;
	if (conf) {
		criu_arg(a, "--config");
		criu_arg(a, "%s", conf);
	}
	free(a->log);
	a->log = xstrdup(conf_log ? conf_log : log);
	criu_arg(a, "-D");
	criu_arg(a, "%s", image);
	criu_arg(a, "-W");
	criu_arg(a, "%s", work);
	criu_arg(a, "-o");
	criu_arg(a, "%s", a->log);
	criu_arg(a, "-v4");
	criu_arg(a, "--manage-cgroups=%s",
		 conf_cgroups ? conf_cgroups : cgroups_modes[o->manage_cgroups_mode]);
	if (o->tcp_established)
		criu_arg(a, "--tcp-established");
	if (o->ext_unix_sk)
		criu_arg(a, "--ext-unix-sk");
	if (o->shell_job)
		criu_arg(a, "--shell-job");
	if (o->file_locks)
		criu_arg(a, "--file-locks");
	if (o->auto_dedup)
		criu_arg(a, "--auto-dedup");
	if (o->empty_ns && *o->empty_ns) {
		criu_arg(a, "--empty-ns");
		criu_arg(a, "net");
	}
}

bool criu_mount_is_bind(const struct spec_mount *m)
{
	if (m->type && !strcmp(m->type, "bind"))
		return true;
	for (char **o = m->options; o && *o; o++)
		if (!strcmp(*o, "bind") || !strcmp(*o, "rbind"))
			return true;
	return false;
}

/* criu's log's cause, for the message: its first "Error" line, unless that
 * is only the verdict ("Dumping FAILED."), which the last one is. */
static char *criu_log_error(const char *path)
{
	_cleanup_free_ char *text = NULL;
	struct brig_error ignored;
	if (read_file_at(AT_FDCWD, path, &text, NULL, &ignored) < 0)
		return NULL;
	char *first = NULL, *last = NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, "Error"))
			continue;
		if (!first && !strstr(line, "FAILED"))
			first = line;
		last = line;
	}
	return first ? xstrdup(first) : last ? xstrdup(last) : NULL;
}

int criu_run(const char *path, const struct criu_args *a, struct ctr_cgroup *cg, const char *work,
	     struct brig_error *err)
{
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0)
		return err_sys(err, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		closep(&go[0]);
		closep(&go[1]);
		return err_sys(err, "fork criu");
	}
	if (pid == 0) {
		char c;
		sigset_t none;
		/* restore in the foreground blocks every signal for its wait: criu
		 * needs its own (SIGCHLD), and sets the restored tasks' masks itself */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		closep(&go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execv(path, a->v);
		_exit(127);
	}
	closep(&go[0]);
	/* restore: criu runs in the container's cgroup, so the tree it restores
	 * starts there (runc's criuApplyCgroups) */
	int r = cg && cg->active ? cgroup_join(cg, pid, false, err) : 0;
	if (r == 0 && write(go[1], "x", 1) != 1)
		r = err_sys(err, "start criu");
	closep(&go[1]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_sys(err, "wait for criu");
	if (r < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* criu's -o is relative to its work dir unless absolute */
	_cleanup_free_ char *logpath = a->log[0] == '/' ? xstrdup(a->log) : path_join(work, a->log);
	_cleanup_free_ char *line = criu_log_error(logpath);
	if (WIFSIGNALED(status))
		return err_set(err, EIO, "%s killed by signal %d (log: %s)", a->v[1],
			       WTERMSIG(status), logpath);
	if (WEXITSTATUS(status) == 127 && !line)
		return err_set(err, EIO, "exec '%s' failed", path);
	return err_set(err, EIO, "criu %s failed: %s (log: %s)", a->v[1],
		       line ? line : "no error in its log", logpath);
}

char *criu_abs_dir(const char *dir, bool create, struct brig_error *err)
{
	if (create && mkdir_p(dir, 0700, err) < 0)
		return NULL;
	char *abs = realpath(dir, NULL);
	if (!abs) {
		err_sys(err, "image directory '%s'", dir);
		return NULL;
	}
	return abs;
}

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

/* runc's addCriuDumpMount, addMaskPaths and its device binds. */
static int dump_externals(struct criu_args *a, const struct spec *s, pid_t pid,
			  struct brig_error *err)
{
	_cleanup_free_ char *points = mount_points(pid, err);
	if (!points)
		return err_wrap(err, "read the container's mounts");
	for (size_t i = 0; i < s->n_mounts; i++) {
		const char *d = s->mounts[i].destination;
		if (criu_mount_is_bind(&s->mounts[i]) && is_mount_point(points, d)) {
			criu_arg(a, "--external");
			criu_arg(a, "mnt[%s]:%s", d, d);
		}
	}
	for (char **m = s->linux.masked_paths; m && *m; m++) {
		char path[4200];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%d/root%s", pid, *m);
		if (!is_mount_point(points, *m) || stat(path, &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		criu_arg(a, "--external");
		criu_arg(a, "mnt[%s]:/dev/null", *m);
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_devices) + s->linux.n_devices; i++) {
		const char *d = i < ARRAY_SIZE(default_devices)
				    ? default_devices[i]
				    : s->linux.devices[i - ARRAY_SIZE(default_devices)].path;
		if (is_mount_point(points, d)) {
			criu_arg(a, "--external");
			criu_arg(a, "mnt[%s]:%s", d, d);
		}
	}
	return 0;
}

/* A terminal: the pty's master is the caller's, outside the tree, so the
 * slave on the init's fds 0-2 is an external tty (criu's tty[RDEV:DEV], kept
 * in the image for restore) and /dev/console, bound from it, an external
 * mount. Restore makes a new pty and hands its master to --console-socket
 * (runc gets the same from criu's RPC, orphan-pts-master). */
static int dump_tty(struct criu_args *a, const struct spec *s, pid_t pid, const char *image,
		    struct brig_error *err)
{
	if (!s->process.terminal)
		return 0;
	char key[64] = "";
	for (int fd = 0; fd < 3 && !key[0]; fd++) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
		if (stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 &&
		    major(st.st_rdev) <= 143) /* UNIX98 pty slaves */
			snprintf(key, sizeof(key), "tty[%llx:%llx]", (unsigned long long)st.st_rdev,
				 (unsigned long long)st.st_dev);
	}
	if (!key[0])
		return 0; /* the process put its terminal away: nothing to hand over */
	criu_arg(a, "--external");
	criu_arg(a, "%s", key);
	criu_arg(a, "--external");
	criu_arg(a, "mnt[/dev/console]:" CRIU_CONSOLE_KEY);
	_cleanup_free_ char *file = path_join(image, CRIU_TTY);
	return write_file_at(AT_FDCWD, file, key, strlen(key), O_CREAT | O_TRUNC, err);
}

/* A network namespace the config names by path is not the container's own:
 * criu leaves it and restore joins the config's (runc's extRootNetNS). */
static int dump_netns(struct criu_args *a, const struct spec *s, pid_t pid, struct brig_error *err)
{
	if (!s->linux.namespaces[SPEC_NS_NETWORK].path)
		return 0;
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	if (stat(path, &st) < 0)
		return err_sys(err, "stat '%s'", path);
	criu_arg(a, "--external");
	criu_arg(a, "net[%llu]:" CRIU_NETNS_KEY, (unsigned long long)st.st_ino);
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

static int checkpoint_refusals(const struct checkpoint_opts *o, struct brig_error *err)
{
	if (o->page_server)
		return err_set(err, ENOTSUP, "--page-server: not supported by brig");
	if (o->status_fd)
		return err_set(err, ENOTSUP,
			       "--status-fd: not supported by brig (it goes with "
			       "--lazy-pages)");
	return 0;
}

static int dump_args(struct criu_args *a, struct container *c, const struct spec *s,
		     const struct checkpoint_opts *o, const char *image, const char *work,
		     struct brig_error *err)
{
	const char *log = o->pre_dump ? "pre-dump.log" : "dump.log";
	criu_arg(a, "criu");
	criu_arg(a, o->pre_dump ? "pre-dump" : "dump");
	criu_arg(a, "-t");
	criu_arg(a, "%d", c->state.pid);
	criu_common(a, &o->cr, s, image, work, log);
	criu_arg(a, "--root");
	criu_arg(a, "%s", c->state.rootfs);
	if (o->leave_running && !o->pre_dump)
		criu_arg(a, "--leave-running");
	if (o->pre_dump || o->parent_path)
		criu_arg(a, "--track-mem");
	if (o->parent_path) {
		criu_arg(a, "--prev-images-dir");
		criu_arg(a, "%s", o->parent_path);
	}
	/* the whole cgroup frozen at once, as runc asks (its processes cannot
	 * fork away meanwhile) */
	_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
	if (c->state.cgroup_path && cgroup_load(&c->state, &cg, err) == 0 && cg.cg.v2.path &&
	    cg.host.v2_mount) {
		criu_arg(a, "--freeze-cgroup");
		criu_arg(a, "%s%s", cg.host.v2_mount, cg.cg.v2.path);
	}
	if (dump_externals(a, s, c->state.pid, err) < 0 ||
	    dump_netns(a, s, c->state.pid, err) < 0 || dump_tty(a, s, c->state.pid, image, err) < 0)
		return -1;
	return 0;
}

int lifecycle_checkpoint(struct container *c, const struct checkpoint_opts *o,
			 struct brig_error *err)
{
	enum spec_status st = container_status(&c->state);
	if (st != SPEC_STATUS_RUNNING && st != SPEC_STATUS_PAUSED)
		return err_set(err, EINVAL, "container cannot be checkpointed in %s state",
			       spec_status_name(st));
	if (checkpoint_refusals(o, err) < 0 || criu_check_opts(&o->cr, err) < 0)
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
	_cleanup_(criu_args_clear) struct criu_args a = {0};
	if (dump_args(&a, c, s, o, image, work, err) < 0)
		return -1;
	if (!o->pre_dump && write_descriptors(c->state.pid, image, err) < 0)
		return err_wrap(err, "write " CRIU_DESCRIPTORS);
	log_debug("checkpoint %s: %s %s into %s", c->id, criu, a.v[1], image);
	if (criu_run(criu, &a, NULL, work, err) < 0)
		return -1;
	if (o->leave_running || o->pre_dump)
		return 0;
	/* runc's checkpoint destroys the container it stopped */
	if (lifecycle_delete(c, true, err) < 0)
		return err_wrap(err, "delete the checkpointed container");
	return 0;
}
