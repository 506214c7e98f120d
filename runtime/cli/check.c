// SPDX-License-Identifier: Apache-2.0
/* `brig check`: audits a config against docs/security.md (the rules are
 * spec_check, a pure function; this file adds the host facts and output).
 * It prints every finding and exits 1 when one reaches --fail-on (default
 * high); info findings never do. */
#include "runtime/cli/cli.h"
#include "runtime/init/init.h"

#include <fcntl.h>
#include <libgen.h>

struct check_opts {
	const char *bundle;
	int format;  /* text, json */
	int fail_on; /* high (the default), medium, low */
};

static const char *const check_formats[] = {"text", "json", NULL};
static const char *const check_levels[] = {"high", "medium", "low", NULL};

static const struct cli_opt check_opts[] = {
    {"bundle", 'b', CLI_STRING, offsetof(struct check_opts, bundle), "DIR",
     "audit DIR/config.json (default .)"},
    {"format", 0, CLI_CHOICE, offsetof(struct check_opts, format), "text|json", "the output format",
     0, check_formats},
    {"fail-on", 0, CLI_CHOICE, offsetof(struct check_opts, fail_on), "low|medium|high",
     "exit 1 when a finding is at least this severe (default high)", 0, check_levels},
};

static struct spec *load(const char *bundle, const char *file, struct brig_error *err)
{
	if (!file)
		return spec_load(bundle ? bundle : ".", err);
	_cleanup_free_ char *text = NULL, *copy = xstrdup(file);
	if (read_file_at(AT_FDCWD, file, &text, NULL, err) < 0)
		return NULL;
	return spec_parse(text, file, dirname(copy), err);
}

static void host_facts(struct spec_check_host *h, const char *const *state_dirs)
{
	h->apparmor = lsm_apparmor_enabled();
	h->selinux = lsm_selinux_enabled();
	h->state_dirs = state_dirs;
}

static int check(const struct global_opts *g, void *opts, char **args, size_t n,
		 struct brig_error *err)
{
	const struct check_opts *o = opts;
	const char *file = n ? args[0] : NULL;
	if (file && o->bundle)
		return err_set(err, EINVAL,
			       "want one of --bundle DIR or FILE (see brig check --help)");
	static const enum spec_severity levels[] = {SPEC_SEV_HIGH, SPEC_SEV_MEDIUM, SPEC_SEV_LOW};
	enum spec_severity fail_on = levels[o->fail_on];
	_cleanup_spec_ struct spec *s = load(o->bundle, file, err);
	if (!s)
		return -1;
	const char *const dirs[] = {g->root, NULL};
	struct spec_check_host host;
	struct spec_finding *f;
	size_t nf;
	host_facts(&host, dirs);
	spec_check(s, &host, &f, &nf);
	bool json = o->format == 1;
	_cleanup_free_ char *text =
	    json ? spec_check_format_json(f, nf) : spec_check_format_text(f, nf);
	fputs(text, stdout);
	if (json)
		fputc('\n', stdout);
	size_t failing = spec_findings_count(f, nf, fail_on);
	spec_findings_free(f, nf);
	return failing ? 1 : 0;
}

const struct cli_verb cli_check = {
    .name = "check",
    .summary = "audit a config against brig's security principles",
    .args = "[FILE]",
    .description =
	"Audits a config.json (the bundle's, or FILE) against the principles docs/security.md "
	"lists: non-root, minimal capabilities, no new privileges, a read-only root, seccomp, "
	"a user namespace, limits, an isolated network. Every finding is printed; the exit "
	"status is 1 when one is at least as severe as --fail-on. brig create refuses what a "
	"policy (--policy) rejects by the same rules.",
    .opts = CLI_OPTS(check_opts),
    .opts_size = sizeof(struct check_opts),
    .max_args = 1,
    .run = check,
};
