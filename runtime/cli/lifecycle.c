// SPDX-License-Identifier: Apache-2.0
/* The verbs of the lifecycle runc's callers drive: create, start, state,
 * kill, delete. Each opens the container and calls runtime/container. */
#include "runtime/cli/cli.h"

#include <fcntl.h>

#define C(field) offsetof(struct create_opts, field)
const struct cli_opt cli_create_opts[] = {CLI_CREATE_OPTS(C)};

static int create(const struct global_opts *g, void *opts, char **args, size_t n,
		  struct brig_error *err)
{
	(void)n;
	struct create_opts *o = opts;
	o->console_sock_fd = -1;
	_cleanup_container_ struct container *c = lifecycle_create(g, args[0], o, err);
	return c ? 0 : -1;
}

const struct cli_verb cli_create = {
    .name = "create",
    .summary = "create a container from a bundle",
    .args = "ID",
    .description =
	"Creates the container ID from the bundle: its namespaces, mounts, cgroup and devices "
	"are made, the createRuntime and createContainer hooks run, and its process waits, "
	"blocked before it executes the program, until brig start ID. On any error nothing is "
	"left behind.",
    .opts = CLI_OPTS(cli_create_opts),
    .opts_size = sizeof(struct create_opts),
    .min_args = 1,
    .max_args = 1,
    .runc = true,
    .run = create,
};

static int start(const struct global_opts *g, void *opts, char **args, size_t n,
		 struct brig_error *err)
{
	(void)opts, (void)n;
	_cleanup_container_ struct container *c = container_open_at(g->root, args[0], err);
	return c ? lifecycle_start(c, err) : -1;
}

const struct cli_verb cli_start = {
    .name = "start",
    .summary = "run the user process of a created container",
    .args = "ID",
    .description = "Runs the startContainer hooks, lets the created container's process "
		   "execute its program, then runs the poststart hooks.",
    .min_args = 1,
    .max_args = 1,
    .runc = true,
    .run = start,
};

static int state(const struct global_opts *g, void *opts, char **args, size_t n,
		 struct brig_error *err)
{
	(void)opts, (void)n;
	_cleanup_container_ struct container *c = container_open_at(g->root, args[0], err);
	if (!c)
		return -1;
	container_status(&c->state);
	_cleanup_free_ char *text = spec_state_format_public(&c->state, true);
	printf("%s\n", text);
	return 0;
}

const struct cli_verb cli_state = {
    .name = "state",
    .summary = "print a container's state as JSON",
    .args = "ID",
    .description = "Prints the runtime-spec state of the container: ociVersion, id, status "
		   "(creating, created, running, paused or stopped), pid, bundle and "
		   "annotations, plus runc's rootfs, created and owner fields.",
    .min_args = 1,
    .max_args = 1,
    .runc = true,
    .run = state,
};

struct kill_opts {
	bool all;
};

static const struct cli_opt kill_opts[] = {
    {"all", 'a', CLI_FLAG, offsetof(struct kill_opts, all), NULL,
     "signal every process of the container's cgroup, not only its init", CLI_RUNC},
};

static int kill_verb(const struct global_opts *g, void *opts, char **args, size_t n,
		     struct brig_error *err)
{
	const struct kill_opts *o = opts;
	const char *name = n > 1 ? args[1] : "TERM";
	int sig = signal_parse(name);
	if (sig < 0)
		return err_set(err, EINVAL, "unknown signal '%s'", name);
	_cleanup_container_ struct container *c = container_open_at(g->root, args[0], err);
	return c ? lifecycle_kill(c, sig, o->all, err) : -1;
}

const struct cli_verb cli_kill = {
    .name = "kill",
    .summary = "send a signal to a container's init (default TERM)",
    .args = "ID [SIGNAL]",
    .description = "Sends SIGNAL (a name such as KILL or SIGKILL, RTMIN+3, or a number) to the "
		   "container's init process, found by its pidfd so that a reused pid is never "
		   "signalled.",
    .opts = CLI_OPTS(kill_opts),
    .opts_size = sizeof(struct kill_opts),
    .min_args = 1,
    .max_args = 2,
    .runc = true,
    .run = kill_verb,
};

struct delete_opts {
	bool force;
};

static const struct cli_opt delete_opts[] = {
    {"force", 'f', CLI_FLAG, offsetof(struct delete_opts, force), NULL,
     "kill a running container first; a missing container is not an error", CLI_RUNC},
};

static int delete (const struct global_opts *g, void *opts, char **args, size_t n,
		   struct brig_error *err)
{
	(void)n;
	const struct delete_opts *o = opts;
	_cleanup_container_ struct container *c = container_open_at(g->root, args[0], err);
	if (c)
		return lifecycle_delete(c, o->force, err);
	if (!o->force || err->errnum != ENOENT)
		return -1;
	/* --force of a missing id succeeds (runc; the shim calls delete then
	 * delete --force). A create killed midway leaves a directory without a
	 * record: remove it. */
	_cleanup_close_ int root_fd = open(g->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct brig_error ignored;
	if (root_fd >= 0 && container_id_validate(args[0], &ignored) == 0)
		rm_rf_at(root_fd, args[0], &ignored);
	return 0;
}

const struct cli_verb cli_delete = {
    .name = "delete",
    .summary = "delete a container and its state",
    .args = "ID",
    .description = "Deletes a stopped (or created) container: its network, what is left in its "
		   "cgroup, the poststop hooks, its state.",
    .opts = CLI_OPTS(delete_opts),
    .opts_size = sizeof(struct delete_opts),
    .min_args = 1,
    .max_args = 1,
    .runc = true,
    .run = delete,
};
