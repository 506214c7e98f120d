// SPDX-License-Identifier: Apache-2.0
/* The parent's plan of a container process: everything that can be decided
 * or fail before clone is done here (the child only applies it). */
#include "runtime/container/internal.h"

#include <sched.h>

/* linux.seccomp compiled here, in the parent (or read from the cache of
 * compiled filters); the child only loads it. A NOTIFY filter's agent is
 * connected now: listenerPath is a host path. */
int plan_seccomp(const struct spec *s, const char *cache_dir, struct child_plan *p,
		 struct brig_error *err)
{
	if (!s->linux.seccomp.present)
		return 0;
	struct filter_opts fo = {.cache_dir = cache_dir};
	struct filter *f = filter_compile(&s->linux.seccomp, &fo, err);
	if (!f)
		return -1;
	p->filter = f;
	log_debug("seccomp: %u instructions%s", (unsigned)f->prog.len,
		  f->from_cache ? " (cached)" : "");
	if (f->notify &&
	    (p->seccomp_sock = filter_listener_connect(s->linux.seccomp.listener_path, err)) < 0)
		return -1;
	return 0;
}

/* The planning that needs no child: everything that can fail does so here. */
int plan_child(const struct spec *s, const struct create_opts *o, const char *id,
	       const char *cache_dir, struct child_plan *p, struct brig_error *err)
{
	const struct spec_linux *l = &s->linux;
	p->spec = s;
	p->proc = &s->process;
	p->id = id;
	p->rootfs = s->root.abs_path;
	p->no_pivot = o->no_pivot;
	p->no_new_keyring = o->no_new_keyring;
	p->preserve_fds = o->preserve_fds;
	if (l->intel_rdt.present) /* features.md advertises intelRdt: disabled */
		return err_set(err, ENOTSUP, "linux.intelRdt: Intel RDT is not supported by brig");
	/* Without a mount namespace the container shares the runtime's, as the
	 * spec asks; its mounts then live under a bind of the rootfs. */
	p->host_mounts = !l->namespaces[SPEC_NS_MOUNT].present;
	for (int t = 0; t < SPEC_NS_COUNT; t++) {
		if (!l->namespaces[t].present)
			continue;
		if (l->namespaces[t].path)
			p->slow_path = true;
		else
			p->clone_flags |= spec_ns_clone_flag((enum spec_ns_type)t);
	}
	caps_plan(&s->process.capabilities, &p->caps);
	p->new_userns = (p->clone_flags & CLONE_NEWUSER) != 0;
	p->in_userns = p->new_userns || l->namespaces[SPEC_NS_USER].path || process_in_userns();
	if (l->time_offsets.monotonic.set || l->time_offsets.boottime.set)
		p->slow_path = true;
	if (plan_rootfs(p->rootfs, p, err) < 0 || plan_mounts(s, p, err) < 0 ||
	    plan_seccomp(s, cache_dir, p, err) < 0)
		return -1;
	return 0;
}

/* A name given twice keeps its first place and its last value, as runc's
 * init (os.Setenv for each entry): `exec --env PATH=...` overrides the
 * config's PATH, where libc's getenv would have found the first. */
static void env_set(char **env, size_t *n, char *kv)
{
	size_t len = strcspn(kv, "=");
	for (size_t i = 0; i < *n; i++)
		if (!strncmp(env[i], kv, len) && env[i][len] == '=' && kv[len] == '=') {
			free(env[i]);
			env[i] = kv;
			return;
		}
	env[(*n)++] = kv;
}

char **plan_env(const struct spec_process *proc, int listen_fds)
{
	size_t n = 0, max = strv_length(proc->env);
	char **env = xcalloc(max + 3, sizeof(char *));
	for (size_t i = 0; i < max; i++)
		env_set(env, &n, xstrdup(proc->env[i]));
	if (listen_fds > 0) {
		/* systemd socket activation passes through: the fds are the first
		 * preserved ones; the child puts its own pid in LISTEN_PID. */
		env_set(env, &n, xasprintf("LISTEN_FDS=%d", listen_fds));
		env_set(env, &n, xstrdup("LISTEN_PID="));
	}
	return env;
}

int plan_listen_fds(void)
{
	/* sd_listen_fds(3): the fds are ours only if LISTEN_PID names us. */
	const char *lf = getenv("LISTEN_FDS"), *lp = getenv("LISTEN_PID");
	int64_t v, pid;
	if (!lf || !lp || parse_int64(lp, 1, INT32_MAX, &pid) < 0 || pid != getpid())
		return 0;
	return parse_int64(lf, 0, 1024, &v) == 0 ? (int)v : 0;
}
