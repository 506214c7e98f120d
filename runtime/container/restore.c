// SPDX-License-Identifier: Apache-2.0
/* restore with criu's command line: a create whose process comes from a
 * checkpoint image. The steps are create's where they can be (the config
 * copy, the record saved "creating" before anything outside the state
 * directory exists, the cgroup made and limited from the config), then criu
 * runs inside that cgroup and restores the tree into the bundle's rootfs as
 * brig's child (--restore-sibling), the external mounts mapped back to the
 * config's sources, a network namespace the config names by path joined.
 * On any error the restore is undone: nothing is left behind. */
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define CRIU_ROOT "criu-root" /* the rootfs bound here: criu wants a mount point */
#define CRIU_PIDFILE "criu.pid"

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
	char *state_dir; /* absolute: criu's --root and --pidfile are paths */
	bool root_mounted;
	int netns_fd; /* the config's network namespace, inherited by criu */
	int tty_fd;   /* a terminal's new pty slave, inherited by criu */
	char tty_name[64];
	char *tty_key; /* the dumped slave's criu key (CRIU_TTY) */
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
	if (r->s->process.terminal) {
		_cleanup_free_ char *tty = path_join(r->image, CRIU_TTY);
		if (read_file_at(AT_FDCWD, tty, &r->tty_key, NULL, err) < 0)
			return err_wrap(err,
					"process.terminal: the image has no terminal of brig's");
		r->tty_key[strcspn(r->tty_key, "\n")] = '\0';
	}
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

/* runc's restore: criu wants its root a mount point whose parent is not
 * overmounted; a private bind of the rootfs in the state directory is. */
static int mount_root(struct restoring *r, struct brig_error *err)
{
	_cleanup_free_ char *root = path_join(r->state_dir, CRIU_ROOT);
	if (mkdirat(r->c->dir_fd, CRIU_ROOT, 0755) < 0)
		return err_sys(err, "mkdir '%s'", root);
	if (mount(r->s->root.abs_path, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_sys(err, "bind '%s' to '%s'", r->s->root.abs_path, root);
	r->root_mounted = true;
	if (mount(NULL, root, NULL, MS_PRIVATE | MS_REC, NULL) < 0)
		return err_sys(err, "make '%s' private", root);
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
static void restore_externals(struct restoring *r, struct criu_args *a)
{
	const struct spec *s = r->s;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		if (!criu_mount_is_bind(m) || !m->source)
			continue;
		_cleanup_free_ char *src =
		    m->source[0] == '/' ? xstrdup(m->source) : path_join(s->bundle, m->source);
		criu_arg(a, "--external");
		criu_arg(a, "mnt[%s]:%s", m->destination, src);
	}
	criu_arg(a, "--external");
	criu_arg(a, "mnt[/dev/null]:/dev/null");
	for (size_t i = 0; i < s->linux.n_devices; i++) {
		criu_arg(a, "--external");
		criu_arg(a, "mnt[%s]:%s", s->linux.devices[i].path, s->linux.devices[i].path);
	}
}

/* The dumped fds 0-2 that were pipes become brig's own 0-2 (runc's
 * --inherit-fd of its caller's pipes): an image without descriptors.json has
 * none. The entries are paths or "pipe:[N]"; only the latter are read. */
static void inherit_stdio(struct restoring *r, struct criu_args *a)
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
		if (!strncmp(start, "pipe:[", 6) && !memchr(start, '\\', (size_t)(p - start))) {
			criu_arg(a, "--inherit-fd");
			criu_arg(a, "fd[%d]:%.*s", fd, (int)(p - start), start);
		}
		fd++;
	}
}

