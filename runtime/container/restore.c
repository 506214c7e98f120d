// SPDX-License-Identifier: Apache-2.0
/* restore over criu's RPC (criu.c): a create whose process comes from a
 * checkpoint image. The steps are create's where they can be (the config
 * copy, the record saved "creating" before anything outside the state
 * directory exists, the cgroup made and limited from the config), then criu
 * runs inside that cgroup and restores the tree into the bundle's rootfs as
 * brig's child (rst_sibling), the external mounts mapped back to the
 * config's sources, a network namespace the config names by path joined,
 * the prestart and createRuntime hooks run when criu has set up the
 * namespaces, a terminal's new pty master (criu's orphan-pts-master) sent to
 * the console socket. On any error the restore is undone: nothing is left behind. */
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define CRIU_ROOT "criu-root" /* the rootfs bound here: criu wants a mount point */

struct restoring {
	const struct global_opts *g;
	const struct restore_opts *o;
	const struct spec *s;
	const char *config_text;
	struct container *c;
	struct ctr_cgroup cg;
	char *criu;
	char *image;
	char *work;
	char *state_dir; /* absolute: criu's root is a path */
	bool root_mounted;
	int netns_fd;	/* the config's network namespace, inherited by criu */
	int console_fd; /* a terminal's console socket */
	bool hooks_ran;
	pid_t pid;
	int pidfd;
};

struct restore_step {
	const char *name;
	int (*run)(struct restoring *r, struct brig_error *err);
	bool wrap;
};

static int check(struct restoring *r, struct brig_error *err)
{
	const struct restore_opts *o = r->o;
	/* runc's checks of a terminal against --console-socket and --detach */
	if (o->console_socket && !r->s->process.terminal)
		return err_set(err, EINVAL,
			       "cannot use console socket if runc will not detach or allocate tty");
	if (r->s->process.terminal && !o->detach)
		return err_set(err, ENOTSUP,
			       "process.terminal: restore in the foreground with a terminal is not "
			       "supported (use --detach and --console-socket)");
	if (r->s->process.terminal && !o->console_socket)
		return err_set(
		    err, EINVAL,
		    "cannot allocate tty if runc will detach without setting console socket");
	if (criu_check_opts(&o->cr, err) < 0)
		return -1;
	const char *dir = o->cr.image_path ? o->cr.image_path : "checkpoint";
	if (!(r->image = criu_abs_dir(dir, false, err)))
		return -1;
	r->work = o->cr.work_path ? criu_abs_dir(o->cr.work_path, true, err) : xstrdup(r->image);
	if (!r->work)
		return -1;
	r->criu = criu_find(o->cr.criu, err);
	return r->criu ? 0 : -1;
}

static int copy_config(struct restoring *r, struct brig_error *err)
{
	return write_file_at(r->c->dir_fd, CONFIG_COPY, r->config_text, strlen(r->config_text),
			     O_CREAT | O_EXCL, err);
}

/* as create's: a restore killed from here on leaves what `delete --force` undoes */
static int record(struct restoring *r, struct brig_error *err)
{
	if (cgroup_prepare(r->s, r->c->id, r->g->systemd_cgroup, r->g->rootless, &r->cg, err) < 0)
		return -1;
	create_fill_state(r->c, r->s);
	r->c->state.cgroup_path = cgroup_pending_record(&r->cg);
	return container_save(r->c, err);
}

static int make_cgroup(struct restoring *r, struct brig_error *err)
{
	return cgroup_make(r->g->rootless, &r->cg, err);
}

/* Whether dest lies below a tmpfs of the config (criu restores a tmpfs's
 * content itself, mount points included). */
static bool below_tmpfs(const struct spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		size_t n = strlen(m->destination);
		if (m->type && !strcmp(m->type, "tmpfs") && !strncmp(dest, m->destination, n) &&
		    dest[n] == '/')
			return true;
	}
	return false;
}

