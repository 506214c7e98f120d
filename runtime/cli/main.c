// SPDX-License-Identifier: Apache-2.0
/* brig's entry point: global options, verb dispatch, and the one place that
 * prints an error. */
#include "netlink/netlink.h"
#include "runtime/container/container.h"

#include <getopt.h>

#ifndef BRIG_VERSION
#define BRIG_VERSION "0.0.0"
#endif
#ifndef BRIG_COMMIT
#define BRIG_COMMIT "unknown"
#endif

static const struct verb verbs[] = {
    {"create", "create a container from a bundle",
     "create [--bundle|-b DIR] [--pid-file FILE] [--console-socket SOCK] [--no-pivot]\n"
     "       [--no-new-keyring] [--preserve-fds N] [--network NAME[:ADDR]] ID",
     verb_create},
    {"start", "run the user process of a created container", "start ID", verb_start},
    {"state", "print a container's state as JSON", "state ID", verb_state},
    {"kill", "send a signal to a container's init (default TERM)", "kill [--all|-a] ID [SIGNAL]",
     verb_kill},
    {"delete", "delete a container and its state", "delete [--force|-f] ID", verb_delete},
    {"run", "create and start a container",
     "run [--bundle|-b DIR] [--detach|-d] [--pid-file FILE] [--console-socket SOCK]\n"
     "       [--no-pivot] [--no-new-keyring] [--preserve-fds N] [--keep]\n"
     "       [--network NAME[:ADDR]] ID",
     verb_run},
    {"exec", "run a new process in a running container",
     "exec [--process FILE | --tty|-t] [--detach|-d] [--pid-file FILE] [--console-socket SOCK]\n"
     "       [--cwd DIR] [--env|-e K=V]... [--user|-u UID[:GID]] [--additional-gids GID]...\n"
     "       [--cap CAP]... [--no-new-privs] [--apparmor PROFILE] [--process-label LABEL]\n"
     "       [--preserve-fds N] [--ignore-paused] ID [COMMAND [ARGS...]]",
     verb_exec},
    {"features", "what this brig implements, as runtime-spec JSON", "features", verb_features},
    {"pause", "freeze every process of a container", "pause ID", verb_pause},
    {"resume", "thaw a paused container", "resume ID", verb_resume},
    {"ps", "list a container's processes", "ps [--format|-f table|json] ID [PS-ARGS...]", verb_ps},
    {"update", "change a running container's resource limits",
     "update [--resources|-r FILE|-] [--memory N] [--memory-swap N] [--memory-reservation N]\n"
     "       [--kernel-memory N] [--kernel-memory-tcp N] [--cpu-shares N] [--cpu-quota N]\n"
     "       [--cpu-period N] [--cpu-rt-period N] [--cpu-rt-runtime N] [--cpuset-cpus LIST]\n"
     "       [--cpuset-mems LIST] [--pids-limit N] [--blkio-weight N] ID",
     verb_update},
    {"events", "a container's stats and OOM events as JSON lines",
     "events [--stats] [--interval DURATION] ID", verb_events},
    {"network", "manage brig's internal networks",
     "network create NAME --subnet CIDR [--internal|--host-reachable] [--no-icc] [--mtu N]\n"
     "       network ls [-q] | network inspect NAME | network rm NAME",
     verb_network},
    {"list", "list containers", "list [--format|-f table|json] [--quiet|-q]", verb_list},
    {"spec", "write a default config.json",
     "spec [--bundle|-b DIR] [--rootless] [--hardened [--user UID:GID] [--cap-add CAP]...\n"
     "       [--userns]]",
     verb_spec},
    {"seccomp", "compile, explain or convert a seccomp profile",
     "seccomp compile PROFILE [-o FILE] [--arch ARCH] [--cap CAP]...\n"
     "       seccomp explain PROFILE [--arch ARCH] [--cap CAP]...\n"
     "       seccomp convert PROFILE [--arch ARCH] [--cap CAP]...",
     verb_seccomp},
    {"check", "audit a config against brig's security principles",
     "check [--bundle|-b DIR | FILE] [--format text|json] [--fail-on low|medium|high]", verb_check},
};

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

