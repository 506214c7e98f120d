// SPDX-License-Identifier: Apache-2.0
/* bpf(2) for the device program: load it, attach it to the container's unified cgroup,
 * replace the one attached before. Raw syscalls from <linux/bpf.h>, no libbpf. */
#include "cgroups/internal.h"

#include <sys/syscall.h>

#define MAX_PROGS 64

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* The verifier's last complaint, for the error message. */
static const char *last_log_line(char *log)
{
	size_t n = strlen(log);
	while (n && log[n - 1] == '\n')
		log[--n] = '\0';
	char *nl = strrchr(log, '\n');
	return nl ? nl + 1 : log;
}

int bpf_device_load(const struct bpf_insn *insns, size_t n, struct brig_error *err)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t) "Apache-2.0";
	int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	if (errno == EPERM || errno == ENOSYS)
		return err_sys(err, "load the device program");
	/* again with the verifier's log, which says why */
	int saved = errno;
	_cleanup_free_ char *log = xcalloc(1, 65536);
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = 65536;
	a.log_level = 1;
	fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	return err_errno(err, saved, "load the device program (verifier: %s)", last_log_line(log));
}

static int query(int cgroup_fd, uint32_t *ids, uint32_t *ret_n, uint32_t *ret_flags,
		 struct brig_error *err)
{
	union bpf_attr q;
	memset(&q, 0, sizeof(q));
	q.query.target_fd = (uint32_t)cgroup_fd;
	q.query.attach_type = BPF_CGROUP_DEVICE;
	q.query.prog_ids = (uint64_t)(uintptr_t)ids;
	q.query.prog_cnt = MAX_PROGS;
	if (sys_bpf(BPF_PROG_QUERY, &q) < 0)
		return err_sys(err, "query the cgroup's device programs");
	*ret_n = q.query.prog_cnt < MAX_PROGS ? q.query.prog_cnt : MAX_PROGS;
	*ret_flags = q.query.attach_flags;
	return 0;
}

static int prog_fd_by_id(uint32_t id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	return (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
}

static long attach(int cgroup_fd, int prog_fd, uint32_t flags, int replace_fd)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cgroup_fd;
	a.attach_bpf_fd = (uint32_t)prog_fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = flags;
	a.replace_bpf_fd = (uint32_t)(replace_fd >= 0 ? replace_fd : 0);
	return sys_bpf(BPF_PROG_ATTACH, &a);
}

static int detach_id(int cgroup_fd, uint32_t id, struct brig_error *err)
{
	_cleanup_close_ int fd = prog_fd_by_id(id);
	if (fd < 0)
		return errno == ENOENT ? 0 : err_sys(err, "open device program %u", id);
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cgroup_fd;
	a.attach_bpf_fd = (uint32_t)fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
		return err_sys(err, "detach the old device program %u", id);
	return 0;
}

/* BPF_F_REPLACE (5.6+) swaps the one old program for the new one in a single step. */
static bool replace_one(int cgroup_fd, int prog_fd, uint32_t old_id)
{
	_cleanup_close_ int old = prog_fd_by_id(old_id);
	return old >= 0 && attach(cgroup_fd, prog_fd, BPF_F_ALLOW_MULTI | BPF_F_REPLACE, old) == 0;
}

int cgroups_attach_devices(const struct cgroups_cgroup *cg, const struct cgroups_plan *plan,
			   struct brig_error *err)
{
	uint32_t ids[MAX_PROGS], n = 0, flags = 0;
	if (!plan->devices)
		return 0;
	_cleanup_close_ int prog = bpf_device_load(plan->devices, plan->n_devices, err);
	if (prog < 0 || query(cg->v2.fd, ids, &n, &flags, err) < 0)
		return -1;
	/* A single program attached without ALLOW_MULTI (another manager's) is replaced in
	 * place by attaching with the same flags. */
	if (n && !(flags & BPF_F_ALLOW_MULTI)) {
		if (attach(cg->v2.fd, prog, flags, -1) < 0)
			return err_sys(err, "replace the device program");
		return 0;
	}
	if (n == 1 && replace_one(cg->v2.fd, prog, ids[0]))
		return 0;
	/* Otherwise the new one first, then the old ones: in between both run and a device
	 * must pass both, so nothing is ever less restricted than either set of rules. */
	if (attach(cg->v2.fd, prog, BPF_F_ALLOW_MULTI, -1) < 0)
		return err_sys(err, "attach the device program");
	for (uint32_t i = 0; i < n; i++)
		if (detach_id(cg->v2.fd, ids[i], err) < 0)
			return -1;
	return 0;
}
