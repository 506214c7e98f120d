// SPDX-License-Identifier: Apache-2.0
/* The container process's own attributes, applied in the child: rlimits,
 * personality, scheduling, I/O priority, CPU affinity, memory policy, the
 * keyring, the OOM score, and the user change (the capabilities are caps.c's,
 * the program lookup exec.c's). */
#include "runtime/init/internal.h"

#include <ctype.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

struct sched_attr_v1 {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

static const int sched_policies[] = {
    [SPEC_SCHED_OTHER] = SCHED_OTHER,
    [SPEC_SCHED_FIFO] = SCHED_FIFO,
    [SPEC_SCHED_RR] = SCHED_RR,
    [SPEC_SCHED_BATCH] = SCHED_BATCH,
    [SPEC_SCHED_ISO] = 4,
    [SPEC_SCHED_IDLE] = SCHED_IDLE,
    [SPEC_SCHED_DEADLINE] = 6,
};

static int set_rlimits(const struct spec_process *p, struct brig_error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		__rlimit_resource_t res = (__rlimit_resource_t)p->rlimits[i].resource;
		struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
		struct rlimit now;
		if (setrlimit(res, &rl) == 0)
			continue;
		if (errno == EPERM && getrlimit(res, &now) == 0 && rl.rlim_max > now.rlim_max)
			return err_set(err, EPERM,
				       "process.rlimits[%zu]: setrlimit (soft %llu, hard %llu): %s "
				       "(raising the hard limit above brig's own, %llu, needs "
				       "CAP_SYS_RESOURCE in the host's user namespace)",
				       i, (unsigned long long)rl.rlim_cur,
				       (unsigned long long)rl.rlim_max, strerror(EPERM),
				       (unsigned long long)now.rlim_max);
		return err_sys(err, "process.rlimits[%zu]: setrlimit (soft %llu, hard %llu)", i,
			       (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	}
	return 0;
}

/* A scheduling call's EPERM, with what it needs: a capability in the host's
 * user namespace, which a container in a user namespace of its own (or an
 * unprivileged brig) never has. */
static int sched_error(const char *what, const char *field, const char *needs,
		       struct brig_error *err)
{
	if (errno != EPERM)
		return err_sys(err, "%s", what);
	return err_set(err, EPERM, "%s: %s (%s needs %s)", what, strerror(EPERM), field, needs);
}

static int set_sched(const struct spec_scheduler *s, struct brig_error *err)
{
	if (!s->present)
		return 0;
	struct sched_attr_v1 attr = {
	    .size = sizeof(attr),
	    .sched_policy = (uint32_t)sched_policies[s->policy],
	    .sched_flags = s->flags,
	    .sched_nice = s->nice,
	    .sched_priority = (uint32_t)s->priority,
	    .sched_runtime = s->runtime,
	    .sched_deadline = s->deadline,
	    .sched_period = s->period,
	};
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return sched_error("sched_setattr", "process.scheduler",
				   "CAP_SYS_NICE in the host's user namespace, or an RLIMIT_RTPRIO "
				   "or RLIMIT_NICE that allows it",
				   err);
	return 0;
}

/* "0-3,7" -> a cpu set. */
int init_parse_cpus(const char *list, cpu_set_t *set, struct brig_error *err)
{
	CPU_ZERO(set);
	for (const char *p = list; *p;) {
		char *end;
		/* strtoul takes "-3" (and spaces): only digits start a number */
		if (!isdigit((unsigned char)*p))
			return err_set(err, EINVAL, "bad cpu list '%s'", list);
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (*end == '-') {
			p = end + 1;
			if (!isdigit((unsigned char)*p))
				return err_set(err, EINVAL, "bad cpu list '%s'", list);
			b = strtoul(p, &end, 10);
			if (b < a)
				return err_set(err, EINVAL, "bad cpu list '%s'", list);
		}
		for (unsigned long cpu = a; cpu <= b && cpu < CPU_SETSIZE; cpu++)
			CPU_SET(cpu, set);
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return err_set(err, EINVAL, "bad cpu list '%s'", list);
	}
	return 0;
}

static int set_affinity(const char *list, struct brig_error *err)
{
	cpu_set_t set;
	if (!list)
		return 0;
	if (init_parse_cpus(list, &set, err) < 0)
		return -1;
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return err_sys(err, "set cpu affinity '%s'", list);
	return 0;
}

static int set_mempolicy_(const struct spec_memory_policy *m, struct brig_error *err)
{
	if (!m->present)
		return 0;
	unsigned long mask[16] = {0};
	cpu_set_t nodes;
	if (m->nodes && init_parse_cpus(m->nodes, &nodes, err) < 0)
		return err_wrap(err, "memory policy nodes");
	for (unsigned n = 0; m->nodes && n < sizeof(mask) * 8; n++)
		if (CPU_ISSET(n, &nodes))
			mask[n / (8 * sizeof(long))] |= 1UL << (n % (8 * sizeof(long)));
	if (syscall(SYS_set_mempolicy, m->mode | (int)m->flags, m->nodes ? mask : NULL,
		    m->nodes ? sizeof(mask) * 8 : 0) < 0)
		return err_sys(err, "set_mempolicy");
	return 0;
}

int process_set_attrs(struct child_ctx *c, struct brig_error *err)
{
	const struct spec_process *p = c->plan->proc;
	const struct spec_linux *l = &c->plan->spec->linux;
	if (set_rlimits(p, err) < 0)
		return -1;
	if (l->personality.present && personality(l->personality.domain) < 0)
		return err_sys(err, "personality");
	if (set_sched(&p->scheduler, err) < 0 || set_mempolicy_(&l->memory_policy, err) < 0)
		return -1;
	if (p->io_priority.present && syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
					      ((int)p->io_priority.class << IOPRIO_CLASS_SHIFT) |
						  p->io_priority.priority) < 0)
		return sched_error(
		    "ioprio_set", "process.ioPriority",
		    "CAP_SYS_ADMIN in the host's user namespace for the realtime class", err);
	if (set_affinity(p->exec_cpu_affinity_initial, err) < 0)
		return -1;
	if (!c->plan->no_new_keyring) {
		/* A session keyring of its own, so keys of the host's session do not
		 * leak in. Kernels without keyrings, or policies refusing them, are
		 * not worth failing the container for. */
		_cleanup_free_ char *name = xasprintf("_ses.%s", c->plan->id);
		if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0)
			log_debug("join session keyring: %s", strerror(errno));
	}
	return 0;
}

