// SPDX-License-Identifier: Apache-2.0
/* spec: seccomp profiles: the three input forms, Docker's includes/excludes
 * (capabilities, architectures, minKernel), brig's default profile, writing
 * linux.seccomp back as JSON, the seccomp agent's state, architecture names. */
#include "spec/spec.h"

#include <check.h>

Suite *test_suite(void);

#define BIT(cap) (UINT64_C(1) << (cap))
#define CAP_SYS_ADMIN_BIT BIT(21)
#define CAP_SYS_PTRACE_BIT BIT(19)

static char *unquote(const char *q)
{
	char *t = xstrdup(q);
	for (char *p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

static int parse_q(const char *q, const struct spec_profile_target *t, struct spec_seccomp *s,
		   struct brig_error *err)
{
	_cleanup_free_ char *text = unquote(q);
	return spec_seccomp_profile_parse(text, "profile.json", t, s, err);
}

static void parse_ok(const char *q, const struct spec_profile_target *t, struct spec_seccomp *s)
{
	struct brig_error err = {0};
	ck_assert_msg(parse_q(q, t, s, &err) == 0, "%s", err.msg);
}

static bool has_name(const struct spec_seccomp *s, const char *name)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		for (char **n = s->syscalls[i].names; *n; n++)
			if (strcmp(*n, name) == 0)
				return true;
	return false;
}

/* The rule naming `name` without args, or NULL. */
static const struct spec_seccomp_syscall *plain_rule(const struct spec_seccomp *s, const char *name)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		for (char **n = s->syscalls[i].names; *n; n++)
			if (strcmp(*n, name) == 0 && s->syscalls[i].n_args == 0)
				return &s->syscalls[i];
	return NULL;
}

/* ---- the input forms ---- */

START_TEST(test_kinds)
{
	ck_assert_int_eq(spec_seccomp_profile_kind("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"),
			 SPEC_PROFILE_OCI);
	ck_assert_int_eq(spec_seccomp_profile_kind("{\"ociVersion\":\"1.0.0\"}"),
			 SPEC_PROFILE_CONFIG);
	ck_assert_int_eq(
	    spec_seccomp_profile_kind("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"archMap\""
				      ":[]}"),
	    SPEC_PROFILE_DOCKER);
	ck_assert_int_eq(spec_seccomp_profile_kind("{\"syscalls\":[{\"names\":[\"a\"],\"includes\":"
						   "{}}]}"),
			 SPEC_PROFILE_DOCKER);
	ck_assert_int_eq(spec_seccomp_profile_kind("[1]"), SPEC_PROFILE_INVALID);
	ck_assert_int_eq(spec_seccomp_profile_kind("{"), SPEC_PROFILE_INVALID);
	_cleanup_free_ char *docker = spec_docker_default_profile();
	ck_assert_int_eq(spec_seccomp_profile_kind(docker), SPEC_PROFILE_DOCKER);
}
END_TEST

START_TEST(test_oci_object)
{
	struct spec_seccomp s;
	parse_ok("{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'syscalls':"
		 "[{'names':['read'],'action':'SCMP_ACT_ALLOW'}]}",
		 NULL, &s);
	ck_assert(s.present);
	ck_assert_int_eq(s.default_action, SPEC_SCMP_ERRNO);
	ck_assert_uint_eq(s.n_syscalls, 1);
	spec_seccomp_clear(&s);
	struct brig_error err = {0};
	ck_assert_int_eq(parse_q("{'defaultAction':'SCMP_ACT_X'}", NULL, &s, &err), -1);
	ck_assert_str_eq(err.msg,
			 "profile.json: .defaultAction: unknown seccomp action \"SCMP_ACT_X\"");
}
END_TEST

START_TEST(test_config_json)
{
	struct spec_seccomp s;
	parse_ok("{'ociVersion':'1.3.0','root':{'path':'r'},'linux':{'seccomp':"
		 "{'defaultAction':'SCMP_ACT_KILL'}}}",
		 NULL, &s);
	ck_assert_int_eq(s.default_action, SPEC_SCMP_KILL);
	spec_seccomp_clear(&s);
	struct brig_error err = {0};
	ck_assert_int_eq(parse_q("{'ociVersion':'1.3.0','root':{'path':'r'}}", NULL, &s, &err), -1);
	ck_assert_str_eq(err.msg,
			 "profile.json: .linux.seccomp: the config has no seccomp profile");
	ck_assert_int_eq(parse_q("{'ociVersion':'1.3.0','root':{'path':'r'},'linux':{'seccomp':"
				 "{'defaultAction':'SCMP_ACT_NOPE'}}}",
				 NULL, &s, &err),
			 -1);
	ck_assert_str_eq(err.msg, "profile.json: .linux.seccomp.defaultAction: unknown seccomp "
				  "action \"SCMP_ACT_NOPE\"");
}
END_TEST

