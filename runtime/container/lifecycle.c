// SPDX-License-Identifier: Apache-2.0
/* The container lifecycle (runtime-spec runtime.md): create up to the init
 * blocked before exec, start, kill and delete. create plans everything before
 * clone, then answers the child's requests (id maps, runtime hooks) until it
 * is ready; on any error it kills the child and removes the state, so a
 * failed create leaves nothing behind. */
#include "netlink/netlink.h"
#include "runtime/container/container.h"
#include "runtime/init/init.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#define CONFIG_COPY "config.json"
#define EXEC_FIFO "exec.fifo"
#define STATUS_FIFO "exec.status"

static inline void spec_freep(struct spec **s)
{
	spec_free(*s);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* The start handshake, as runc's exec.fifo: brig-init blocks reading EXEC_FIFO
 * (both held read-write by the init, so neither end ever blocks an open),
 * `start` writes a byte to it, and STATUS_FIFO loses its last writer when the
 * program execs (or carries brig-init's errno when it cannot). */
static int open_fifo(struct container *c, const char *name, struct brig_error *err)
{
	if (mkfifoat(c->dir_fd, name, 0600) < 0 && errno != EEXIST)
		return err_sys(err, "mkfifo '%s'", name);
	int fd = openat(c->dir_fd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_sys(err, "open '%s'", name);
	return fd;
}

int lifecycle_connect_console(const char *path, struct brig_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return err_set(err, ENAMETOOLONG, "console socket path '%s' is too long", path);
	strcpy(sa.sun_path, path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(err, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return err_sys(err, "connect to console socket '%s'", path);
	return steal_fd(&fd);
}

int write_id_map(pid_t pid, const char *file, const struct spec_idmap *m, size_t n,
		 struct brig_error *err)
{
	_cleanup_free_ char *buf = xcalloc(n + 1, 40);
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len, "%u %u %u\n", m[i].container_id, m[i].host_id,
				       m[i].size);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	if (write_file_at(AT_FDCWD, path, buf, len, 0, err) < 0)
		return err_wrap(err, "write %s", file);
	return 0;
}

/* newuidmap/newgidmap (shadow's setuid helpers) write ranges an unprivileged
 * user may use per /etc/subuid and /etc/subgid. */
static int run_map_helper(const char *tool, pid_t pid, const struct spec_idmap *m, size_t n,
			  struct brig_error *err)
{
	_cleanup_free_ char **argv = xcalloc(3 * n + 3, sizeof(char *));
	_cleanup_free_ char *nums = xcalloc(3 * n + 1, 16);
	size_t k = 0;
	argv[k++] = (char *)tool;
	argv[k++] = nums;
	sprintf(nums, "%d", pid);
	char *p = nums + 16;
	for (size_t i = 0; i < n; i++, p += 48) {
		sprintf(p, "%u", m[i].container_id);
		sprintf(p + 16, "%u", m[i].host_id);
		sprintf(p + 32, "%u", m[i].size);
		argv[k++] = p;
		argv[k++] = p + 16;
		argv[k++] = p + 32;
	}
	pid_t child = fork();
	if (child == 0) {
		execvp(tool, argv);
		_exit(127);
	}
	int status;
	if (child < 0 || waitpid(child, &status, 0) < 0)
		return err_sys(err, "run %s", tool);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(err, EPERM,
			       "%s failed (status %d): is %s installed, and the range in "
			       "/etc/sub%cid?",
			       tool, WIFEXITED(status) ? WEXITSTATUS(status) : -1, tool, tool[3]);
	return 0;
}

/* Unprivileged users may map their own id, once, without a helper. */
static bool own_id_only(const struct spec_idmap *m, size_t n, unsigned id)
{
	return n == 1 && m[0].host_id == id && m[0].size == 1;
}

static int write_id_maps(pid_t pid, const struct spec_linux *l, struct brig_error *err)
{
	bool root = geteuid() == 0;
	if (!root && !own_id_only(l->uid_mappings, l->n_uid_mappings, geteuid())) {
		if (run_map_helper("newuidmap", pid, l->uid_mappings, l->n_uid_mappings, err) < 0)
			return -1;
	} else if (write_id_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0) {
		return -1;
	}
	if (!root && !own_id_only(l->gid_mappings, l->n_gid_mappings, getegid()))
		return run_map_helper("newgidmap", pid, l->gid_mappings, l->n_gid_mappings, err);
	if (!root) {
		/* Unprivileged: gid_map needs setgroups denied first. */
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
		if (write_file_at(AT_FDCWD, path, "deny", 4, 0, err) < 0)
			return -1;
	}
	return write_id_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err);
}

static char *state_json(struct container *c, enum spec_status status)
{
	enum spec_status saved = c->state.status;
	c->state.status = status;
	char *s = spec_state_format_public(&c->state, false);
	c->state.status = saved;
	return s;
}

/* linux.seccomp compiled here, in the parent (or read from the cache of
 * compiled filters); the child only loads it. A NOTIFY filter's agent is
 * connected now: listenerPath is a host path. */
int plan_seccomp(const struct spec *s, const char *state_root, struct child_plan *p,
		 struct brig_error *err)
{
	if (!s->linux.seccomp.present)
		return 0;
	/* Host-wide, beside brig's default state, not under --root: Docker
	 * gives every runc-compatible runtime the same --root, and runc's
	 * `list` would trip over it. */
	(void)state_root;
	const char *env = getenv("BRIG_SECCOMP_CACHE");
	_cleanup_free_ char *cache =
	    env && *env ? xstrdup(env) : path_join(runtime_default_root(), ".seccomp-cache");
	struct filter_opts fo = {.cache_dir = cache};
	struct filter *f = filter_compile(&s->linux.seccomp, &fo, err);
	if (!f)
		return -1;
	p->filter = f;
	log_debug("seccomp: %u instructions%s", (unsigned)f->prog.len,
		  f->from_cache ? " (cached)" : "");
	if (f->notify &&
	    (p->seccomp_sock = filter_listener_connect(s->linux.seccomp.listener_path, err)) < 0)
		return -1;
	return 0;
}

/* The planning that needs no child: everything that can fail does so here. */
static int plan_child(const struct spec *s, const struct create_opts *o, const char *id,
		      struct child_plan *p, struct brig_error *err)
{
	const struct spec_linux *l = &s->linux;
	p->spec = s;
	p->proc = &s->process;
	p->id = id;
	p->rootfs = s->root.abs_path;
	p->no_pivot = o->no_pivot;
	p->no_new_keyring = o->no_new_keyring;
	p->preserve_fds = o->preserve_fds;
	if (l->intel_rdt.present) /* features.md advertises intelRdt: disabled */
		return err_set(err, ENOTSUP, "linux.intelRdt: Intel RDT is not supported by brig");
	/* Without a mount namespace the container shares the runtime's, as the
	 * spec asks; its mounts then live under a bind of the rootfs. */
	p->host_mounts = !l->namespaces[SPEC_NS_MOUNT].present;
	for (int t = 0; t < SPEC_NS_COUNT; t++) {
		if (!l->namespaces[t].present)
			continue;
		if (l->namespaces[t].path)
			p->slow_path = true;
		else
			p->clone_flags |= spec_ns_clone_flag((enum spec_ns_type)t);
	}
	caps_plan(&s->process.capabilities, &p->caps);
	p->new_userns = (p->clone_flags & CLONE_NEWUSER) != 0;
	p->in_userns = p->new_userns || l->namespaces[SPEC_NS_USER].path || process_in_userns();
	if (l->time_offsets.monotonic.set || l->time_offsets.boottime.set)
		p->slow_path = true;
	if (plan_mounts(s, p, err) < 0 || plan_seccomp(s, o->state_root, p, err) < 0)
		return -1;
	return 0;
}

char **lifecycle_plan_env(const struct spec_process *proc, int listen_fds)
{
	size_t n = strv_length(proc->env);
	char **env = xcalloc(n + 3, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		env[i] = xstrdup(proc->env[i]);
	if (listen_fds > 0) {
		/* systemd socket activation passes through: the fds are the first
		 * preserved ones; the child puts its own pid in LISTEN_PID. */
		env[n++] = xasprintf("LISTEN_FDS=%d", listen_fds);
		env[n++] = xstrdup("LISTEN_PID=");
	}
	return env;
}

int lifecycle_listen_fds(void)
{
	/* sd_listen_fds(3): the fds are ours only if LISTEN_PID names us. */
	const char *lf = getenv("LISTEN_FDS"), *lp = getenv("LISTEN_PID");
	int64_t v, pid;
	if (!lf || !lp || parse_int64(lp, 1, INT32_MAX, &pid) < 0 || pid != getpid())
		return 0;
	return parse_int64(lf, 0, 1024, &v) == 0 ? (int)v : 0;
}

struct creation {
	struct container *c;
	struct child_plan plan;
	int sync_fd; /* parent's end */
	pid_t pid;   /* the init (or, until SYNC_INIT_PID, the intermediate) */
	int pidfd;
	pid_t intermediate;
	bool hooks_started; /* a failure from here on continues at step 12 */
	bool cgroup_asked;  /* the init asked to join its cgroup before its pid came */
	bool systemd_cgroup;
	int rootless; /* --rootless: -1 auto, 0 false, 1 true */
	struct network_plan net;
	struct ctr_cgroup cg;
};

static int init_pid_received(struct creation *cr, const char *data, size_t len,
			     struct brig_error *err)
{
	pid_t pid;
	if (len != sizeof(pid))
		return err_set(err, EPROTO, "bad init pid message");
	memcpy(&pid, data, sizeof(pid));
	/* Reap the intermediate: it has exited or is about to. */
	waitpid(cr->intermediate, NULL, 0);
	cr->intermediate = 0;
	closep(&cr->pidfd);
	cr->pid = pid;
	cr->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (cr->pidfd < 0)
		return err_sys(err, "pidfd_open %d", pid);
	return 0;
}

static int set_oom_score(pid_t pid, const struct spec_process *p, struct brig_error *err)
{
	if (!p->oom_score_adj.set)
		return 0;
	/* From here: the child is non-dumpable, and inside a user namespace its
	 * /proc files are not its own to write. */
	char path[64], buf[32];
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj.value);
	if (write_file_at(AT_FDCWD, path, buf, (size_t)n, O_TRUNC, err) < 0)
		return err_wrap(err, "set oom_score_adj");
	return 0;
}

static void fill_state(struct creation *cr, const struct spec *s)
{
	struct spec_state *st = &cr->c->state;
	struct timespec now;
	char ts[40];
	clock_gettime(CLOCK_REALTIME, &now);
	format_rfc3339(&now, ts);
	st->oci_version = xstrdup(s->oci_version);
	st->id = xstrdup(cr->c->id);
	st->status = SPEC_STATUS_CREATING;
	st->bundle = xstrdup(s->bundle);
	st->rootfs = xstrdup(s->root.abs_path);
	st->created = xstrdup(ts);
	st->owner = xstrdup("");
	st->n_annotations = s->n_annotations;
	st->annotations = xcalloc(s->n_annotations + 1, sizeof(*st->annotations));
	for (size_t i = 0; i < s->n_annotations; i++) {
		st->annotations[i].key = xstrdup(s->annotations[i].key);
		st->annotations[i].value = xstrdup(s->annotations[i].value);
	}
	st->has_userns = s->linux.namespaces[SPEC_NS_USER].present;
	st->has_pidns =
	    s->linux.namespaces[SPEC_NS_PID].present && !s->linux.namespaces[SPEC_NS_PID].path;
}

static int runtime_hooks(struct creation *cr, const struct spec *s, struct brig_error *err)
{
	cr->c->state.pid = cr->pid;
	cr->hooks_started = true;
	/* runtime.md: "created" is the state after step 2, the environment's
	 * creation; these hooks are steps 3 to 5. */
	_cleanup_free_ char *state = state_json(cr->c, SPEC_STATUS_CREATED);
	if (hooks_run(&s->hooks[SPEC_HOOK_PRESTART], "prestart", state, false, err) < 0 ||
	    hooks_run(&s->hooks[SPEC_HOOK_CREATE_RUNTIME], "createRuntime", state, false, err) < 0)
		return -1;
	if (sync_send(cr->sync_fd, SYNC_HOOKS_DONE, state, strlen(state)) < 0)
		return err_sys(err, "resume container process");
	return 0;
}

/* The init waits at its first sync while it is put in its cgroup: the v1 hierarchies (it
 * was cloned into the unified one, unless the kernel could not), or the systemd unit made
 * with its pid. */
static int join_cgroup(struct creation *cr, struct brig_error *err)
{
	cr->cgroup_asked = false;
	if (cgroup_join(&cr->cg, cr->pid, cr->plan.cgroup_fd >= 0, err) < 0)
		return -1;
	if (sync_send(cr->sync_fd, SYNC_CGROUP_DONE, NULL, 0) < 0)
		return err_sys(err, "resume container process");
	return 0;
}

/* Answers the child until it reports ready. */
static int serve_child(struct creation *cr, const struct spec *s, struct brig_error *err)
{
	for (;;) {
		enum sync_type t;
		size_t len;
		_cleanup_free_ char *data = NULL;
		if (sync_recv(cr->sync_fd, &t, &data, &len, err) < 0)
			return -1;
		switch (t) {
		case SYNC_ERROR:
			if (len == sizeof(*err)) {
				memcpy(err, data, sizeof(*err));
				err->msg[sizeof(err->msg) - 1] = '\0';
				return -1;
			}
			return err_set(err, EPROTO, "container process failed");
		case SYNC_MAPS_REQUEST:
			/* From cr->pid itself (the child, or the intermediate on the
			 * slow path): its own getpid() may be 1 in a new pid namespace. */
			if (write_id_maps(cr->pid, &s->linux, err) < 0)
				return -1;
			if (sync_send(cr->sync_fd, SYNC_MAPS_DONE, NULL, 0) < 0)
				return err_sys(err, "resume container process");
			break;
		case SYNC_INIT_PID:
			if (init_pid_received(cr, data, len, err) < 0 ||
			    (cr->cgroup_asked && join_cgroup(cr, err) < 0))
				return -1;
			break;
		case SYNC_CGROUP_REQUEST:
			/* on the slow path the init may ask before the intermediate
			 * has sent its pid */
			cr->cgroup_asked = true;
			if (!cr->intermediate && join_cgroup(cr, err) < 0)
				return -1;
			break;
		case SYNC_HOOKS_REQUEST:
			/* the child waits with its namespaces made: wire them up */
			if (network_setup(&cr->net, cr->pid, cr->c->dir_fd, err) < 0 ||
			    set_oom_score(cr->pid, &s->process, err) < 0 ||
			    runtime_hooks(cr, s, err) < 0)
				return -1;
			break;
		case SYNC_READY:
			return 0;
		default:
			return err_set(err, EPROTO, "unexpected message %d from container process",
				       t);
		}
	}
}

int lifecycle_write_pid_file(const char *path, pid_t pid, struct brig_error *err)
{
	/* Atomic (rename), no trailing newline: callers parse a bare number. */
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", pid);
	_cleanup_free_ char *tmp = xasprintf("%s.brig-%d", path, getpid());
	if (write_file_at(AT_FDCWD, tmp, buf, (size_t)n, O_CREAT | O_TRUNC | O_EXCL, err) < 0)
		return err_wrap(err, "pid file");
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return err_sys(err, "pid file '%s'", path);
	}
	return 0;
}

/* The cgroup exists, limited, before the process does; the process is cloned
 * straight into it (and joins v1 hierarchies at its first sync). On a hybrid
 * host its cgroup namespace waits for that: one made at clone would be rooted
 * at brig's v1 cgroups. */
static int plan_cgroup(struct creation *cr, const struct spec *s, struct brig_error *err)
{
	struct child_plan *p = &cr->plan;
	if (cgroup_setup(s, cr->c->id, cr->systemd_cgroup, cr->rootless, &cr->cg, err) < 0)
		return -1;
	p->cgroup = &cr->cg;
	p->cgroup_fd = cgroup_v2_fd(&cr->cg);
	p->cgroup_sync = cgroup_needs_join(&cr->cg);
	if (p->cgroup_sync && (p->clone_flags & CLONE_NEWCGROUP)) {
		p->clone_flags &= ~CLONE_NEWCGROUP;
		p->unshare_cgroupns = true;
	}
	for (size_t i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].kind == MOUNT_CGROUP)
			return plan_cgroup_mounts(p, &cr->cg, err);
	return 0;
}

static int create_in(struct creation *cr, const struct spec *s, const char *config_text,
		     const struct create_opts *o, struct brig_error *err)
{
	struct child_plan *p = &cr->plan;
	if (write_file_at(cr->c->dir_fd, CONFIG_COPY, config_text, strlen(config_text),
			  O_CREAT | O_EXCL, err) < 0)
		return err_wrap(err, "copy config");
	if (plan_child(s, o, cr->c->id, p, err) < 0)
		return -1;
	int listen_fds = lifecycle_listen_fds();
	p->preserve_fds = listen_fds + o->preserve_fds;
	p->env = lifecycle_plan_env(&s->process, listen_fds);
	if (s->process.terminal) {
		p->console_fd = o->console_sock_fd >= 0
				    ? fcntl(o->console_sock_fd, F_DUPFD_CLOEXEC, 3)
				    : lifecycle_connect_console(o->console_socket, err);
		if (p->console_fd < 0)
			return o->console_sock_fd >= 0 ? err_sys(err, "dup console socket") : -1;
	}
	if (p->host_mounts && host_mounts_record(cr->c->dir_fd, p->rootfs, err) < 0)
		return -1;
	if (plan_cgroup(cr, s, err) < 0)
		return -1;
	if ((p->wait_fd = open_fifo(cr->c, EXEC_FIFO, err)) < 0 ||
	    (p->status_fd = open_fifo(cr->c, STATUS_FIFO, err)) < 0 ||
	    (p->stub_fd = stub_memfd(err)) < 0)
		return -1;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_sys(err, "socketpair");
	cr->sync_fd = sv[0];
	p->sync_fd = sv[1];
	fill_state(cr, s);
	cr->pid = spawn_init(p, sv[0], &cr->pidfd, err);
	closep(&p->sync_fd), p->sync_fd = -1;
	closep(&p->wait_fd), p->wait_fd = -1;
	closep(&p->status_fd), p->status_fd = -1;
	closep(&p->seccomp_sock), p->seccomp_sock = -1; /* the agent must see EOF */
	closep(&p->console_fd), p->console_fd = -1;
	closep(&p->stub_fd), p->stub_fd = -1;
	if (cr->pid < 0)
		return -1;
	log_debug("create %s: cloned %d (namespace flags %#x, %s path)", cr->c->id, cr->pid,
		  (unsigned)p->clone_flags, p->slow_path ? "slow" : "fast");
	if (p->slow_path)
		cr->intermediate = cr->pid;
	if (serve_child(cr, s, err) < 0)
		return -1;
	struct spec_state *st = &cr->c->state;
	if (cr->cg.active)
		st->cgroup_path = cgroups_record(&cr->cg.cg);
	st->pid = cr->pid;
	st->init_start_time = process_start_time(cr->pid);
	st->status = SPEC_STATUS_CREATED;
	if (container_save(cr->c, err) < 0)
		return -1;
	log_debug("create %s: init %d is waiting for start", cr->c->id, cr->pid);
	if (o->pid_file && lifecycle_write_pid_file(o->pid_file, cr->pid, err) < 0)
		return -1;
	return 0;
}

static void abort_creation(struct creation *cr, const struct spec *s)
{
	struct brig_error ignored;
	network_teardown(cr->c->dir_fd, &ignored); /* before the netns dies */
	if (cr->pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, cr->pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)cr->pidfd, &(siginfo_t){0}, WEXITED);
	}
	if (cr->intermediate > 0) {
		kill(cr->intermediate, SIGKILL);
		waitpid(cr->intermediate, NULL, 0);
	}
	if (cr->plan.host_mounts)
		host_mounts_detach(cr->c->dir_fd, cr->plan.rootfs);
	if (cgroup_remove(&cr->cg, &ignored) < 0)
		log_warn("%s", ignored.msg);
	/* runtime.md: a failing prestart, createRuntime or createContainer hook
	 * stops the container and continues at step 12: destroy, then poststop. */
	if (cr->hooks_started && s->hooks[SPEC_HOOK_POSTSTOP].n) {
		cr->c->state.pid = 0;
		_cleanup_free_ char *state = state_json(cr->c, SPEC_STATUS_STOPPED);
		hooks_run(&s->hooks[SPEC_HOOK_POSTSTOP], "poststop", state, true, &ignored);
	}
	container_destroy(cr->c, &ignored);
}

