// SPDX-License-Identifier: Apache-2.0
/* What the verbs need of a running container's cgroup: freeze and thaw (pause, resume),
 * its pids (ps), signalling all of them (kill --all). All of it happens in the unified
 * hierarchy, which holds every container process on hybrid hosts too. */
#include "cgroups/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for a change of cgroup.events (the kernel signals POLLPRI), at most 10 ms, so that
 * a missed wakeup only costs a re-check. */
static void wait_events(int dirfd, long ms)
{
	_cleanup_close_ int fd = openat(dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	struct pollfd p = {.fd = fd, .events = POLLPRI};
	if (fd < 0 || poll(&p, 1, (int)(ms > 10 ? 10 : ms)) < 0) {
		struct timespec ts = {0, 1000000L};
		nanosleep(&ts, NULL);
	}
}

static int v1_freeze(const struct cgroups_cgroup *cg, bool frozen, int timeout_ms,
		     struct brig_error *err)
{
	int fd = v1_fd(cg, "freezer");
	const char *want = frozen ? "FROZEN" : "THAWED";
	if (fd < 0)
		return err_set(err, ENOTSUP,
			       "no freezer: the kernel has no cgroup.freeze and no v1 "
			       "freezer hierarchy is mounted");
	for (long end = now_ms() + timeout_ms;;) {
		_cleanup_free_ char *state = NULL;
		/* writing again pushes tasks that were busy on the previous attempt */
		if (write_line_at(fd, "freezer.state", want, err) < 0 ||
		    read_file_at(fd, "freezer.state", &state, NULL, err) < 0)
			return -1;
		if (!strncmp(state, want, strlen(want)))
			return 0;
		if (now_ms() >= end)
			return err_set(err, ETIMEDOUT,
				       "cgroup not %s after %d ms (freezer.state %.*s)", want,
				       timeout_ms, (int)strcspn(state, "\n"), state);
		struct timespec ts = {0, 10000000L};
		nanosleep(&ts, NULL);
	}
}

/* A cgroup removed under an open directory fd: its files are gone (ENOENT), or one
 * opened just before answers ENODEV. systemd removes a scope's cgroup as soon as its
 * last process exits, which a failed create's undo races with. */
static bool cgroup_gone(int e)
{
	return e == ENOENT || e == ENODEV;
}

/* The unified cgroup.freeze, waiting for cgroup.events; 1 when the kernel has no
 * cgroup.freeze (before 5.2) or the cgroup is gone. */
static int v2_freeze(const struct cgroups_cgroup *cg, bool frozen, int timeout_ms,
		     struct brig_error *err)
{
	if (write_line_at(cg->v2.fd, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return cgroup_gone(err->errnum) ? 1 : -1;
	for (long end = now_ms() + timeout_ms;;) {
		uint64_t v = 0;
		int found = read_key_at(cg->v2.fd, "cgroup.events", "frozen", &v, err);
		if (found < 0)
			return -1;
		if (!found || (v != 0) == frozen)
			return 0;
		long left = end - now_ms();
		if (left <= 0)
			return err_set(err, ETIMEDOUT, "cgroup not %s after %d ms",
				       frozen ? "frozen" : "thawed", timeout_ms);
		wait_events(cg->v2.fd, left);
	}
}

int cgroups_freeze(const struct cgroups_cgroup *cg, bool frozen, int timeout_ms,
		   struct brig_error *err)
{
	if (cg->v2.fd < 0)
		return err_set(err, ENOENT, "the container's cgroup is gone");
	/* On a hybrid host with a v1 freezer both are set: the unified one
	 * freezes, and callers (docker, containerd, podman, as with runc) read
	 * the v1 freezer.state. Thawing goes in the other order. */
	bool v1 = v1_fd(cg, "freezer") >= 0;
	int r = frozen ? v2_freeze(cg, true, timeout_ms, err) : 0;
	if (r >= 0 && (v1 || r == 1) && v1_freeze(cg, frozen, timeout_ms, err) < 0)
		return -1;
	if (r >= 0 && !frozen)
		r = v2_freeze(cg, false, timeout_ms, err);
	return r < 0 ? -1 : 0;
}

int cgroups_is_frozen(const struct cgroups_cgroup *cg, bool *ret, struct brig_error *err)
{
	uint64_t v = 0;
	int found = cg->v2.fd < 0 ? 0 : read_key_at(cg->v2.fd, "cgroup.events", "frozen", &v, err);
	if (found > 0 && v) {
		*ret = true;
		return 0;
	}
	/* a hybrid host has both freezers: either may hold the processes */
	int fd = v1_fd(cg, "freezer");
	_cleanup_free_ char *state = NULL;
	if (fd < 0) {
		*ret = false;
		return found < 0 ? -1 : 0;
	}
	if (read_file_at(fd, "freezer.state", &state, NULL, err) < 0)
		return -1;
	*ret = !strncmp(state, "FROZEN", 6);
	return 0;
}

static int read_procs(int dirfd, pid_t **v, size_t *n, struct brig_error *err)
{
	_cleanup_free_ char *buf = NULL;
	if (read_file_at(dirfd, "cgroup.procs", &buf, NULL, err) < 0)
		return cgroup_gone(err->errnum) ? 0 : -1;
	for (char *s = NULL, *t = strtok_r(buf, "\n", &s); t; t = strtok_r(NULL, "\n", &s)) {
		int64_t pid;
		if (parse_int64(t, 1, INT32_MAX, &pid) < 0)
			continue;
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = (pid_t)pid;
	}
	return 0;
}

static int collect(int dirfd, pid_t **v, size_t *n, int depth, struct brig_error *err)
{
	if (read_procs(dirfd, v, n, err) < 0)
		return -1;
	if (depth > 64)
		return 0;
	int own = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = own >= 0 ? fdopendir(own) : NULL;
	if (!d) {
		int e = errno;
		closep(&own);
		return cgroup_gone(e) ? 0 : err_errno(err, e, "list sub-cgroups");
	}
	int r = 0;
	for (struct dirent *e; r == 0 && (e = readdir(d));) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		_cleanup_close_ int sub = open_dir_at(dirfd, e->d_name);
		if (sub >= 0)
			r = collect(sub, v, n, depth + 1, err);
	}
	closedir(d);
	return r;
}

int cgroups_pids(const struct cgroups_cgroup *cg, pid_t **ret, size_t *ret_n,
		 struct brig_error *err)
{
	pid_t *v = NULL;
	size_t n = 0;
	if (cg->v2.fd < 0)
		return err_set(err, ENOENT, "the container's cgroup is gone");
	if (collect(cg->v2.fd, &v, &n, 0, err) < 0) {
		free(v);
		return -1;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int signal_all(const struct cgroups_cgroup *cg, int sig, struct brig_error *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	if (cgroups_pids(cg, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return err_sys(err, "signal %d to pid %d", sig, (int)pids[i]);
	return 0;
}

int cgroups_kill_all(const struct cgroups_cgroup *cg, int sig, struct brig_error *err)
{
	if (cg->v2.fd < 0)
		return err_set(err, ENOENT, "the container's cgroup is gone");
	if (sig != SIGKILL)
		return signal_all(cg, sig, err);
	/* cgroup.kill (5.14+) kills the whole subtree at once, forks in flight
	 * included. Tasks a v1 freezer holds take SIGKILL only once thawed. */
	if (write_line_at(cg->v2.fd, "cgroup.kill", "1", err) == 0) {
		int fd = v1_fd(cg, "freezer");
		if (fd >= 0)
			write_line_at(fd, "freezer.state", "THAWED", &(struct brig_error){0});
		return 0;
	}
	if (!cgroup_gone(err->errnum))
		return -1;
	struct brig_error ignored;
	bool frozen = cgroups_freeze(cg, true, 1000, &ignored) == 0;
	int r = signal_all(cg, SIGKILL, err);
	if (frozen)
		cgroups_freeze(cg, false, 1000, &ignored);
	return r;
}

int cgroups_frozen_before_create(const struct cgroups_host *h, const struct cgroups_cgroup *cg,
				 bool *ret, struct brig_error *err)
{
	struct cgroups_cgroup probe = *cg;
	_cleanup_free_ struct cgroups_dir *v1 = xcalloc(cg->n_v1 + 1, sizeof(*v1));
	memcpy(v1, cg->v1, cg->n_v1 * sizeof(*v1));
	probe.v1 = v1;
	_cleanup_free_ char *v2 = path_join(h->v2_mount, cg->v2.path);
	probe.v2.fd = open(v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; i < probe.n_v1; i++) {
		const struct cgroups_v1_hierarchy *m = host_hierarchy(h, v1[i].hierarchy);
		_cleanup_free_ char *p = m ? path_join(m->mount, v1[i].path) : NULL;
		v1[i].fd = p ? open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	}
	int r = cgroups_is_frozen(&probe, ret, err);
	closep(&probe.v2.fd);
	for (size_t i = 0; i < probe.n_v1; i++)
		closep(&v1[i].fd);
	return r;
}
