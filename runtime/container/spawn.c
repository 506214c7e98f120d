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
			return err_sys(err, "create user namespace");
		if (sync_send(p->sync_fd, SYNC_MAPS_REQUEST, NULL, 0) < 0)
			return err_sys(err, "ask for id maps");
		if (sync_expect(p->sync_fd, SYNC_MAPS_DONE, NULL, NULL, err) < 0)
			return -1;
	}
	int rest = p->clone_flags & ~CLONE_NEWUSER;
	if (rest && unshare(rest) < 0)
		return err_sys(err, "create namespaces");
	if ((p->clone_flags & CLONE_NEWTIME) && write_time_offsets(&l->time_offsets, err) < 0)
		return -1;
	return 0;
}

static void intermediate_main(struct child_plan *p)
{
	struct brig_error err = {0};
	if (intermediate_steps(p, &err) < 0)
		sync_fail(p->sync_fd, &err);
	pid_t init = clone3_fork(CLONE_PARENT, NULL, 0, -1);
	if (init == 0)
		child_main(p);
	if (init < 0) {
		err_sys(&err, "clone the container process");
		sync_fail(p->sync_fd, &err);
	}
	sync_send(p->sync_fd, SYNC_INIT_PID, &init, sizeof(init));
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
		return err_sys(err, "clone the container process");
	if (pid == 0) {
		close(parent_end);
		if (p->slow_path)
			intermediate_main(p);
		child_main(p);
	}
	return pid;
}

int spawn_set_oom_score(pid_t pid, const struct spec_process *p, struct brig_error *err)
{
	if (!p->oom_score_adj.set)
		return 0;
	/* From here: the child is non-dumpable, and inside a user namespace its
	 * /proc files are not its own to write. */
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj.value);
	if (procfs_pid_write(pid, "oom_score_adj", buf, (size_t)n, err) < 0)
		return err_wrap(err, "set oom_score_adj");
	return 0;
}
