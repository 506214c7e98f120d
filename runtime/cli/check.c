// SPDX-License-Identifier: Apache-2.0
/* `brig check`: audits a config against docs/security.md (the rules are
 * spec_check, a pure function; this file adds the host facts and output).
 * It prints every finding and exits 1 when one reaches --fail-on (default
 * high); info findings never do. */
#include "runtime/cli/cli.h"
#include "runtime/init/init.h"

#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>

struct check_args {
	const char *bundle;
	const char *file;
	bool json;
	enum spec_severity fail_on;
};

static int parse_check_args(int argc, char **argv, struct check_args *a, struct brig_error *err)
{
	static const struct option longopts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"format", required_argument, NULL, 'f'},
	    {"fail-on", required_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c, level;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:h", longopts, NULL)) != -1) {
		if (c == 'b')
			a->bundle = optarg;
		else if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "text")))
			a->json = !strcmp(optarg, "json");
		else if (c == 'f')
			return err_set(err, EINVAL, "--format: want text or json, not '%s'",
				       optarg);
		else if (c == 'F' && (level = spec_severity_from_name(optarg)) > SPEC_SEV_INFO)
			a->fail_on = (enum spec_severity)level;
		else if (c == 'F')
			return err_set(err, EINVAL, "--fail-on: want low, medium or high, not '%s'",
				       optarg);
		else if (c == 'h')
			return verb_usage("check", stdout), 1;
		else if (c == ':')
			return err_set(err, EINVAL, "option '%s' needs an argument",
				       argv[optind - 1]);
		else
			return err_set(err, EINVAL, "unknown option '%s' (see brig check --help)",
				       argv[optind - 1]);
	}
	if (optind < argc)
		a->file = argv[optind++];
	if (optind < argc || (a->file && a->bundle))
		return err_set(err, EINVAL,
			       "want one of --bundle DIR or FILE (see brig check "
			       "--help)");
	return 0;
}

static struct spec *load(const struct check_args *a, struct brig_error *err)
{
	if (!a->file)
		return spec_load(a->bundle ? a->bundle : ".", err);
	_cleanup_free_ char *text = NULL, *copy = xstrdup(a->file);
	if (read_file_at(AT_FDCWD, a->file, &text, NULL, err) < 0)
		return NULL;
	return spec_parse(text, a->file, dirname(copy), err);
}

static void host_facts(struct spec_check_host *h, const char *const *state_dirs)
{
	h->apparmor = lsm_apparmor_enabled();
	h->selinux = lsm_selinux_enabled();
	h->state_dirs = state_dirs;
}

static void spec_freep_(struct spec **s)
{
	spec_free(*s);
}

int verb_check(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	struct check_args a = {.fail_on = SPEC_SEV_HIGH};
	int r = parse_check_args(argc, argv, &a, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	_cleanup_(spec_freep_) struct spec *s = load(&a, err);
	if (!s)
		return -1;
	const char *const dirs[] = {g->root, NULL};
	struct spec_check_host host;
	struct spec_finding *f;
	size_t n;
	host_facts(&host, dirs);
	spec_check(s, &host, &f, &n);
	_cleanup_free_ char *text =
	    a.json ? spec_check_format_json(f, n) : spec_check_format_text(f, n);
	fputs(text, stdout);
	if (a.json)
		fputc('\n', stdout);
	size_t failing = spec_findings_count(f, n, a.fail_on);
	spec_findings_free(f, n);
	return failing ? 1 : 0;
}
