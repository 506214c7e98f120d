// SPDX-License-Identifier: Apache-2.0
/* runtime/cli/check.c: `brig check`'s exit status, and the policy `brig
 * create` enforces (runtime/container/policy.c), with configs and policies in
 * temp files. */
#include "runtime/cli/cli.h"
#include "runtime/init/init.h"

#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>

Suite *test_suite(void);

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/test-policy.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* the verb prints its findings: keep them out of the test log */
	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stdout));
}

static void teardown(void)
{
	struct brig_error err;
	rm_rf_at(AT_FDCWD, dir, &err);
}

static char *put(const char *name, const char *text)
{
	char *path = path_join(dir, name);
	struct brig_error err = {0};
	ck_assert_msg(write_file_at(AT_FDCWD, path, text, strlen(text), O_CREAT | O_TRUNC, &err) ==
			  0,
		      "%s", err.msg);
	return path;
}

static struct spec *config(bool hard)
{
	struct spec_default_opts o = {.hardened = hard, .userns = hard};
	_cleanup_free_ char *text = spec_default_config(&o);
	struct brig_error err = {0};
	struct spec *s = spec_parse(text, "config.json", dir, &err);
	ck_assert_msg(s, "%s", err.msg);
	return s;
}

/* --privileged: every capability, no seccomp, the host's pid namespace */
static struct spec *privileged(void)
{
	struct spec *s = config(false);
	s->process.capabilities.bounding = s->process.capabilities.effective =
	    s->process.capabilities.permitted = UINT64_MAX >> 23;
	s->linux.seccomp.present = false;
	s->linux.namespaces[SPEC_NS_PID].present = false;
	return s;
}

START_TEST(test_enforce_refuses)
{
	_cleanup_free_ char *p = put("policy.json", "{\"failOn\": \"high\"}");
	struct spec *s = privileged();
	struct brig_error err = {0};
	ck_assert_int_eq(check_policy_enforce(p, s, &err), -1);
	ck_assert_int_eq(err.errnum, EPERM);
	_cleanup_free_ char *start = xasprintf("refused by policy '%s' (failOn high): ", p);
	ck_assert_msg(strncmp(err.msg, start, strlen(start)) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "all-capabilities (high) at .process.capabilities"));
	ck_assert_ptr_nonnull(strstr(err.msg, "seccomp-missing (high) at .linux.seccomp"));
	ck_assert_ptr_nonnull(strstr(err.msg, "host-pid (high)"));
	ck_assert_ptr_null(strstr(err.msg, "no-cpu-limit")); /* low: under failOn */
	spec_free(s);
}
END_TEST

START_TEST(test_enforce_accepts_hardened)
{
	_cleanup_free_ char *p = put("policy.json", "{\"failOn\": \"low\"}");
	struct spec *s = config(true);
	struct brig_error err = {0};
	ck_assert_msg(check_policy_enforce(p, s, &err) == 0, "%s", err.msg);
	spec_free(s);
}
END_TEST

START_TEST(test_enforce_ignore)
{
	_cleanup_free_ char *p = put("policy.json", "{\"failOn\": \"medium\", \"ignore\": "
						    "[\"root-user\", \"no-memory-limit\", "
						    "\"no-pids-limit\"]}");
	struct spec *s = config(false); /* root user, no limits */
	struct brig_error err = {0};
	ck_assert_msg(check_policy_enforce(p, s, &err) == 0, "%s", err.msg);
	_cleanup_free_ char *q = put("strict.json", "{\"failOn\": \"low\", \"ignore\": "
						    "[\"root-user\", \"no-memory-limit\", "
						    "\"no-pids-limit\"]}");
	ck_assert_int_eq(check_policy_enforce(q, s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "2 findings: no-cpu-limit (low)"));
	spec_free(s);
}
END_TEST