void verb_usage(const char *name, FILE *out)
{
	const struct verb *v = find_verb(name);
	if (v)
		fprintf(out, "usage: brig [global options] %s\n\n%s\n", v->usage, v->summary);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: brig [global options] VERB [options] [args]\n\n"
		     "An OCI runtime (runtime-spec " SPEC_VERSION "), runc-compatible.\n\n"
		     "verbs:\n");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(out,
		"\nglobal options:\n"
		"  --root DIR              state directory (default " BRIG_DEFAULT_ROOT ")\n"
		"  --log FILE              append log records to FILE\n"
		"  --log-format text|json  format of log records (default text)\n"
		"  --debug                 log debug records\n"
		"  --systemd-cgroup        make the cgroup a systemd unit (cgroupsPath "
		"slice:prefix:name)\n"
		"  --rootless auto|true|false\n"
		"  --policy FILE           refuse configs a policy rejects (docs/security.md)\n"
		"  --version, -v           print the version\n"
		"  --help, -h              print this help\n\n"
		"`brig VERB --help` describes a verb.\n");
}

static void version(void)
{
	printf("brig version " BRIG_VERSION "\ncommit: " BRIG_COMMIT "\nspec: " SPEC_VERSION "\n");
}

enum {
	OPT_ROOT = 256,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_SYSTEMD_CGROUP,
	OPT_ROOTLESS,
	OPT_CRIU,
	OPT_POLICY
};

static int parse_global(int argc, char **argv, struct global_opts *g, struct brig_error *err)
{
	static const struct option longopts[] = {
	    {"root", required_argument, NULL, OPT_ROOT},
	    {"log", required_argument, NULL, OPT_LOG},
	    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
	    {"debug", no_argument, NULL, OPT_DEBUG},
	    {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP},
	    {"rootless", required_argument, NULL, OPT_ROOTLESS},
	    {"criu", required_argument, NULL, OPT_CRIU},
	    {"policy", required_argument, NULL, OPT_POLICY},
	    {"version", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			g->root = optarg;
			break;
		case OPT_LOG:
			g->log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (!strcmp(optarg, "json"))
				g->log_format = BRIG_LOG_JSON;
			else if (!strcmp(optarg, "text"))
				g->log_format = BRIG_LOG_TEXT;
			else
				return err_set(
				    err, EINVAL,
				    "--log-format: unknown format '%s' (want text or json)",
				    optarg);
			break;
		case OPT_DEBUG:
			g->debug = true;
			break;
		case OPT_SYSTEMD_CGROUP:
			g->systemd_cgroup = true;
			break;
		case OPT_ROOTLESS:
			if (!strcmp(optarg, "auto"))
				g->rootless = -1;
			else if (!strcmp(optarg, "true"))
				g->rootless = 1;
			else if (!strcmp(optarg, "false"))
				g->rootless = 0;
			else
				return err_set(err, EINVAL,
					       "--rootless: want auto, true or false, not '%s'",
					       optarg);
			break;
		case OPT_POLICY:
			g->policy = optarg;
			break;
		case OPT_CRIU:
			break; /* runc's checkpoint tool path: accepted and unused */
		case 'v':
			version();
			return 1;
		case 'h':
			usage(stdout);
			return 1;
		case '?':
			if (optopt)
				return err_set(err, EINVAL, "unknown option '-%c'", optopt);
			return err_set(err, EINVAL, "unknown option '%s'", argv[optind - 1]);
		case ':':
			return err_set(err, EINVAL, "option '%s' needs an argument",
				       argv[optind - 1]);
		}
	}
	return 0;
}

/* runc's choice: /run/brig for root, $XDG_RUNTIME_DIR/brig for anyone else. */
const char *runtime_default_root(void)
{
	static char buf[4096];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (geteuid() == 0)
		return BRIG_DEFAULT_ROOT;
	if (xdg && *xdg)
		snprintf(buf, sizeof(buf), "%s/brig", xdg);
	else
		snprintf(buf, sizeof(buf), "/tmp/brig-%u", (unsigned)geteuid());
	return buf;
}

int main(int argc, char **argv)
{
	struct global_opts g = {.rootless = -1};
	struct brig_error err = {0};
	const char *verb_name = NULL;
	int r;

	r = parse_global(argc, argv, &g, &err);
	if (r > 0)
		return 0;
	if (r == 0 && optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (r == 0 && !g.root)
		g.root = runtime_default_root();
	if (r == 0) {
		verb_name = argv[optind];
		r = log_open(g.log_path, g.log_format, g.debug, &err);
	}
	if (r == 0) {
		const struct verb *v = find_verb(verb_name);
		if (!v) {
			r = err_set(&err, EINVAL, "unknown verb '%s' (see brig --help)", verb_name);
		} else {
			/* Each verb parses its own options: argv[0] is the verb. */
			int vargc = argc - optind;
			char **vargv = argv + optind;
			optind = 0;
			r = v->run(&g, vargc, vargv, &err);
		}
	}
	if (r < 0) {
		if (verb_name)
			log_error("%s: %s", verb_name, err.msg);
		else
			log_error("%s", err.msg);
		return 1;
	}
	return r;
}
