// SPDX-License-Identifier: Apache-2.0
/* runtime/cli/options.c: the one option parser, on a test verb and on brig's
 * own tables. runc's callers put options after the id; nothing may be
 * dropped: an argument is an option of the table, a positional one the verb
 * takes, or an error naming it. */
#include "runtime/cli/cli.h"

#include <check.h>

Suite *test_suite(void);

struct t_opts {
	bool all;
	bool force;
	const char *bundle;
	int count;
	char **env;
	int format;
};

static const char *const formats[] = {"table", "json", NULL};

static const struct cli_opt t_opts[] = {
    {"all", 'a', CLI_FLAG, offsetof(struct t_opts, all), NULL, "all", CLI_RUNC},
    {"force", 'f', CLI_FLAG, offsetof(struct t_opts, force), NULL, "force", CLI_RUNC},
    {"bundle", 'b', CLI_STRING, offsetof(struct t_opts, bundle), "DIR", "bundle", CLI_RUNC},
    {"preserve-fds", 0, CLI_COUNT, offsetof(struct t_opts, count), "N", "count", CLI_RUNC},
    {"env", 'e', CLI_LIST, offsetof(struct t_opts, env), "K=V", "env", CLI_RUNC},
    {"format", 0, CLI_CHOICE, offsetof(struct t_opts, format), "table|json", "format", CLI_RUNC,
     formats, "fmt"},
};

static const struct cli_verb t_verb = {
    .name = "tverb",
    .summary = "a test verb",
    .args = "ID [SIGNAL]",
    .opts = CLI_OPTS(t_opts),
    .opts_size = sizeof(struct t_opts),
    .min_args = 1,
    .max_args = 2,
};

static struct t_opts o;
static char **args;
static size_t n;
static struct brig_error err;

/* Parses a NULL-terminated argument list of v (argv[0] is the verb). */
static int parse_v(const struct cli_verb *v, void *opts, const char *const *in)
{
	static char *argv[32];
	int argc = 0;
	for (; in[argc]; argc++)
		argv[argc] = (char *)in[argc];
	argv[argc] = NULL;
	free(args);
	args = NULL;
	n = 0;
	err_clear(&err);
	return cli_parse(v, argc, argv, opts, &args, &n, &err);
}

static int parse(const char *const *in)
{
	cli_opts_clear(&t_verb, &o);
	memset(&o, 0, sizeof(o));
	return parse_v(&t_verb, &o, in);
}

#define P(...) parse((const char *const[]){"tverb", __VA_ARGS__, NULL})

START_TEST(test_options_after_the_id)
{
	ck_assert_int_eq(P("ID1", "--force", "KILL", "-a"), 0);
	ck_assert(o.force && o.all);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(args[0], "ID1");
	ck_assert_str_eq(args[1], "KILL");
	ck_assert_int_eq(P("--bundle", "/b", "ID1"), 0);
	ck_assert_str_eq(o.bundle, "/b");
	ck_assert_int_eq(P("ID1", "--bundle=/c"), 0);
	ck_assert_str_eq(o.bundle, "/c");
}
END_TEST

START_TEST(test_short_forms)
{
	ck_assert_int_eq(P("-af", "ID1"), 0);
	ck_assert(o.force && o.all);
	ck_assert_int_eq(P("-b/x", "ID1"), 0);
	ck_assert_str_eq(o.bundle, "/x");
	ck_assert_int_eq(P("-ab", "/y", "ID1"), 0);
	ck_assert(o.all);
	ck_assert_str_eq(o.bundle, "/y");
}
END_TEST

/* Go's flag syntax, as runc takes it: containerd's go-runc sends
 * `restore ... -no-subreaper` */
START_TEST(test_single_dash_long)
{
	ck_assert_int_eq(P("-force", "ID1", "-bundle", "/b"), 0);
	ck_assert(o.force && !o.all);
	ck_assert_str_eq(o.bundle, "/b");
	ck_assert_int_eq(P("-bundle=/c", "ID1", "-preserve-fds=2"), 0);
	ck_assert_str_eq(o.bundle, "/c");
	ck_assert_int_eq(o.count, 2);
	ck_assert_int_eq(P("-fa", "ID1"), 0); /* no such long option: short flags */
	ck_assert(o.force && o.all);
	ck_assert_int_eq(P("-forced", "ID1"), -1);
	ck_assert_str_eq(err.msg, "unknown option '-o' (see brig tverb --help)");
}
END_TEST

