// SPDX-License-Identifier: Apache-2.0
/* `brig features` against the code: every name it advertises is one the
 * parser takes (and, for seccomp, one the compiler compiles), and the document
 * lists exactly the parser's names. */
#include "seccomp/filter.h"
#include "spec/spec.h"

#include <check.h>
#include <jansson.h>

Suite *test_suite(void);

static const char *list[128];
static size_t n_list;

static void load(enum spec_name_list which)
{
	n_list = spec_names(which, list, ARRAY_SIZE(list));
	ck_assert_uint_gt(n_list, 0);
	ck_assert_uint_lt(n_list, ARRAY_SIZE(list));
}

/* Parses a minimal config with `linux_extra` spliced into .linux. */
static struct spec *parse_with(const char *linux_extra, const char *top_extra)
{
	char *text = xasprintf("{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},%s"
			       "\"linux\":{%s}}",
			       top_extra ? top_extra : "", linux_extra ? linux_extra : "");
	struct brig_error err = {0};
	struct spec *s = spec_parse(text, "config.json", "/b", &err);
	ck_assert_msg(s, "%s: %s", text, err.msg);
	free(text);
	return s;
}

START_TEST(test_mount_options_are_options)
{
	load(SPEC_NAMES_MOUNT_OPTIONS);
	for (size_t i = 0; i < n_list; i++) {
		char *opts[] = {(char *)list[i], NULL};
		struct spec_mount_opts o;
		struct brig_error err = {0};
		ck_assert_msg(spec_mount_opts_parse(opts, &o, &err) == 0, "%s", err.msg);
		/* recognized: never passed on as filesystem data */
		ck_assert_msg(o.data == NULL, "'%s' became data", list[i]);
		spec_mount_opts_free(&o);
	}
}
END_TEST

START_TEST(test_namespaces_parse)
{
	load(SPEC_NAMES_NAMESPACES);
	ck_assert_uint_eq(n_list, 8);
	for (size_t i = 0; i < n_list; i++) {
		bool user = !strcmp(list[i], "user");
		char *l = xasprintf("\"namespaces\":[{\"type\":\"%s\"}]%s", list[i],
				    user ? ",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,"
					   "\"size\":1}],\"gidMappings\":[{\"containerID\":0,"
					   "\"hostID\":1,\"size\":1}]"
					 : "");
		spec_free(parse_with(l, NULL));
		free(l);
	}
}
END_TEST

START_TEST(test_hooks_parse)
{
	load(SPEC_NAMES_HOOKS);
	ck_assert_uint_eq(n_list, SPEC_HOOK_KINDS);
	for (size_t i = 0; i < n_list; i++) {
		char *t = xasprintf("\"hooks\":{\"%s\":[{\"path\":\"/bin/true\"}]},", list[i]);
		struct spec *s = parse_with(NULL, t);
		ck_assert_uint_eq(s->hooks[i].n, 1);
		spec_free(s);
		free(t);
	}
}
END_TEST

START_TEST(test_capabilities_known)
{
	load(SPEC_NAMES_CAPABILITIES);
	for (size_t i = 0; i < n_list; i++)
		ck_assert_int_eq(spec_cap_from_name(list[i]), (int)i);
}
END_TEST

/* Every advertised action and operator parses and compiles. */
START_TEST(test_seccomp_actions_compile)
{
	load(SPEC_NAMES_SECCOMP_ACTIONS);
	for (size_t i = 0; i < n_list; i++) {
		bool notify = !strcmp(list[i], "SCMP_ACT_NOTIFY");
		char *l = xasprintf("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",%s"
				    "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"%s\"}]}",
				    notify ? "\"listenerPath\":\"/run/agent.sock\"," : "", list[i]);
		struct spec *s = parse_with(l, NULL);
		struct brig_error err = {0};
		struct filter *f = filter_compile(&s->linux.seccomp, NULL, &err);
		ck_assert_msg(f, "%s: %s", list[i], err.msg);
		filter_free(f);
		spec_free(s);
		free(l);
	}
}
END_TEST

