// SPDX-License-Identifier: Apache-2.0
/* Creating the container's cgroup in every hierarchy, joining it, and removing what brig
 * created of it. */
#include "cgroups/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

/* Controllers enabled when available even if the plan needs none of them: stats, the OOM
 * counter and later updates need their files (runc enables every controller it can). */
/* Enabled, best effort, in the cgroups brig creates: stats, and limits that a
 * later `update` may set (docker update --cpuset-cpus) need them there. */
static const char *const stats_controllers[] = {"cpu",	"cpuset",  "io",   "memory",
						"pids", "hugetlb", "rdma", "misc"};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* The path's components: "/brig/abc" -> {"brig", "abc"}. */
static char **components(const char *path)
{
	char **v = NULL;
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
		strv_push(&v, xstrdup(c));
	return v;
}

/* "/" + the first n components. */
static char *prefix(char **comps, size_t n)
{
	char *p = xstrdup("/");
	for (size_t i = 0; i < n; i++) {
		char *next = path_join(p, comps[i]);
		free(p);
		p = next;
	}
	return p;
}

static char *join_words(char **words, const char *lead)
{
	size_t len = 1;
	for (size_t i = 0; words && words[i]; i++)
		len += strlen(words[i]) + 2;
	char *s = xcalloc(1, len);
	for (size_t i = 0; words && words[i]; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, lead);
		strcat(s, words[i]);
	}
	return s;
}

static int busy_error(int fd, const char *where, const char *list, struct brig_error *err)
{
	_cleanup_free_ char *procs = NULL;
	struct brig_error ignored;
	if (read_file_at(fd, "cgroup.procs", &procs, NULL, &ignored) == 0 && *procs)
		return err_set(err, EBUSY,
			       "cannot enable %s in cgroup '%s': it holds processes, and cgroup v2 "
			       "allows no controllers below a cgroup with processes (the \"no "
			       "internal processes\" rule); choose a linux.cgroupsPath elsewhere",
			       list, where);
	return err_sys(err, "enable %s in cgroup '%s'", list, where);
}

/* Makes sure the controllers `need` are on in the cgroup.subtree_control of the cgroup
 * `fd`, shown as `where` in messages, and, best effort, the stats ones where the cgroup is
 * brig's own (`ours`): a cgroup brig did not create gets only what the config needs. */
static int enable_controllers(int fd, const char *where, char *const *need, bool ours,
			      struct brig_error *err)
{
	_cleanup_free_ char *on = NULL, *avail = NULL;
	_cleanup_strv_ char **missing = NULL, **all = NULL;
	if (read_file_at(fd, "cgroup.subtree_control", &on, NULL, err) < 0 ||
	    read_file_at(fd, "cgroup.controllers", &avail, NULL, err) < 0)
		return need && need[0] ? err_wrap(err, "cgroup '%s'", where) : 0; /* best effort */
	_cleanup_strv_ char **on_v = NULL, **avail_v = NULL;
	for (char *s = NULL, *t = strtok_r(on, " \n", &s); t; t = strtok_r(NULL, " \n", &s))
		strv_push(&on_v, xstrdup(t));
	for (char *s = NULL, *t = strtok_r(avail, " \n", &s); t; t = strtok_r(NULL, " \n", &s))
		strv_push(&avail_v, xstrdup(t));
	for (size_t i = 0; need && need[i]; i++) {
		if (strv_has(on_v, need[i]))
			continue;
		if (!strv_has(avail_v, need[i]))
			return err_set(err, ENOTSUP,
				       "cgroup '%s': the %s controller is not available there (its "
				       "parent does not delegate it)",
				       where, need[i]);
		strv_push(&missing, xstrdup(need[i]));
		strv_push(&all, xstrdup(need[i]));
	}
	for (size_t i = 0; ours && i < ARRAY_SIZE(stats_controllers); i++)
		if (strv_has(avail_v, stats_controllers[i]) &&
		    !strv_has(on_v, stats_controllers[i]) && !strv_has(all, stats_controllers[i]))
			strv_push(&all, xstrdup(stats_controllers[i]));
	if (!all)
		return 0;
	_cleanup_free_ char *all_s = join_words(all, "+"), *need_s = join_words(missing, "+");
	if (write_line_at(fd, "cgroup.subtree_control", all_s, err) == 0 || !missing)
		return 0;
	if (write_line_at(fd, "cgroup.subtree_control", need_s, err) == 0)
		return 0;
	if (err->errnum == EBUSY)
		return busy_error(fd, where, need_s, err);
	return err_wrap(err, "cgroup '%s'", where);
}

/* v1 cpuset: a new cgroup starts with empty cpus and mems, and no task can join it until
 * they are set: copy the parent's. */
static int copy_cpuset(int parent, int child, struct brig_error *err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *mine = NULL, *theirs = NULL;
		if (read_file_at(child, files[i], &mine, NULL, err) < 0)
			return -1;
		if (strspn(mine, " \n") != strlen(mine))
			continue;
		if (read_file_at(parent, files[i], &theirs, NULL, err) < 0)
			return -1;
		theirs[strcspn(theirs, "\n")] = '\0';
		if (write_line_at(child, files[i], theirs, err) < 0)
			return -1;
	}
	return 0;
}

