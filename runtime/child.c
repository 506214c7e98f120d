// SPDX-License-Identifier: Apache-2.0
/* The container process, from clone to exec: an ordered list of small steps.
 * The parent has planned everything (struct child_plan); each step applies
 * one part and returns 0 when that part of the config is absent. Up to
 * "report ready" errors go to the parent over the sync socket; after it, to
 * `brig start` over the start connection. */
#include "runtime/linux.h"
#include "runtime/runtime.h"

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
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};
	strcpy(ifr.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return err_sys(err, "get lo flags");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return err_sys(err, "bring lo up");
	return 0;
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
	c->start_state = steal_ptr(&state);
	return 0;
}

static int create_container_hooks(struct child_ctx *c, struct brig_error *err)
{
	/* In the container's namespaces, before pivot_root: the path is still
	 * the runtime's. */
	const struct spec_hook_list *l = &c->plan->spec->hooks[SPEC_HOOK_CREATE_CONTAINER];
	return l->n ? hooks_run(l, "createContainer", c->start_state, false, err) : 0;
}

/* sysctl(8)'s key syntax: when the first separator is '.', dots separate and
 * a '/' stands for a literal dot ("net.ipv4.conf.eth0/1.forwarding"). */
static char *sysctl_path(const char *key)
{
	char *path = xasprintf("/proc/sys/%s", key);
	char *k = path + strlen("/proc/sys/");
	if (k[strcspn(k, "./")] != '.')
		return path;
	for (char *p = k; *p; p++)
		*p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
	return path;
}

