// SPDX-License-Identifier: Apache-2.0
/* checkpoint and restore: runc's verbs, over criu's RPC
 * (runtime/container/checkpoint.c, restore.c, criu.c). restore in the foreground
 * stays the container's parent like run: it forwards signals, reaps, deletes
 * the container when its init exits and exits with its status. */
#include "runtime/cli/cli.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static const char *const cgroups_modes[] = {"soft", "full", "strict", "ignore", NULL};

/* F: the offset of a struct criu_opts field in the verb's options struct. */
#define CRIU_OPTS(F)                                                                                 \
	{"image-path",	0,     CLI_STRING,                                                           \
	 F(image_path), "DIR", "the checkpoint image directory (default ./checkpoint)",              \
	 CLI_RUNC},                                                                                  \
	    {"work-path", 0,                                                                         \
	     CLI_STRING,  F(work_path),                                                              \
	     "DIR",	  "where criu writes its log and work files (default the image path)",       \
	     CLI_RUNC},                                                                              \
	    {"tcp-established", 0, CLI_FLAG, F(tcp_established), NULL, "allow open TCP connections", \
	     CLI_RUNC},                                                                              \
	    {"ext-unix-sk", 0, CLI_FLAG, F(ext_unix_sk), NULL, "allow external unix sockets",        \
	     CLI_RUNC},                                                                              \
	    {"shell-job",  0,	 CLI_FLAG,                                                           \
	     F(shell_job), NULL, "allow a session or terminal from outside the container",           \
	     CLI_RUNC},                                                                              \
	    {"file-locks", 0, CLI_FLAG, F(file_locks), NULL, "handle file locks", CLI_RUNC},         \
	    {"manage-cgroups-mode",                                                                  \
	     0,                                                                                      \
	     CLI_CHOICE,                                                                             \
	     F(manage_cgroups_mode),                                                                 \
	     "soft|full|strict|ignore",                                                              \
	     "how criu handles the cgroups (default soft)",                                          \
	     CLI_RUNC,                                                                               \
	     cgroups_modes},                                                                         \
	    {"empty-ns", 0,                                                                          \
	     CLI_LIST,	 F(empty_ns),                                                                \
	     "NS",	 "network: the namespace is made empty at restore instead of restored",      \
	     CLI_RUNC},                                                                              \
	    {"auto-dedup",  0,	  CLI_FLAG,                                                          \
	     F(auto_dedup), NULL, "deduplicate the memory images against the parent's",              \
	     CLI_RUNC},                                                                              \
	{                                                                                            \
		"lazy-pages", 0, CLI_FLAG, F(lazy_pages), NULL,                                      \
		    "memory restored lazily: checkpoint serves the pages, restore fetches them",     \
		    CLI_RUNC                                                                         \
	}

/* ---- checkpoint ---- */

#define K(field) offsetof(struct checkpoint_opts, cr.field)
#define KC(field) offsetof(struct checkpoint_opts, field)
static const struct cli_opt checkpoint_opts[] = {
    CRIU_OPTS(K),
    {"parent-path", 0, CLI_STRING, KC(parent_path), "DIR",
     "the previous (pre-dump) images, relative to the image path", CLI_RUNC},
    {"leave-running", 0, CLI_FLAG, KC(leave_running), NULL,
     "leave the container running after the checkpoint", CLI_RUNC},
    {"pre-dump", 0, CLI_FLAG, KC(pre_dump), NULL,
     "dump the memory only and leave the container running", CLI_RUNC},
    {"page-server", 0, CLI_STRING, KC(page_server), "ADDRESS:PORT",
     "send the pages to a criu page server (with --lazy-pages: serve them there)", CLI_RUNC},
    {"status-fd", 0, CLI_STRING, KC(status_fd), "FD",
     "with --lazy-pages: a \\0 is written to FD once the pages are served", CLI_RUNC},
};

static int checkpoint(const struct global_opts *g, void *opts, char **args, size_t n,
		      struct brig_error *err)
{
	(void)n;
	struct checkpoint_opts *o = opts;
	o->cr.criu = g->criu;
	_cleanup_container_ struct container *c = container_open_at(g->root, args[0], err);
	return c ? lifecycle_checkpoint(c, o, err) : -1;
}

