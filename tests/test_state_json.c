// SPDX-License-Identifier: Apache-2.0
/* spec state JSON: the record file, the public state and `list` output. */
#include "spec/spec.h"

#include <check.h>
#include <jansson.h>

Suite *test_suite(void);

static struct spec_kv annotations[] = {
    {"org.example.z", "last"},
    {"org.example.a", "first"},
};

static struct spec_state sample(void)
{
	return (struct spec_state){
	    .oci_version = "1.3.0",
	    .id = "web-1",
	    .status = SPEC_STATUS_RUNNING,
	    .pid = 4422,
	    .bundle = "/containers/web",
	    .rootfs = "/containers/web/rootfs",
	    .created = "2026-12-01T08:00:00.123456789Z",
	    .owner = "",
	    .annotations = annotations,
	    .n_annotations = ARRAY_SIZE(annotations),
	    .init_start_time = UINT64_C(123456789012),
	    .started = true,
	    .cgroup_path = "/sys/fs/cgroup/brig/web-1",
	    .has_userns = true,
	    .has_pidns = false,
	};
}

static json_t *load(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	ck_assert_msg(j != NULL, "%s: %s", text, je.text);
	return j;
}

/* The object's keys, in order, joined with ',' */
static void assert_keys(json_t *obj, const char *want)
{
	char got[512] = "";
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (got[0])
			strcat(got, ",");
		strcat(got, key);
	}
	ck_assert_str_eq(got, want);
}

START_TEST(test_record_round_trip)
{
	struct spec_state in = sample(), out;
	struct brig_error err = {0};
	char *text = spec_state_format_record(&in);
	ck_assert_msg(spec_state_parse_record(text, &out, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(out.oci_version, in.oci_version);
	ck_assert_str_eq(out.id, in.id);
	ck_assert_int_eq(out.status, SPEC_STATUS_RUNNING);
	ck_assert_int_eq(out.pid, 4422);
	ck_assert_str_eq(out.bundle, in.bundle);
	ck_assert_str_eq(out.rootfs, in.rootfs);
	ck_assert_str_eq(out.created, in.created);
	ck_assert_str_eq(out.owner, "");
	ck_assert_uint_eq(out.n_annotations, 2);
	ck_assert_str_eq(out.annotations[0].key, "org.example.z");
	ck_assert_str_eq(out.annotations[1].value, "first");
	ck_assert_uint_eq(out.init_start_time, UINT64_C(123456789012));
	ck_assert(out.started);
	ck_assert_str_eq(out.cgroup_path, in.cgroup_path);
	ck_assert(out.has_userns);
	ck_assert(!out.has_pidns);
	spec_state_clear(&out);
	ck_assert_ptr_null(out.id);
	free(text);
}
END_TEST

START_TEST(test_record_minimal_round_trip)
{
	struct spec_state in = sample(), out;
	struct brig_error err = {0};
	in.status = SPEC_STATUS_STOPPED;
	in.pid = 0;
	in.owner = "alice";
	in.annotations = NULL;
	in.n_annotations = 0;
	in.cgroup_path = NULL;
	in.started = false;
	in.has_pidns = true;
	char *text = spec_state_format_record(&in);
	json_t *j = load(text);
	assert_keys(j, "ociVersion,id,status,pid,bundle,rootfs,created,owner,brig");
	assert_keys(json_object_get(j, "brig"), "initStartTime,started,hasUserns,hasPidns");
	json_decref(j);
	ck_assert_int_eq(spec_state_parse_record(text, &out, &err), 0);
	ck_assert_int_eq(out.status, SPEC_STATUS_STOPPED);
	ck_assert_int_eq(out.pid, 0);
	ck_assert_str_eq(out.owner, "alice");
	ck_assert_uint_eq(out.n_annotations, 0);
	ck_assert_ptr_null(out.cgroup_path);
	ck_assert(!out.started);
	ck_assert(out.has_pidns);
	spec_state_clear(&out);
	free(text);
}
END_TEST

START_TEST(test_public_format)
{
	struct spec_state s = sample();
	char *text = spec_state_format_public(&s, false);
	ck_assert_ptr_null(strchr(text, '\n'));
	json_t *j = load(text);
	assert_keys(j, "ociVersion,id,status,pid,bundle,rootfs,created,owner,annotations");
	ck_assert_str_eq(json_string_value(json_object_get(j, "status")), "running");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "pid")), 4422);
	ck_assert_str_eq(json_string_value(json_object_get(j, "owner")), "");
	assert_keys(json_object_get(j, "annotations"), "org.example.z,org.example.a");
	ck_assert_ptr_null(json_object_get(j, "brig")); /* private fields stay private */
	json_decref(j);
	free(text);

	s.n_annotations = 0;
	text = spec_state_format_public(&s, true);
	ck_assert_ptr_nonnull(strchr(text, '\n'));
	j = load(text);
	assert_keys(j, "ociVersion,id,status,pid,bundle,rootfs,created,owner");
	json_decref(j);
	free(text);
}
END_TEST