static int apply_sysctl(struct child_ctx *c, struct brig_error *err)
{
	const struct spec_linux *l = &c->plan->spec->linux;
	for (size_t i = 0; i < l->n_sysctl; i++) {
		_cleanup_free_ char *path = sysctl_path(l->sysctl[i].key);
		_cleanup_close_ int fd = open_in_root(c->root_fd, path, O_WRONLY | O_TRUNC, err);
		const char *v = l->sysctl[i].value;
		if (fd < 0)
			return err_wrap(err, "sysctl %s", l->sysctl[i].key);
		if (write_all(fd, v, strlen(v)) < 0)
			return err_sys(err, "sysctl %s=%s", l->sysctl[i].key, v);
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

static int change_dir(struct child_ctx *c, struct brig_error *err)
{
	const char *cwd = c->plan->proc->cwd;
	if (chdir(cwd) < 0)
		return err_sys(err, "chdir to cwd '%s'", cwd);
	/* A cwd reached through a leaked fd would be outside the root
	 * (CVE-2024-21626): getcwd then says "(unreachable)". */
	char buf[4096];
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return err_set(err, EPERM, "cwd '%s' is outside the container", cwd);
	return 0;
}

static int no_new_privs(struct child_ctx *c, struct brig_error *err)
{
	if (c->plan->proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_sys(err, "set no_new_privs");
	return 0;
}

static int report_ready(struct child_ctx *c, struct brig_error *err)
{
	if (sync_send(c->plan->sync_fd, SYNC_READY, NULL, 0) < 0)
		return err_sys(err, "report ready");
	closep(&c->plan->sync_fd);
	c->plan->sync_fd = -1;
	return 0;
}

/* Blocks until `brig start` connects; its message is the state for the
 * startContainer hooks. */
static int wait_start(struct child_ctx *c, struct brig_error *err)
{
	do
		c->conn_fd = accept4(c->plan->start_fd, NULL, NULL, SOCK_CLOEXEC);
	while (c->conn_fd < 0 && errno == EINTR);
	if (c->conn_fd < 0)
		return err_sys(err, "wait for start");
	closep(&c->plan->start_fd);
	c->plan->start_fd = -1;
	enum sync_type t;
	free(c->start_state);
	c->start_state = NULL;
	return sync_recv(c->conn_fd, &t, &c->start_state, NULL, err);
}

static int start_container_hooks(struct child_ctx *c, struct brig_error *err)
{
	const struct spec_hook_list *l = &c->plan->spec->hooks[SPEC_HOOK_START_CONTAINER];
	return l->n ? hooks_run(l, "startContainer", c->start_state, false, err) : 0;
}

static const struct step create_steps[] = {
    {"wait for id maps", wait_id_maps}, /* the parent writes uid_map first */
    {"become non-dumpable", not_dumpable},
    {"become root in the user namespace", become_ns_root},
    {"set hostname", set_hostname},
    {"bring up loopback", loopback_up},
    {"prepare rootfs", mounts_prepare_root},
    {"mount", mounts_apply},
    {"create devices", dev_setup}, /* after mounts: /dev is usually a tmpfs */
    {"run runtime hooks", runtime_hooks},
    {"run createContainer hooks", create_container_hooks},
    {"pivot root", mounts_pivot},
    {"set root propagation", mounts_finish_root},
    {"set up console", console_setup}, /* needs the container's devpts */
    {"apply sysctl", apply_sysctl},    /* before /proc/sys turns read-only */
    {"mask paths", mounts_mask_paths}, /* after mounts: cover the final tree */
    {"make paths read-only", mounts_readonly_paths},
    {"make root read-only", mounts_readonly_root}, /* last change to the tree */
    {"mount label", ignore_mount_label},
    {"set process attributes", process_set_attrs}, /* rlimits need root */
    {"set HOME", set_home},
    {"drop bounding capabilities", process_drop_bounding}, /* needs CAP_SETPCAP */
    {"change user", process_set_user},
    {"set capabilities", process_set_caps},
    {"change directory", change_dir}, /* as the user: its permissions apply */
    {"set no_new_privs", no_new_privs},
    {"find executable", process_find_exec},
    {"report ready", report_ready},
};

static const struct step start_steps[] = {
    {"wait for start", wait_start},
    {"run startContainer hooks", start_container_hooks},
    {"set cpu affinity", process_set_final_affinity},
    {"exec", process_exec},
};

static void reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The child holds only what the plan gives it: no state directory (whose
 * flock would outlive create), no fd of the caller beyond the preserved. */
static void close_inherited(struct child_plan *p)
{
	size_t n = 0;
	_cleanup_free_ int *keep = xcalloc(p->n_mounts + 6, sizeof(int));
	int fixed[] = {p->sync_fd, p->start_fd, p->console_fd, p->stub_fd, log_fd(), p->join_pidfd};
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		keep[n++] = fixed[i];
	for (size_t i = 0; i < p->n_mounts; i++)
		keep[n++] = p->mounts[i].tree_fd;
	qsort(keep, n, sizeof(int), cmp_int);
	unsigned first = 3 + (unsigned)p->preserve_fds;
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < first)
			continue;
		if ((unsigned)keep[i] > first)
			syscall(SYS_close_range, first, (unsigned)keep[i] - 1, 0);
		first = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, first, ~0U, 0);
}

void child_main(struct child_plan *p)
{
	struct child_ctx c = {.plan = p, .root_fd = -1, .conn_fd = -1};
	struct brig_error err = {0};

	close_inherited(p);
	reset_signals();
	for (size_t i = 0; i < ARRAY_SIZE(create_steps); i++) {
		if (create_steps[i].run(&c, &err) < 0) {
			err_wrap(&err, "%s", create_steps[i].name);
			sync_fail(p->sync_fd, &err);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(start_steps); i++) {
		if (start_steps[i].run(&c, &err) < 0) {
			err_wrap(&err, "%s", start_steps[i].name);
			if (c.conn_fd >= 0)
				sync_send(c.conn_fd, SYNC_ERROR, &err, sizeof(err));
			_exit(127);
		}
	}
	_exit(127);
}

/* exec: every namespace of the init at once through its pidfd. The pid
 * namespace applies to children only: this process stays outside, invisible
 * to the container, and brig-init forks the program into it. */
static int join_container(struct child_ctx *c, struct brig_error *err)
{
	int flags = c->plan->join_flags;
	if (flags && setns(c->plan->join_pidfd, flags) < 0)
		return err_sys(err, "join the container's namespaces");
	closep(&c->plan->join_pidfd);
	c->plan->join_pidfd = -1;
	/* A container without a mount namespace lives in a chroot of ours. */
	if (c->plan->host_mounts && chroot(c->plan->rootfs) < 0)
		return err_sys(err, "chroot '%s'", c->plan->rootfs);
	if (chdir("/") < 0)
		return err_sys(err, "chdir /");
	c->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return c->root_fd < 0 ? err_sys(err, "open /") : 0;
}

static int exec_now(struct child_ctx *c, struct brig_error *err)
{
	/* The sync socket closes on exec: that EOF tells brig the program runs. */
	c->conn_fd = c->plan->sync_fd;
	return process_exec(c, err);
}

static const struct step exec_steps[] = {
    {"join the container", join_container},
    {"become non-dumpable", not_dumpable},
    {"set up console", console_setup},
    {"set process attributes", process_set_exec_attrs},
    {"set HOME", set_home},
    {"drop bounding capabilities", process_drop_bounding},
    {"change user", process_set_user},
    {"set capabilities", process_set_caps},
    {"change directory", change_dir},
    {"set no_new_privs", no_new_privs},
    {"find executable", process_find_exec},
    {"set cpu affinity", process_set_final_affinity},
    {"exec", exec_now},
};

void exec_child_main(struct child_plan *p)
{
	struct child_ctx c = {.plan = p, .root_fd = -1, .conn_fd = -1};
	struct brig_error err = {0};

	close_inherited(p);
	reset_signals();
	for (size_t i = 0; i < ARRAY_SIZE(exec_steps); i++) {
		if (exec_steps[i].run(&c, &err) < 0) {
			err_wrap(&err, "%s", exec_steps[i].name);
			sync_fail(p->sync_fd, &err);
		}
	}
	_exit(127);
}