/* exec: the process's own attributes; the container-wide ones (personality,
 * memory policy, keyring) are the init's. */
int process_set_exec_attrs(struct child_ctx *c, struct brig_error *err)
{
	const struct spec_process *p = c->plan->proc;
	if (set_rlimits(p, err) < 0 || set_sched(&p->scheduler, err) < 0)
		return -1;
	if (p->io_priority.present && syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
					      ((int)p->io_priority.class << IOPRIO_CLASS_SHIFT) |
						  p->io_priority.priority) < 0)
		return sched_error(
		    "ioprio_set", "process.ioPriority",
		    "CAP_SYS_ADMIN in the host's user namespace for the realtime class", err);
	return set_affinity(p->exec_cpu_affinity_initial, err);
}

int process_write_oom_score(pid_t pid, const struct spec_process *p, struct brig_error *err)
{
	if (!p->oom_score_adj.set)
		return 0;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj.value);
	/* Another process's through a procfs checked as such; our own (exec's
	 * process, before it joins the container) through brig's /proc/self, a
	 * symlink openat2's RESOLVE_NO_SYMLINKS would refuse, in brig's mount
	 * namespace still: nothing of the container's is reachable there yet. */
	int r =
	    pid ? procfs_pid_write(pid, "oom_score_adj", buf, (size_t)n, err)
		: write_file_at(AT_FDCWD, "/proc/self/oom_score_adj", buf, (size_t)n, O_TRUNC, err);
	if (r == 0)
		return 0;
	/* the kernel's EACCES: below the score the process had before, or the
	 * file is another user's (an unprivileged brig) */
	if (err->errnum == EACCES && geteuid() != 0)
		return err_set(err, EACCES,
			       "%lld: %s (brig runs as uid %u: an unprivileged user may only raise "
			       "a score, lowering it needs CAP_SYS_RESOURCE)",
			       (long long)p->oom_score_adj.value, strerror(EACCES),
			       (unsigned)geteuid());
	return -1;
}

int process_set_oom_score(struct child_ctx *c, struct brig_error *err)
{
	return process_write_oom_score(0, c->plan->proc, err);
}

int process_set_user(struct child_ctx *c, struct brig_error *err)
{
	const struct spec_user *u = &c->plan->proc->user;
	_cleanup_free_ gid_t *gids = xcalloc(u->n_additional_gids + 1, sizeof(gid_t));
	for (size_t i = 0; i < u->n_additional_gids; i++)
		gids[i] = u->additional_gids[i];
	/* A rootless user namespace has setgroups denied: only an empty list
	 * is then possible, and it is already what the process has. */
	if (setgroups(u->n_additional_gids, gids) < 0 &&
	    !(errno == EPERM && c->plan->in_userns && u->n_additional_gids == 0))
		return err_sys(err, "setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return err_sys(err, "setgid %u", u->gid);
	/* Keep the permitted set across the uid change; the capability step
	 * then sets exactly the configured sets. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_sys(err, "keep capabilities");
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return err_sys(err, "setuid %u", u->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return err_sys(err, "reset keep capabilities");
	/* runc's default when the config has none */
	umask(u->umask.set ? (mode_t)u->umask.value : 022);
	return 0;
}

int process_set_final_affinity(struct child_ctx *c, struct brig_error *err)
{
	return set_affinity(c->plan->proc->exec_cpu_affinity_final, err);
}
