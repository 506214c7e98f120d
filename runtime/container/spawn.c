// SPDX-License-Identifier: Apache-2.0
/* Creating the container process. The usual case is one clone3 with every
 * new namespace at once: the kernel creates the user namespace first and the
 * others owned by it. Joining namespaces by path, or a time namespace with
 * offsets, needs an order clone3 cannot give (join while still privileged in
 * the runtime's namespaces, then create the rest), so an intermediate
 * process does the joins and unshares, then forks the init with CLONE_PARENT
 * so that the init is still brig's direct child, and exits. */
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>

/* clone3/unshare refused new namespaces: say why when brig is unprivileged.
 * userns: the config has a user namespace. */
static int ns_error(struct brig_error *err, const char *what, bool userns)
{
	int e = errno;
	const char *why;
	if (geteuid() == 0 || (e != EPERM && e != ENOSPC && e != EUSERS))
		return err_sys(err, "%s", what);
	if (e == EPERM && !userns)
		why = "an unprivileged user creates namespaces only inside a user namespace of its "
		      "own: add {\"type\": \"user\"} and uidMappings/gidMappings to the config, as "
		      "brig spec --rootless does";
	else if (e == EPERM)
		why = "this kernel refuses user namespaces to unprivileged users: sysctl "
		      "kernel.unprivileged_userns_clone, or AppArmor's "
		      "kernel.apparmor_restrict_unprivileged_userns";
	else
		why = "a namespace limit is reached: sysctl user.max_user_namespaces and the other "
		      "user.max_*_namespaces";
	return err_set(err, e, "%s: %s (brig runs as uid %u; %s)", what, strerror(e),
		       (unsigned)geteuid(), why);
}

static int join_ns(enum spec_ns_type t, const char *path, struct brig_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(err, "open %s namespace '%s'", spec_ns_name(t), path);
	/* The flag makes setns check the namespace type (runtime-spec: a path
	 * of the wrong type is an error). */
	if (setns(fd, spec_ns_clone_flag(t)) < 0)
		return err_sys(err, "join %s namespace '%s'", spec_ns_name(t), path);
	return 0;
}

static int write_time_offsets(const struct spec_time_offsets *t, struct brig_error *err)
{
	char buf[128];
	int n = 0;
	if (t->monotonic.set)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %u\n",
			      (long long)t->monotonic.secs, t->monotonic.nanosecs);
	if (t->boottime.set)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %u\n",
			      (long long)t->boottime.secs, t->boottime.nanosecs);
	if (n == 0)
		return 0;
	/* One write per line: the kernel takes one offset per write. */
	for (char *line = buf; *line;) {
		char *nl = strchr(line, '\n');
		if (procfs_pid_write(getpid(), "timens_offsets", line, (size_t)(nl - line + 1),
				     err) < 0)
			return err_wrap(err, "write time offsets");
		line = nl + 1;
	}
	return 0;
}

static int intermediate_steps(struct child_plan *p, struct brig_error *err)
{
	const struct spec_linux *l = &p->spec->linux;
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		if (t != SPEC_NS_USER && l->namespaces[t].path &&
		    join_ns((enum spec_ns_type)t, l->namespaces[t].path, err) < 0)
			return -1;
	if (l->namespaces[SPEC_NS_USER].path) {
		if (join_ns(SPEC_NS_USER, l->namespaces[SPEC_NS_USER].path, err) < 0)
			return -1;
	} else if (p->new_userns) {
		if (unshare(CLONE_NEWUSER) < 0)
			return ns_error(err, "create user namespace", true);
		if (sync_send(p->sync_fd, SYNC_MAPS_REQUEST, NULL, 0) < 0)
			return err_sys(err, "ask for id maps");
		if (sync_expect(p->sync_fd, SYNC_MAPS_DONE, NULL, NULL, err) < 0)
			return -1;
	}
	int rest = p->clone_flags & ~CLONE_NEWUSER;
	if (rest && unshare(rest) < 0)
		return ns_error(err, "create namespaces", l->namespaces[SPEC_NS_USER].present);
	if ((p->clone_flags & CLONE_NEWTIME) && write_time_offsets(&l->time_offsets, err) < 0)
		return -1;
	/* The parent writes the pid it knows into the v1 hierarchies: this
	 * process's, as the init's pid may come after the init's own request.
	 * So this process joins, and the init it forks inherits the cgroups. */
	if (p->cgroup_sync) {
		if (sync_send(p->sync_fd, SYNC_CGROUP_REQUEST, NULL, 0) < 0)
			return err_sys(err, "ask to join the cgroup");
		if (sync_expect(p->sync_fd, SYNC_CGROUP_DONE, NULL, NULL, err) < 0)
			return -1;
		p->cgroup_sync = false;
	}
	return 0;
}

/* The init waits for the intermediate's byte: brig reads the sync socket in
 * order, and an init that spoke first (its ready among its messages) would
 * be answered as the intermediate, its pid never learnt: brig recorded the
 * intermediate's, which exits, and `start` found the container stopped. A
 * pipe's EOF without the byte (the intermediate died) ends the init. */
static void init_wait_named(int fd)
{
	char c;
	ssize_t n;
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127);
	close(fd);
}

static void intermediate_main(struct child_plan *p)
{
	struct brig_error err = {0};
	int named[2];
	if (intermediate_steps(p, &err) < 0)
		sync_fail(p->sync_fd, &err);
	if (pipe2(named, O_CLOEXEC) < 0) {
		err_sys(&err, "pipe");
		sync_fail(p->sync_fd, &err);
	}
	pid_t init = clone3_fork(CLONE_PARENT, NULL, 0, -1);
	if (init == 0) {
		close(named[1]);
		init_wait_named(named[0]);
		child_main(p);
	}
	close(named[0]);
	if (init < 0) {
		err_sys(&err, "clone the container process");
		sync_fail(p->sync_fd, &err);
	}
	fault_point("intermediate", 0, "name the init", &err); /* the tests' slow intermediate */
	sync_send(p->sync_fd, SYNC_INIT_PID, &init, sizeof(init));
	if (write(named[1], "n", 1) != 1)
		_exit(1);
	_exit(0);
}

pid_t spawn_init(struct child_plan *p, int parent_end, int *ret_pidfd, struct brig_error *err)
{
	uint64_t flags = p->slow_path ? 0 : (uint64_t)p->clone_flags;
	pid_t pid = clone3_fork(flags, ret_pidfd, SIGCHLD, p->cgroup_fd);
	if (pid < 0 && p->cgroup_fd >= 0 && (errno == EINVAL || errno == E2BIG)) {
		/* no CLONE_INTO_CGROUP (Linux < 5.7): the child joins at its sync */
		p->cgroup_fd = -1;
		p->cgroup_sync = true;
		pid = clone3_fork(flags, ret_pidfd, SIGCHLD, -1);
	}
	if (pid < 0)
		return ns_error(err, "clone the container process",
				p->spec->linux.namespaces[SPEC_NS_USER].present);
	if (pid == 0) {
		close(parent_end);
		if (p->slow_path)
			intermediate_main(p);
		child_main(p);
	}
	return pid;
}
