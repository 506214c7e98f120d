// SPDX-License-Identifier: Apache-2.0
/* The verbs that act on the container's cgroup: pause, resume, ps. Each opens
 * the container (locked), then its cgroup from the record. */
#include "runtime/cli/cli.h"

#define FREEZE_TIMEOUT_MS 10000

struct opened {
	struct container *c;
	struct ctr_cgroup cg;
};

static void opened_clear(struct opened *o)
{
	container_free(o->c);
	cgroup_clear(&o->cg);
}

/* Opens a running (or paused) container and its cgroup. */
static int open_running(const struct global_opts *g, const char *id, const char *verb,
			struct opened *o, struct brig_error *err)
{
	o->c = container_open_at(g->root, id, err);
	if (!o->c)
		return -1;
	if (container_status(&o->c->state) == SPEC_STATUS_STOPPED)
		return err_set(err, ESRCH, "container not running");
	if (cgroup_load(&o->c->state, &o->cg, err) < 0)
		return -1;
	if (!o->cg.active || !o->cg.opened)
		return cgroup_none_error(id, verb, err);
	return 0;
}

static int freeze(const struct global_opts *g, const char *id, bool on, struct brig_error *err)
{
	struct opened o = {.cg = CTR_CGROUP_INIT};
	int r = open_running(g, id, on ? "pause" : "resume", &o, err);
	if (r == 0 && !on && o.c->state.status != SPEC_STATUS_PAUSED)
		r = err_set(err, EINVAL, "container not paused");
	if (r == 0 && on && o.c->state.status == SPEC_STATUS_PAUSED)
		r = err_set(err, EINVAL, "container already paused");
	if (r == 0)
		r = cgroups_freeze(&o.cg.cg, on, FREEZE_TIMEOUT_MS, err);
	opened_clear(&o);
	return r;
}

static int pause_verb(const struct global_opts *g, void *opts, char **args, size_t n,
		      struct brig_error *err)
{
	(void)opts, (void)n;
	return freeze(g, args[0], true, err);
}

static int resume_verb(const struct global_opts *g, void *opts, char **args, size_t n,
		       struct brig_error *err)
{
	(void)opts, (void)n;
	return freeze(g, args[0], false, err);
}

const struct cli_verb cli_pause = {
    .name = "pause",
    .summary = "freeze every process of a container",
    .args = "ID",
    .description = "Freezes the container's cgroup (the cgroup v2 freezer, or v1's on a hybrid "
		   "host); its status becomes paused.",
    .min_args = 1,
    .max_args = 1,
    .runc = true,
    .run = pause_verb,
};

const struct cli_verb cli_resume = {
    .name = "resume",
    .summary = "thaw a paused container",
    .args = "ID",
    .description = "Thaws the container's cgroup; its status becomes running again.",
    .min_args = 1,
    .max_args = 1,
    .runc = true,
    .run = resume_verb,
};

/* `ps` table: ps(1)'s own output (default -ef), keeping the header and the
 * lines of the container's pids, as runc does. */
static int ps_table(const pid_t *pids, size_t n, char **ps_args, struct brig_error *err)
{
	_cleanup_free_ char *cmd = xstrdup("ps");
	if (!ps_args || !*ps_args)
		cmd = (free(cmd), xstrdup("ps -ef"));
	for (char **a = ps_args; a && *a; a++) {
		if (strspn(*a,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-,=") !=
		    strlen(*a))
			return err_set(err, EINVAL, "ps: unsupported argument '%s'", *a);
		char *next = xasprintf("%s %s", cmd, *a);
		free(cmd);
		cmd = next;
	}
	FILE *f = popen(cmd, "re");
	if (!f)
		return err_sys(err, "run '%s'", cmd);
	char line[4096];
	int pid_col = -1;
	while (fgets(line, sizeof(line), f)) {
		char copy[4096];
		snprintf(copy, sizeof(copy), "%s", line);
		int col = 0, pid = -1;
		for (char *s = NULL, *t = strtok_r(copy, " \t\n", &s); t;
		     t = strtok_r(NULL, " \t\n", &s), col++) {
			if (pid_col < 0 && !strcmp(t, "PID"))
				pid_col = col;
			else if (col == pid_col)
				pid = atoi(t);
		}
		bool header = pid_col >= 0 && pid < 0;
		for (size_t i = 0; !header && i < n; i++)
			if (pids[i] == pid)
				header = true;
		if (header)
			fputs(line, stdout);
	}
	pclose(f);
	return pid_col < 0 ? err_set(err, EINVAL, "ps: no PID column in '%s'", cmd) : 0;
}

struct ps_opts {
	int format; /* table, json */
};

static const char *const ps_formats[] = {"table", "json", NULL};

static const struct cli_opt ps_opts[] = {
    {"format", 'f', CLI_CHOICE, offsetof(struct ps_opts, format), "table|json",
     "json: a bare array of host pids (what containerd reads)", CLI_RUNC, ps_formats},
};

static int ps(const struct global_opts *g, void *opts, char **args, size_t n,
	      struct brig_error *err)
{
	const struct ps_opts *o = opts;
	pid_t *pids = NULL;
	size_t np = 0;
	_cleanup_container_ struct container *c = container_open_at(g->root, args[0], err);
	int r = c ? lifecycle_pids(c, &pids, &np, err) : -1;
	if (r == 0 && o->format == 1) {
		printf("[");
		for (size_t i = 0; i < np; i++)
			printf("%s%d", i ? "," : "", pids[i]);
		printf("]\n");
	} else if (r == 0) {
		_cleanup_free_ char **ps_args = xcalloc(n, sizeof(char *));
		for (size_t i = 1; i < n; i++)
			ps_args[i - 1] = args[i];
		r = ps_table(pids, np, ps_args, err);
	}
	free(pids);
	return r;
}

const struct cli_verb cli_ps = {
    .name = "ps",
    .summary = "list a container's processes",
    .args = "ID [PS-ARGS...]",
    .description =
	"Lists the processes of the container's cgroup (of its pid namespace when it has no "
	"cgroup of its own: rootless without cgroup delegation): ps(1)'s table (default ps -ef, "
	"or the PS-ARGS given after ID) keeping the rows of the container's pids, or with "
	"--format json a JSON array of their host pids. A stopped container has none.",
    .opts = CLI_OPTS(ps_opts),
    .opts_size = sizeof(struct ps_opts),
    .min_args = 1,
    .max_args = CLI_ARGS_MAX,
    .raw_after = 1,
    .runc = true,
    .run = ps,
};