START_TEST(test_types)
{
	ck_assert_int_eq(P("--preserve-fds", "3", "-e", "A=1", "--env=B=2", "--fmt", "json", "x"),
			 0);
	ck_assert_int_eq(o.count, 3);
	ck_assert_ptr_nonnull(o.env);
	ck_assert_str_eq(o.env[0], "A=1");
	ck_assert_str_eq(o.env[1], "B=2");
	ck_assert_ptr_null(o.env[2]);
	ck_assert_int_eq(o.format, 1);
	ck_assert_int_eq(P("--preserve-fds", "-1", "x"), -1);
	ck_assert_str_eq(err.msg, "--preserve-fds: expected a non-negative number, not '-1'");
	ck_assert_int_eq(P("--format", "yaml", "x"), -1);
	ck_assert_str_eq(err.msg, "--format: want table|json, not 'yaml'");
}
END_TEST

START_TEST(test_nothing_dropped)
{
	ck_assert_int_eq(P("--bogus", "x"), -1);
	ck_assert_str_eq(err.msg, "unknown option '--bogus' (see brig tverb --help)");
	ck_assert_int_eq(P("x", "-z"), -1);
	ck_assert_str_eq(err.msg, "unknown option '-z' (see brig tverb --help)");
	ck_assert_int_eq(P("x", "--bundle"), -1);
	ck_assert_str_eq(err.msg, "option '--bundle' needs an argument (see brig tverb --help)");
	ck_assert_int_eq(P("x", "--force=yes"), -1);
	ck_assert_str_eq(err.msg, "option '--force' takes no argument (see brig tverb --help)");
	ck_assert_int_eq(P("a", "b", "c"), -1);
	ck_assert_str_eq(err.msg, "unexpected argument 'c' (usage: brig tverb ID [SIGNAL])");
	ck_assert_int_eq(parse((const char *const[]){"tverb", NULL}), -1);
	ck_assert_str_eq(err.msg, "missing container id (usage: brig tverb ID [SIGNAL])");
}
END_TEST

