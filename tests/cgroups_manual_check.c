// SPDX-License-Identifier: Apache-2.0
/* A manual check of the cgroups module on a real host (root; not a unit test, not run by
 * CTest): the verifier accepts the device program, the attached program allows /dev/null
 * and denies /dev/kmsg, an update replaces it, and create/apply/join/freeze/kill/remove
 * work on the real hierarchies. Everything happens below brig-cgtest-<pid> directories it
 * creates in each hierarchy (taken as the hierarchies' tops, so no existing cgroup is ever
 * written to) and removes at the end. v1 hierarchies in which this process is not at the
 * root (e.g. a memory cgroup set up by whoever started it) are left out.
 * Build and run: cmake --build BUILD --target cgroups_manual_check && sudo
 * BUILD/tests/cgroups_manual_check */
#include "cgroups/cgroups.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int failures;

static void check(bool ok, const char *what)
{
	printf("%s %s\n", ok ? "ok  " : "FAIL", what);
	failures += !ok;
}

static void die(const char *what, const struct brig_error *err)
{
	fprintf(stderr, "cgroups_manual_check: %s: %s\n", what, err->msg);
	exit(2);
}

static void copy_file(const char *from_dir, const char *to_dir, const char *name)
{
	struct brig_error err = {0};
	_cleanup_free_ char *v = NULL, *src = path_join(from_dir, name),
			    *dst = path_join(to_dir, name);
	if (read_file_at(AT_FDCWD, src, &v, NULL, &err) < 0 ||
	    write_file_at(AT_FDCWD, dst, v, strlen(v), 0, &err) < 0)
		die("seed cpuset", &err);
}

/* Makes <mount>/brig-cgtest-<pid> and points the host at it. */
static void rebase(char **mount, bool cpuset)
{
	char *base = xasprintf("%s/brig-cgtest-%d", *mount, (int)getpid());
	if (mkdir(base, 0755) < 0) {
		perror(base);
		exit(2);
	}
	if (cpuset) { /* a v1 cpuset cgroup takes no task until cpus and mems are set */
		copy_file(*mount, base, "cpuset.cpus");
		copy_file(*mount, base, "cpuset.mems");
	}
	free(*mount);
	*mount = base;
}

static bool has_word(const char *list, const char *w)
{
	_cleanup_free_ char *pat = xasprintf(",%s,", w), *l = xasprintf(",%s,", list);
	return strstr(l, pat) != NULL;
}

static void make_test_host(struct cgroups_host *h)
{
	struct brig_error err = {0};
	if (cgroups_host_detect(h, &err) < 0)
		die("detect", &err);
	printf("host: %s, cgroup2 at %s (controllers:", h->layout ? "hybrid" : "unified",
	       h->v2_mount);
	for (size_t i = 0; h->v2_controllers && h->v2_controllers[i]; i++)
		printf(" %s", h->v2_controllers[i]);
	printf("), %zu v1 hierarchies\n", h->n_v1);
	rebase(&h->v2_mount, false);
	size_t kept = 0;
	for (size_t i = 0; i < h->n_v1; i++) {
		struct cgroups_v1_hierarchy v = h->v1[i];
		if (strcmp(v.own, "/")) {
			printf("     leaving v1 %s alone (this process is in %s there)\n",
			       v.controllers, v.own);
			free(v.controllers);
			free(v.mount);
			free(v.root);
			free(v.own);
			continue;
		}
		rebase(&v.mount, has_word(v.controllers, "cpuset"));
		h->v1[kept++] = v;
	}
	h->n_v1 = kept;
	/* nothing is delegated to the test top: plan only what v1 enforces here */
	strv_free(h->v2_controllers);
	h->v2_controllers = NULL;
}

/* /dev/kmsg (c 1:11) stands for a device the config does not allow: this machine has no
 * /dev/mem */
enum { NULL_OK = 1, KMSG_OK = 2, KMSG_EPERM = 4 };

static int probe(void)
{
	int r = 0, fd = open("/dev/null", O_RDWR);
	if (fd >= 0 && write(fd, "x", 1) == 1)
		r |= NULL_OK;
	fd = open("/dev/kmsg", O_RDONLY);
	if (fd >= 0)
		r |= KMSG_OK;
	else if (errno == EPERM)
		r |= KMSG_EPERM;
	return r;
}

