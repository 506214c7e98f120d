// SPDX-License-Identifier: Apache-2.0
/* brig's man pages and shell completions, written from the option tables the
 * parser reads (brig-doc runs this at build time), so `--help`, the pages and
 * the completions cannot disagree with what brig accepts. */
#include "runtime/cli/cli.h"

#include <sys/stat.h>

/* ---- roff ---- */

/* Text for a roff line: backslashes and hyphens escaped, and a leading '.'
 * or '\'' made literal. */
static void roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

/* Paragraphs separated by a blank line ("\n\n"). */
static void roff_paragraphs(FILE *f, const char *text)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *p = copy;
	for (bool first = true; p; first = false) {
		char *next = strstr(p, "\n\n");
		if (next)
			*next = '\0';
		if (!first)
			fputs(".PP\n", f);
		roff(f, p);
		fputc('\n', f);
		p = next ? next + 2 : NULL;
	}
}

static void roff_opt(FILE *f, const struct cli_opt *o)
{
	fputs(".TP\n", f);
	if (o->short_name)
		fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
	fputs("\\fB\\-\\-", f);
	roff(f, o->name);
	fputs("\\fR", f);
	if (o->arg) {
		fputs(" \\fI", f);
		roff(f, o->arg);
		fputs("\\fR", f);
	}
	if (o->alias) {
		fputs(", \\fB\\-\\-", f);
		roff(f, o->alias);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	roff(f, o->help);
	if (o->type == CLI_LIST)
		fputs(" May be given more than once.", f);
	if (o->flags & CLI_IGNORED)
		fputs(" Accepted for runc's callers; brig does nothing with it.", f);
	else if (!(o->flags & CLI_RUNC))
		fputs(" (brig's own; runc has no such option.)", f);
	fputc('\n', f);
}

static void roff_synopsis(FILE *f, const struct cli_verb *v)
{
	fputs(".B brig\n[\\fIglobal options\\fR]\n", f);
	fprintf(f, ".B %s\n", v->name);
	if (v->n_opts)
		fputs("[\\fIoptions\\fR]\n", f);
	if (v->args && *v->args) {
		roff(f, v->args);
		fputc('\n', f);
	}
}

static void roff_header(FILE *f, const char *name, const char *version)
{
	char upper[64];
	size_t i = 0;
	for (; name[i] && i + 1 < sizeof(upper); i++)
		upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	upper[i] = '\0';
	fprintf(f, ".\\\" Generated from brig's option tables (runtime/cli/doc.c).\n");
	fprintf(f, ".TH %s 8 \"\" \"brig %s\" \"System Administration\"\n", upper, version);
}

static void verb_page(FILE *f, const struct cli_verb *v, const char *version)
{
	_cleanup_free_ char *page = xasprintf("brig-%s", v->name);
	roff_header(f, page, version);
	fputs(".SH NAME\n", f);
	roff(f, page);
	fputs(" \\- ", f);
	roff(f, v->summary);
	fputs("\n.SH SYNOPSIS\n", f);
	for (size_t i = 0; v->subs && v->subs[i]; i++) {
		if (i)
			fputs(".br\n", f);
		roff_synopsis(f, v->subs[i]);
	}
	if (!v->subs)
		roff_synopsis(f, v);
	fputs(".SH DESCRIPTION\n", f);
	roff_paragraphs(f, v->description ? v->description : v->summary);
	if (!v->runc)
		fputs(".PP\nThis verb is brig's own; runc has no such verb.\n", f);
	for (size_t i = 0; v->subs && v->subs[i]; i++) {
		fprintf(f, ".SH \"%s\"\n", v->subs[i]->name);
		roff(f, v->subs[i]->summary);
		fputc('\n', f);
		for (size_t k = 0; k < v->subs[i]->n_opts; k++)
			roff_opt(f, &v->subs[i]->opts[k]);
	}
	if (v->n_opts)
		fputs(".SH OPTIONS\n", f);
	for (size_t i = 0; i < v->n_opts; i++)
		roff_opt(f, &v->opts[i]);
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint the verb's options and exit.\n", f);
	fputs(".SH SEE ALSO\n.BR brig (8)\n", f);
}

static void main_page(FILE *f, const char *version)
{
	roff_header(f, "brig", version);
	fputs(".SH NAME\nbrig \\- an OCI container runtime, runc\\-compatible\n", f);
	fputs(".SH SYNOPSIS\n.B brig\n[\\fIglobal options\\fR] \\fIVERB\\fR [\\fIoptions\\fR] "
	      "[\\fIargs\\fR]\n",
	      f);
	fputs(".SH DESCRIPTION\n", f);
	roff_paragraphs(f, cli_global.description);
	fputs(".SH GLOBAL OPTIONS\n", f);
	for (size_t i = 0; i < cli_global.n_opts; i++)
		roff_opt(f, &cli_global.opts[i]);
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint the verbs and global options.\n", f);
	fputs(".SH VERBS\n", f);
	for (size_t i = 0; cli_verbs[i]; i++) {
		fprintf(f, ".TP\n.B %s\n", cli_verbs[i]->name);
		roff(f, cli_verbs[i]->summary);
		fprintf(f, "; see \\fBbrig\\-%s\\fR(8).\n", cli_verbs[i]->name);
	}
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n.B XDG_RUNTIME_DIR\nThe default state directory of a non\\-root brig is "
	      "$XDG_RUNTIME_DIR/brig.\n"
	      ".TP\n.B BRIG_SECCOMP_CACHE\nThe directory of compiled seccomp filters (default: "
	      ".seccomp\\-cache in the default state directory).\n"
	      ".TP\n.B BRIG_NETWORK_DIR\nThe directory of brig's networks (default "
	      "/var/lib/brig/networks).\n"
	      ".SH FILES\n"
	      ".TP\n.I /run/brig\nThe state directory of a root brig: one directory per "
	      "container.\n"
	      ".TP\n.I /etc/brig/policy.json\nThe policy brig create enforces, if it exists.\n"
	      ".SH EXIT STATUS\n"
	      "0 on success and 1 on an error (255 for exec, as runc), which is printed as one "
	      "line on standard error (and to \\-\\-log). run and exec in the foreground exit "
	      "with the container process's status, 128+N when a signal N ended it.\n"
	      ".SH SEE ALSO\n",
	      f);
	for (size_t i = 0; cli_verbs[i]; i++)
		fprintf(f, ".BR brig\\-%s (8)%s\n", cli_verbs[i]->name,
			cli_verbs[i + 1] ? "," : "");
}

