/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/cli: brig's command line, runc's flags. The verb table, the global
 * options, one file per verb group, and the one place that prints an error
 * (cli_main). Nothing below it calls into it. */
#pragma once

#include "runtime/container/container.h"

#include <stdio.h>

/* The whole command line: returns the process's exit status. */
int cli_main(int argc, char **argv);
/* /run/brig for root, $XDG_RUNTIME_DIR/brig (or /tmp/brig-UID) for others. */
const char *cli_default_root(void);

struct verb {
	const char *name;
	const char *summary;
	const char *usage; /* the text of `brig VERB --help` after "usage: brig " */
	int (*run)(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
};

/* A verb's return: 0 success, -1 error in err, or > 0 an exit status to return
 * as is (run's container status, `check` finding something). */
int verb_create(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_start(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_state(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_kill(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_delete(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_run(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_list(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_spec(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_exec(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_seccomp(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_check(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_features(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_pause(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_resume(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_ps(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_update(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_events(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_network(const struct global_opts *g, int argc, char **argv, struct brig_error *err);

/* Prints the verb's usage to stdout; used by `VERB --help` and by argument errors. */
void verb_usage(const char *name, FILE *out);
/* Shared option parsing helpers: a bad or missing argument is an error naming it. */
int parse_id_arg(const char *verb, int argc, char **argv, int optind_, const char **ret_id,
		 struct brig_error *err);
/* create's and run's options (run adds --detach, --keep). 1: help printed. */
int parse_create_opts(const char *verb, int argc, char **argv, struct create_opts *o, bool *detach,
		      bool *keep, const char **ret_id, struct brig_error *err);

/* ---- signals (signals.c) ---- */

/* "KILL", "SIGKILL", "sigkill", "9", "RTMIN+3" -> number; -1 if unknown. */
int signal_parse(const char *s);
const char *signal_name(int sig); /* 9 -> "KILL"; NULL if none */
