// SPDX-License-Identifier: Apache-2.0
/* brig's command line: the global options, the verb table, dispatch, and the
 * one place that prints an error. */
#include "brig_commit.h"
#include "runtime/cli/cli.h"

#include <signal.h>

#ifndef BRIG_VERSION
#define BRIG_VERSION "0.0.0"
#endif

const struct cli_verb *const cli_verbs[] = {
    &cli_create,  &cli_start,	 &cli_state,  &cli_kill,    &cli_delete,
    &cli_run,	  &cli_exec,	 &cli_list,   &cli_ps,	    &cli_pause,
    &cli_resume,  &cli_update,	 &cli_events, &cli_spec,    &cli_checkpoint,
    &cli_restore, &cli_features, &cli_check,  &cli_seccomp, &cli_network,
    NULL,
};

struct global_args {
	const char *root;
	const char *log;
	int log_format; /* text, json */
	bool debug;
	bool systemd_cgroup;
	int rootless; /* auto, true, false */
	const char *criu;
	const char *policy;
	bool version;
};

static const char *const log_formats[] = {"text", "json", NULL};
static const char *const rootless_modes[] = {"auto", "true", "false", NULL};

#define G(field) offsetof(struct global_args, field)
static const struct cli_opt global_opts[] = {
    {"root", 0, CLI_STRING, G(root), "DIR",
     "the state directory (default /run/brig; $XDG_RUNTIME_DIR/brig rootless)", CLI_RUNC},
    {"log", 0, CLI_STRING, G(log), "FILE", "append log records to FILE (errors also go to stderr)",
     CLI_RUNC},
    {"log-format", 0, CLI_CHOICE, G(log_format), "text|json", "the format of log records", CLI_RUNC,
     log_formats},
    {"debug", 0, CLI_FLAG, G(debug), NULL, "log debug records", CLI_RUNC},
    {"systemd-cgroup", 0, CLI_FLAG, G(systemd_cgroup), NULL,
     "make the cgroup a systemd unit (cgroupsPath slice:prefix:name)", CLI_RUNC},
    {"rootless", 0, CLI_CHOICE, G(rootless), "auto|true|false",
     "whether a container without limits may run without a cgroup brig cannot make "
     "(auto: when brig is not root or runs in a user namespace)",
     CLI_RUNC, rootless_modes},
    {"criu", 0, CLI_STRING, G(criu), "PATH",
     "the criu binary checkpoint and restore run (default criu, from PATH)", CLI_RUNC},
    {"policy", 0, CLI_STRING, G(policy), "FILE",
     "refuse configs the policy rejects (default /etc/brig/policy.json if it exists)"},
    {"version", 'v', CLI_FLAG, G(version), NULL, "print the version", CLI_RUNC},
};

const struct cli_verb cli_global = {
    .name = "brig",
    .summary = "An OCI runtime (runtime-spec " SPEC_VERSION "), runc-compatible.",
    .args = "VERB [options] [args]",
    .description =
	"brig runs OCI containers: it reads a bundle (config.json and a root filesystem) and "
	"creates, starts, signals and deletes the container it describes, with runc's command "
	"line, so containerd, Docker and podman can call it in runc's place.\n\n"
	"Global options come before the verb. Each verb has a page of its own, brig-VERB(8).",
    .opts = CLI_OPTS(global_opts),
    .opts_size = sizeof(struct global_args),
    .max_args = CLI_ARGS_MAX,
    .raw_after = 1,
    .runc = true,
};

static void version(void)
{
	printf("brig version " BRIG_VERSION "\ncommit: " BRIG_COMMIT "\nspec: " SPEC_VERSION "\n");
}

const char *cli_root_rule(uid_t euid, bool in_userns, const char *xdg, const char *user, char *buf,
			  size_t size)
{
	/* runc's shouldHonorXDGRuntimeDir: a non-root user, or root of a user
	 * namespace that is not "root" (rootless podman runs the runtime so) */
	bool honor = xdg && *xdg && (euid != 0 || (in_userns && (!user || strcmp(user, "root"))));
	if (!honor)
		return BRIG_DEFAULT_ROOT;
	snprintf(buf, size, "%s/brig", xdg);
	return buf;
}

const char *cli_default_root(void)
{
	static char buf[4096];
	return cli_root_rule(geteuid(), process_in_userns(), getenv("XDG_RUNTIME_DIR"),
			     getenv("USER"), buf, sizeof(buf));
}