static void restore_args(struct restoring *r, struct criu_args *a)
{
	const struct restore_opts *o = r->o;
	criu_arg(a, "criu");
	criu_arg(a, "restore");
	criu_common(a, &o->cr, r->s, r->image, r->work, "restore.log");
	criu_arg(a, "--root");
	criu_arg(a, "%s/%s", r->state_dir, CRIU_ROOT);
	/* the tree is brig's child, and criu exits once it runs */
	criu_arg(a, "--restore-detached");
	criu_arg(a, "--restore-sibling");
	criu_arg(a, "--pidfile");
	criu_arg(a, "%s/%s", r->state_dir, CRIU_PIDFILE);
	if (r->cg.active && r->cg.cg.v2.path) {
		criu_arg(a, "--cgroup-root");
		criu_arg(a, "%s", r->cg.cg.v2.path);
	}
	if (o->lsm_profile) {
		criu_arg(a, "--lsm-profile");
		criu_arg(a, "%s", o->lsm_profile);
	}
	if (o->lsm_mount_context) {
		criu_arg(a, "--lsm-mount-context");
		criu_arg(a, "%s", o->lsm_mount_context);
	}
	restore_externals(r, a);
	inherit_stdio(r, a);
	if (r->netns_fd >= 0) {
		criu_arg(a, "--inherit-fd");
		criu_arg(a, "fd[%d]:" CRIU_NETNS_KEY, r->netns_fd);
	}
	if (r->tty_fd >= 0) {
		criu_arg(a, "--inherit-fd");
		criu_arg(a, "fd[%d]:%s", r->tty_fd, r->tty_key);
		criu_arg(a, "--external");
		criu_arg(a, "mnt[" CRIU_CONSOLE_KEY "]:%s", r->tty_name);
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

/* A terminal: a new pty (the host's devpts) whose slave criu gives the
 * restored tree in place of the dumped one, bound at /dev/console too, and
 * whose master goes to --console-socket, as at create. */
static int open_tty(struct restoring *r, struct brig_error *err)
{
	if (!r->s->process.terminal)
		return 0;
	/* the slave not close-on-exec: criu inherits it */
	_cleanup_close_ int master =
	    console_open_pty(r->tty_name, sizeof(r->tty_name), 0, &r->tty_fd, err);
	if (master < 0)
		return -1;
	const struct spec_user *u = &r->s->process.user;
	if (!r->s->linux.namespaces[SPEC_NS_USER].present &&
	    fchown(r->tty_fd, u->uid, (gid_t)-1) < 0)
		log_debug("restore %s: chown %s: %s", r->c->id, r->tty_name, strerror(errno));
	_cleanup_close_ int sock = io_connect_console(r->o->console_socket, err);
	if (sock < 0 || console_send_master(sock, master, r->tty_name, err) < 0)
		return -1;
	return 0;
}

static int run_criu(struct restoring *r, struct brig_error *err)
{
	_cleanup_(criu_args_clear) struct criu_args a = {0};
	restore_args(r, &a);
	log_debug("restore %s: %s restore from %s", r->c->id, r->criu, r->image);
	int ret = criu_run(r->criu, &a, &r->cg, r->work, err);
	closep(&r->netns_fd);
	closep(&r->tty_fd);
	unmount_root(r);
	return ret;
}

/* The restored init: criu's pid file names it; it is brig's child. */
static int find_init(struct restoring *r, struct brig_error *err)
{
	_cleanup_free_ char *text = NULL;
	int64_t pid;
	if (read_file_at(r->c->dir_fd, CRIU_PIDFILE, &text, NULL, err) < 0)
		return err_wrap(err, "criu's pid file");
	unlinkat(r->c->dir_fd, CRIU_PIDFILE, 0);
	text[strcspn(text, "\n")] = '\0';
	if (parse_int64(text, 1, INT32_MAX, &pid) < 0)
		return err_set(err, EPROTO, "criu's pid file: '%s' is not a pid", text);
	r->pid = (pid_t)pid;
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (r->pidfd < 0)
		return err_sys(err, "pidfd_open %d", r->pid);
	r->c->state.pid = r->pid;
	r->c->state.init_start_time = process_start_time(r->pid);
	return container_save(r->c, err);
}

/* runc runs them at criu's setup-namespaces notification; brig once criu is
 * done (docs/deviations.md) */
static int runtime_hooks(struct restoring *r, struct brig_error *err)
{
	const struct spec *s = r->s;
	_cleanup_free_ char *state = lifecycle_state_json(r->c, SPEC_STATUS_CREATED);
	if (hooks_run(&s->hooks[SPEC_HOOK_PRESTART], "prestart", state, false, err) < 0 ||
	    hooks_run(&s->hooks[SPEC_HOOK_CREATE_RUNTIME], "createRuntime", state, false, err) < 0)
		return -1;
	return 0;
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
    {"mount root", mount_root, true},
    {"network namespace", open_netns, false},
    {"terminal", open_tty, false},
    {"criu", run_criu, false},
    {"restored init", find_init, false},
    {"prestart hooks", runtime_hooks, false},
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
	closep(&r->tty_fd);
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
			      .tty_fd = -1,
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
	closep(&r.tty_fd);
	cgroup_clear(&r.cg);
	free(r.tty_key);
	free(r.criu);
	free(r.image);
	free(r.work);
	free(r.state_dir);
	return r.c;
}
