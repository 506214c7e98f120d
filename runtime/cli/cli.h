/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/cli: brig's command line, with runc's verbs and flags. Each verb is
 * a table of its options (name, argument, help, whether runc has it) that
 * one parser reads (options.c); the same tables make `--help`, the man pages
 * and the shell completions (doc.c). cli_main is the one place that prints
 * an error. Nothing below this folder calls into it. */
#pragma once

#include "runtime/container/container.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

/* The whole command line: returns the process's exit status. */
int cli_main(int argc, char **argv);
/* The default --root, runc's rule: $XDG_RUNTIME_DIR/brig when XDG_RUNTIME_DIR
 * is set and either brig is not root, or it runs in a user namespace and USER
 * is unset or not "root"; otherwise /run/brig. cli_root_rule is the rule
 * itself (buf holds the XDG path). */
const char *cli_default_root(void);
const char *cli_root_rule(uid_t euid, bool in_userns, const char *xdg, const char *user, char *buf,
			  size_t size);

/* ---- option tables ---- */

enum cli_type {
	CLI_FLAG,   /* bool; takes no argument */
	CLI_STRING, /* const char *, pointing into argv */
	CLI_COUNT,  /* int, 0 .. 65536 (fd counts) */
	CLI_LIST,   /* char **, NULL-terminated, the option may be repeated */
	CLI_CHOICE, /* int: the index of the argument in choices */
};

enum cli_opt_flags {
	CLI_RUNC = 1 << 0,    /* runc has this option, with the same meaning */
	CLI_IGNORED = 1 << 1, /* accepted for runc's callers, does nothing in brig */
};

struct cli_opt {
	const char *name; /* "bundle" is --bundle */
	char short_name;  /* 'b' is -b; 0: none */
	enum cli_type type;
	size_t offset;		    /* of the field in the verb's options struct */
	const char *arg;	    /* the argument's name in help ("DIR"); NULL for flags */
	const char *help;	    /* one line */
	unsigned flags;		    /* enum cli_opt_flags */
	const char *const *choices; /* CLI_CHOICE: NULL-terminated */
	const char *alias;	    /* another long name for the same option, or NULL */
};

#define CLI_ARGS_MAX 0xffffu

struct cli_verb {
	const char *name;	 /* "create", or "network create" for a subcommand */
	const char *summary;	 /* one line, lowercase, no period */
	const char *args;	 /* the positional arguments in help: "ID [SIGNAL]" */
	const char *description; /* the man page's paragraph; '\n\n' separates */
	const struct cli_opt *opts;
	size_t n_opts;
	size_t opts_size;   /* the options struct, zeroed before parsing */
	unsigned min_args;  /* positional arguments */
	unsigned max_args;  /* CLI_ARGS_MAX: any number */
	unsigned raw_after; /* 0, or: after this many arguments the rest are the
			     * container's (exec's COMMAND, ps's ps(1) options) */
	int error_status;   /* the exit status of brig's own errors (0: 1) */
	bool runc;	    /* runc has this verb */
	/* 0 success, -1 error in err, > 0 an exit status (run, exec, check). */
	int (*run)(const struct global_opts *g, void *opts, char **args, size_t n,
		   struct brig_error *err);
	const struct cli_verb *const *subs; /* subcommands (network, seccomp); NULL-terminated */
};

#define CLI_OPTS(table) (table), ARRAY_SIZE(table)

/* create's options, shared with run: F(field) is the offset of a struct
 * create_opts field in the verb's options struct. */
