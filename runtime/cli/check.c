// SPDX-License-Identifier: Apache-2.0
/* `brig check`: audits a config against docs/security.md (the rules are
 * spec_check, a pure function; this file adds the host facts and output),
 * and the policy `brig create` enforces with the same rules.
 *
 *   check [--bundle|-b DIR | FILE] [--format text|json] [--fail-on low|medium|high]
 * prints every finding and exits 1 when one reaches --fail-on (default high);
 * info findings never do.
 *
 * To wire (runtime.h, main.c's verb table, create):
 *   int verb_check(const struct global_opts *g, int argc, char **argv,
 *                  struct brig_error *err);
 *   usage: "check [--bundle|-b DIR | FILE] [--format text|json] [--fail-on low|medium|high]"
 *   summary: "audit a config against brig's security principles"
 *   int check_policy_enforce(const char *policy_path, const struct spec *s,
 *                            struct brig_error *err);
 *     in create, after spec_load and before anything is created; policy_path
 *     is --policy FILE, or NULL for BRIG_POLICY_PATH if it exists. */
#include "runtime/container/container.h"

#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>

#define BRIG_POLICY_PATH "/etc/brig/policy.json"

/* until runtime.h declares them (identical redeclarations are fine) */

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
	return failing ? VERB_EXIT(1) : 0;
}

/* ---- the policy at create ---- */

static int read_policy(const char *path, bool required, struct spec_policy *ret,
		       struct brig_error *err)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, &text, NULL, err) < 0) {
		if (!required && err->errnum == ENOENT)
			return 0; /* no policy */
		return err_wrap(err, "policy");
	}
	if (spec_policy_parse(text, path, ret, err) < 0)
		return err_wrap(err, "policy");
	return 1;
}

/* "rule at path: message; ..." into what is left of err->msg. */
static void list_findings(char *buf, size_t size, const struct spec_finding *f, size_t n,
			  const struct spec_policy *p)
{
	size_t len = strlen(buf);
	for (size_t i = 0; i < n && len + 1 < size; i++) {
		if (f[i].severity < p->fail_on || spec_policy_ignores(p, &f[i]))
			continue;
		int w =
		    snprintf(buf + len, size - len, "%s%s (%s) at %s: %s", len ? "; " : "",
			     f[i].rule, spec_severity_name(f[i].severity), f[i].path, f[i].message);
		len += w > 0 ? (size_t)w : 0;
	}
}

int check_policy_enforce(const char *policy_path, const struct spec *s, struct brig_error *err)
{
	struct spec_policy p = {0};
	const char *path = policy_path ? policy_path : BRIG_POLICY_PATH;
	int r = read_policy(path, policy_path != NULL, &p, err);
	if (r <= 0)
		return r;
	struct spec_check_host host;
	struct spec_finding *f;
	size_t n, failing = 0;
	host_facts(&host, NULL);
	spec_check(s, &host, &f, &n);
	for (size_t i = 0; i < n; i++)
		failing += f[i].severity >= p.fail_on && f[i].severity > SPEC_SEV_INFO &&
			   !spec_policy_ignores(&p, &f[i]);
	if (failing) {
		char list[sizeof(err->msg)] = "";
		list_findings(list, sizeof(list), f, n, &p);
		err_set(err, EPERM, "refused by policy '%s' (failOn %s): %zu finding%s: %s", path,
			spec_severity_name(p.fail_on), failing, failing == 1 ? "" : "s", list);
	}
	spec_findings_free(f, n);
	spec_policy_clear(&p);
	return failing ? -1 : 0;
}