/* ---- Docker's format ---- */

#define DOCKER(calls)                                                                              \
	"{'defaultAction':'SCMP_ACT_ERRNO','archMap':[{'architecture':'SCMP_ARCH_X86_64',"         \
	"'subArchitectures':['SCMP_ARCH_X86','SCMP_ARCH_X32']},{'architecture':"                   \
	"'SCMP_ARCH_AARCH64','subArchitectures':['SCMP_ARCH_ARM']}],'syscalls':[" calls "]}"

START_TEST(test_docker_archmap)
{
	struct spec_seccomp s;
	struct spec_profile_target t = {.arch = "amd64"};
	parse_ok(DOCKER(""), &t, &s);
	ck_assert_uint_eq(strv_length(s.architectures), 3);
	ck_assert_str_eq(s.architectures[0], "SCMP_ARCH_X86_64");
	ck_assert_str_eq(s.architectures[2], "SCMP_ARCH_X32");
	spec_seccomp_clear(&s);
	t.arch = "aarch64";
	parse_ok(DOCKER(""), &t, &s);
	ck_assert_uint_eq(strv_length(s.architectures), 2);
	ck_assert_str_eq(s.architectures[1], "SCMP_ARCH_ARM");
	spec_seccomp_clear(&s);
	t.arch = "ppc64le"; /* not in the map: libseccomp's native only */
	parse_ok(DOCKER(""), &t, &s);
	ck_assert_uint_eq(strv_length(s.architectures), 0);
	spec_seccomp_clear(&s);
}
END_TEST

#define CALLS                                                                                      \
	"{'names':['always'],'action':'SCMP_ACT_ALLOW'},"                                          \
	"{'names':['admin'],'action':'SCMP_ACT_ALLOW','includes':{'caps':['CAP_SYS_ADMIN']}},"     \
	"{'names':['both'],'action':'SCMP_ACT_ALLOW','includes':{'caps':['CAP_SYS_ADMIN',"         \
	"'CAP_SYS_PTRACE']}},"                                                                     \
	"{'names':['notadmin'],'action':'SCMP_ACT_ALLOW','excludes':{'caps':['CAP_SYS_ADMIN',"     \
	"'CAP_BPF']}},"                                                                            \
	"{'names':['x86only'],'action':'SCMP_ACT_ALLOW','includes':{'arches':['amd64','x32']}},"   \
	"{'names':['notarm'],'action':'SCMP_ACT_ALLOW','excludes':{'arches':['arm64']}},"          \
	"{'names':['new'],'action':'SCMP_ACT_ALLOW','includes':{'minKernel':'5.10'}},"             \
	"{'names':['old'],'action':'SCMP_ACT_ALLOW','excludes':{'minKernel':'4.8'}},"              \
	"{'name':'single','action':'SCMP_ACT_ALLOW','comment':'the legacy name'}"

START_TEST(test_docker_caps)
{
	struct spec_seccomp s;
	struct spec_profile_target t = {.caps = 0, .arch = "amd64"};
	parse_ok(DOCKER(CALLS), &t, &s);
	ck_assert(has_name(&s, "always"));
	ck_assert(!has_name(&s, "admin"));
	ck_assert(!has_name(&s, "both"));
	ck_assert(has_name(&s, "notadmin"));
	ck_assert(has_name(&s, "single"));
	spec_seccomp_clear(&s);
	t.caps = CAP_SYS_ADMIN_BIT;
	parse_ok(DOCKER(CALLS), &t, &s);
	ck_assert(has_name(&s, "admin"));
	ck_assert(!has_name(&s, "both")); /* includes: every cap */
	ck_assert(!has_name(&s, "notadmin"));
	spec_seccomp_clear(&s);
	t.caps = CAP_SYS_ADMIN_BIT | CAP_SYS_PTRACE_BIT;
	parse_ok(DOCKER(CALLS), &t, &s);
	ck_assert(has_name(&s, "both"));
	spec_seccomp_clear(&s);
	t.caps = BIT(39); /* CAP_BPF: excludes drops on any cap */
	parse_ok(DOCKER(CALLS), &t, &s);
	ck_assert(!has_name(&s, "notadmin"));
	spec_seccomp_clear(&s);
}
END_TEST