START_TEST(test_double_dash_and_dash)
{
	ck_assert_int_eq(P("--", "-x", "-"), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(args[0], "-x");
	ck_assert_str_eq(args[1], "-");
}
END_TEST

static const struct cli_verb t_raw = {
    .name = "traw",
    .summary = "a test verb with a command",
    .args = "ID [COMMAND...]",
    .opts = CLI_OPTS(t_opts),
    .opts_size = sizeof(struct t_opts),
    .min_args = 1,
    .max_args = CLI_ARGS_MAX,
    .raw_after = 1,
};

/* exec: what follows the id is the command's, flags and all. */
START_TEST(test_raw_after)
{
	struct t_opts r = {0};
	ck_assert_int_eq(
	    parse_v(&t_raw, &r,
		    (const char *const[]){"traw", "-a", "ID", "sh", "-c", "--force", NULL}),
	    0);
	ck_assert(r.all && !r.force);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(args[3], "--force");
	cli_opts_clear(&t_raw, &r);
}
END_TEST

/* brig's own verbs through the same parser: runc's `delete ID --force`,
 * `update ID --pids-limit 7`, exec's raw command, the global options. */
START_TEST(test_brig_tables)
{
	struct {
		bool force;
	} d = {0};
	ck_assert_int_eq(
	    parse_v(&cli_delete, &d, (const char *const[]){"delete", "c1", "--force", NULL}), 0);
	ck_assert(d.force);
	char buf[4096] = {0};
	ck_assert_uint_ge(sizeof(buf), cli_update.opts_size);
	ck_assert_int_eq(parse_v(&cli_update, buf,
				 (const char *const[]){"update", "c1", "--pids-limit", "7", NULL}),
			 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(
	    parse_v(&cli_kill, buf, (const char *const[]){"kill", "c1", "KILL", "extra", NULL}),
	    -1);
	ck_assert_int_eq(
	    parse_v(&cli_state, buf, (const char *const[]){"state", "--all", "c1", NULL}), -1);
	ck_assert_str_eq(err.msg, "unknown option '--all' (see brig state --help)");
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(
	    parse_v(&cli_exec, buf, (const char *const[]){"exec", "-t", "c1", "ls", "-l", NULL}),
	    0);
	ck_assert_uint_eq(n, 3);
	cli_opts_clear(&cli_exec, buf);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(parse_v(&cli_global, buf,
				 (const char *const[]){"brig", "--root", "/r", "--systemd-cgroup",
						       "delete", "--force", "c1", NULL}),
			 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(args[0], "delete");
	ck_assert_str_eq(args[1], "--force");
}
END_TEST

/* Every verb and option the help, man pages and completions are made from
 * is well formed: a name, help text, an argument name for valued options,
 * choices for a choice, no option name twice. */
static void check_table(const struct cli_verb *v)
{
	ck_assert_msg(v->summary && *v->summary, "%s: no summary", v->name);
	ck_assert_msg(v == &cli_global || v->subs || v->run, "%s: nothing to run", v->name);
	for (size_t i = 0; i < v->n_opts; i++) {
		const struct cli_opt *a = &v->opts[i];
		ck_assert_msg(a->help && *a->help, "%s --%s: no help", v->name, a->name);
		ck_assert_msg((a->type == CLI_FLAG) == (a->arg == NULL),
			      "%s --%s: an argument name iff it takes one", v->name, a->name);
		ck_assert_msg(a->type != CLI_CHOICE || a->choices, "%s --%s: no choices", v->name,
			      a->name);
		ck_assert_msg(a->offset < v->opts_size, "%s --%s: offset", v->name, a->name);
		for (size_t k = 0; k < i; k++) {
			ck_assert_msg(strcmp(a->name, v->opts[k].name), "%s --%s twice", v->name,
				      a->name);
			ck_assert_msg(!a->short_name || a->short_name != v->opts[k].short_name,
				      "%s -%c twice", v->name, a->short_name);
		}
	}
	for (size_t i = 0; v->subs && v->subs[i]; i++)
		check_table(v->subs[i]);
}

START_TEST(test_tables_well_formed)
{
	check_table(&cli_global);
	for (size_t i = 0; cli_verbs[i]; i++)
		check_table(cli_verbs[i]);
}
END_TEST

/* runc's rule for the default --root (the four cases of euid, user namespace,
 * USER and XDG_RUNTIME_DIR). */
START_TEST(test_root_rule)
{
	char buf[256];
	const char *x = "/run/user/1000";
	/* not root: XDG's, when set */
	ck_assert_str_eq(cli_root_rule(1000, false, x, "alice", buf, sizeof(buf)),
			 "/run/user/1000/brig");
	ck_assert_str_eq(cli_root_rule(1000, false, NULL, "alice", buf, sizeof(buf)), "/run/brig");
	ck_assert_str_eq(cli_root_rule(1000, false, "", "alice", buf, sizeof(buf)), "/run/brig");
	/* root of the initial user namespace: never XDG's */
	ck_assert_str_eq(cli_root_rule(0, false, x, "alice", buf, sizeof(buf)), "/run/brig");
	/* root of a user namespace (rootless podman): XDG's unless USER is root */
	ck_assert_str_eq(cli_root_rule(0, true, x, "alice", buf, sizeof(buf)),
			 "/run/user/1000/brig");
	ck_assert_str_eq(cli_root_rule(0, true, x, NULL, buf, sizeof(buf)), "/run/user/1000/brig");
	ck_assert_str_eq(cli_root_rule(0, true, x, "root", buf, sizeof(buf)), "/run/brig");
	ck_assert_str_eq(cli_root_rule(0, true, NULL, "alice", buf, sizeof(buf)), "/run/brig");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *c = tcase_create("parser");
	tcase_add_test(c, test_options_after_the_id);
	tcase_add_test(c, test_short_forms);
	tcase_add_test(c, test_single_dash_long);
	tcase_add_test(c, test_types);
	tcase_add_test(c, test_nothing_dropped);
	tcase_add_test(c, test_double_dash_and_dash);
	tcase_add_test(c, test_raw_after);
	tcase_add_test(c, test_brig_tables);
	tcase_add_test(c, test_tables_well_formed);
	tcase_add_test(c, test_root_rule);
	suite_add_tcase(s, c);
	return s;
}
