// SPDX-License-Identifier: Apache-2.0
/* `exec`: a new process in a running container: the config's process with
 * runc's flags applied, or a whole --process file (runtime/container/exec.c
 * runs it). */
#include "runtime/cli/cli.h"

struct exec_flags {
	const char *process_file;
	const char *pid_file;
	const char *console_socket;
	const char *cwd;
	const char *user;
	const char *apparmor;
	const char *label;
	bool detach;
	bool tty;
	bool no_new_privs;
	bool ignore_paused;
	int preserve_fds;
	char **env;
	char **caps;
	char **gids;
	char **cgroups;
};

#define X(field) offsetof(struct exec_flags, field)
static const struct cli_opt exec_opts[] = {
    {"process", 'p', CLI_STRING, X(process_file), "FILE",
     "the process to run, as process.json (runtime-spec's process object)", CLI_RUNC},
    {"tty", 't', CLI_FLAG, X(tty), NULL, "allocate a pseudo-terminal", CLI_RUNC},
    {"detach", 'd', CLI_FLAG, X(detach), NULL, "return once the process runs", CLI_RUNC},
    {"pid-file", 0, CLI_STRING, X(pid_file), "FILE", "write the process's pid to FILE", CLI_RUNC},
    {"console-socket", 0, CLI_STRING, X(console_socket), "SOCK",
     "the AF_UNIX socket the pty master is sent to (with --tty)", CLI_RUNC},
    {"cwd", 0, CLI_STRING, X(cwd), "DIR", "the working directory in the container", CLI_RUNC},
    {"env", 'e', CLI_LIST, X(env), "KEY=VALUE", "add an environment variable (repeatable)",
     CLI_RUNC},
    {"user", 'u', CLI_STRING, X(user), "UID[:GID]", "the user and group ids to run as", CLI_RUNC},
    {"additional-gids", 'g', CLI_LIST, X(gids), "GID", "add a supplementary group (repeatable)",
     CLI_RUNC},
    {"cap", 'c', CLI_LIST, X(caps), "CAP", "add a capability (repeatable)", CLI_RUNC},
    {"no-new-privs", 0, CLI_FLAG, X(no_new_privs), NULL, "set no_new_privs", CLI_RUNC},
    {"apparmor", 0, CLI_STRING, X(apparmor), "PROFILE", "the AppArmor profile to run under",
     CLI_RUNC},
    {"process-label", 0, CLI_STRING, X(label), "LABEL", "the SELinux label to run under", CLI_RUNC},
    {"preserve-fds", 0, CLI_COUNT, X(preserve_fds), "N",
     "pass N fds after stdio (3 .. 3+N-1) to the process", CLI_RUNC},
    {"ignore-paused", 0, CLI_FLAG, X(ignore_paused), NULL, "exec into a paused container too",
     CLI_RUNC},
    {"cgroup", 0, CLI_LIST, X(cgroups), "[CONTROLLER[,...]:]PATH",
     "run in this sub-cgroup of the container's (all hierarchies, or the controllers named; "
     "repeatable)",
     CLI_RUNC},
};

static void strv_push(char ***v, const char *s)
{
	size_t n = strv_length(*v);
	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}

/* --user UID[:GID], numeric as runc takes it from its callers. */
static int apply_user(struct spec_user *u, const char *s, struct brig_error *err)
{
	int64_t uid, gid;
	_cleanup_free_ char *copy = xstrdup(s);
	char *colon = strchr(copy, ':');
	if (colon)
		*colon = '\0';
	if (parse_int64(copy, 0, UINT32_MAX, &uid) < 0 ||
	    (colon && parse_int64(colon + 1, 0, UINT32_MAX, &gid) < 0))
		return err_set(err, EINVAL, "--user: want UID[:GID] as numbers, not '%s'", s);
	u->uid = (uint32_t)uid;
	if (colon)
		u->gid = (uint32_t)gid;
	return 0;
}