struct container *lifecycle_create(const struct global_opts *g, const char *id,
				   const struct create_opts *o, struct brig_error *err)
{
	struct create_opts with_root = *o;
	with_root.state_root = g->root;
	o = &with_root;
	if (container_id_validate(id, err) < 0)
		return NULL;
	_cleanup_free_ char *bundle = realpath(o->bundle ? o->bundle : ".", NULL);
	if (!bundle) {
		err_sys(err, "bundle '%s'", o->bundle ? o->bundle : ".");
		return NULL;
	}
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *config_path = path_join(bundle, "config.json");
	if (read_file_at(AT_FDCWD, config_path, &text, NULL, err) < 0)
		return NULL;
	struct spec *s = spec_parse(text, "config.json", bundle, err);
	if (!s)
		return NULL;
	if (check_policy_enforce(g->policy, s, err) < 0) {
		spec_free(s);
		return NULL;
	}
	struct creation cr = {.sync_fd = -1, .pidfd = -1, .cg = CTR_CGROUP_INIT};
	cr.systemd_cgroup = g->systemd_cgroup;
	cr.rootless = g->rootless;
	cr.plan.console_fd = cr.plan.stub_fd = cr.plan.sync_fd = cr.plan.cgroup_fd = -1;
	cr.plan.wait_fd = cr.plan.status_fd = -1;
	cr.plan.join_pidfd = cr.plan.seccomp_sock = -1;
	int r = -1;
	if (!s->has_process)
		err_set(err, EINVAL, "config.json: .process: missing required field");
	else if (s->process.terminal && o->console_sock_fd < 0 && !o->console_socket)
		err_set(err, EINVAL, "process.terminal is set: --console-socket is required");
	else {
		_cleanup_close_ int root_fd = container_root_open(g->root, err);
		if (root_fd >= 0 && network_plan(s, g->root, id, o->network, &cr.net, err) == 0 &&
		    (cr.c = container_new(root_fd, id, err)))
			r = create_in(&cr, s, text, o, err);
	}
	if (r < 0 && cr.c) {
		abort_creation(&cr, s);
		container_free(cr.c);
		cr.c = NULL;
	}
	if (cr.c)
		cr.c->init_pidfd = steal_fd(&cr.pidfd);
	closep(&cr.pidfd);
	closep(&cr.sync_fd);
	plan_free_mounts(&cr.plan);
	strv_free(cr.plan.env);
	for (size_t i = 0; i < cr.plan.n_cgroups; i++) {
		free(cr.plan.cgroups[i].mountpoint);
		free(cr.plan.cgroups[i].name);
		free(cr.plan.cgroups[i].options);
		free(cr.plan.cgroups[i].own_path);
	}
	free(cr.plan.cgroups);
	network_plan_free(&cr.net);
	cgroup_clear(&cr.cg);
	filter_free((struct filter *)cr.plan.filter);
	closep(&cr.plan.seccomp_sock);
	spec_free(s);
	return cr.c;
}