START_TEST(test_docker_arches)
{
	struct spec_seccomp s;
	struct spec_profile_target t = {.arch = "amd64"};
	parse_ok(DOCKER(CALLS), &t, &s);
	ck_assert(has_name(&s, "x86only"));
	ck_assert(has_name(&s, "notarm"));
	spec_seccomp_clear(&s);
	t.arch = "arm64";
	parse_ok(DOCKER(CALLS), &t, &s);
	ck_assert(!has_name(&s, "x86only"));
	ck_assert(!has_name(&s, "notarm"));
	spec_seccomp_clear(&s);
}
END_TEST

START_TEST(test_docker_min_kernel)
{
	struct spec_seccomp s;
	struct spec_profile_target t = {.arch = "amd64", .kernel_major = 4, .kernel_minor = 4};
	parse_ok(DOCKER(CALLS), &t, &s);
	ck_assert(!has_name(&s, "new"));
	ck_assert(has_name(&s, "old"));
	spec_seccomp_clear(&s);
	t.kernel_major = 5;
	t.kernel_minor = 10;
	parse_ok(DOCKER(CALLS), &t, &s);
	ck_assert(has_name(&s, "new"));
	ck_assert(!has_name(&s, "old"));
	spec_seccomp_clear(&s);
	t.kernel_major = t.kernel_minor = 0; /* unknown: the newest */
	parse_ok(DOCKER(CALLS), &t, &s);
	ck_assert(has_name(&s, "new"));
	ck_assert(!has_name(&s, "old"));
	spec_seccomp_clear(&s);
}
END_TEST

static const struct {
	const char *profile;
	const char *error;
} docker_errors[] = {
    {DOCKER("{'name':'a','names':['b'],'action':'SCMP_ACT_ALLOW'}"),
     "profile.json: .syscalls[0].name: cannot be used together with names"},
    {DOCKER("{'names':['a'],'action':'SCMP_ACT_ALLOW'},{'names':['b'],'action':'SCMP_ACT_X',"
	    "'comment':''}"),
     "profile.json: .syscalls[1].action: unknown seccomp action \"SCMP_ACT_X\""},
    {DOCKER("{'names':['a'],'action':'SCMP_ACT_ALLOW','includes':{'minKernel':'four'}}"),
     "profile.json: .syscalls[0].includes.minKernel: invalid kernel version \"four\" (want "
     "MAJOR.MINOR)"},
    {DOCKER("{'names':['a'],'action':'SCMP_ACT_ALLOW','excludes':{'caps':'CAP_X'}}"),
     "profile.json: .syscalls[0].excludes.caps: expected an array"},
    {DOCKER("{'names':['a'],'action':'SCMP_ACT_ALLOW','includes':{'arches':[1]}}"),
     "profile.json: .syscalls[0].includes.arches[0]: expected a string"},
    {DOCKER("{'names':['a'],'action':'SCMP_ACT_ALLOW','includes':[]}"),
     "profile.json: .syscalls[0].includes: expected an object"},
    {"{'defaultAction':'SCMP_ACT_ERRNO','archMap':[{'architecture':'SCMP_ARCH_Z80'}]}",
     "profile.json: .archMap[0].architecture: unknown seccomp architecture \"SCMP_ARCH_Z80\""},
    {"{'defaultAction':'SCMP_ACT_ERRNO','archMap':[{'architecture':'SCMP_ARCH_X86_64',"
     "'subArchitectures':['SCMP_ARCH_X86','amd64']}]}",
     "profile.json: .archMap[0].subArchitectures[1]: unknown seccomp architecture \"amd64\""},
    {"{'defaultAction':'SCMP_ACT_ERRNO','archMap':[{}]}",
     "profile.json: .archMap[0].architecture: missing required field"},
    {"{'defaultAction':'SCMP_ACT_ERRNO','archMap':[],'architectures':['SCMP_ARCH_X86']}",
     "profile.json: .architectures: cannot be used together with archMap"},
    {"{'archMap':[]}", "profile.json: .defaultAction: missing required field"},
    {DOCKER("{'names':['mkdir'],'action':'SCMP_ACT_NOTIFY'}"),
     "profile.json: .listenerPath: required when SCMP_ACT_NOTIFY is used"},
};