struct walk {
	const char *mount;
	char *const *need; /* v2: controllers for every parent's subtree_control */
	bool cpuset;	   /* v1 cpuset hierarchy */
};

/* A failed make_dirs removes the levels it made, deepest first. */
static void undo_dirs(const char *mount, char **comps, size_t first_new, size_t end)
{
	for (size_t i = end; i > first_new; i--) {
		_cleanup_free_ char *rel = prefix(comps, i);
		_cleanup_free_ char *path = path_join(mount, rel);
		rmdir(path);
	}
}

static int make_level(const struct walk *w, int *fd, char **comps, size_t i, bool parent_ours,
		      bool *made, struct brig_error *err)
{
	_cleanup_free_ char *where = prefix(comps, i);
	if (w->need && enable_controllers(*fd, where, w->need, parent_ours, err) < 0)
		return -1;
	*made = mkdirat(*fd, comps[i], 0755) == 0;
	if (!*made && errno != EEXIST)
		return err_sys(err, "create cgroup '%s%s/%s'", w->mount, i ? where : "", comps[i]);
	int child = open_dir_at(*fd, comps[i]);
	if (child < 0)
		return err_sys(err, "open cgroup '%s%s/%s'", w->mount, i ? where : "", comps[i]);
	if (w->cpuset && copy_cpuset(*fd, child, err) < 0) {
		close(child);
		return err_wrap(err, "cgroup '%s%s/%s'", w->mount, i ? where : "", comps[i]);
	}
	close(*fd);
	*fd = child;
	return 0;
}

/* mkdir -p of d->path below the mount, one level at a time, counting the levels made. */
static int make_dirs(const struct walk *w, struct cgroups_dir *d, struct brig_error *err)
{
	_cleanup_strv_ char **comps = components(d->path);
	size_t n = strv_length(comps), first_new = n;
	_cleanup_close_ int fd = open(w->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(err, "open '%s'", w->mount);
	d->created = 0;
	for (size_t i = 0; i < n; i++) {
		bool made = false;
		/* brig made the parent of level i if it made an earlier level */
		int r = make_level(w, &fd, comps, i, first_new < i, &made, err);
		if (made && first_new == n)
			first_new = i;
		if (r < 0) {
			undo_dirs(w->mount, comps, first_new, made ? i + 1 : i);
			return -1;
		}
	}
	d->created = (unsigned)(n - first_new);
	d->fd = steal_fd(&fd);
	return 0;
}

/* Whether the plan writes to a v1 hierarchy. */
static bool plan_uses(const struct cgroups_plan *p, const char *hierarchy)
{
	for (size_t i = 0; i < p->n_writes; i++)
		if (p->writes[i].v1 && list_has(hierarchy, p->writes[i].v1))
			return true;
	return false;
}

int cgroups_create(const struct cgroups_host *h, const struct cgroups_plan *plan,
		   struct cgroups_cgroup *cg, struct brig_error *err)
{
	char *const none[] = {NULL};
	struct walk w = {.mount = h->v2_mount, .need = plan->v2_controllers ?: none};
	if (make_dirs(&w, &cg->v2, err) < 0)
		goto fail;
	for (size_t i = 0; i < cg->n_v1; i++) {
		struct cgroups_dir *d = &cg->v1[i];
		const struct cgroups_v1_hierarchy *v = host_hierarchy(h, d->hierarchy);
		struct brig_error ignored;
		if (!v) {
			err_set(err, ENOENT, "cgroup v1 hierarchy '%s' is not mounted",
				d->hierarchy);
			goto fail;
		}
		w = (struct walk){.mount = v->mount, .cpuset = list_has(v->controllers, "cpuset")};
		/* A hierarchy the plan does not write to is joined best effort, but
		 * only a lack of rights (or of the hierarchy) excuses a failure:
		 * anything else (EMFILE, a cpuset copy the kernel refused) would
		 * leave the container silently outside a hierarchy it belongs in. */
		if (make_dirs(&w, d, &ignored) < 0) {
			int e = ignored.errnum;
			if (plan_uses(plan, v->controllers) ||
			    (e != EACCES && e != EPERM && e != EROFS && e != ENOENT)) {
				*err = ignored;
				goto fail;
			}
		}
	}
	return 0;
fail:
	/* leave nothing behind; the original error stays */
	{
		struct brig_error ignored;
		cgroups_remove(h, cg, &ignored);
	}
	return -1;
}

/* ---- joining ---- */

static int write_pid(const struct cgroups_dir *d, pid_t pid, struct brig_error *err)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	/* EINVAL: the task may still be in TASK_NEW; runc retries too */
	for (int i = 0;; i++) {
		if (write_line_at(d->fd, "cgroup.procs", buf, err) == 0)
			return 0;
		if (err->errnum != EINVAL || i == 5)
			return err_wrap(err, "join cgroup %s:%s", d->hierarchy ? d->hierarchy : "",
					d->path);
		sleep_ms(30);
	}
}

