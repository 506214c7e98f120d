// SPDX-License-Identifier: Apache-2.0
/* The one option parser: it reads a verb's table (cli.h). runc's callers put
 * options after the container id (`delete ID --force`), so options and
 * positional arguments may come in any order; "--" ends the options, and so
 * does the verb's raw_after-th argument (exec's COMMAND keeps its own flags).
 * Every argument is either an option of the table or a positional argument
 * the verb takes: nothing is dropped silently. A long option may also be
 * spelled with one dash (`-no-subreaper`, `-detach=true` is not: Go's flag
 * syntax as runc's parser takes it, and containerd's go-runc sends it). */
#include "runtime/cli/cli.h"

static void *field(void *opts, const struct cli_opt *o)
{
	return (char *)opts + o->offset;
}

static const struct cli_opt *find_long(const struct cli_verb *v, const char *name, size_t len)
{
	for (size_t i = 0; i < v->n_opts; i++) {
		const struct cli_opt *o = &v->opts[i];
		if ((strlen(o->name) == len && !strncmp(o->name, name, len)) ||
		    (o->alias && strlen(o->alias) == len && !strncmp(o->alias, name, len)))
			return o;
	}
	return NULL;
}

static const struct cli_opt *find_short(const struct cli_verb *v, char c)
{
	for (size_t i = 0; i < v->n_opts; i++)
		if (v->opts[i].short_name == c)
			return &v->opts[i];
	return NULL;
}

static int bad(const struct cli_verb *v, struct brig_error *err, const char *fmt, const char *what)
{
	char msg[512];
	snprintf(msg, sizeof(msg), fmt, what);
	if (v == &cli_global)
		return err_set(err, EINVAL, "%s (see brig --help)", msg);
	return err_set(err, EINVAL, "%s (see brig %s --help)", msg, v->name);
}

/* Stores value (NULL for a flag) in the option's field. */
static int set(const struct cli_verb *v, const struct cli_opt *o, const char *spelled,
	       const char *value, void *opts, struct brig_error *err)
{
	int64_t n;
	switch (o->type) {
	case CLI_FLAG:
		*(bool *)field(opts, o) = true;
		return 0;
	case CLI_STRING:
		*(const char **)field(opts, o) = value;
		return 0;
	case CLI_COUNT:
		if (parse_int64(value, 0, 65536, &n) < 0)
			return err_set(err, EINVAL, "%s: expected a non-negative number, not '%s'",
				       spelled, value);
		*(int *)field(opts, o) = (int)n;
		return 0;
	case CLI_LIST: {
		char ***list = field(opts, o);
		size_t len = strv_length(*list);
		*list = xrealloc(*list, (len + 2) * sizeof(char *));
		(*list)[len] = (char *)value;
		(*list)[len + 1] = NULL;
		return 0;
	}
	case CLI_CHOICE:
		for (int i = 0; o->choices[i]; i++)
			if (!strcmp(o->choices[i], value)) {
				*(int *)field(opts, o) = i;
				return 0;
			}
		return err_set(err, EINVAL, "%s: want %s, not '%s'", spelled, o->arg, value);
	}
	return bad(v, err, "option '%s' of an unknown type", spelled);
}

/* --name, --name=value, --name value (or with one dash: dashes).
 * *i moves past what it used. */
static int parse_long(const struct cli_verb *v, int argc, char **argv, int *i, size_t dashes,
		      void *opts, struct brig_error *err)
{
	const char *arg = argv[*i] + dashes;
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct cli_opt *o = find_long(v, arg, len);
	char spelled[128];
	snprintf(spelled, sizeof(spelled), "--%.*s", (int)len, arg);
	if (!o)
		return bad(v, err, "unknown option '%s'", spelled);
	if (o->type == CLI_FLAG) {
		if (eq)
			return bad(v, err, "option '%s' takes no argument", spelled);
		return set(v, o, spelled, NULL, opts, err);
	}
	if (eq)
		return set(v, o, spelled, eq + 1, opts, err);
	if (*i + 1 >= argc)
		return bad(v, err, "option '%s' needs an argument", spelled);
	return set(v, o, spelled, argv[++*i], opts, err);
}

