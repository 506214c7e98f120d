// SPDX-License-Identifier: Apache-2.0
/* `exec`: a new process in a running container. The process is the config's
 * with runc's flags applied (or a whole --process file). brig enters the
 * container's pid namespace for its children, clones the process, which joins
 * the container's other namespaces through the init's pidfd, applies the
 * process attributes, and execs through brig-init; brig then waits in the
 * foreground (stdio, pty, signals, exit status) or returns at once (--detach)
 * leaving the process to the caller's subreaper, as create does. */
#include "runtime/cli/cli.h"

#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

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
	char **env; /* from --env, NULL-terminated */
	char **caps;
	char **gids;
};

static void strv_push(char ***v, const char *s)
{
	size_t n = strv_length(*v);
	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}

enum {
	OPT_PROCESS = 'p',
	OPT_DETACH = 'd',
	OPT_TTY = 't',
	OPT_ENV = 'e',
	OPT_USER = 'u',
	OPT_CWD = 256,
	OPT_PID_FILE,
	OPT_CONSOLE,
	OPT_GIDS,
	OPT_CAP,
	OPT_NNP,
	OPT_APPARMOR,
	OPT_LABEL,
	OPT_PRESERVE,
	OPT_IGNORE_PAUSED
};

static const struct option exec_longopts[] = {
    {"process", required_argument, NULL, OPT_PROCESS},
    {"detach", no_argument, NULL, OPT_DETACH},
    {"tty", no_argument, NULL, OPT_TTY},
    {"env", required_argument, NULL, OPT_ENV},
    {"user", required_argument, NULL, OPT_USER},
    {"cwd", required_argument, NULL, OPT_CWD},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_CONSOLE},
    {"additional-gids", required_argument, NULL, OPT_GIDS},
    {"cap", required_argument, NULL, OPT_CAP},
    {"no-new-privs", no_argument, NULL, OPT_NNP},
    {"apparmor", required_argument, NULL, OPT_APPARMOR},
    {"process-label", required_argument, NULL, OPT_LABEL},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
    {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
    {"help", no_argument, NULL, 'h'},
    {0},
};

static int parse_exec_opt(int c, struct exec_flags *o, struct brig_error *err)
{
	int64_t n;
	switch (c) {
	case OPT_PROCESS:
		o->process_file = optarg;
		break;
	case OPT_DETACH:
		o->detach = true;
		break;
	case OPT_TTY:
		o->tty = true;
		break;
	case OPT_ENV:
		strv_push(&o->env, optarg);
		break;
	case OPT_USER:
		o->user = optarg;
		break;
	case OPT_CWD:
		o->cwd = optarg;
		break;
	case OPT_PID_FILE:
		o->pid_file = optarg;
		break;
	case OPT_CONSOLE:
		o->console_socket = optarg;
		break;
	case OPT_GIDS:
		strv_push(&o->gids, optarg);
		break;
	case OPT_CAP:
		strv_push(&o->caps, optarg);
		break;
	case OPT_NNP:
		o->no_new_privs = true;
		break;
	case OPT_APPARMOR:
		o->apparmor = optarg;
		break;
	case OPT_LABEL:
		o->label = optarg;
		break;
	case OPT_IGNORE_PAUSED:
		o->ignore_paused = true;
		break;
	case OPT_PRESERVE:
		if (parse_int64(optarg, 0, 65536, &n) < 0)
			return err_set(err, EINVAL, "--preserve-fds: expected a number, not '%s'",
				       optarg);
		o->preserve_fds = (int)n;
		break;
	default:
		return -1;
	}
	return 0;
}

static int parse_exec_args(int argc, char **argv, struct exec_flags *o, int *ret_first,
			   struct brig_error *err)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:p:dte:u:h", exec_longopts, NULL)) != -1) {
		if (c == 'h') {
			verb_usage("exec", stdout);
			return 1;
		}
		if (c == '?' || c == ':')
			return err_set(err, EINVAL, "%s option '%s' (see brig exec --help)",
				       c == ':' ? "missing argument for" : "unknown",
				       argv[optind - 1]);
		if (parse_exec_opt(c, o, err) < 0)
			return -1;
	}
	if (optind >= argc)
		return err_set(err, EINVAL, "missing container id (usage: brig exec)");
	if (!o->process_file && optind + 1 >= argc)
		return err_set(err, EINVAL, "exec needs a command or --process FILE");
	*ret_first = optind;
	return 0;
}