START_TEST(test_seccomp_ops_compile)
{
	load(SPEC_NAMES_SECCOMP_OPS);
	ck_assert_uint_eq(n_list, 7);
	for (size_t i = 0; i < n_list; i++) {
		char *l = xasprintf(
		    "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
		    "[{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\","
		    "\"args\":[{\"index\":0,\"value\":8,\"valueTwo\":8,\"op\":\"%s\"}]}]}",
		    list[i]);
		struct spec *s = parse_with(l, NULL);
		struct brig_error err = {0};
		struct filter *f = filter_compile(&s->linux.seccomp, NULL, &err);
		ck_assert_msg(f, "%s: %s", list[i], err.msg);
		filter_free(f);
		spec_free(s);
		free(l);
	}
}
END_TEST

START_TEST(test_seccomp_archs_and_flags_parse)
{
	load(SPEC_NAMES_SECCOMP_ARCHS);
	for (size_t i = 0; i < n_list; i++) {
		char *l = xasprintf("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
				    "\"architectures\":[\"%s\"]}",
				    list[i]);
		spec_free(parse_with(l, NULL));
		free(l);
	}
	load(SPEC_NAMES_SECCOMP_FLAGS);
	for (size_t i = 0; i < n_list; i++) {
		char *l = xasprintf("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
				    "\"flags\":[\"%s\"]}",
				    list[i]);
		spec_free(parse_with(l, NULL));
		free(l);
	}
}
END_TEST

START_TEST(test_memory_policy_parse)
{
	load(SPEC_NAMES_MPOL_MODES);
	for (size_t i = 0; i < n_list; i++) {
		char *l = xasprintf("\"memoryPolicy\":{\"mode\":\"%s\"}", list[i]);
		struct spec *s = parse_with(l, NULL);
		ck_assert(s->linux.memory_policy.present);
		spec_free(s);
		free(l);
	}
}
END_TEST

/* The document lists exactly what spec_names gives, and says what brig lacks. */
START_TEST(test_document)
{
	static const char *const flags[] = {"SECCOMP_FILTER_FLAG_LOG", NULL};
	struct spec_features_host h = {.seccomp = true,
				       .seccomp_supported = flags,
				       .cgroup_v2 = true,
				       .systemd = true,
				       .idmap = true,
				       .net_devices = true};
	char *text = spec_features_format(&h);
	json_t *doc = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "ociVersionMax")), SPEC_VERSION);
	load(SPEC_NAMES_MOUNT_OPTIONS);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "mountOptions")), n_list);
	json_t *l = json_object_get(doc, "linux");
	load(SPEC_NAMES_CAPABILITIES);
	ck_assert_uint_eq(json_array_size(json_object_get(l, "capabilities")), n_list);
	json_t *sc = json_object_get(l, "seccomp");
	ck_assert(json_is_true(json_object_get(sc, "enabled")));
	ck_assert_uint_eq(json_array_size(json_object_get(sc, "supportedFlags")), 1);
	ck_assert(json_is_false(json_object_get(json_object_get(l, "cgroup"), "v1")));
	ck_assert(json_is_true(json_object_get(json_object_get(l, "cgroup"), "v2")));
	ck_assert(json_is_true(json_object_get(json_object_get(l, "cgroup"), "systemd")));
	ck_assert(json_is_false(json_object_get(json_object_get(l, "cgroup"), "systemdUser")));
	ck_assert(json_is_false(json_object_get(json_object_get(l, "intelRdt"), "enabled")));
	ck_assert(json_is_true(json_object_get(
	    json_object_get(json_object_get(l, "mountExtensions"), "idmap"), "enabled")));
	json_decref(doc);
	free(text);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("features");
	TCase *tc = tcase_create("features");
	tcase_add_test(tc, test_mount_options_are_options);
	tcase_add_test(tc, test_namespaces_parse);
	tcase_add_test(tc, test_hooks_parse);
	tcase_add_test(tc, test_capabilities_known);
	tcase_add_test(tc, test_seccomp_actions_compile);
	tcase_add_test(tc, test_seccomp_ops_compile);
	tcase_add_test(tc, test_seccomp_archs_and_flags_parse);
	tcase_add_test(tc, test_memory_policy_parse);
	tcase_add_test(tc, test_document);
	suite_add_tcase(s, tc);
	return s;
}