static int mountpoints_in_child(const struct spec *s, struct brig_error *err)
{
	if (unshare(CLONE_NEWNS) < 0)
		return err_sys(err, "unshare a mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return err_sys(err, "make / private");
	_cleanup_close_ int root = open(s->root.abs_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return err_sys(err, "open the rootfs '%s'", s->root.abs_path);
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		if ((m->type && !strncmp(m->type, "cgroup", 6)) || below_tmpfs(s, m->destination))
			continue;
		bool bind = criu_mount_is_bind(m) && m->source, dir = true;
		_cleanup_close_ int src = -1;
		if (bind) {
			_cleanup_free_ char *path = m->source[0] == '/'
							? xstrdup(m->source)
							: path_join(s->bundle, m->source);
			struct stat st;
			src = open(path, O_PATH | O_CLOEXEC);
			if (src < 0 || fstat(src, &st) < 0)
				return err_sys(err, "mounts[%zu]: bind source '%s'", i, path);
			dir = S_ISDIR(st.st_mode);
		}
		_cleanup_close_ int dst = mkpath_in_root(root, m->destination, dir, err);
		if (dst < 0)
			return err_wrap(err, "mounts[%zu]: mount point", i);
		char sbuf[FD_PATH_MAX], dbuf[FD_PATH_MAX];
		if (bind &&
		    mount(fd_path(src, sbuf), fd_path(dst, dbuf), NULL, MS_BIND | MS_REC, NULL) < 0)
			return err_sys(err, "mounts[%zu]: bind '%s'", i, m->destination);
	}
	return 0;
}

/* runc's prepareCriuRestoreMounts: the mount points criu mounts on, made as
 * create makes them, in the config's order, each bind mounted in turn so
 * that a mount point inside another bind's source is made there (runc
 * #2748: a checkpoint whose nested mount point was removed since). The
 * binds are a child's, in a mount namespace that ends with it. */
static int make_mountpoints(struct restoring *r, struct brig_error *err)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return err_sys(err, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		closep(&pipefd[0]);
		closep(&pipefd[1]);
		return err_sys(err, "fork");
	}
	if (pid == 0) {
		struct brig_error cerr = {0};
		closep(&pipefd[0]);
		if (mountpoints_in_child(r->s, &cerr) == 0)
			_exit(0);
		ssize_t ignored = write(pipefd[1], cerr.msg, strlen(cerr.msg));
		(void)ignored;
		_exit(1);
	}
	closep(&pipefd[1]);
	char msg[sizeof(err->msg)];
	ssize_t n;
	while ((n = read(pipefd[0], msg, sizeof(msg) - 1)) < 0 && errno == EINTR)
		;
	closep(&pipefd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_sys(err, "wait for the mount point child");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	msg[n > 0 ? n : 0] = '\0';
	return err_set(err, EIO, "%s", n > 0 ? msg : "the mount point child failed");
}

/* runc's restore: criu wants its root a mount point whose parent is not
 * overmounted; a bind of the rootfs in the state directory is. */
static int mount_root(struct restoring *r, struct brig_error *err)
{
	_cleanup_free_ char *root = path_join(r->state_dir, CRIU_ROOT);
	if (mkdirat(r->c->dir_fd, CRIU_ROOT, 0755) < 0)
		return err_sys(err, "mkdir '%s'", root);
	if (mount(r->s->root.abs_path, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_sys(err, "bind '%s' to '%s'", r->s->root.abs_path, root);
	r->root_mounted = true;
	/* Not made private: a container mount that was a slave of the host's
	 * (rootfsPropagation, Docker's rootfs) is restored as one by copying
	 * the sharing of this root (criu's mount-v2), as runc's bind gives it. */
	/* criu takes the root mount as it finds it: root.readonly is this bind's */
	if (r->s->root.readonly &&
	    mount(NULL, root, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return err_sys(err, "make '%s' read-only", root);
	return 0;
}

static void unmount_root(struct restoring *r)
{
	_cleanup_free_ char *root = path_join(r->state_dir, CRIU_ROOT);
	if (r->root_mounted && umount2(root, MNT_DETACH) < 0)
		log_warn("restore %s: unmount '%s': %s", r->c->id, root, strerror(errno));
	r->root_mounted = false;
	unlinkat(r->c->dir_fd, CRIU_ROOT, AT_REMOVEDIR);
}

void restore_detach_root(int dir_fd)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d/" CRIU_ROOT, dir_fd);
	umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
}

/* runc's addCriuRestoreMount: the keys dump_externals gave, to the config's sources */
static void restore_externals(struct restoring *r, struct criu_call *call)
{
	const struct spec *s = r->s;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		if (!criu_mount_is_bind(m) || !m->source)
			continue;
		_cleanup_free_ char *src =
		    m->source[0] == '/' ? xstrdup(m->source) : path_join(s->bundle, m->source);
		_cleanup_free_ char *key = criu_mount_key(s->root.abs_path, m->destination);
		criu_external(call, "mnt[%s]:%s", key, src);
	}
	criu_external(call, "mnt[/dev/null]:/dev/null");
	for (size_t i = 0; i < s->linux.n_devices; i++)
		criu_external(call, "mnt[%s]:%s", s->linux.devices[i].path,
			      s->linux.devices[i].path);
}

/* The dumped fds 0-2 that were pipes become brig's own 0-2 (runc's
 * inherit_fd of its caller's pipes): an image without descriptors.json has
 * none. The entries are paths or "pipe:[N]"; only the latter are read. */
static void inherit_stdio(struct restoring *r, struct criu_call *call)
{
	_cleanup_free_ char *path = path_join(r->image, CRIU_DESCRIPTORS);
	_cleanup_free_ char *text = NULL;
	struct brig_error ignored;
	if (read_file_at(AT_FDCWD, path, &text, NULL, &ignored) < 0)
		return;
	int fd = 0;
	for (const char *p = text; *p && fd < 3; p++) {
		if (*p != '"')
			continue;
		const char *start = ++p;
		while (*p && *p != '"')
			p += p[0] == '\\' && p[1] ? 2 : 1;
		if (!*p)
			return;
		if (!strncmp(start, "pipe:[", 6) && !memchr(start, '\\', (size_t)(p - start)))
			criu_inherit_fd(call, fd, "%.*s", (int)(p - start), start);
		fd++;
	}
}

static int open_netns(struct restoring *r, struct brig_error *err)
{
	const char *path = r->s->linux.namespaces[SPEC_NS_NETWORK].path;
	bool empty = r->o->cr.empty_ns && *r->o->cr.empty_ns;
	if (!path || empty)
		return 0;
	/* not O_CLOEXEC: criu inherits it */
	r->netns_fd = open(path, O_RDONLY);
	return r->netns_fd < 0 ? err_sys(err, "open network namespace '%s'", path) : 0;
}

/* A terminal: the console socket, connected before criu runs; criu makes the
 * new pty in the restored container's devpts and sends its master
 * (orphan-pts-master), which goes on to the socket, as at create. */
static int open_console(struct restoring *r, struct brig_error *err)
{
	if (!r->s->process.terminal)
		return 0;
	r->console_fd = io_connect_console(r->o->console_socket, err);
	return r->console_fd < 0 ? -1 : 0;
}

/* runc runs them at criu's setup-namespaces notification: the restored
 * init exists (its pid is the state's), it runs nothing yet */
static int runtime_hooks(struct restoring *r, pid_t pid, struct brig_error *err)
{
	const struct spec *s = r->s;
	r->c->state.pid = pid;
	r->hooks_ran = true;
	_cleanup_free_ char *state = lifecycle_state_json(r->c, SPEC_STATUS_CREATED);
	if (hooks_run(&s->hooks[SPEC_HOOK_PRESTART], "prestart", state, false, err) < 0 ||
	    hooks_run(&s->hooks[SPEC_HOOK_CREATE_RUNTIME], "createRuntime", state, false, err) < 0)
		return -1;
	return 0;
}

static int send_console(struct restoring *r, int *fd, struct brig_error *err)
{
	if (*fd < 0)
		return err_set(err, EPROTO, "criu's orphan-pts-master came without a pty");
	if (r->console_fd < 0)
		return 0; /* no terminal asked for: criu's pty stays without a reader */
	unsigned int n = 0;
	char name[64];
	if (ioctl(*fd, TIOCGPTN, &n) < 0)
		return err_sys(err, "the restored pty");
	snprintf(name, sizeof(name), "/dev/pts/%u", n);
	int ret = console_send_master(r->console_fd, *fd, name, err);
	closep(&r->console_fd);
	return ret < 0 ? err_wrap(err, "console socket '%s'", r->o->console_socket) : 0;
}

static int on_notify(void *ctx, const char *script, pid_t pid, int *fd, struct brig_error *err)
{
	struct restoring *r = ctx;
	if (!strcmp(script, "setup-namespaces"))
		return runtime_hooks(r, pid, err);
	if (!strcmp(script, "orphan-pts-master"))
		return send_console(r, fd, err);
	return 0;
}

static int run_criu(struct restoring *r, struct brig_error *err)
{
	const struct restore_opts *o = r->o;
	_cleanup_free_ char *root = path_join(r->state_dir, CRIU_ROOT);
	_cleanup_(criu_call_clear) struct criu_call call = {
	    .type = CRIU_CALL_RESTORE,
	    .image = r->image,
	    .work = r->work,
	    .log = "restore.log",
	    .root = root,
	    .cgroup_root = r->cg.active ? r->cg.cg.v2.path : NULL,
	    .lsm_profile = o->lsm_profile,
	    .lsm_mount_context = o->lsm_mount_context,
	    .notify = on_notify,
	    .ctx = r,
	};
	restore_externals(r, &call);
	inherit_stdio(r, &call);
	if (r->netns_fd >= 0)
		criu_inherit_fd(&call, r->netns_fd, CRIU_NETNS_KEY);
	log_debug("restore %s: %s restore from %s", r->c->id, r->criu, r->image);
	int ret = criu_call_run(r->criu, &call, &o->cr, r->s, &r->cg, err);
	closep(&r->netns_fd);
	unmount_root(r);
	if (ret < 0)
		return -1;
	if (!r->hooks_ran)
		return err_set(err, EPROTO,
			       "criu restored without its setup-namespaces notification");
	if (r->console_fd >= 0)
		log_warn("restore %s: criu sent no terminal: nothing went to the console socket",
			 r->c->id);
	r->pid = call.restored;
	return 0;
}

/* The restored init, criu's answer: it is brig's child (rst_sibling). */
static int find_init(struct restoring *r, struct brig_error *err)
{
	if (r->pid <= 0)
		return err_set(err, EPROTO, "criu's answer names no restored process");
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (r->pidfd < 0)
		return err_sys(err, "pidfd_open %d", r->pid);
	r->c->state.pid = r->pid;
	r->c->state.init_start_time = process_start_time(r->pid);
	return container_save(r->c, err);
}

static int save_state(struct restoring *r, struct brig_error *err)
{
	struct spec_state *st = &r->c->state;
	free(st->cgroup_path);
	st->cgroup_path = r->cg.active ? cgroups_record(&r->cg.cg) : NULL;
	st->started = true;
	st->status = SPEC_STATUS_RUNNING;
	return container_save(r->c, err);
}

static int write_pid_file(struct restoring *r, struct brig_error *err)
{
	return r->o->pid_file ? io_write_pid_file(r->o->pid_file, r->pid, err) : 0;
}

static const struct restore_step restore_steps[] = {
    {"check", check, false},
    {"copy config", copy_config, true},
    {"record state", record, false}, /* before anything outside the state dir */
    {"cgroup", make_cgroup, false},  /* limited before criu restores into it */
    {"mount points", make_mountpoints, false},
    {"mount root", mount_root, true},
    {"network namespace", open_netns, false},
    {"console socket", open_console, false},
    {"criu", run_criu, false},
    {"restored init", find_init, false},
    {"save state", save_state, true},
    {"pid file", write_pid_file, true},
};

static void abort_restore(struct restoring *r)
{
	struct brig_error ignored;
	if (r->pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, r->pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)r->pidfd, &(siginfo_t){0}, WEXITED);
	}
	closep(&r->pidfd);
	closep(&r->netns_fd);
	closep(&r->console_fd);
	unmount_root(r);
	if (cgroup_remove(&r->cg, &ignored) < 0) {
		log_warn("undo restore %s: %s; `brig delete --force %s` finishes", r->c->id,
			 ignored.msg, r->c->id);
		return;
	}
	if (container_destroy(r->c, &ignored) < 0)
		log_warn("undo restore %s: %s", r->c->id, ignored.msg);
}

static int restore_in(struct restoring *r, struct brig_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(restore_steps); i++) {
		const struct restore_step *st = &restore_steps[i];
		if (fault_point("restore", i, st->name, err) < 0)
			return err_wrap(err, "%s", st->name);
		if (st->run(r, err) < 0) {
			log_debug("restore %s: step \"%s\" failed", r->c->id, st->name);
			return st->wrap ? err_wrap(err, "%s", st->name) : -1;
		}
	}
	return 0;
}