START_TEST(test_docker_errors)
{
	for (size_t i = 0; i < ARRAY_SIZE(docker_errors); i++) {
		struct spec_seccomp s;
		struct brig_error err = {0};
		ck_assert_msg(parse_q(docker_errors[i].profile, NULL, &s, &err) == -1, "#%zu", i);
		ck_assert_str_eq(err.msg, docker_errors[i].error);
	}
	struct spec_seccomp s;
	struct spec_profile_target t = {.arch = "vax"};
	struct brig_error err = {0};
	ck_assert_int_eq(parse_q(DOCKER(""), &t, &s, &err), -1);
	ck_assert_str_eq(err.msg, "unknown architecture 'vax'");
}
END_TEST

/* ---- brig's default profile ---- */

START_TEST(test_default_profile)
{
	struct spec_seccomp s;
	struct brig_error err = {0};
	struct spec_profile_target t = {.caps = SPEC_DOCKER_DEFAULT_CAPS, .arch = "amd64"};
	ck_assert_int_eq(spec_seccomp_default(&t, &s, &err), 0);
	ck_assert_int_eq(s.default_action, SPEC_SCMP_ERRNO);
	ck_assert(s.default_errno_ret.set);
	ck_assert_uint_eq(s.default_errno_ret.value, 1); /* EPERM */
	ck_assert_uint_ge(strv_length(s.syscalls[0].names), 350);
	ck_assert_uint_eq(strv_length(s.architectures), 3);
	static const char *const allowed[] = {"read",	"write",     "execve",
					      "getcwd", "fchmodat2", "arch_prctl",
					      "ptrace", "chroot",    NULL};
	for (const char *const *n = allowed; *n; n++)
		ck_assert_msg(plain_rule(&s, *n) && plain_rule(&s, *n)->action == SPEC_SCMP_ALLOW,
			      "%s", *n);
	static const char *const blocked[] = {"mount",
					      "umount2",
					      "kexec_load",
					      "kexec_file_load",
					      "bpf",
					      "add_key",
					      "keyctl",
					      "request_key",
					      "unshare",
					      "reboot",
					      "swapon",
					      "swapoff",
					      "init_module",
					      "finit_module",
					      "delete_module",
					      "open_by_handle_at",
					      "perf_event_open",
					      "userfaultfd",
					      "setns",
					      "pivot_root",
					      NULL};
	for (const char *const *n = blocked; *n; n++)
		ck_assert_msg(!has_name(&s, *n), "%s", *n);
	/* clone without namespace flags; clone3 ENOSYS so libc falls back */
	const struct spec_seccomp_syscall *clone3 = plain_rule(&s, "clone3");
	ck_assert_ptr_nonnull(clone3);
	ck_assert_int_eq(clone3->action, SPEC_SCMP_ERRNO);
	ck_assert_uint_eq(clone3->errno_ret.value, 38);
	ck_assert(!plain_rule(&s, "clone") && has_name(&s, "clone"));
	ck_assert(!plain_rule(&s, "socket") && has_name(&s, "socket"));
	ck_assert(!plain_rule(&s, "personality") && has_name(&s, "personality"));
	spec_seccomp_clear(&s);
	t.caps |= CAP_SYS_ADMIN_BIT;
	ck_assert_int_eq(spec_seccomp_default(&t, &s, &err), 0);
	ck_assert(plain_rule(&s, "mount") && plain_rule(&s, "unshare") && plain_rule(&s, "clone"));
	ck_assert_int_eq(plain_rule(&s, "clone3")->action, SPEC_SCMP_ALLOW); /* the admin entry */
	ck_assert(plain_rule(&s, "bpf"));
	spec_seccomp_clear(&s);
	t.arch = "nope";
	ck_assert_int_eq(spec_seccomp_default(&t, &s, &err), -1);
	ck_assert_str_eq(err.msg, "unknown architecture 'nope'");
}
END_TEST