START_TEST(test_enforce_bad_policy)
{
	struct spec *s = config(true);
	struct brig_error err = {0};
	_cleanup_free_ char *missing = path_join(dir, "none.json");
	ck_assert_int_eq(check_policy_enforce(missing, s, &err), -1); /* asked for: must exist */
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "policy: open '"));
	_cleanup_free_ char *p = put("bad.json", "{\"failOn\": \"sometimes\"}");
	ck_assert_int_eq(check_policy_enforce(p, s, &err), -1);
	_cleanup_free_ char *msg = xasprintf("policy: %s: .failOn: unknown level \"sometimes\"", p);
	ck_assert_str_eq(err.msg, msg);
	struct stat st;
	if (stat("/etc/brig/policy.json", &st) < 0) /* no default policy: nothing enforced */
		ck_assert_int_eq(check_policy_enforce(NULL, s, &err), 0);
	spec_free(s);
}
END_TEST

static int run_check(const char *const *args)
{
	char *argv[16];
	int argc = 0;
	struct global_opts g = {.root = "/run/brig"};
	struct brig_error err = {0};
	for (; args[argc]; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	int r = cli_run_verb(&cli_check, &g, argc, argv, &err);
	ck_assert_msg(r >= 0, "%s", err.msg);
	return r;
}

START_TEST(test_verb_check)
{
	struct spec_default_opts hard = {.hardened = true};
	_cleanup_free_ char *h_text = spec_default_config(&hard);
	_cleanup_free_ char *d_text = spec_default_config(NULL);
	_cleanup_free_ char *h = put("hardened.json", h_text), *d = put("config.json", d_text);
	ck_assert_int_eq(run_check((const char *[]){"check", h, "--fail-on", "low", NULL}), 0);
	ck_assert_int_eq(run_check((const char *[]){"check", "--format", "json", h, NULL}), 0);
	ck_assert_int_eq(run_check((const char *[]){"check", "--bundle", dir, NULL}), 1);
	ck_assert_int_eq(run_check((const char *[]){"check", d, NULL}), 1); /* root: high */
	ck_assert_int_eq(run_check((const char *[]){"check", "--help", NULL}), 0);
	struct global_opts g = {.root = "/run/brig"};
	struct brig_error err = {0};
	char *bad[] = {"check", "--fail-on", "info", d, NULL};
	ck_assert_int_eq(cli_run_verb(&cli_check, &g, 4, bad, &err), -1);
	ck_assert_str_eq(err.msg, "--fail-on: want low|medium|high, not 'info'");
	char *both[] = {"check", "--bundle", dir, d, NULL};
	ck_assert_int_eq(cli_run_verb(&cli_check, &g, 4, both, &err), -1);
	ck_assert_str_eq(err.msg, "want one of --bundle DIR or FILE (see brig check --help)");
}
END_TEST

/* This machine has neither LSM; asking for an AppArmor profile then fails,
 * a SELinux label is ignored. */
START_TEST(test_lsm)
{
	struct spec_process p = {0};
	struct brig_error err = {0};
	ck_assert_int_eq(lsm_set_exec_labels(&p, -1, &err), 0);
	if (lsm_apparmor_enabled() || lsm_selinux_enabled())
		return;
	p.selinux_label = "system_u:system_r:container_t:s0";
	ck_assert_int_eq(lsm_set_exec_labels(&p, -1, &err), 0);
	p.apparmor_profile = "docker-default";
	ck_assert_int_eq(lsm_set_exec_labels(&p, -1, &err), -1);
	ck_assert_str_eq(err.msg, "process.apparmorProfile 'docker-default': AppArmor is not "
				  "enabled on this host");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *c = tcase_create("policy");
	tcase_add_checked_fixture(c, setup, teardown);
	tcase_add_test(c, test_enforce_refuses);
	tcase_add_test(c, test_enforce_accepts_hardened);
	tcase_add_test(c, test_enforce_ignore);
	tcase_add_test(c, test_enforce_bad_policy);
	tcase_add_test(c, test_verb_check);
	tcase_add_test(c, test_lsm);
	suite_add_tcase(s, c);
	return s;
}