int cgroups_add_pid(const struct cgroups_cgroup *cg, pid_t pid, bool v1_only,
		    struct brig_error *err)
{
	if (!v1_only && write_pid(&cg->v2, pid, err) < 0)
		return -1;
	for (size_t i = 0; i < cg->n_v1; i++)
		if (cg->v1[i].fd >= 0 && write_pid(&cg->v1[i], pid, err) < 0)
			return -1;
	return 0;
}

/* ---- removing ---- */

/* rmdir, retrying while the kernel finishes tearing the cgroup down (EBUSY right after
 * its last task exited). */
static int rmdir_retry(const char *path, int tries)
{
	for (int i = 0;; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || i >= tries)
			return -1;
		sleep_ms(i < 10 ? 1 : 10);
	}
}

/* The cgroup and the sub-cgroups a container may have made in it, deepest first. */
static int rmdir_tree(const char *path, struct brig_error *err)
{
	DIR *dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : err_sys(err, "open cgroup '%s'", path);
	struct dirent *e;
	int r = 0;
	while (r == 0 && (e = readdir(dir))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		_cleanup_free_ char *sub = path_join(path, e->d_name);
		r = rmdir_tree(sub, err);
	}
	closedir(dir);
	if (r == 0 && rmdir_retry(path, 200) < 0)
		return err_sys(err, "remove cgroup '%s'", path);
	return r;
}

/* The leaf and the parents brig created; a parent still used by another cgroup stays. */
static int remove_created(const char *mount, const struct cgroups_dir *d, struct brig_error *err)
{
	_cleanup_free_ char *path = path_join(mount, d->path);
	if (rmdir_tree(path, err) < 0)
		return -1;
	for (unsigned i = 1; i < d->created; i++) {
		char *slash = strrchr(path, '/');
		if (!slash || slash == path)
			break;
		*slash = '\0';
		if (rmdir_retry(path, 0) < 0)
			break;
	}
	return 0;
}

/* After the kill: wait until the tasks are gone (up to 2s). */
static void wait_empty(const struct cgroups_cgroup *cg)
{
	for (int i = 0; i < 200; i++) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;
		struct brig_error ignored;
		if (cgroups_pids(cg, &pids, &n, &ignored) < 0 || n == 0)
			return;
		sleep_ms(10);
	}
}

/* A unit: what is left is killed first (StopUnit would send SIGTERM and wait up to its
 * TimeoutStopSec), then systemd stops the unit and removes its cgroup; brig removes the
 * directories it made beside it (v1) and any an old systemd leaves behind. */
static int remove_unit(const struct cgroups_host *h, struct cgroups_cgroup *cg,
		       struct brig_error *err)
{
	if (cg->v2.fd >= 0) {
		if (cgroups_kill_all(cg, SIGKILL, err) < 0)
			return -1;
		wait_empty(cg);
	}
	int r = systemd_stop(cg, err);
	struct brig_error e1;
	_cleanup_free_ char *v2 = path_join(h->v2_mount, cg->v2.path);
	/* (only once systemd let go of it) */
	if (r == 0 && rmdir_tree(v2, err) < 0)
		r = -1;
	for (size_t i = 0; i < cg->n_v1; i++) {
		const struct cgroups_v1_hierarchy *v = host_hierarchy(h, cg->v1[i].hierarchy);
		if (v && cg->v1[i].created &&
		    remove_created(v->mount, &cg->v1[i], r < 0 ? &e1 : err) < 0)
			r = -1;
	}
	return r;
}

/* A cgroup that existed before create: runc removes it at delete too (the next container
 * there would otherwise find it in use); one still in use (processes, sub-cgroups, another
 * container's) stays, as rmdir leaves it. */
static void remove_joined(const char *mount, const struct cgroups_dir *d)
{
	_cleanup_free_ char *path = path_join(mount, d->path);
	(void)rmdir(path);
}

int cgroups_remove(const struct cgroups_host *h, struct cgroups_cgroup *cg, struct brig_error *err)
{
	int r = 0;
	if (cg->unit.name)
		return remove_unit(h, cg, err);
	struct brig_error e2;
	/* A failed kill is reported, and the removal still tried: what it can
	 * remove goes, what it cannot is a second error the first one explains. */
	if (cg->v2.created && cg->v2.fd >= 0) {
		if (cgroups_kill_all(cg, SIGKILL, err) < 0)
			r = -1;
		else
			wait_empty(cg);
	}
	if (cg->v2.created && remove_created(h->v2_mount, &cg->v2, r < 0 ? &e2 : err) < 0)
		r = -1;
	else if (!cg->v2.created && h->v2_mount)
		remove_joined(h->v2_mount, &cg->v2);
	for (size_t i = 0; i < cg->n_v1; i++) {
		const struct cgroups_v1_hierarchy *v = host_hierarchy(h, cg->v1[i].hierarchy);
		struct brig_error e1;
		if (!v)
			continue;
		if (!cg->v1[i].created)
			remove_joined(v->mount, &cg->v1[i]);
		else if (remove_created(v->mount, &cg->v1[i], r < 0 ? &e1 : err) < 0)
			r = -1;
	}
	return r;
}