static void exec_opts_free(struct exec_flags *o)
{
	strv_free(o->env);
	strv_free(o->caps);
	strv_free(o->gids);
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

static int apply_flags(struct spec_process *p, const struct exec_flags *o, char **args,
		       struct brig_error *err)
{
	strv_free(p->args);
	p->args = NULL;
	for (char **a = args; *a; a++)
		strv_push(&p->args, *a);
	for (char **e = o->env; e && *e; e++)
		strv_push(&p->env, *e);
	if (o->cwd) {
		free(p->cwd);
		p->cwd = xstrdup(o->cwd);
	}
	if (o->user && apply_user(&p->user, o->user, err) < 0)
		return -1;
	for (char **g = o->gids; g && *g; g++) {
		int64_t gid;
		if (parse_int64(*g, 0, UINT32_MAX, &gid) < 0)
			return err_set(err, EINVAL, "--additional-gids: not a number: '%s'", *g);
		p->user.additional_gids = xrealloc(
		    p->user.additional_gids, (p->user.n_additional_gids + 1) * sizeof(uint32_t));
		p->user.additional_gids[p->user.n_additional_gids++] = (uint32_t)gid;
	}
	for (char **c = o->caps; c && *c; c++) {
		int cap = spec_cap_from_name(*c);
		if (cap < 0)
			return err_set(err, EINVAL, "--cap: unknown capability \"%s\"", *c);
		uint64_t bit = UINT64_C(1) << cap;
		p->capabilities.present = true;
		p->capabilities.bounding |= bit;
		p->capabilities.effective |= bit;
		p->capabilities.permitted |= bit;
		/* ambient needs inheritable: only where the config set some (runc) */
		if (p->capabilities.inheritable)
			p->capabilities.ambient |= bit;
	}
	p->terminal = o->tty;
	p->no_new_privileges |= o->no_new_privs;
	if (o->apparmor) {
		free(p->apparmor_profile);
		p->apparmor_profile = xstrdup(o->apparmor);
	}
	if (o->label) {
		free(p->selinux_label);
		p->selinux_label = xstrdup(o->label);
	}
	return 0;
}

/* The process to run: the container's config process with the flags, or the
 * --process file as it is. */
static int build_process(struct spec *s, const struct exec_flags *o, char **args,
			 struct brig_error *err)
{
	if (!o->process_file)
		return apply_flags(&s->process, o, args, err);
	struct spec_process *p = spec_process_load(o->process_file, err);
	if (!p)
		return -1;
	struct spec_process old = s->process;
	s->process = *p;
	*p = old;
	spec_process_free(p);
	if (o->tty)
		s->process.terminal = true;
	return 0;
}

struct edit_data {
	const struct exec_flags *o;
	char **args;
};

static int edit_process(struct spec *s, void *data, struct brig_error *err)
{
	const struct edit_data *d = data;
	return build_process(s, d->o, d->args, err);
}

int verb_exec(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	struct exec_flags o = {0};
	int first = 0;
	int r = parse_exec_args(argc, argv, &o, &first, err);
	if (r == 0) {
		struct edit_data d = {&o, argv + first + 1};
		struct exec_opts eo = {.pid_file = o.pid_file,
				       .console_socket = o.console_socket,
				       .detach = o.detach,
				       .ignore_paused = o.ignore_paused,
				       .preserve_fds = o.preserve_fds,
				       .edit = edit_process,
				       .edit_data = &d};
		r = lifecycle_exec(g, argv[first], &eo, err);
	}
	exec_opts_free(&o);
	return r > 0 && first == 0 ? 0 : r;
}