/* ptrace is allowed from 4.8 on (its seccomp bypass is fixed there). */
START_TEST(test_default_profile_old_kernel)
{
	struct spec_seccomp s;
	struct brig_error err = {0};
	struct spec_profile_target t = {.arch = "amd64", .kernel_major = 4, .kernel_minor = 4};
	ck_assert_int_eq(spec_seccomp_default(&t, &s, &err), 0);
	ck_assert(!has_name(&s, "ptrace"));
	spec_seccomp_clear(&s);
}
END_TEST

START_TEST(test_default_profile_every_arch)
{
	static const char *const arches[] = {"amd64",	 "386",	    "arm64",  "arm",  "mips64",
					     "mips64le", "ppc64le", "s390x",  "s390", "riscv64",
					     "loong64",	 "x32",	    "mipsle", NULL};
	for (const char *const *a = arches; *a; a++) {
		struct spec_seccomp s;
		struct brig_error err = {0};
		struct spec_profile_target t = {.arch = *a};
		ck_assert_msg(spec_seccomp_default(&t, &s, &err) == 0, "%s: %s", *a, err.msg);
		spec_seccomp_clear(&s);
	}
}
END_TEST

/* ---- back to JSON ---- */

START_TEST(test_format_round_trip)
{
	struct spec_seccomp s, again;
	parse_ok(
	    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'architectures':"
	    "['SCMP_ARCH_X86'],'flags':['SECCOMP_FILTER_FLAG_LOG'],'listenerPath':'/l',"
	    "'listenerMetadata':'m','syscalls':[{'names':['a','b'],'action':'SCMP_ACT_NOTIFY'},"
	    "{'names':['c'],'action':'SCMP_ACT_TRACE','errnoRet':3,'args':[{'index':1,"
	    "'value':18446744073709551615,'valueTwo':9223372036854775808,'op':"
	    "'SCMP_CMP_MASKED_EQ'},{'index':0,'value':2,'op':'SCMP_CMP_GE'}]}]}",
	    NULL, &s);
	_cleanup_free_ char *text = spec_seccomp_format(&s, false);
	struct brig_error err = {0};
	ck_assert_msg(spec_seccomp_profile_parse(text, "again", NULL, &again, &err) == 0, "%s\n%s",
		      err.msg, text);
	_cleanup_free_ char *text2 = spec_seccomp_format(&again, false);
	ck_assert_str_eq(text, text2);
	ck_assert_uint_eq(again.syscalls[1].args[0].value, UINT64_MAX);
	ck_assert_uint_eq(again.syscalls[1].args[0].value_two, UINT64_C(1) << 63);
	ck_assert_int_eq(again.syscalls[1].args[1].op, SPEC_SCMP_CMP_GE);
	ck_assert_str_eq(again.listener_metadata, "m");
	ck_assert_ptr_nonnull(strstr(text, "\"value\":18446744073709551615"));
	spec_seccomp_clear(&s);
	spec_seccomp_clear(&again);
	ck_assert_str_eq(spec_seccomp_action_name(SPEC_SCMP_KILL_PROCESS), "SCMP_ACT_KILL_PROCESS");
	ck_assert_str_eq(spec_seccomp_op_name(SPEC_SCMP_CMP_MASKED_EQ), "SCMP_CMP_MASKED_EQ");
	ck_assert_ptr_null(spec_seccomp_action_name(99));
}
END_TEST

/* Found by tests/fuzz (fuzz_seccomp): strings of the profile that looked like the marker
 * the writer used for integers above INT64_MAX were rewritten too, into invalid JSON (a
 * syscall name) or a number (the metadata). */
START_TEST(test_format_strings_like_big_ints)
{
	struct spec_seccomp s, again;
	parse_ok("{'defaultAction':'SCMP_ACT_ERRNO','listenerPath':'/l','listenerMetadata':"
		 "'\\u0001big:5','syscalls':[{'names':['\\u0001big:range2','-7'],'action':"
		 "'SCMP_ACT_NOTIFY','args':[{'index':0,'value':18446744073709551615,'op':"
		 "'SCMP_CMP_EQ'}]}]}",
		 NULL, &s);
	_cleanup_free_ char *text = spec_seccomp_format(&s, true);
	struct brig_error err = {0};
	ck_assert_msg(spec_seccomp_profile_parse(text, "again", NULL, &again, &err) == 0, "%s\n%s",
		      err.msg, text);
	ck_assert_str_eq(again.listener_metadata, "\001big:5");
	ck_assert_str_eq(again.syscalls[0].names[0], "\001big:range2");
	ck_assert_str_eq(again.syscalls[0].names[1], "-7");
	ck_assert_uint_eq(again.syscalls[0].args[0].value, UINT64_MAX);
	spec_seccomp_clear(&s);
	spec_seccomp_clear(&again);
}
END_TEST

