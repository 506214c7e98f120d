// SPDX-License-Identifier: Apache-2.0
/* The verbs that act on the container's cgroup: pause, resume, ps, update,
 * events. Each opens the container (locked), then its cgroup from the record. */
#include "runtime/cli/cli.h"

#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <time.h>

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

/* Opens the container and its cgroup; running (or paused) is required by all. */
static int open_running(const struct global_opts *g, const char *id, struct opened *o,
			struct brig_error *err)
{
	_cleanup_close_ int root_fd = open(g->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return err_set(err, ENOENT, "container \"%s\" does not exist", id);
	o->c = container_open(root_fd, id, err);
	if (!o->c)
		return -1;
	enum spec_status st = container_status(&o->c->state);
	if (st == SPEC_STATUS_STOPPED)
		return err_set(err, ESRCH, "container not running");
	if (cgroup_load(&o->c->state, &o->cg, err) < 0)
		return -1;
	if (!o->cg.active || !o->cg.opened)
		return err_set(err, ENOTSUP, "container \"%s\" has no cgroup of its own", id);
	return 0;
}

static int one_id(const char *verb, int argc, char **argv, const char **ret_id,
		  struct brig_error *err)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c == 'h')
			return verb_usage(verb, stdout), 1;
		return err_set(err, EINVAL, "unknown option '%s' (see brig %s --help)",
			       argv[optind - 1], verb);
	}
	return parse_id_arg(verb, argc, argv, optind, ret_id, err);
}

static int freeze_verb(const struct global_opts *g, const char *verb, bool freeze, int argc,
		       char **argv, struct brig_error *err)
{
	const char *id = NULL;
	int r = one_id(verb, argc, argv, &id, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	struct opened o = {.cg = CTR_CGROUP_INIT};
	r = open_running(g, id, &o, err);
	if (r == 0 && !freeze && o.c->state.status != SPEC_STATUS_PAUSED)
		r = err_set(err, EINVAL, "container not paused");
	if (r == 0 && freeze && o.c->state.status == SPEC_STATUS_PAUSED)
		r = err_set(err, EINVAL, "container already paused");
	if (r == 0)
		r = cgroups_freeze(&o.cg.cg, freeze, FREEZE_TIMEOUT_MS, err);
	opened_clear(&o);
	return r;
}

int verb_pause(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	return freeze_verb(g, "pause", true, argc, argv, err);
}

int verb_resume(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	return freeze_verb(g, "resume", false, argc, argv, err);
}

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

int verb_ps(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	bool json = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:f:h", longopts, NULL)) != -1) {
		if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else if (c == 'h')
			return verb_usage("ps", stdout), 0;
		else
			return err_set(err, EINVAL, "ps: bad option '%s' (see brig ps --help)",
				       argv[optind - 1]);
	}
	const char *id = NULL;
	if (parse_id_arg("ps", argc, argv, optind, &id, err) < 0)
		return -1;
	struct opened o = {.cg = CTR_CGROUP_INIT};
	pid_t *pids = NULL;
	size_t n = 0;
	int r = open_running(g, id, &o, err);
	if (r == 0)
		r = cgroups_pids(&o.cg.cg, &pids, &n, err);
	if (r == 0 && json) {
		/* containerd expects a bare array of host pids */
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", pids[i]);
		printf("]\n");
	} else if (r == 0) {
		r = ps_table(pids, n, argv + optind + 1, err);
	}
	free(pids);
	opened_clear(&o);
	return r;
}