/* ---- bash ---- */

enum arg_kind { ARG_NONE, ARG_DIR, ARG_FILE, ARG_WORDS };

/* What an option's argument completes to, from its name. */
static enum arg_kind arg_kind(const struct cli_opt *o)
{
	if (o->type == CLI_CHOICE)
		return ARG_WORDS;
	if (!o->arg)
		return ARG_NONE;
	if (!strcmp(o->arg, "DIR"))
		return ARG_DIR;
	if (!strcmp(o->arg, "FILE") || !strcmp(o->arg, "SOCK") || !strcmp(o->arg, "PATH"))
		return ARG_FILE;
	return ARG_NONE;
}

/* "-b|--bundle" */
static void bash_names(FILE *f, const struct cli_opt *o)
{
	if (o->short_name)
		fprintf(f, "-%c|", o->short_name);
	fprintf(f, "--%s", o->name);
	if (o->alias)
		fprintf(f, "|--%s", o->alias);
}

static void bash_choices(FILE *f, const struct cli_opt *o)
{
	for (size_t i = 0; o->choices[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", o->choices[i]);
}

/* The case arm of one verb (or subcommand): its options' arguments, then the
 * words it offers. */
static void bash_verb(FILE *f, const struct cli_verb *v, const char *key)
{
	fprintf(f, "\t\"%s\")\n\t\tcase $prev in\n", key);
	for (size_t i = 0; i < v->n_opts; i++) {
		const struct cli_opt *o = &v->opts[i];
		enum arg_kind k = arg_kind(o);
		if (!o->arg)
			continue;
		fputs("\t\t", f);
		bash_names(f, o);
		fputs(")\n\t\t\t", f);
		if (k == ARG_DIR)
			fputs("COMPREPLY=($(compgen -d -- \"$cur\"))", f);
		else if (k == ARG_FILE)
			fputs("COMPREPLY=($(compgen -f -- \"$cur\"))", f);
		else if (k == ARG_WORDS)
			fputs("COMPREPLY=($(compgen -W \"", f), bash_choices(f, o),
			    fputs("\" -- \"$cur\"))", f);
		fputs("\n\t\t\treturn ;;\n", f);
	}
	fputs("\t\tesac\n\t\topts=\"--help", f);
	for (size_t i = 0; i < v->n_opts; i++) {
		fprintf(f, " --%s", v->opts[i].name);
		if (v->opts[i].short_name)
			fprintf(f, " -%c", v->opts[i].short_name);
		if (v->opts[i].alias)
			fprintf(f, " --%s", v->opts[i].alias);
	}
	fputs("\"\n", f);
	const char *args = v->args ? v->args : "";
	if (v->subs) {
		fputs("\t\twords=\"", f);
		for (size_t i = 0; v->subs[i]; i++)
			fprintf(f, "%s%s", i ? " " : "", strrchr(v->subs[i]->name, ' ') + 1);
		fputs("\"\n", f);
	} else if (!strncmp(args, "ID", 2)) {
		fputs("\t\twords=$(_brig_ids)\n", f);
	} else if (!strcmp(args, "NAME") && strstr(v->name, "network ")) {
		fputs("\t\twords=$(\"${COMP_WORDS[0]}\" network ls -q 2>/dev/null)\n", f);
	} else if (strstr(args, "FILE") || strstr(args, "PROFILE")) {
		fputs("\t\tfiles=1\n", f);
	}
	fputs("\t\t;;\n", f);
}

/* The words before the cursor: global options (skipping their arguments),
 * the verb, a subcommand. */
static void bash_scan(FILE *f)
{
	fputs("\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal i w verb= sub= root= opts= words= files=\n"
	      "\tCOMPREPLY=()\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tw=${COMP_WORDS[i]}\n"
	      "\t\tif [[ -z $verb ]]; then\n"
	      "\t\t\tcase $w in\n"
	      "\t\t\t--root) root=${COMP_WORDS[i+1]}; ((i++)) ;;\n"
	      "\t\t\t--root=*) root=${w#--root=} ;;\n\t\t\t",
	      f);
	bool any = false;
	for (size_t i = 0; i < cli_global.n_opts; i++)
		if (cli_global.opts[i].arg && strcmp(cli_global.opts[i].name, "root")) {
			fprintf(f, "%s--%s", any ? "|" : "", cli_global.opts[i].name);
			any = true;
		}
	fputs(") ((i++)) ;;\n"
	      "\t\t\t-*) ;;\n"
	      "\t\t\t*) verb=$w ;;\n"
	      "\t\t\tesac\n"
	      "\t\telif [[ -z $sub && ($verb == network || $verb == seccomp) && $w != -* ]]; then\n"
	      "\t\t\tsub=$w\n"
	      "\t\tfi\n"
	      "\tdone\n",
	      f);
}

static void bash_completion(FILE *f)
{
	fputs("# bash completion for brig, generated from its option tables "
	      "(runtime/cli/doc.c)\n\n"
	      "_brig_ids() {\n"
	      "\t\"${COMP_WORDS[0]}\" ${root:+--root \"$root\"} list -q 2>/dev/null\n"
	      "}\n\n"
	      "_brig() {\n",
	      f);
	bash_scan(f);
	fputs("\tcase \"$verb${sub:+ $sub}\" in\n", f);
	struct cli_verb global = cli_global;
	global.subs = NULL;
	global.args = NULL;
	bash_verb(f, &global, "");
	for (size_t i = 0; cli_verbs[i]; i++) {
		bash_verb(f, cli_verbs[i], cli_verbs[i]->name);
		for (size_t k = 0; cli_verbs[i]->subs && cli_verbs[i]->subs[k]; k++)
			bash_verb(f, cli_verbs[i]->subs[k], cli_verbs[i]->subs[k]->name);
	}
	fputs("\tesac\n\tif [[ -z $verb ]]; then\n\t\twords=\"", f);
	for (size_t i = 0; cli_verbs[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", cli_verbs[i]->name);
	fputs("\"\n"
	      "\tfi\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	      "\telif [[ -n $files ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "\telse\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	      "\tfi\n"
	      "}\n"
	      "complete -F _brig brig\n",
	      f);
}

/* ---- zsh ---- */

/* Text inside a single-quoted zsh word, in an _arguments description. */
static void zsh_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else if (*s == '[' || *s == ']' || *s == ':' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else
			fputc(*s, f);
	}
}

static void zsh_action(FILE *f, const struct cli_opt *o)
{
	if (!o->arg)
		return;
	fputc(':', f);
	zsh_text(f, o->arg);
	fputc(':', f);
	switch (arg_kind(o)) {
	case ARG_DIR:
		fputs("_files -/", f);
		break;
	case ARG_FILE:
		fputs("_files", f);
		break;
	case ARG_WORDS:
		fputs("(", f), bash_choices(f, o), fputs(")", f);
		break;
	case ARG_NONE:
		fputs(" ", f);
		break;
	}
}

static void zsh_opt(FILE *f, const struct cli_opt *o)
{
	const char *rep = o->type == CLI_LIST ? "*" : "";
	const char *eq = o->arg ? "=" : "";
	fputs(" \\\n\t\t\t", f);
	if (o->short_name && o->type != CLI_LIST)
		fprintf(f, "'(-%c --%s)'{-%c%s,--%s%s}'[", o->short_name, o->name, o->short_name,
			o->arg ? "+" : "", o->name, eq);
	else if (o->short_name)
		fprintf(f, "{'*-%c%s','*--%s%s'}'[", o->short_name, o->arg ? "+" : "", o->name, eq);
	else
		fprintf(f, "'%s--%s%s[", rep, o->name, eq);
	zsh_text(f, o->help);
	fputs("]", f);
	zsh_action(f, o);
	fputs("'", f);
	if (o->alias)
		fprintf(f, " \\\n\t\t\t'--%s%s[same as --%s]'", o->alias, eq, o->name);
}

static void zsh_args(FILE *f, const struct cli_verb *v)
{
	fputs("_arguments -s -S '(- *)'{-h,--help}'[print the options]'", f);
	for (size_t i = 0; i < v->n_opts; i++)
		zsh_opt(f, &v->opts[i]);
	const char *args = v->args ? v->args : "";
	if (!strncmp(args, "ID", 2))
		fputs(" \\\n\t\t\t'1:container:_brig_ids'", f);
	else if (!strcmp(args, "NAME") && strstr(v->name, "network "))
		fputs(" \\\n\t\t\t'1:network:_brig_networks'", f);
	else if (strstr(args, "FILE") || strstr(args, "PROFILE"))
		fputs(" \\\n\t\t\t'1:file:_files'", f);
	if (v->raw_after)
		fputs(" \\\n\t\t\t'*::argument: '", f);
	fputs(" && ret=0", f);
}

static void zsh_describe(FILE *f, const char *what, const struct cli_verb *const *v)
{
	fprintf(f, "\t\tlocal -a %s\n\t\t%s=(", what, what);
	for (size_t i = 0; v[i]; i++) {
		const char *sp = strrchr(v[i]->name, ' ');
		fprintf(f, "\n\t\t\t'%s:", sp ? sp + 1 : v[i]->name);
		zsh_text(f, v[i]->summary);
		fputc('\'', f);
	}
	fprintf(f, "\n\t\t)\n\t\t_describe -t %s %s %s && ret=0\n", what, what, what);
}

/* One verb's arm: its options and arguments, or its subcommands'. */
static void zsh_verb(FILE *f, const struct cli_verb *v)
{
	fprintf(f, "\t\t%s)\n", v->name);
	if (!v->subs) {
		fputs("\t\t\t", f);
		zsh_args(f, v);
		fputs(" ;;\n", f);
		return;
	}
	fputs("\t\t\tif ((CURRENT == 2)); then\n", f);
	zsh_describe(f, "subcommands", v->subs);
	fputs("\t\t\telse\n\t\t\t\tshift words\n\t\t\t\t((CURRENT--))\n"
	      "\t\t\t\tcase $words[1] in\n",
	      f);
	for (size_t k = 0; v->subs[k]; k++) {
		fprintf(f, "\t\t\t\t%s)\n\t\t\t\t\t", strrchr(v->subs[k]->name, ' ') + 1);
		zsh_args(f, v->subs[k]);
		fputs(" ;;\n", f);
	}
	fputs("\t\t\t\tesac\n\t\t\tfi ;;\n", f);
}

static void zsh_completion(FILE *f)
{
	fputs("#compdef brig\n"
	      "# zsh completion for brig, generated from its option tables "
	      "(runtime/cli/doc.c)\n\n"
	      "_brig_ids() {\n"
	      "\tlocal -a ids\n"
	      "\tids=(${(f)\"$(_call_program containers $words[1] ${opt_args[--root]:+--root "
	      "$opt_args[--root]} list -q 2>/dev/null)\"})\n"
	      "\t_describe -t containers container ids\n"
	      "}\n\n"
	      "_brig_networks() {\n"
	      "\tlocal -a nets\n"
	      "\tnets=(${(f)\"$(_call_program networks brig network ls -q 2>/dev/null)\"})\n"
	      "\t_describe -t networks network nets\n"
	      "}\n\n"
	      "_brig() {\n"
	      "\tlocal curcontext=$curcontext state line ret=1\n"
	      "\ttypeset -A opt_args\n"
	      "\t_arguments -C '(- *)'{-h,--help}'[print the verbs and global options]'",
	      f);
	for (size_t i = 0; i < cli_global.n_opts; i++)
		zsh_opt(f, &cli_global.opts[i]);
	fputs(" \\\n\t\t'1: :->verb' '*:: :->args' && ret=0\n"
	      "\tcase $state in\n"
	      "\tverb)\n",
	      f);
	zsh_describe(f, "verbs", cli_verbs);
	fputs("\t\t;;\n\targs)\n\t\tcase $words[1] in\n", f);
	for (size_t i = 0; cli_verbs[i]; i++)
		zsh_verb(f, cli_verbs[i]);
	fputs("\t\tesac ;;\n\tesac\n\treturn ret\n}\n\n_brig \"$@\"\n", f);
}

/* ---- files ---- */

static int write_with(const char *dir, const char *name, void (*fn)(FILE *, const void *),
		      const void *arg, struct brig_error *err)
{
	_cleanup_free_ char *path = path_join(dir, name);
	_cleanup_fclose_ FILE *f = fopen(path, "we");
	if (!f)
		return err_sys(err, "open '%s'", path);
	fn(f, arg);
	if (fflush(f) != 0 || ferror(f))
		return err_sys(err, "write '%s'", path);
	return 0;
}

struct page_arg {
	const struct cli_verb *v;
	const char *version;
};

static void verb_page_fn(FILE *f, const void *arg)
{
	const struct page_arg *a = arg;
	if (a->v)
		verb_page(f, a->v, a->version);
	else
		main_page(f, a->version);
}

static void bash_fn(FILE *f, const void *arg)
{
	(void)arg;
	bash_completion(f);
}

static void zsh_fn(FILE *f, const void *arg)
{
	(void)arg;
	zsh_completion(f);
}

int cli_doc_write(const char *man_dir, const char *completion_dir, const char *version,
		  struct brig_error *err)
{
	if (mkdir_p(man_dir, 0755, err) < 0 || mkdir_p(completion_dir, 0755, err) < 0)
		return -1;
	struct page_arg main_arg = {NULL, version};
	if (write_with(man_dir, "brig.8", verb_page_fn, &main_arg, err) < 0)
		return -1;
	for (size_t i = 0; cli_verbs[i]; i++) {
		struct page_arg a = {cli_verbs[i], version};
		_cleanup_free_ char *name = xasprintf("brig-%s.8", cli_verbs[i]->name);
		if (write_with(man_dir, name, verb_page_fn, &a, err) < 0)
			return -1;
	}
	if (write_with(completion_dir, "brig", bash_fn, NULL, err) < 0 ||
	    write_with(completion_dir, "_brig", zsh_fn, NULL, err) < 0)
		return -1;
	return 0;
}
