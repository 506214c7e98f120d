// SPDX-License-Identifier: Apache-2.0
/* runtime/signals.c: the names `kill` accepts, as runc takes them. */
#include "runtime/cli/cli.h"

#include <check.h>
#include <signal.h>

Suite *test_suite(void);

static const struct {
	const char *in;
	int want;
} cases[] = {
    {"KILL", SIGKILL},
    {"SIGKILL", SIGKILL},
    {"kill", SIGKILL},
    {"sigterm", SIGTERM},
    {"9", SIGKILL},
    {"15", SIGTERM},
    {"TERM", SIGTERM},
    {"USR1", SIGUSR1},
    {"SIGUSR2", SIGUSR2},
    {"HUP", SIGHUP},
    {"CHLD", SIGCHLD},
    {"CLD", SIGCHLD},
    {"WINCH", SIGWINCH},
    {"1", SIGHUP},
    /* not signals */
    {"", -1},
    {"SIG", -1},
    {"KILLX", -1},
    {"0", 0}, /* runc: kill ID 0 checks that the container is alive */
    {"-9", -1},
    {"9x", -1},
    {"99", -1},
    {"SIGFOO", -1},
    {" 9", -1},
};

START_TEST(test_signal_table)
{
	int got = signal_parse(cases[_i].in);
	ck_assert_msg(got == cases[_i].want, "signal_parse(\"%s\") = %d, want %d", cases[_i].in,
		      got, cases[_i].want);
}
END_TEST

START_TEST(test_realtime)
{
	ck_assert_int_eq(signal_parse("RTMIN"), SIGRTMIN);
	ck_assert_int_eq(signal_parse("SIGRTMIN+3"), SIGRTMIN + 3);
	ck_assert_int_eq(signal_parse("RTMAX-1"), SIGRTMAX - 1);
	ck_assert_int_eq(signal_parse("RTMAX"), SIGRTMAX);
	ck_assert_int_eq(signal_parse("RTMIN+99"), -1);
	ck_assert_int_eq(signal_parse("RTMIN-1"), -1);
	ck_assert_int_eq(signal_parse("34"), 34);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(signal_name(SIGKILL), "KILL");
	ck_assert_str_eq(signal_name(SIGTERM), "TERM");
	ck_assert_ptr_null(signal_name(0));
	/* every name maps back to its number */
	for (int sig = 1; sig < 32; sig++) {
		const char *n = signal_name(sig);
		if (n)
			ck_assert_int_eq(signal_parse(n), sig);
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("signals");
	TCase *tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_signal_table, 0, (int)ARRAY_SIZE(cases));
	tcase_add_test(tc, test_realtime);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
