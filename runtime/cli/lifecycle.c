// SPDX-License-Identifier: Apache-2.0
/* The verbs runc's callers use, with runc's flags. Each parses its options,
 * opens the container and calls into lifecycle.c. */
#include "runtime/cli/cli.h"

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>

#define OPT_HELP 'h'

/* Shared: `--help` and unknown-option handling for each verb's getopt loop. */
static int bad_option(const char *verb, int c, char **argv, struct brig_error *err)
{
	if (c == ':')
		return err_set(err, EINVAL, "option '%s' needs an argument (see brig %s --help)",
			       argv[optind - 1], verb);
	if (optopt)
		return err_set(err, EINVAL, "unknown option '-%c' (see brig %s --help)", optopt,
			       verb);
	return err_set(err, EINVAL, "unknown option '%s' (see brig %s --help)", argv[optind - 1],
		       verb);
}

int parse_id_arg(const char *verb, int argc, char **argv, int first, const char **ret_id,
		 struct brig_error *err)
{
	if (first >= argc)
		return err_set(err, EINVAL, "missing container id (usage: brig %s)", verb);
	*ret_id = argv[first];
	return 0;
}

static int parse_int_opt(const char *name, const char *v, int *ret, struct brig_error *err)
{
	int64_t n;
	if (parse_int64(v, 0, 65536, &n) < 0)
		return err_set(err, EINVAL, "--%s: expected a non-negative number, not '%s'", name,
			       v);
	*ret = (int)n;
	return 0;
}

enum {
	OPT_BUNDLE = 'b',
	OPT_DETACH = 'd',
	OPT_PID_FILE = 256,
	OPT_CONSOLE,
	OPT_NO_PIVOT,
	OPT_NO_KEYRING,
	OPT_PRESERVE,
	OPT_KEEP,
	OPT_NETWORK,
};

static const struct option create_longopts[] = {
    {"bundle", required_argument, NULL, OPT_BUNDLE},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_CONSOLE},
    {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
    {"no-new-keyring", no_argument, NULL, OPT_NO_KEYRING},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
    {"detach", no_argument, NULL, OPT_DETACH},
    {"keep", no_argument, NULL, OPT_KEEP},
    {"network", required_argument, NULL, OPT_NETWORK},
    {"help", no_argument, NULL, OPT_HELP},
    {0},
};

/* create and run share their options; run adds --detach and --keep. */
int parse_create_opts(const char *verb, int argc, char **argv, struct create_opts *o, bool *detach,
		      bool *keep, const char **ret_id, struct brig_error *err)
{
	bool is_run = !strcmp(verb, "run");
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, is_run ? "+:b:dh" : "+:b:h", create_longopts, NULL)) !=
	       -1) {
		switch (c) {
		case OPT_BUNDLE:
			o->bundle = optarg;
			break;
		case OPT_PID_FILE:
			o->pid_file = optarg;
			break;
		case OPT_CONSOLE:
			o->console_socket = optarg;
			break;
		case OPT_NETWORK:
			o->network = optarg;
			break;
		case OPT_NO_PIVOT:
			o->no_pivot = true;
			break;
		case OPT_NO_KEYRING:
			o->no_new_keyring = true;
			break;
		case OPT_PRESERVE:
			if (parse_int_opt("preserve-fds", optarg, &o->preserve_fds, err) < 0)
				return -1;
			break;
		case OPT_DETACH:
		case OPT_KEEP:
			if (!is_run)
				return bad_option(verb, '?', argv, err);
			*(c == OPT_DETACH ? detach : keep) = true;
			break;
		case OPT_HELP:
			verb_usage(verb, stdout);
			return 1;
		default:
			return bad_option(verb, c, argv, err);
		}
	}
	return parse_id_arg(verb, argc, argv, optind, ret_id, err);
}

int verb_create(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	struct create_opts o = {.console_sock_fd = -1};
	const char *id = NULL;
	bool unused;
	int r = parse_create_opts("create", argc, argv, &o, &unused, &unused, &id, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	_cleanup_container_ struct container *c = lifecycle_create(g, id, &o, err);
	return c ? 0 : -1;
}

/* Verbs that take only an id (and --help). */
static int simple_args(const char *verb, int argc, char **argv, const char **ret_id,
		       struct brig_error *err)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, OPT_HELP}, {0}};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c == OPT_HELP) {
			verb_usage(verb, stdout);
			return 1;
		}
		return bad_option(verb, c, argv, err);
	}
	return parse_id_arg(verb, argc, argv, optind, ret_id, err);
}

static struct container *open_container(const struct global_opts *g, const char *id,
					struct brig_error *err)
{
	_cleanup_close_ int root_fd = open(g->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		if (errno == ENOENT)
			err_set(err, ENOENT, "container \"%s\" does not exist", id);
		else
			err_sys(err, "open state root '%s'", g->root);
		return NULL;
	}
	return container_open(root_fd, id, err);
}

int verb_start(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	const char *id = NULL;
	int r = simple_args("start", argc, argv, &id, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	_cleanup_container_ struct container *c = open_container(g, id, err);
	return c ? lifecycle_start(c, err) : -1;
}

int verb_state(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	const char *id = NULL;
	int r = simple_args("state", argc, argv, &id, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	_cleanup_container_ struct container *c = open_container(g, id, err);
	if (!c)
		return -1;
	container_status(&c->state);
	_cleanup_free_ char *text = spec_state_format_public(&c->state, true);
	printf("%s\n", text);
	return 0;
}

int verb_kill(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	static const struct option longopts[] = {
	    {"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, OPT_HELP}, {0}};
	bool all = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:ah", longopts, NULL)) != -1) {
		if (c == 'a')
			all = true;
		else if (c == OPT_HELP)
			return verb_usage("kill", stdout), 0;
		else
			return bad_option("kill", c, argv, err);
	}
	const char *id = NULL;
	if (parse_id_arg("kill", argc, argv, optind, &id, err) < 0)
		return -1;
	const char *name = optind + 1 < argc ? argv[optind + 1] : "TERM";
	int sig = signal_parse(name);
	if (sig < 0)
		return err_set(err, EINVAL, "unknown signal '%s'", name);
	_cleanup_container_ struct container *ct = open_container(g, id, err);
	return ct ? lifecycle_kill(ct, sig, all, err) : -1;
}

int verb_delete(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	static const struct option longopts[] = {
	    {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, OPT_HELP}, {0}};
	bool force = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:fh", longopts, NULL)) != -1) {
		if (c == 'f')
			force = true;
		else if (c == OPT_HELP)
			return verb_usage("delete", stdout), 0;
		else
			return bad_option("delete", c, argv, err);
	}
	const char *id = NULL;
	if (parse_id_arg("delete", argc, argv, optind, &id, err) < 0)
		return -1;
	_cleanup_container_ struct container *ct = open_container(g, id, err);
	if (!ct) {
		if (!force || err->errnum != ENOENT)
			return -1;
		/* --force of a missing id succeeds (runc; the shim calls delete
		 * then delete --force). A create killed midway leaves a directory
		 * without a record: remove it. */
		_cleanup_close_ int root_fd = open(g->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		struct brig_error ignored;
		if (root_fd >= 0 && container_id_validate(id, &ignored) == 0)
			rm_rf_at(root_fd, id, &ignored);
		return 0;
	}
	return lifecycle_delete(ct, force, err);
}