/* The config as it was at create (runtime-spec: later edits of the bundle's
 * config.json do not affect the container). */
struct spec *lifecycle_load_config(struct container *c, struct brig_error *err)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(c->dir_fd, CONFIG_COPY, &text, NULL, err) < 0)
		return NULL;
	return spec_parse(text, "config.json", c->state.bundle, err);
}

/* Writes the start byte and waits until the program has exec'd: the status
 * fifo then has no writer left. Anything on it is brig-init's errno. */
static int release_init(struct container *c, struct brig_error *err)
{
	_cleanup_close_ int status =
	    openat(c->dir_fd, STATUS_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int go =
	    openat(c->dir_fd, EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (status < 0 || go < 0) /* ENXIO: no reader, the init is gone */
		return err_sys(err, "open the container's start fifo");
	if (write(go, "0", 1) != 1)
		return err_sys(err, "release the container's init");
	/* brig-init writes "X" once released, then its errno if the exec fails;
	 * the fifo loses its last writer at the exec (or the process's death). */
	char buf[8];
	size_t got = 0;
	for (;;) {
		struct pollfd pfd = {.fd = status, .events = POLLIN};
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return err_sys(err, "wait for the container process to exec");
		ssize_t n = read(status, buf + got, sizeof(buf) - got);
		if (n > 0)
			got += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			break;
	}
	int e;
	if (got == 1 + sizeof(e) && buf[0] == 'X') {
		memcpy(&e, buf + 1, sizeof(e));
		return err_errno(err, e, "exec the container process");
	}
	if (got != 1 || buf[0] != 'X')
		return err_set(err, ECHILD, "the container process exited before its program ran");
	return 0;
}

int lifecycle_wait_exec(int fd, pid_t *ret_forked, struct brig_error *err)
{
	union {
		struct {
			uint32_t type;
			struct brig_error e;
		} msg;
		int stub_errno;
		int pid_msg[2];
	} buf;
	ssize_t n;
	for (;;) {
		do
			n = recv(fd, &buf, sizeof(buf), 0);
		while (n < 0 && errno == EINTR);
		if (n != sizeof(buf.pid_msg) || buf.pid_msg[0] != STUB_PID_MAGIC || !ret_forked)
			break;
		*ret_forked = buf.pid_msg[1];
	}
	if (n == 0)
		return 0;
	if (n == sizeof(int))
		return err_errno(err, buf.stub_errno, "exec the container process");
	if (n == sizeof(buf.msg) && buf.msg.type == SYNC_ERROR) {
		*err = buf.msg.e;
		err->msg[sizeof(err->msg) - 1] = '\0';
		return -1;
	}
	return err_sys(err, "wait for the container process to exec");
}

int lifecycle_start(struct container *c, struct brig_error *err)
{
	switch (container_status(&c->state)) {
	case SPEC_STATUS_CREATED:
		break;
	case SPEC_STATUS_STOPPED:
		return err_set(err, EINVAL, "cannot start a container that has stopped");
	default:
		return err_set(err, EINVAL, "cannot start an already running container");
	}
	_cleanup_(spec_freep) struct spec *s = lifecycle_load_config(c, err);
	if (!s)
		return -1;
	_cleanup_close_ int pidfd = process_pidfd(c->state.pid, c->state.init_start_time);
	if (pidfd < 0)
		return err_set(err, EINVAL, "cannot start a container that has stopped");
	/* runtime.md step 7: in the container's namespaces, before the program */
	_cleanup_free_ char *created = state_json(c, SPEC_STATUS_CREATED);
	if (hooks_run_in(&s->hooks[SPEC_HOOK_START_CONTAINER], "startContainer", created,
			 c->state.pid, pidfd, c->state.rootfs, err) < 0) {
		lifecycle_kill(c, SIGKILL, false, &(struct brig_error){0});
		return -1;
	}
	if (release_init(c, err) < 0)
		return -1;
	log_debug("start %s: init %d runs the program", c->id, c->state.pid);
	unlinkat(c->dir_fd, EXEC_FIFO, 0);
	unlinkat(c->dir_fd, STATUS_FIFO, 0);
	c->state.started = true;
	c->state.status = SPEC_STATUS_RUNNING;
	if (container_save(c, err) < 0)
		return -1;
	_cleanup_free_ char *state = state_json(c, SPEC_STATUS_RUNNING);
	if (hooks_run(&s->hooks[SPEC_HOOK_POSTSTART], "poststart", state, false, err) < 0) {
		/* runtime-spec 1.3: generate an error and stop the container */
		lifecycle_kill(c, SIGKILL, false, &(struct brig_error){0});
		return -1;
	}
	return 0;
}

static int wait_exit(int pidfd, int timeout_ms)
{
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
	int r;
	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0 ? 0 : -1;
}

/* Every process in the init's pid namespace, by its /proc/PID/ns/pid. */
static int signal_pidns(struct container *c, int sig, struct brig_error *err)
{
	char path[300], want[64], got[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", c->state.pid);
	ssize_t n = readlink(path, want, sizeof(want) - 1);
	if (n < 0)
		return err_sys(err, "read pid namespace of %d", c->state.pid);
	want[n] = '\0';
	n = readlink("/proc/self/ns/pid", got, sizeof(got) - 1);
	if (n < 0 || (got[n] = '\0', !strcmp(got, want)))
		return err_set(err, EPERM,
			       "refusing to signal every process of brig's own pid namespace");
	_cleanup_(closedirp) DIR *d = opendir("/proc");
	if (!d)
		return err_sys(err, "open /proc");
	struct dirent *de;
	while ((de = readdir(d))) {
		int64_t pid;
		if (parse_int64(de->d_name, 1, INT32_MAX, &pid) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		n = readlink(path, got, sizeof(got) - 1);
		if (n < 0)
			continue;
		got[n] = '\0';
		if (!strcmp(got, want))
			kill((pid_t)pid, sig);
	}
	return 0;
}

int lifecycle_kill(struct container *c, int sig, bool all, struct brig_error *err)
{
	enum spec_status st = container_status(&c->state);
	if (st == SPEC_STATUS_STOPPED) {
		/* runc: kill --all of a stopped container succeeds; the shim relies on it */
		if (all)
			return 0;
		return err_set(err, ESRCH, "container not running");
	}
	if (all && c->state.cgroup_path) {
		/* every process of the cgroup: also those outside a pid namespace */
		_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
		if (cgroup_load(&c->state, &cg, err) < 0 || cgroups_kill_all(&cg.cg, sig, err) < 0)
			return err_wrap(err, "kill --all");
		return 0;
	}
	_cleanup_close_ int pidfd = process_pidfd(c->state.pid, c->state.init_start_time);
	if (pidfd < 0)
		return all ? 0 : err_set(err, ESRCH, "container not running");
	if (all && c->state.has_pidns && sig != SIGKILL && signal_pidns(c, sig, err) < 0)
		return -1;
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return errno == ESRCH ? err_set(err, ESRCH, "container not running")
				      : err_sys(err, "send signal %d", sig);
	return 0;
}

static void thaw(struct container *c)
{
	_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
	struct brig_error e = {0};
	if (cgroup_load(&c->state, &cg, &e) < 0 || cgroups_freeze(&cg.cg, false, 2000, &e) < 0)
		log_warn("container %s: thaw: %s", c->id, e.msg);
}

int lifecycle_delete(struct container *c, bool force, struct brig_error *err)
{
	enum spec_status st = container_status(&c->state);
	if ((st == SPEC_STATUS_RUNNING || st == SPEC_STATUS_PAUSED) && !force)
		return err_set(err, EBUSY, "cannot delete container %s that is not stopped: %s",
			       c->id, spec_status_name(st));
	/* Before the kill: netDevices go back whole while the netns is alive. */
	struct brig_error ne = {0};
	if (network_teardown(c->dir_fd, &ne) < 0)
		log_warn("container %s: %s", c->id, ne.msg);
	if (st != SPEC_STATUS_STOPPED) {
		/* created (runc's behaviour, which containerd relies on) or --force:
		 * kill the init; with a pid namespace that kills everything in it.
		 * A paused container is thawed first: SIGKILL waits for a v1 thaw. */
		if (st == SPEC_STATUS_PAUSED)
			thaw(c);
		_cleanup_close_ int pidfd = process_pidfd(c->state.pid, c->state.init_start_time);
		log_debug("delete %s: killing init %d (%s)", c->id, c->state.pid,
			  spec_status_name(st));
		if (pidfd >= 0) {
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			if (wait_exit(pidfd, 10000) < 0)
				log_warn("container %s: init %d did not exit after SIGKILL", c->id,
					 c->state.pid);
		}
		c->state.status = SPEC_STATUS_STOPPED;
		c->state.pid = 0;
	}
	host_mounts_detach(c->dir_fd, c->state.rootfs);
	/* Kills what the init left behind (no pid namespace: they outlive it). */
	_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
	struct brig_error ce = {0};
	if (cgroup_load(&c->state, &cg, &ce) < 0 && !cg.active)
		log_warn("container %s: %s", c->id, ce.msg);
	if (cgroup_remove(&cg, &ce) < 0)
		log_warn("container %s: %s", c->id, ce.msg);
	struct brig_error e = {0};
	_cleanup_(spec_freep) struct spec *s = lifecycle_load_config(c, &e);
	if (!s)
		log_warn("container %s: poststop hooks not run: %s", c->id, e.msg);
	if (s && s->hooks[SPEC_HOOK_POSTSTOP].n) {
		_cleanup_free_ char *state = state_json(c, SPEC_STATUS_STOPPED);
		hooks_run(&s->hooks[SPEC_HOOK_POSTSTOP], "poststop", state, true, err);
	}
	return container_destroy(c, err);
}