#define CLI_CREATE_OPTS(F)                                                                           \
	{"bundle",  'b',   CLI_STRING,                                                               \
	 F(bundle), "DIR", "the bundle: config.json and the root filesystem (default .)",            \
	 CLI_RUNC},                                                                                  \
	    {"console-socket",                                                                       \
	     0,                                                                                      \
	     CLI_STRING,                                                                             \
	     F(console_socket),                                                                      \
	     "SOCK",                                                                                 \
	     "with process.terminal: the AF_UNIX socket the pty master is sent to",                  \
	     CLI_RUNC},                                                                              \
	    {"pid-file", 0, CLI_STRING, F(pid_file), "FILE", "write the init's pid to FILE",         \
	     CLI_RUNC},                                                                              \
	    {"no-pivot", 0,                                                                          \
	     CLI_FLAG,	 F(no_pivot),                                                                \
	     NULL,	 "move the root with MS_MOVE instead of pivot_root (a rootfs on a ramdisk)", \
	     CLI_RUNC},                                                                              \
	    {"no-new-keyring",	0,    CLI_FLAG,                                                      \
	     F(no_new_keyring), NULL, "keep the caller's session keyring",                           \
	     CLI_RUNC},                                                                              \
	    {"preserve-fds",  0,   CLI_COUNT,                                                        \
	     F(preserve_fds), "N", "pass N fds after stdio (3 .. 3+N-1) to the process",             \
	     CLI_RUNC},                                                                              \
	{                                                                                            \
		"network", 0, CLI_STRING, F(network), "NAME[:ADDR]",                                 \
		    "join brig network NAME (none: no network)", 0                                   \
	}

/* Every verb, in `brig --help` order (NULL-terminated), and the global options. */
extern const struct cli_verb *const cli_verbs[];
extern const struct cli_verb cli_global;

/* Parses argv (argv[0] is the verb) into opts, per v's table: options may
 * come before, between and after the positional arguments (runc's callers put
 * them after the id), "--" ends them, and every argument is either an option
 * of the table or a positional one v takes: anything else is an error naming
 * it. Returns 1 when --help was printed, 0 with the positional arguments in
 * *ret_args (malloc'd, pointing into argv), or -1. */
int cli_parse(const struct cli_verb *v, int argc, char **argv, void *opts, char ***ret_args,
	      size_t *ret_n, struct brig_error *err);
/* Frees what cli_parse allocated in opts (CLI_LIST arrays). */
void cli_opts_clear(const struct cli_verb *v, void *opts);
/* `brig VERB --help`: usage line, summary, options. */
void cli_print_help(const struct cli_verb *v, FILE *out);
/* `brig --help`. */
void cli_print_usage(FILE *out);
/* Deletes a foreground container that has ended (run, restore without -d);
 * a failure is a warning. */
void cli_delete_after(const struct global_opts *g, const char *id);
/* What a foreground run or restore blocks and forwards to the container:
 * every signal but the synchronous faults, which stay brig's own. */
void cli_forwarded_signals(sigset_t *mask);
/* The verb (or, with a subcommand table, the subcommand) named by name. */
const struct cli_verb *cli_find(const struct cli_verb *const *verbs, const char *name);
/* Runs a verb from argv (argv[0] its name): parse, run, free. */
int cli_run_verb(const struct cli_verb *v, const struct global_opts *g, int argc, char **argv,
		 struct brig_error *err);

/* ---- the verbs (one file per group) ---- */

extern const struct cli_verb cli_create, cli_start, cli_state, cli_kill, cli_delete, cli_run;
extern const struct cli_verb cli_exec, cli_list, cli_spec, cli_ps, cli_pause, cli_resume;
extern const struct cli_verb cli_update, cli_events, cli_features, cli_check, cli_seccomp;
extern const struct cli_verb cli_network, cli_checkpoint, cli_restore;

/* ---- signals (signals.c) ---- */

/* "KILL", "SIGKILL", "sigkill", "9", "RTMIN+3" -> number; -1 if unknown. */
int signal_parse(const char *s);
const char *signal_name(int sig); /* 9 -> "KILL"; NULL if none */

/* ---- documentation from the tables (doc.c) ---- */

/* Writes brig.8 and brig-VERB.8 into man_dir, and the bash and zsh
 * completions (brig, _brig) into completion_dir. */
int cli_doc_write(const char *man_dir, const char *completion_dir, const char *version,
		  struct brig_error *err);
