// SPDX-License-Identifier: Apache-2.0
/* The policy `brig create` enforces (--policy FILE, else /etc/brig/policy.json
 * if it exists): the rules of `brig check` (spec_check), refusing a config
 * with findings at or above the policy's failOn level. */
#include "runtime/container/internal.h"

#include <fcntl.h>

#define BRIG_POLICY_PATH "/etc/brig/policy.json"

static void host_facts(struct spec_check_host *h)
{
	h->apparmor = lsm_apparmor_enabled();
	h->selinux = lsm_selinux_enabled();
	h->state_dirs = NULL;
}

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
	host_facts(&host);
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