static int apply_gids(struct spec_user *u, char **gids, struct brig_error *err)
{
	for (char **g = gids; g && *g; g++) {
		int64_t gid;
		if (parse_int64(*g, 0, UINT32_MAX, &gid) < 0)
			return err_set(err, EINVAL, "--additional-gids: not a number: '%s'", *g);
		u->additional_gids =
		    xrealloc(u->additional_gids, (u->n_additional_gids + 1) * sizeof(uint32_t));
		u->additional_gids[u->n_additional_gids++] = (uint32_t)gid;
	}
	return 0;
}

static int apply_caps(struct spec_capabilities *c, char **caps, struct brig_error *err)
{
	for (char **name = caps; name && *name; name++) {
		int cap = spec_cap_from_name(*name);
		if (cap < 0)
			return err_set(err, EINVAL, "--cap: unknown capability \"%s\"", *name);
		uint64_t bit = UINT64_C(1) << cap;
		c->present = true;
		c->bounding |= bit;
		c->effective |= bit;
		c->permitted |= bit;
		/* ambient needs inheritable: only where the config set some (runc) */
		if (c->inheritable)
			c->ambient |= bit;
	}
	return 0;
}

static void replace(char **s, const char *v)
{
	if (v) {
		free(*s);
		*s = xstrdup(v);
	}
}

static int apply_flags(struct spec_process *p, const struct exec_flags *o, char **args,
		       struct brig_error *err)
{
	strv_free(p->args);
	p->args = NULL;
	for (char **a = args; *a; a++)
		strv_push(&p->args, *a);
	for (char **e = o->env; e && *e; e++)
		strv_push(&p->env, *e);
	replace(&p->cwd, o->cwd);
	replace(&p->apparmor_profile, o->apparmor);
	replace(&p->selinux_label, o->label);
	if ((o->user && apply_user(&p->user, o->user, err) < 0) ||
	    apply_gids(&p->user, o->gids, err) < 0 ||
	    apply_caps(&p->capabilities, o->caps, err) < 0)
		return -1;
	p->terminal = o->tty;
	p->no_new_privileges |= o->no_new_privs;
	return 0;
}

struct edit_data {
	const struct exec_flags *o;
	char **args;
};

/* The process to run: the container's config process with the flags, or the
 * --process file as it is. */
static int edit_process(struct spec *s, void *data, struct brig_error *err)
{
	const struct edit_data *d = data;
	if (!d->o->process_file)
		return apply_flags(&s->process, d->o, d->args, err);
	struct spec_process *p = spec_process_load(d->o->process_file, err);
	if (!p)
		return -1;
	struct spec_process old = s->process;
	s->process = *p;
	*p = old;
	spec_process_free(p);
	if (d->o->tty)
		s->process.terminal = true;
	return 0;
}

static int exec_verb(const struct global_opts *g, void *opts, char **args, size_t n,
		     struct brig_error *err)
{
	const struct exec_flags *o = opts;
	if (!o->process_file && n < 2)
		return err_set(err, EINVAL, "exec needs a command or --process FILE");
	if (o->process_file && n > 1)
		return err_set(err, EINVAL, "exec takes a command or --process FILE, not both");
	struct edit_data d = {o, args + 1};
	struct exec_opts eo = {.pid_file = o->pid_file,
			       .console_socket = o->console_socket,
			       .detach = o->detach,
			       .ignore_paused = o->ignore_paused,
			       .sub_cgroups = o->cgroups,
			       .preserve_fds = o->preserve_fds,
			       .edit = edit_process,
			       .edit_data = &d};
	return lifecycle_exec(g, args[0], &eo, err);
}

const struct cli_verb cli_exec = {
    .name = "exec",
    .summary = "run a new process in a running container",
    .args = "ID [COMMAND [ARGS...]]",
    .description =
	"Runs COMMAND (or the --process file) in the container's namespaces, cgroup, "
	"capabilities and seccomp filter, with the config's process attributes and the flags' "
	"changes. In the foreground brig waits for it and exits with its status (128+N for a "
	"signal N); brig's own errors exit 255, as runc's do. Options go before ID: what "
	"follows ID is the command's.",
    .opts = CLI_OPTS(exec_opts),
    .opts_size = sizeof(struct exec_flags),
    .min_args = 1,
    .max_args = CLI_ARGS_MAX,
    .raw_after = 1,
    .error_status = 255,
    .runc = true,
    .run = exec_verb,
};