const struct cli_verb cli_checkpoint = {
    .name = "checkpoint",
    .summary = "checkpoint a running container with criu",
    .args = "ID",
    .description =
	"Saves the state of the running container ID into the image directory with criu "
	"(criu dump; --pre-dump: criu pre-dump). The config's bind mounts, the masked files and "
	"the host's device nodes bound in are dumped as external mounts, which restore maps back "
	"to the config's sources. Unless --leave-running or --pre-dump, the container is stopped "
	"and deleted afterwards, as runc does.",
    .opts = CLI_OPTS(checkpoint_opts),
    .opts_size = sizeof(struct checkpoint_opts),
    .min_args = 1,
    .max_args = 1,
    .runc = true,
    .run = checkpoint,
};

/* ---- restore ---- */

struct restore_cli {
	struct restore_opts r;
	bool no_subreaper;
	bool no_pivot;
};

#define R(field) offsetof(struct restore_cli, r.cr.field)
#define RO(field) offsetof(struct restore_cli, r.field)
#define RC(field) offsetof(struct restore_cli, field)
static const struct cli_opt restore_opts[] = {
    CRIU_OPTS(R),
    {"bundle", 'b', CLI_STRING, RO(bundle), "DIR",
     "the bundle: config.json and the root filesystem (default .)", CLI_RUNC},
    {"detach", 'd', CLI_FLAG, RO(detach), NULL,
     "return once the container runs, instead of waiting for it", CLI_RUNC},
    {"pid-file", 0, CLI_STRING, RO(pid_file), "FILE", "write the restored init's pid to FILE",
     CLI_RUNC},
    {"console-socket", 0, CLI_STRING, RO(console_socket), "SOCK",
     "with process.terminal and --detach: where the new pty's master goes", CLI_RUNC},
    {"no-subreaper", 0, CLI_FLAG, RC(no_subreaper), NULL,
     "in the foreground, do not reap the container's orphans", CLI_RUNC},
    {"no-pivot", 0, CLI_FLAG, RC(no_pivot), NULL,
     "accepted for runc's callers (criu sets the root)", CLI_RUNC | CLI_IGNORED},
    {"lsm-profile", 0, CLI_STRING, RO(lsm_profile), "TYPE:NAME",
     "the LSM profile the restored processes get", CLI_RUNC},
    {"lsm-mount-context", 0, CLI_STRING, RO(lsm_mount_context), "CONTEXT",
     "the LSM mount context of the restored mounts", CLI_RUNC},
};

static int restore(const struct global_opts *g, void *opts, char **args, size_t n,
		   struct brig_error *err)
{
	(void)n;
	struct restore_cli *o = opts;
	o->r.cr.criu = g->criu;
	const char *id = args[0];
	sigset_t mask, old;
	cli_forwarded_signals(&mask);
	if (!o->r.detach) {
		/* signals are forwarded from the moment the container exists */
		sigprocmask(SIG_BLOCK, &mask, &old);
		if (!o->no_subreaper)
			prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	}
	struct container *c = lifecycle_restore(g, id, &o->r, err);
	if (!c || o->r.detach) {
		if (!o->r.detach)
			sigprocmask(SIG_SETMASK, &old, NULL);
		container_free(c);
		return c ? 0 : -1;
	}
	pid_t pid = c->state.pid;
	_cleanup_close_ int pidfd = steal_fd(&c->init_pidfd);
	/* the wait needs no lock: let state and kill in meanwhile */
	container_free(c);
	int status = foreground_wait(pid, pidfd, -1, &mask);
	cli_delete_after(g, id);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}

const struct cli_verb cli_restore = {
    .name = "restore",
    .summary = "restore a container from a checkpoint with criu",
    .args = "ID",
    .description =
	"Restores the container ID from the image directory (criu restore) into the bundle's "
	"root filesystem and config: its cgroup is made and limited from the config first, the "
	"external mounts of the checkpoint are mapped to the config's sources, and a network "
	"namespace the config names by path is joined. The restored container is then a running "
	"container like any other. In the foreground (the default) brig stays its parent, like "
	"run, and exits with its status; on any error nothing is left behind.",
    .opts = CLI_OPTS(restore_opts),
    .opts_size = sizeof(struct restore_cli),
    .min_args = 1,
    .max_args = 1,
    .runc = true,
    .run = restore,
};