/* -a, -ab (flags together), -b DIR, -bDIR. */
static int parse_short(const struct cli_verb *v, int argc, char **argv, int *i, void *opts,
		       struct brig_error *err)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		const struct cli_opt *o = find_short(v, *p);
		char spelled[3] = {'-', *p, '\0'};
		if (!o)
			return bad(v, err, "unknown option '%s'", spelled);
		if (o->type == CLI_FLAG) {
			if (set(v, o, spelled, NULL, opts, err) < 0)
				return -1;
			continue;
		}
		if (p[1])
			return set(v, o, spelled, p + 1, opts, err);
		if (*i + 1 >= argc)
			return bad(v, err, "option '%s' needs an argument", spelled);
		return set(v, o, spelled, argv[++*i], opts, err);
	}
	return 0;
}

/* -name[=value] naming a long option (never one letter: that is -x) */
static bool single_dash_long(const struct cli_verb *v, const char *a)
{
	size_t len = strcspn(a + 1, "=");
	return len > 1 && find_long(v, a + 1, len) != NULL;
}

static bool is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

/* The name of the missing positional argument, from the synopsis. */
static void missing_name(const struct cli_verb *v, size_t index, char *buf, size_t size)
{
	_cleanup_free_ char *copy = xstrdup(v->args ? v->args : "");
	char *save = NULL, *w = strtok_r(copy, " ", &save);
	for (size_t k = 0; w && k < index; k++)
		w = strtok_r(NULL, " ", &save);
	w = w ? w + strspn(w, "[") : (char *)"ARGUMENT";
	w[strcspn(w, "].")] = '\0';
	snprintf(buf, size, "%s", !strcmp(w, "ID") ? "container id" : w);
}

static int check_count(const struct cli_verb *v, char **args, size_t n, struct brig_error *err)
{
	char name[64];
	if (n < v->min_args) {
		missing_name(v, n, name, sizeof(name));
		return err_set(err, EINVAL, "missing %s (usage: brig %s %s)", name, v->name,
			       v->args);
	}
	if (n > v->max_args)
		return err_set(err, EINVAL, "unexpected argument '%s' (usage: brig %s %s)",
			       args[v->max_args], v->name, v->args ? v->args : "");
	return 0;
}

int cli_parse(const struct cli_verb *v, int argc, char **argv, void *opts, char ***ret_args,
	      size_t *ret_n, struct brig_error *err)
{
	_cleanup_free_ char **args = xcalloc((size_t)argc + 1, sizeof(char *));
	size_t n = 0;
	bool options = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (options && v->raw_after && n >= v->raw_after)
			options = false;
		if (!options || a[0] != '-' || !a[1]) {
			args[n++] = argv[i];
		} else if (!strcmp(a, "--")) {
			options = false;
		} else if (is_help(a)) {
			if (v == &cli_global)
				cli_print_usage(stdout);
			else
				cli_print_help(v, stdout);
			return 1;
		} else if ((a[1] == '-' ? parse_long(v, argc, argv, &i, 2, opts, err)
			    : single_dash_long(v, a)
				? parse_long(v, argc, argv, &i, 1, opts, err)
				: parse_short(v, argc, argv, &i, opts, err)) < 0) {
			return -1;
		}
	}
	if (check_count(v, args, n, err) < 0)
		return -1;
	*ret_args = steal_ptr(&args);
	*ret_n = n;
	return 0;
}

void cli_opts_clear(const struct cli_verb *v, void *opts)
{
	for (size_t i = 0; i < v->n_opts; i++)
		if (v->opts[i].type == CLI_LIST) {
			char ***list = field(opts, &v->opts[i]);
			free(*list); /* the strings are argv's */
			*list = NULL;
		}
}

const struct cli_verb *cli_find(const struct cli_verb *const *verbs, const char *name)
{
	for (size_t i = 0; verbs[i]; i++) {
		const char *sp = strrchr(verbs[i]->name, ' ');
		if (!strcmp(sp ? sp + 1 : verbs[i]->name, name))
			return verbs[i];
	}
	return NULL;
}