struct container *lifecycle_restore(const struct global_opts *g, const char *id,
				    const struct restore_opts *o, struct brig_error *err)
{
	if (container_id_validate(id, err) < 0)
		return NULL;
	_cleanup_free_ char *text = NULL;
	_cleanup_spec_ struct spec *s = create_load_bundle(g, o->bundle, &text, err);
	if (!s)
		return NULL;
	struct restoring r = {.g = g,
			      .o = o,
			      .s = s,
			      .config_text = text,
			      .cg = CTR_CGROUP_INIT,
			      .netns_fd = -1,
			      .console_fd = -1,
			      .pidfd = -1};
	int ret = -1;
	_cleanup_close_ int root_fd = container_root_open(g->root, err);
	_cleanup_free_ char *root = root_fd >= 0 ? realpath(g->root, NULL) : NULL;
	if (root_fd >= 0 && !root)
		err_sys(err, "state root '%s'", g->root);
	if (root) {
		r.state_dir = path_join(root, id);
		r.c = container_new(root_fd, id, err);
		ret = r.c ? restore_in(&r, err) : store_root_error(err, g->root);
	}
	if (ret < 0 && r.c) {
		abort_restore(&r);
		container_free(r.c);
		r.c = NULL;
	}
	if (r.c)
		r.c->init_pidfd = steal_fd(&r.pidfd);
	closep(&r.pidfd);
	closep(&r.netns_fd);
	closep(&r.console_fd);
	cgroup_clear(&r.cg);
	free(r.criu);
	free(r.image);
	free(r.work);
	free(r.state_dir);
	return r.c;
}