/* clone3 straight into the unified cgroup, then the v1 ones, then go. */
static pid_t spawn(const struct cgroups_cgroup *cg, bool sleep_forever)
{
	int go[2];
	if (pipe(go) < 0)
		exit(2);
	struct clone_args a = {
	    .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)cg->v2.fd};
	pid_t pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	if (pid == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(100);
		if (sleep_forever)
			for (;;)
				pause();
		_exit(probe());
	}
	struct brig_error err = {0};
	if (pid < 0) {
		err_sys(&err, "clone3");
		die("spawn", &err);
	}
	if (cgroups_add_pid(cg, pid, true, &err) < 0)
		die("join v1", &err);
	close(go[0]);
	if (write(go[1], "g", 1) != 1)
		exit(2);
	close(go[1]);
	return pid;
}

static int probe_exit(const struct cgroups_cgroup *cg)
{
	int status;
	pid_t pid = spawn(cg, false);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static uint32_t attached(int fd, uint32_t *ret_id)
{
	uint32_t ids[8] = {0};
	union bpf_attr q;
	memset(&q, 0, sizeof(q));
	q.query.target_fd = (uint32_t)fd;
	q.query.attach_type = BPF_CGROUP_DEVICE;
	q.query.prog_ids = (uint64_t)(uintptr_t)ids;
	q.query.prog_cnt = 8;
	if (syscall(SYS_bpf, BPF_PROG_QUERY, &q, sizeof(q)) < 0)
		return 0;
	*ret_id = ids[0];
	return q.query.prog_cnt;
}

static void show_proc_cgroup(pid_t pid)
{
	char path[64];
	_cleanup_free_ char *text = NULL;
	struct brig_error err = {0};
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (read_file_at(AT_FDCWD, path, &text, NULL, &err) == 0)
		printf("     /proc/%d/cgroup:\n%s", (int)pid, text);
	char want[64];
	snprintf(want, sizeof(want), "0::/brig-cgtest-%d/brig/t1\n", (int)getpid());
	check(text && strstr(text, want), "the child was cloned into the unified cgroup");
}

static void devices_checks(const struct cgroups_host *h, const struct cgroups_cgroup *cg)
{
	struct spec_device_rule allow_kmsg = {true, 'c', 1, 11, "r"};
	struct spec_resources up = {.present = true, .devices = &allow_kmsg, .n_devices = 1};
	struct cgroups_plan p;
	struct brig_error err = {0};
	uint32_t id0 = 0, id1 = 0;
	int r = probe_exit(cg);
	check(r >= 0 && (r & NULL_OK), "/dev/null opens and takes a write");
	check(r >= 0 && (r & KMSG_EPERM), "/dev/kmsg is refused with EPERM");
	check(attached(cg->v2.fd, &id0) == 1, "one device program attached");
	if (cgroups_plan(&up, h, true, &p, &err) < 0 || cgroups_apply(cg, &p, NULL, &err) < 0 ||
	    cgroups_attach_devices(cg, &p, &err) < 0)
		die("update devices", &err);
	cgroups_plan_clear(&p);
	check(attached(cg->v2.fd, &id1) == 1 && id1 != id0,
	      "update: still one program, a new one (replaced)");
	r = probe_exit(cg);
	check(r >= 0 && (r & KMSG_OK) && (r & NULL_OK),
	      "after the update (allow c 1:11 r) /dev/kmsg opens");
}

static void verb_checks(const struct cgroups_cgroup *cg)
{
	struct brig_error err = {0};
	pid_t pid = spawn(cg, true);
	show_proc_cgroup(pid);
	struct spec_stats s;
	if (cgroups_stats(cg, &s, &err) < 0)
		die("stats", &err);
	printf("     stats: pids %llu/%llu, cpu total %llu ns\n",
	       (unsigned long long)s.pids.current, (unsigned long long)s.pids.limit,
	       (unsigned long long)s.cpu.total);
	check(s.pids.current == 1 && s.pids.limit == 64, "stats: 1 pid of at most 64 (v1 pids)");
	cgroups_stats_clear(&s);
	bool frozen = false;
	check(cgroups_freeze(cg, true, 2000, &err) == 0 &&
		  cgroups_is_frozen(cg, &frozen, &err) == 0 && frozen,
	      "freeze through cgroup.freeze, frozen 1 in cgroup.events");
	check(cgroups_freeze(cg, false, 2000, &err) == 0 &&
		  cgroups_is_frozen(cg, &frozen, &err) == 0 && !frozen,
	      "thaw");
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	check(cgroups_pids(cg, &pids, &n, &err) == 0 && n == 1 && pids[0] == pid, "ps: the child");
	int status = 0;
	check(cgroups_kill_all(cg, SIGKILL, &err) == 0 && waitpid(pid, &status, 0) == pid &&
		  WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "kill --all");
}

static void remove_bases(const struct cgroups_host *h)
{
	check(rmdir(h->v2_mount) == 0, "test top removed (unified)");
	for (size_t i = 0; i < h->n_v1; i++)
		if (rmdir(h->v1[i].mount) < 0)
			printf("FAIL rmdir %s: %s\n", h->v1[i].mount, strerror(errno));
}

static const struct spec_device_rule deny_all = {false, 'a', -1, -1, "rwm"};

static struct spec_resources resources(void)
{
	return (struct spec_resources){.present = true,
				       .devices = (struct spec_device_rule *)&deny_all,
				       .n_devices = 1,
				       .pids_limit = {true, 64},
				       .has_cpu = true,
				       .cpu = {.shares = {true, 512}, .cpus = "0"}};
}

static void create(const struct cgroups_host *h, const char *id, struct cgroups_plan *p,
		   struct cgroups_cgroup *cg)
{
	struct spec_resources r = resources();
	struct brig_error err = {0};
	if (cgroups_plan(&r, h, false, p, &err) < 0)
		die("plan", &err);
	printf("     plan: %zu writes, device program of %zu instructions\n", p->n_writes,
	       p->n_devices);
	if (cgroups_path_resolve(h, NULL, id, NULL, cg, &err) < 0 ||
	    cgroups_create(h, p, cg, &err) < 0)
		die("create", &err);
	_cleanup_free_ char *rec = cgroups_record(cg);
	printf("     record:\n%s", rec);
	check(cg->v2.created == 2, "created /brig/<id> (2 levels)");
	_cleanup_strv_ char **warnings = NULL;
	if (cgroups_apply(cg, p, &warnings, &err) < 0)
		die("apply", &err);
	for (size_t i = 0; warnings && warnings[i]; i++)
		printf("     warning: %s\n", warnings[i]);
}

/* The BPF program alone: the v1 devices hierarchy left out. */
static void phase_bpf(const struct cgroups_host *full)
{
	struct cgroups_host h = *full;
	h.v1 = xcalloc(full->n_v1, sizeof(*h.v1));
	h.n_v1 = 0;
	for (size_t i = 0; i < full->n_v1; i++)
		if (!has_word(full->v1[i].controllers, "devices"))
			h.v1[h.n_v1++] = full->v1[i];
	puts("-- the BPF device filter (v1 devices hierarchy not joined)");
	struct cgroups_plan p;
	struct cgroups_cgroup cg;
	struct brig_error err = {0};
	create(&h, "t1", &p, &cg);
	if (cgroups_attach_devices(&cg, &p, &err) < 0)
		die("attach", &err);
	check(true, "the verifier accepted the device program; attached");
	cgroups_plan_clear(&p);
	devices_checks(&h, &cg);
	verb_checks(&cg);
	check(cgroups_remove(&h, &cg, &err) == 0, "remove");
	cgroups_cgroup_clear(&cg);
	free(h.v1);
}

/* The v1 translation alone: devices.deny/devices.allow, no BPF program attached. */
static void phase_v1(const struct cgroups_host *h)
{
	puts("-- the v1 devices rules (no BPF program attached)");
	struct cgroups_plan p;
	struct cgroups_cgroup cg;
	struct brig_error err = {0};
	create(h, "t2", &p, &cg);
	cgroups_plan_clear(&p);
	for (size_t i = 0; i < cg.n_v1; i++) {
		_cleanup_free_ char *list = NULL;
		if (strcmp(cg.v1[i].hierarchy, "devices") ||
		    read_file_at(cg.v1[i].fd, "devices.list", &list, NULL, &err) < 0)
			continue;
		printf("     devices.list:\n%s", list);
	}
	int r = probe_exit(&cg);
	check(r >= 0 && (r & NULL_OK), "v1: /dev/null opens and takes a write");
	check(r >= 0 && (r & KMSG_EPERM), "v1: /dev/kmsg is refused with EPERM");
	check(cgroups_remove(h, &cg, &err) == 0, "remove");
	cgroups_cgroup_clear(&cg);
}

int main(void)
{
	if (geteuid() != 0) {
		puts("cgroups_manual_check: needs root");
		return 77;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	struct cgroups_host h;
	make_test_host(&h);
	phase_bpf(&h);
	if (cgroups_host_v1(&h, "devices"))
		phase_v1(&h);
	remove_bases(&h);
	cgroups_host_clear(&h);
	printf("%s\n", failures ? "FAILED" : "all good");
	return failures ? 1 : 0;
}