/* A verb with subcommands: argv[1] names one. */
static int run_sub(const struct cli_verb *v, const struct global_opts *g, int argc, char **argv,
		   struct brig_error *err)
{
	if (argc < 2)
		return bad(v, err, "missing %s", "subcommand");
	if (is_help(argv[1])) {
		cli_print_help(v, stdout);
		return 0;
	}
	const struct cli_verb *sub = cli_find(v->subs, argv[1]);
	if (!sub)
		return bad(v, err, "unknown subcommand '%s'", argv[1]);
	return cli_run_verb(sub, g, argc - 1, argv + 1, err);
}

int cli_run_verb(const struct cli_verb *v, const struct global_opts *g, int argc, char **argv,
		 struct brig_error *err)
{
	if (v->subs)
		return run_sub(v, g, argc, argv, err);
	_cleanup_free_ void *opts = xcalloc(1, v->opts_size ? v->opts_size : 1);
	_cleanup_free_ char **args = NULL;
	size_t n = 0;
	int r = cli_parse(v, argc, argv, opts, &args, &n, err);
	if (r == 0)
		r = v->run(g, opts, args, n, err);
	else if (r > 0)
		r = 0; /* help printed */
	cli_opts_clear(v, opts);
	return r;
}

/* ---- help ---- */

/* "-b, --bundle DIR" */
static void opt_label(const struct cli_opt *o, char *buf, size_t size)
{
	int n = o->short_name ? snprintf(buf, size, "-%c, ", o->short_name)
			      : snprintf(buf, size, "    ");
	snprintf(buf + n, size - (size_t)n, "--%s%s%s", o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
}

static void print_opts(const struct cli_opt *opts, size_t n, FILE *out)
{
	size_t width = 0;
	char label[128];
	for (size_t i = 0; i < n; i++) {
		opt_label(&opts[i], label, sizeof(label));
		width = strlen(label) > width ? strlen(label) : width;
	}
	for (size_t i = 0; i < n; i++) {
		opt_label(&opts[i], label, sizeof(label));
		fprintf(out, "  %-*s  %s%s%s%s\n", (int)width, label, opts[i].help,
			opts[i].alias ? " (also --" : "", opts[i].alias ? opts[i].alias : "",
			opts[i].alias ? ")" : "");
		if (opts[i].flags & CLI_IGNORED)
			fprintf(out, "  %-*s  (accepted for runc's callers, no effect in brig)\n",
				(int)width, "");
	}
}

static void print_synopsis(const struct cli_verb *v, const char *lead, FILE *out)
{
	fprintf(out, "%sbrig [global options] %s%s%s%s\n", lead, v->name,
		v->n_opts ? " [options]" : "", v->args && *v->args ? " " : "",
		v->args ? v->args : "");
}

void cli_print_help(const struct cli_verb *v, FILE *out)
{
	if (v->subs) {
		for (size_t i = 0; v->subs[i]; i++)
			print_synopsis(v->subs[i], i ? "       " : "usage: ", out);
		fprintf(out, "\n%s\n", v->summary);
		for (size_t i = 0; v->subs[i]; i++) {
			fprintf(out, "\n%s: %s\n", v->subs[i]->name, v->subs[i]->summary);
			print_opts(v->subs[i]->opts, v->subs[i]->n_opts, out);
		}
		return;
	}
	print_synopsis(v, "usage: ", out);
	fprintf(out, "\n%s\n", v->summary);
	if (v->n_opts) {
		fprintf(out, "\noptions:\n");
		print_opts(v->opts, v->n_opts, out);
	}
}

void cli_print_usage(FILE *out)
{
	size_t width = 0;
	for (size_t i = 0; cli_verbs[i]; i++)
		width = strlen(cli_verbs[i]->name) > width ? strlen(cli_verbs[i]->name) : width;
	fprintf(out, "usage: brig [global options] VERB [options] [args]\n\n%s\n\nverbs:\n",
		cli_global.summary);
	for (size_t i = 0; cli_verbs[i]; i++)
		fprintf(out, "  %-*s  %s\n", (int)width, cli_verbs[i]->name, cli_verbs[i]->summary);
	fprintf(out, "\nglobal options:\n");
	print_opts(cli_global.opts, cli_global.n_opts, out);
	fprintf(out, "\n`brig VERB --help` describes a verb; man brig-VERB has more.\n");
}