START_TEST(test_state_format)
{
	_cleanup_free_ char *a = spec_seccomp_state_format(
	    "{\"ociVersion\":\"1.3.0\",\"id\":\"x\",\"status\":\"creating\",\"pid\":12}", "md");
	ck_assert_str_eq(a,
			 "{\"ociVersion\":\"" SPEC_VERSION "\",\"fds\":[\"seccompFd\"],\"pid\":12,"
			 "\"metadata\":\"md\",\"state\":{\"ociVersion\":\"1.3.0\",\"id\":\"x\","
			 "\"status\":\"creating\",\"pid\":12}}");
	_cleanup_free_ char *b = spec_seccomp_state_format("{\"id\":\"x\",\"pid\":3}", NULL);
	ck_assert_ptr_null(strstr(b, "metadata"));
	ck_assert_ptr_null(spec_seccomp_state_format("{\"id\":\"x\"}", NULL));
	ck_assert_ptr_null(spec_seccomp_state_format("nope", NULL));
	/* the state as `state` formats it */
	struct spec_state st = {
	    .id = "c", .status = SPEC_STATUS_CREATING, .pid = 77, .bundle = "/b", .owner = ""};
	_cleanup_free_ char *pub = spec_state_format_public(&st, false);
	_cleanup_free_ char *c = spec_seccomp_state_format(pub, NULL);
	ck_assert_ptr_nonnull(strstr(c, "\"pid\":77,\"state\":{"));
}
END_TEST

START_TEST(test_arch_lookup)
{
	const char *go, *scmp;
	static const char *const same[] = {"amd64", "x86_64", "SCMP_ARCH_X86_64", "X86_64", NULL};
	for (const char *const *n = same; *n; n++) {
		ck_assert_int_eq(spec_arch_lookup(*n, &go, &scmp), 0);
		ck_assert_str_eq(go, "amd64");
		ck_assert_str_eq(scmp, "SCMP_ARCH_X86_64");
	}
	ck_assert_int_eq(spec_arch_lookup("aarch64", &go, &scmp), 0);
	ck_assert_str_eq(go, "arm64");
	ck_assert_int_eq(spec_arch_lookup("i386", &go, NULL), 0);
	ck_assert_str_eq(go, "386");
	ck_assert_int_eq(spec_arch_lookup("SCMP_ARCH_MIPSEL64N32", &go, NULL), 0);
	ck_assert_str_eq(go, "mips64len32");
	ck_assert_int_eq(spec_arch_lookup(NULL, &go, &scmp), 0); /* brig's own */
	ck_assert_int_eq(spec_arch_lookup("z80", &go, &scmp), -1);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("seccomp_profile");
	TCase *c = tcase_create("forms");
	tcase_add_test(c, test_kinds);
	tcase_add_test(c, test_oci_object);
	tcase_add_test(c, test_config_json);
	suite_add_tcase(s, c);
	c = tcase_create("docker");
	tcase_add_test(c, test_docker_archmap);
	tcase_add_test(c, test_docker_caps);
	tcase_add_test(c, test_docker_arches);
	tcase_add_test(c, test_docker_min_kernel);
	tcase_add_test(c, test_docker_errors);
	suite_add_tcase(s, c);
	c = tcase_create("default");
	tcase_set_timeout(c, 30);
	tcase_add_test(c, test_default_profile);
	tcase_add_test(c, test_default_profile_old_kernel);
	tcase_add_test(c, test_default_profile_every_arch);
	suite_add_tcase(s, c);
	c = tcase_create("format");
	tcase_add_test(c, test_format_round_trip);
	tcase_add_test(c, test_format_strings_like_big_ints);
	tcase_add_test(c, test_state_format);
	tcase_add_test(c, test_arch_lookup);
	suite_add_tcase(s, c);
	return s;
}
