/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp: linux.seccomp compiled with libseccomp into a BPF program in the
 * parent, before the container process exists (and kept in a cache keyed by
 * a hash of the profile, so a repeated profile skips libseccomp), and loaded
 * in the container process with seccomp(2), which allocates nothing. Also
 * the hand-over of an SCMP_ACT_NOTIFY filter's listener fd to the agent. */
#pragma once

#include "base/base.h"
#include "spec/spec.h"

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

/* What the running kernel supports of seccomp: it decides which actions and
 * flags a filter may use, and a cached filter is valid only for the same. */
struct filter_features {
	uint32_t actions; /* bit (1 << enum spec_seccomp_action) per available action */
	uint32_t flags;	  /* SECCOMP_FILTER_FLAG_* accepted by seccomp(2) */
};

/* Asks the kernel (SECCOMP_GET_ACTION_AVAIL, and seccomp(2) with a NULL
 * program, which fails with EFAULT for a known flag and changes nothing). */
void filter_features_probe(struct filter_features *ret);

struct filter_opts {
	const char *arch;      /* the machine the filter is for (spec_arch_lookup's names);
				* NULL: this one. It replaces libseccomp's native arch. */
	const char *cache_dir; /* compiled filters are kept here (created 0700; a directory
				* not owned by us or open to others is not used); NULL: none */
	const struct filter_features *features; /* NULL: filter_features_probe() */
	const char *doc;			/* for errors: "config.json" (default) */
	const char *path; /* JSON path of the profile in doc: ".linux.seccomp" (default);
			   * "" for a profile that is the whole document */
};

struct filter {
	struct sock_fprog prog; /* what seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog) takes */
	unsigned int flags;	/* SECCOMP_FILTER_FLAG_*: the config's, plus NEW_LISTENER
				 * (and TSYNC_ESRCH with TSYNC) when notify is set */
	bool notify;		/* SCMP_ACT_NOTIFY rules: filter_load returns the listener fd */
	long send_syscall;	/* SYS_sendmsg or SYS_sendmmsg: whichever the filter does not
				 * send to the agent, to pass it the listener fd */
	bool from_cache;	/* read from the cache rather than compiled */
	char key[65];		/* the cache key (hex SHA-256) */
};

/* Compiles s for o->arch. Errors name o->doc and the JSON path of what
 * libseccomp or the kernel refuses (".linux.seccomp.flags[1]: ..."); a
 * syscall name unknown to this libseccomp is skipped with a debug log, as
 * runc and crun do. A rule whose action is the default action is dropped,
 * as runc does; args repeating an index become one rule per arg (OR). */
struct filter *filter_compile(const struct spec_seccomp *s, const struct filter_opts *o,
			      struct brig_error *err);
void filter_free(struct filter *f);
static inline void filter_freep(struct filter **f)
{
	filter_free(*f);
}
#define _cleanup_filter_ _cleanup_(filter_freep)

/* The raw BPF program: prog.len * sizeof(struct sock_filter) bytes. */
static inline size_t filter_size(const struct filter *f)
{
	return f->prog.len * sizeof(struct sock_filter);
}

/* In the container process: installs the filter. Returns the listener fd
 * (close-on-exec) when f->notify, else 0; -1 with err. Allocates nothing.
 * Without no_new_privs it needs CAP_SYS_ADMIN (EACCES otherwise). */
int filter_load(const struct filter *f, struct brig_error *err);

/* libseccomp's pseudo filter code for s (`brig seccomp explain`), to fd. */
int filter_explain(const struct spec_seccomp *s, const struct filter_opts *o, int fd,
		   struct brig_error *err);

/* The agent hand-over (config-linux.md listenerPath, runtime.md "Seccomp
 * State"), in the container process:
 *   sock = filter_listener_connect(path)   before filter_load: socket and
 *                                          connect may be in the notify set
 *   fd = filter_load(f)
 *   filter_listener_send(sock, fd, f, state, len)
 * The send is one sendmsg (or sendmmsg, when sendmsg is in the notify set)
 * carrying the state JSON (spec_seccomp_state_format, built beforehand) and
 * the fd as SCM_RIGHTS: no other syscall runs between loading the filter and
 * the agent holding the fd. Both fds are close-on-exec. */
int filter_listener_connect(const char *path, struct brig_error *err);
int filter_listener_send(int sock, int notify_fd, const struct filter *f, const char *payload,
			 size_t len, struct brig_error *err);