START_TEST(test_public_format_invalid_utf8)
{
	struct spec_state s = sample();
	s.bundle = "/containers/\xff\xfe-x";
	char *text = spec_state_format_public(&s, false);
	json_t *j = load(text);
	/* invalid bytes become U+FFFD instead of losing the field */
	ck_assert_str_eq(json_string_value(json_object_get(j, "bundle")),
			 "/containers/\xef\xbf\xbd\xef\xbf\xbd-x");
	json_decref(j);
	free(text);
}
END_TEST

START_TEST(test_list_format)
{
	char *text = spec_state_format_list(NULL, 0);
	ck_assert_str_eq(text, "[]");
	free(text);

	struct spec_state states[2] = {sample(), sample()};
	states[1].id = "db";
	states[1].status = SPEC_STATUS_CREATED;
	states[1].n_annotations = 0;
	text = spec_state_format_list(states, 2);
	json_t *j = load(text);
	ck_assert(json_is_array(j));
	ck_assert_uint_eq(json_array_size(j), 2);
	assert_keys(json_array_get(j, 0),
		    "ociVersion,id,pid,status,bundle,rootfs,created,owner,annotations");
	assert_keys(json_array_get(j, 1), "ociVersion,id,pid,status,bundle,rootfs,created,owner");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 1), "id")), "db");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 1), "status")),
			 "created");
	json_decref(j);
	free(text);
}
END_TEST

static const char good_record[] =
    "{'ociVersion':'1.3.0','id':'a','status':'created','pid':7,'bundle':'/b','rootfs':'/b/r',"
    "'created':'2026-01-01T00:00:00Z','owner':'','brig':{'initStartTime':5,'started':false,"
    "'hasUserns':false,'hasPidns':true}}";

static const struct {
	const char *from, *to; /* good_record with `from` replaced by `to` */
	const char *msg;
} bad_records[] = {
    {"'pid':7", "'pid':'7'", "state.json: .pid: expected an integer"},
    {"'pid':7", "'pid':-7", "state.json: .pid: value out of range"},
    {"'status':'created'", "'status':'zombie'", "state.json: .status: unknown status \"zombie\""},
    {"'id':'a',", "", "state.json: .id: missing required field"},
    {",'brig':{'initStartTime':5,'started':false,'hasUserns':false,'hasPidns':true}", "",
     "state.json: .brig: missing required field"},
    {"'started':false", "'started':0", "state.json: .brig.started: expected a boolean"},
    {"'initStartTime':5", "'initStartTime':-5",
     "state.json: .brig.initStartTime: expected a non-negative integer"},
    /* found by tests/fuzz (fuzz_state): brig wrote it back as a negative number (jansson's
     * integers are int64), in a record it could then not read */
    {"'initStartTime':5", "'initStartTime':9223372036854775808",
     "state.json: .brig.initStartTime: value out of range"},
    {"'owner':''", "'owner':0", "state.json: .owner: expected a string"},
    {"'id':'a',", "'id':'a'",
     "state.json: invalid JSON at line 1, column 38: '}' expected "
     "near '\"status\"'"},
};

static char *replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	ck_assert_ptr_nonnull(at);
	char *out = xasprintf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	for (char *p = out; *p; p++)
		if (*p == '\'')
			*p = '"';
	return out;
}

START_TEST(test_bad_record)
{
	_cleanup_free_ char *text = replace(good_record, bad_records[_i].from, bad_records[_i].to);
	struct spec_state out;
	struct brig_error err = {0};
	ck_assert_int_eq(spec_state_parse_record(text, &out, &err), -1);
	ck_assert_str_eq(err.msg, bad_records[_i].msg);
	ck_assert_ptr_null(out.oci_version); /* cleared: nothing left to free */
	ck_assert_ptr_null(out.id);
}
END_TEST

START_TEST(test_record_largest_start_time)
{
	struct spec_state in = sample(), out;
	struct brig_error err = {0};
	in.init_start_time = INT64_MAX;
	_cleanup_free_ char *text = spec_state_format_record(&in);
	ck_assert_msg(spec_state_parse_record(text, &out, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(out.init_start_time, INT64_MAX);
	spec_state_clear(&out);
}
END_TEST

START_TEST(test_good_record)
{
	_cleanup_free_ char *text = replace(good_record, "'pid':7", "'pid':7");
	struct spec_state out;
	struct brig_error err = {0};
	ck_assert_msg(spec_state_parse_record(text, &out, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(out.status, SPEC_STATUS_CREATED);
	ck_assert_int_eq(out.pid, 7);
	ck_assert_uint_eq(out.init_start_time, 5);
	ck_assert(out.has_pidns);
	spec_state_clear(&out);
	spec_state_clear(NULL);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("state_json");
	TCase *tc = tcase_create("format");
	tcase_add_test(tc, test_record_round_trip);
	tcase_add_test(tc, test_record_minimal_round_trip);
	tcase_add_test(tc, test_public_format);
	tcase_add_test(tc, test_public_format_invalid_utf8);
	tcase_add_test(tc, test_list_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, test_good_record);
	tcase_add_test(tc, test_record_largest_start_time);
	tcase_add_loop_test(tc, test_bad_record, 0, (int)ARRAY_SIZE(bad_records));
	suite_add_tcase(s, tc);
	return s;
}
