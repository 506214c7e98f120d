// SPDX-License-Identifier: Apache-2.0
/* The container process, from clone to exec: an ordered list of small steps.
 * The parent has planned everything (struct child_plan); each step applies
 * one part and returns 0 when that part of the config is absent. Up to
 * "report ready" errors go to the parent over the sync socket; after it, to
 * `brig start` over the start connection. */
#include "netlink/netlink.h"
#include "runtime/init/internal.h"

#include <fcntl.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

struct step {
	const char *name;
	int (*run)(struct child_ctx *c, struct brig_error *err);
};

static int wait_id_maps(struct child_ctx *c, struct brig_error *err)
{
	if (!c->plan->new_userns || c->plan->slow_path)
		return 0; /* the slow path waited before creating the namespaces */
	if (sync_send(c->plan->sync_fd, SYNC_MAPS_REQUEST, NULL, 0) < 0)
		return err_sys(err, "ask for id maps");
	if (sync_expect(c->plan->sync_fd, SYNC_MAPS_DONE, NULL, NULL, err) < 0)
		return -1;
	return 0;
}

/* The parent puts this process in its v1 cgroups (the unified one it was
 * cloned into); a cgroup namespace made after that is rooted at them. */
static int join_cgroup(struct child_ctx *c, struct brig_error *err)
{
	/* On the slow path the intermediate process joined already (spawn.c). */
	if (c->plan->cgroup_sync) {
		if (sync_send(c->plan->sync_fd, SYNC_CGROUP_REQUEST, NULL, 0) < 0)
			return err_sys(err, "ask to join the cgroup");
		if (sync_expect(c->plan->sync_fd, SYNC_CGROUP_DONE, NULL, NULL, err) < 0)
			return -1;
	}
	if (c->plan->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		return err_sys(err, "create cgroup namespace");
	return 0;
}

static int not_dumpable(struct child_ctx *c, struct brig_error *err)
{
	(void)c;
	/* No process inside the container may open this one's /proc entries
	 * (its exe is brig's binary) without CAP_SYS_PTRACE over it. After the
	 * id maps: an unprivileged parent can only write them while the child
	 * is dumpable. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return err_sys(err, "prctl(PR_SET_DUMPABLE)");
	return 0;
}

static int become_ns_root(struct child_ctx *c, struct brig_error *err)
{
	if (!c->plan->new_userns && !c->plan->spec->linux.namespaces[SPEC_NS_USER].path)
		return 0;
	/* Container root, if the maps have one; the user step sets the final ids. */
	if (setresgid(0, 0, 0) < 0 && errno != EINVAL)
		return err_sys(err, "setgid 0 in the user namespace");
	if (setresuid(0, 0, 0) < 0 && errno != EINVAL)
		return err_sys(err, "setuid 0 in the user namespace");
	return 0;
}

/* A new network namespace has only lo, and down: bring it up. */
static int loopback_up(struct child_ctx *c, struct brig_error *err)
{
	if (!(c->plan->clone_flags & CLONE_NEWNET))
		return 0;
	return network_loopback_up(err);
}

static int set_hostname(struct child_ctx *c, struct brig_error *err)
{
	const struct spec *s = c->plan->spec;
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return err_sys(err, "sethostname '%s'", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return err_sys(err, "setdomainname '%s'", s->domainname);
	return 0;
}

static int runtime_hooks(struct child_ctx *c, struct brig_error *err)
{
	/* prestart and createRuntime run in the parent, in the runtime's
	 * namespaces, now that the container's exist and are mounted. */
	if (sync_send(c->plan->sync_fd, SYNC_HOOKS_REQUEST, NULL, 0) < 0)
		return err_sys(err, "ask for runtime hooks");
	_cleanup_free_ char *state = NULL;
	if (sync_expect(c->plan->sync_fd, SYNC_HOOKS_DONE, &state, NULL, err) < 0)
		return -1;
	c->hook_state = steal_ptr(&state);
	return 0;
}

static int create_container_hooks(struct child_ctx *c, struct brig_error *err)
{
	/* In the container's namespaces, before pivot_root: the path is still
	 * the runtime's. */
	const struct spec_hook_list *l = &c->plan->spec->hooks[SPEC_HOOK_CREATE_CONTAINER];
	if (!l->n)
		return 0;
	/* with the rootfs as their cwd, as runc runs them (pivot_root chdirs
	 * there again) */
	if (fchdir(c->root_fd) < 0)
		return err_sys(err, "chdir to the rootfs");
	return hooks_run(l, "createContainer", c->hook_state, false, err);
}

/* After pivot_root: the procfs brig's own writes go through (sysctl, exec
 * labels), and the container's /proc the masks and read-only paths go on. */
static int open_procfs(struct child_ctx *c, struct brig_error *err)
{
	const struct spec *s = c->plan->spec;
	const struct spec_process *p = c->plan->proc;
	/* Where the config mounts proc at /proc, that is what must be there now
	 * (not a symlink or a directory swapped in since): the masks go on it.
	 * Without one there is nothing of procfs at /proc to mask. */
	bool want = false;
	for (size_t i = 0; i < c->plan->n_mounts; i++) {
		const struct mount_plan *m = &c->plan->mounts[i];
		if (m->kind == MOUNT_FS && !strcmp(m->fstype, "proc") && !strcmp(m->dest, "/proc"))
			want = true;
	}
	if (want && (c->ctr_proc_fd = procfs_root_at(c->root_fd, "proc", err)) < 0)
		return err_wrap(err, "the container's /proc");
	if (!s->linux.n_sysctl && !p->apparmor_profile && !p->selinux_label)
		return 0;
	c->proc_fd = procfs_root(err);
	return c->proc_fd < 0 ? -1 : 0;
}

static int apply_sysctl(struct child_ctx *c, struct brig_error *err)
{
	const struct spec_linux *l = &c->plan->spec->linux;
	for (size_t i = 0; i < l->n_sysctl; i++) {
		const char *v = l->sysctl[i].value;
		_cleanup_free_ char *rel = procfs_sysctl_rel(l->sysctl[i].key);
		if (!rel)
			return err_set(err, EINVAL, "sysctl %s: not a valid key", l->sysctl[i].key);
		if (procfs_write(c->proc_fd, rel, v, strlen(v), err) < 0)
			return err_wrap(err, "sysctl %s=%s", l->sysctl[i].key, v);
	}
	return 0;
}

static int ignore_mount_label(struct child_ctx *c, struct brig_error *err)
{
	(void)err;
	if (c->plan->spec->linux.mount_label)
		log_debug("linux.mountLabel ignored: SELinux is not enabled");
	return 0;
}

/* runc sets HOME from the container's /etc/passwd when the env has none. */
static int set_home(struct child_ctx *c, struct brig_error *err)
{
	(void)err;
	char **env = c->plan->env;
	size_t n = strv_length(env);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(env[i], "HOME=", 5))
			return 0;
	const char *home = "/";
	_cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
	struct passwd pw, *res = NULL;
	char buf[4096];
	while (f && fgetpwent_r(f, &pw, buf, sizeof(buf), &res) == 0)
		if (pw.pw_uid == c->plan->proc->user.uid) {
			home = pw.pw_dir;
			break;
		}
	env = xrealloc(env, (n + 2) * sizeof(char *));
	env[n] = xasprintf("HOME=%s", home);
	env[n + 1] = NULL;
	c->plan->env = env;
	return 0;
}

/* A missing cwd is made, as runc and crun make it: in the container's root
 * (after pivot_root, where its symlinks cannot leave it), before the root
 * may turn read-only. */
static int create_cwd(struct child_ctx *c, struct brig_error *err)
{
	const char *cwd = c->plan->proc->cwd;
	struct stat st;
	if (stat(cwd, &st) == 0 || errno != ENOENT)
		return 0; /* there, or a problem change_dir reports */
	if (mkdir_p(cwd, 0755, err) < 0)
		return err_wrap(err, "create cwd '%s'", cwd);
	return 0;
}

/* With brig's privileges, as runc does: a cwd root may enter but the user
 * may not is fine. Only a permission error is left to the user to retry
 * (check_cwd_as_user), for a cwd the user may enter and root may not (a
 * volume of the user's on a root-squashing filesystem). */
static int change_dir(struct child_ctx *c, struct brig_error *err)
{
	const char *cwd = c->plan->proc->cwd;
	c->cwd_as_user = false;
	if (chdir(cwd) < 0) {
		if (errno != EACCES && errno != EPERM)
			return err_sys(err, "chdir to cwd '%s'", cwd);
		c->cwd_as_user = true;
		return 0;
	}
	/* A cwd reached through a leaked fd would be outside the root
	 * (CVE-2024-21626): getcwd then says "(unreachable)". */
	char buf[4096];
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return err_set(err, EPERM, "cwd '%s' is outside the container", cwd);
	return 0;
}

/* After the user change: the chdir root was refused, as the user. */
static int check_cwd_as_user(struct child_ctx *c, struct brig_error *err)
{
	const struct spec_user *u = &c->plan->proc->user;
	const char *cwd = c->plan->proc->cwd;
	if (!c->cwd_as_user)
		return 0;
	if (chdir(cwd) < 0)
		return err_sys(err, "chdir to cwd '%s' as %u:%u", cwd, u->uid, u->gid);
	char buf[4096];
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return err_set(err, EPERM, "cwd '%s' is outside the container", cwd);
	return 0;
}

/* Without no_new_privs the kernel loads a filter only for a process with
 * CAP_SYS_ADMIN: before the user and capability changes. With it, as late as
 * possible: just before brig reports ready and brig-init takes over. */
static int load_seccomp(struct child_ctx *c, bool late, struct brig_error *err)
{
	const struct filter *f = c->plan->filter;
	if (!f || c->plan->proc->no_new_privileges != late)
		return 0;
	_cleanup_free_ char *payload = NULL;
	if (f->notify) {
		const char *state = c->plan->seccomp_state ? c->plan->seccomp_state : c->hook_state;
		payload = state ? spec_seccomp_state_format(
				      state, c->plan->spec->linux.seccomp.listener_metadata)
				: NULL;
		if (!payload)
			return err_set(err, EINVAL, "no state for the seccomp agent");
	}
	int fd = filter_load(f, err);
	if (fd < 0)
		return -1;
	if (f->notify) {
		/* The agent holds the fd before brig makes another syscall: the
		 * notified ones (sendmsg, write...) are answered, not deadlocked. */
		int r = filter_listener_send(c->plan->seccomp_sock, fd, f, payload, strlen(payload),
					     err);
		close(fd);
		closep(&c->plan->seccomp_sock);
		return r;
	}
	return 0;
}

static int load_seccomp_early(struct child_ctx *c, struct brig_error *err)
{
	return load_seccomp(c, false, err);
}

static int load_seccomp_late(struct child_ctx *c, struct brig_error *err)
{
	return load_seccomp(c, true, err);
}

static int set_exec_labels(struct child_ctx *c, struct brig_error *err)
{
	return lsm_set_exec_labels(c->plan->proc, c->proc_fd, err);
}

static int no_new_privs(struct child_ctx *c, struct brig_error *err)
{
	if (c->plan->proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_sys(err, "set no_new_privs");
	return 0;
}

/* The status fifo closes when the program execs: `brig start` sees that. */
static int prepare_init_fds(struct child_ctx *c, struct brig_error *err)
{
	c->report_fd = c->plan->status_fd;
	return process_prepare_fds(c, err);
}

static int report_ready(struct child_ctx *c, struct brig_error *err)
{
	if (sync_send(c->plan->sync_fd, SYNC_READY, NULL, 0) < 0)
		return err_sys(err, "report ready");
	/* kept open: it closes at the exec of brig-init (close-on-exec), and
	 * that EOF is what create waits for; process_exec closes it itself when
	 * brig-init cannot be exec'd */
	return 0;
}

static const struct step create_steps[] = {
    {"wait for id maps", wait_id_maps}, /* the parent writes uid_map first */
    {"join the cgroup", join_cgroup},
    {"become non-dumpable", not_dumpable},
    {"become root in the user namespace", become_ns_root},
    {"set hostname", set_hostname},
    {"bring up loopback", loopback_up},
    {"open /dev/null", mounts_open_null}, /* the host's, for the masks */
    {"prepare rootfs", mounts_prepare_root},
    {"mount", mounts_apply},
    {"create devices", dev_setup}, /* after mounts: /dev is usually a tmpfs */
    {"run runtime hooks", runtime_hooks},
    {"run createContainer hooks", create_container_hooks},
    {"pivot root", mounts_pivot},
    {"set root propagation", mounts_finish_root},
    {"create cwd", create_cwd}, /* before the root may turn read-only */
    {"open procfs", open_procfs},
    {"set up console", console_setup},	   /* needs the container's devpts */
    {"reopen /dev/null", dev_reopen_null}, /* stdio criu can dump */
    {"apply sysctl", apply_sysctl},	   /* before /proc/sys turns read-only */
    {"mask paths", mounts_mask_paths},	   /* after mounts: cover the final tree */
    {"make paths read-only", mounts_readonly_paths},
    {"make tmpfs and /dev read-only", mounts_readonly_late}, /* "ro" ones, now filled */
    {"make root read-only", mounts_readonly_root},	     /* last change to the tree */
    {"mount label", ignore_mount_label},
    {"set process attributes", process_set_attrs}, /* rlimits need root */
    {"set HOME", set_home},
    {"change directory", change_dir},		/* getcwd before a filter may refuse it */
    {"find executable", process_find_exec},	/* stat and faccessat2 too */
    {"prepare fds for exec", prepare_init_fds}, /* before any seccomp filter */
    {"set exec labels", set_exec_labels},	/* before no_new_privs */
    {"drop bounding capabilities", process_drop_bounding},		  /* needs CAP_SETPCAP */
    {"load seccomp filter (before the user change)", load_seccomp_early}, /* CAP_SYS_ADMIN */
    {"change user", process_set_user},
    {"set capabilities", process_set_caps},
    {"check cwd as the user", check_cwd_as_user},
    {"set no_new_privs", no_new_privs},
    {"set cpu affinity", process_set_final_affinity},
    /* the last step that can still fail create */
    {"load seccomp filter (after no_new_privs)", load_seccomp_late},
    {"report ready", report_ready},
    /* brig-init waits for start: no process of brig's image stays behind */
    {"exec brig-init", process_exec},
};

/* Every signal at its default, but SIGPIPE: this process writes the state to
 * createContainer hooks, which may close their stdin unread. process_exec
 * restores it just before the exec. */
static void reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

size_t init_close_ranges(int *keep, size_t n, unsigned first, struct init_fd_range *ret)
{
	size_t k = 0;
	if (n) /* qsort's array may not be NULL, even empty */
		qsort(keep, n, sizeof(int), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < first)
			continue;
		if ((unsigned)keep[i] > first)
			ret[k++] = (struct init_fd_range){first, (unsigned)keep[i] - 1};
		first = (unsigned)keep[i] + 1;
	}
	ret[k++] = (struct init_fd_range){first, ~0U};
	return k;
}

/* The child holds only what the plan gives it: no state directory (whose
 * flock would outlive create), no fd of the caller beyond the preserved. */
static void close_inherited(struct child_plan *p)
{
	size_t n = 0;
	_cleanup_free_ int *keep = xcalloc(p->n_mounts + 9, sizeof(int));
	_cleanup_free_ struct init_fd_range *r = xcalloc(p->n_mounts + 10, sizeof(*r));
	int fixed[] = {p->sync_fd,	p->wait_fd,    p->status_fd,	p->console_fd,
		       p->brig_init_fd, p->join_pidfd, p->seccomp_sock, log_fd()};
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		keep[n++] = fixed[i];
	for (size_t i = 0; i < p->n_mounts; i++)
		keep[n++] = p->mounts[i].tree_fd;
	size_t nr = init_close_ranges(keep, n, 3 + (unsigned)p->preserve_fds, r);
	for (size_t i = 0; i < nr; i++)
		syscall(SYS_close_range, r[i].first, r[i].last, 0);
}

/* The container process's steps, create's or exec's; it never returns (the
 * last step execs). A failing step reports its error, named, to brig. */
static __attribute__((noreturn)) void run_child(struct child_plan *p, const char *verb,
						const struct step *steps, size_t n)
{
	struct child_ctx c = {.plan = p,
			      .root_fd = -1,
			      .report_fd = -1,
			      .proc_fd = -1,
			      .ctr_proc_fd = -1,
			      .null_fd = -1,
			      .exec_conn = -1,
			      .exec_wait = -1};
	struct brig_error err = {0};

	close_inherited(p);
	reset_signals();
	for (size_t i = 0; i < n; i++) {
		if (fault_point(verb, i, steps[i].name, &err) < 0 || steps[i].run(&c, &err) < 0) {
			err_wrap(&err, "%s", steps[i].name);
			/* after "report ready" (create) the sync socket is closed: a
			 * later error goes to `brig start` on the status fifo */
			if (p->sync_fd >= 0)
				sync_fail(p->sync_fd, &err);
			_exit(127);
		}
	}
	_exit(127);
}

void child_main(struct child_plan *p)
{
	run_child(p, "child", create_steps, ARRAY_SIZE(create_steps));
}

/* exec: every namespace of the init at once through its pidfd. The pid
 * namespace applies to children only: this process stays outside, invisible
 * to the container, and brig-init forks the program into it. */
static int join_container(struct child_ctx *c, struct brig_error *err)
{
	int flags = c->plan->join_flags;
	/* This process stays in brig's pid namespace: its exec labels are
	 * written through a procfs of that one, opened while still brig's. */
	const struct spec_process *p = c->plan->proc;
	if ((p->apparmor_profile || p->selinux_label) && (c->proc_fd = procfs_root(err)) < 0)
		return -1;
	if (flags && setns(c->plan->join_pidfd, flags) < 0)
		return err_sys(err, "join the container's namespaces");
	closep(&c->plan->join_pidfd);
	/* A container without a mount namespace lives in a chroot of ours: its
	 * rootfs opened without following a symlink swapped in since create. */
	if (c->plan->host_mounts) {
		_cleanup_close_ int root =
		    open_nofollow_path(c->plan->rootfs, O_PATH | O_DIRECTORY, err);
		if (root < 0 || fchdir(root) < 0 || chroot(".") < 0)
			return root < 0 ? -1 : err_sys(err, "chroot '%s'", c->plan->rootfs);
	}
	if (chdir("/") < 0)
		return err_sys(err, "chdir /");
	c->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return c->root_fd < 0 ? err_sys(err, "open /") : 0;
}

static int prepare_exec_fds(struct child_ctx *c, struct brig_error *err)
{
	/* The sync socket closes on exec: that EOF tells brig the program runs. */
	c->report_fd = c->plan->sync_fd;
	return process_prepare_fds(c, err);
}

static const struct step exec_steps[] = {
    {"join the cgroup", join_cgroup},
    {"set oom_score_adj", process_set_oom_score}, /* still dumpable, in brig's userns */
    {"join the container", join_container},
    {"become non-dumpable", not_dumpable},
    {"set up console", console_setup},
    {"set process attributes", process_set_exec_attrs},
    {"set HOME", set_home},
    {"change directory", change_dir},
    {"find executable", process_find_exec},
    {"prepare fds for exec", prepare_exec_fds}, /* before any seccomp filter */
    {"set exec labels", set_exec_labels},
    {"drop bounding capabilities", process_drop_bounding},
    {"load seccomp filter (before the user change)", load_seccomp_early},
    {"change user", process_set_user},
    {"set capabilities", process_set_caps},
    {"check cwd as the user", check_cwd_as_user},
    {"set no_new_privs", no_new_privs},
    {"set cpu affinity", process_set_final_affinity},
    {"load seccomp filter (after no_new_privs)", load_seccomp_late},
    {"exec", process_exec},
};

void exec_child_main(struct child_plan *p)
{
	run_child(p, "exec-child", exec_steps, ARRAY_SIZE(exec_steps));
}