/* Host-wide, beside brig's default state, not under --root: Docker gives
 * every runc-compatible runtime the same --root, and runc's `list` would
 * trip over it. $BRIG_SECCOMP_CACHE overrides it (tests do). */
static char *seccomp_cache_dir(void)
{
	const char *env = getenv("BRIG_SECCOMP_CACHE");
	return env && *env ? xstrdup(env) : path_join(cli_default_root(), ".seccomp-cache");
}

static void to_global(const struct global_args *a, struct global_opts *g)
{
	static const int rootless[] = {-1, 1, 0};
	g->root = a->root ? a->root : cli_default_root();
	g->log_path = a->log;
	g->log_format = a->log_format == 1 ? BRIG_LOG_JSON : BRIG_LOG_TEXT;
	g->debug = a->debug;
	g->systemd_cgroup = a->systemd_cgroup;
	g->rootless = rootless[a->rootless];
	g->policy = a->policy;
	g->criu = a->criu ? a->criu : "criu";
}

/* The global options end at the verb. Returns 1 when --help or --version was
 * printed, else 0 with the verb's index in argv (0: none). */
static int parse_global(int argc, char **argv, struct global_args *a, int *ret_verb,
			struct brig_error *err)
{
	_cleanup_free_ char **args = NULL;
	size_t n = 0;
	int r = cli_parse(&cli_global, argc, argv, a, &args, &n, err);
	if (r != 0)
		return r;
	if (a->version)
		return version(), 1;
	*ret_verb = 0;
	for (int i = 1; n > 0 && i < argc; i++)
		if (argv[i] == args[0]) {
			*ret_verb = i;
			break;
		}
	return 0;
}

/* --preserve-fds N passes fds 3 .. 3+N-1, and LISTEN_FDS more: before brig
 * opens anything (its log, the state dir, cgroup dirs, brig-init), the gaps
 * the caller left in that range are plugged, or brig's own fds would land
 * there and pass to the container. Every "--preserve-fds" of argv counts,
 * the container's own arguments too: a plug too many closes at the exec. */
static void plug_preserved_range(int argc, char **argv)
{
	int64_t n = 0, v, listen = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		if (!strcmp(a, "--preserve-fds") && i + 1 < argc)
			val = argv[i + 1];
		else if (!strncmp(a, "--preserve-fds=", 15))
			val = a + 15;
		if (val && parse_int64(val, 0, 65536, &v) == 0 && v > n)
			n = v;
	}
	if (n == 0) /* LISTEN_FDS alone: systemd passes them without gaps */
		return;
	if (parse_int64(getenv("LISTEN_FDS"), 0, 1024, &listen) < 0)
		listen = 0;
	fd_plug_below((int)(3 + n + listen));
}

int cli_main(int argc, char **argv)
{
	plug_preserved_range(argc, argv);
	/* A hook or agent that closes its end early must not kill brig mid-verb:
	 * writes to it fail with EPIPE instead. Every process brig starts gets
	 * the default back (the container process, hooks, helpers). */
	signal(SIGPIPE, SIG_IGN);
	struct global_args a = {0};
	struct global_opts g = {0};
	struct brig_error err = {0};
	const char *verb_name = NULL;
	int verb = 0;
	int r = parse_global(argc, argv, &a, &verb, &err);
	if (r > 0)
		return 0;
	if (r == 0 && verb == 0) {
		cli_print_usage(stderr);
		return 2;
	}
	_cleanup_free_ char *cache = seccomp_cache_dir();
	if (r == 0) {
		to_global(&a, &g);
		g.seccomp_cache = cache;
		verb_name = argv[verb];
		r = log_open(g.log_path, g.log_format, g.debug, &err);
	}
	const struct cli_verb *v = NULL;
	if (r == 0) {
		v = cli_find(cli_verbs, verb_name);
		r = v ? cli_run_verb(v, &g, argc - verb, argv + verb, &err)
		      : err_set(&err, EINVAL, "unknown verb '%s' (see brig --help)", verb_name);
	}
	if (r < 0) {
		if (verb_name)
			log_error("%s: %s", verb_name, err.msg);
		else
			log_error("%s", err.msg);
		return v && v->error_status ? v->error_status : 1;
	}
	return r;
}
