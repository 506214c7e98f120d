// SPDX-License-Identifier: Apache-2.0
/* process: in config.json and alone, as `exec --process` passes it. */
#include "spec/internal.h"

#include <fcntl.h>
#include <linux/sched.h>

#ifndef SCHED_FLAG_UTIL_CLAMP_MIN
#define SCHED_FLAG_KEEP_POLICY 0x08
#define SCHED_FLAG_KEEP_PARAMS 0x10
#define SCHED_FLAG_UTIL_CLAMP_MIN 0x20
#define SCHED_FLAG_UTIL_CLAMP_MAX 0x40
#endif

static int parse_console_size(struct pctx *c, json_t *v, void *out)
{
	struct spec_process *p = out;
	if (get_u32(c, v, "height", REQ, &p->console_size.height) < 0 ||
	    get_u32(c, v, "width", REQ, &p->console_size.width) < 0)
		return -1;
	p->console_size.set = true;
	return 0;
}

struct u32_array {
	uint32_t **items;
	size_t *n;
};

static int u32_array_value(struct pctx *c, json_t *v, void *arg)
{
	struct u32_array *a = arg;
	if (!json_is_array(v))
		return perr(c, "expected an array");
	size_t n = json_array_size(v);
	*a->items = n ? xcalloc(n, sizeof(uint32_t)) : NULL;
	*a->n = n;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = 0;
		size_t mark = path_index(c, i);
		int r = v_u64(c, json_array_get(v, i), UINT32_MAX, &x);
		path_pop(c, mark);
		if (r < 0)
			return -1;
		(*a->items)[i] = (uint32_t)x;
	}
	return 0;
}

/* uid and gid are REQUIRED in config.md but not in the schema; like runc
 * (Go's zero values) an absent one is 0. */
static int parse_user(struct pctx *c, json_t *v, void *out)
{
	struct spec_user *u = out;
	struct u32_array gids = {&u->additional_gids, &u->n_additional_gids};
	if (get_u32(c, v, "uid", OPT, &u->uid) < 0 || get_u32(c, v, "gid", OPT, &u->gid) < 0 ||
	    get_opt_u64(c, v, "umask", UINT32_MAX, &u->umask) < 0 ||
	    get_field(c, v, "additionalGids", OPT, u32_array_value, &gids) < 0)
		return -1;
	return 0;
}

static int cap_set_value(struct pctx *c, json_t *v, void *arg)
{
	uint64_t *mask = arg;
	if (!json_is_array(v))
		return perr(c, "expected an array");
	for (size_t i = 0; i < json_array_size(v); i++) {
		const char *name = NULL;
		size_t mark = path_index(c, i);
		int r = v_string(c, json_array_get(v, i), &name);
		int cap = r < 0 ? -1 : spec_cap_from_name(name);
		if (r == 0 && cap < 0)
			r = perr(c, "unknown capability \"%s\"", name);
		path_pop(c, mark);
		if (r < 0)
			return -1;
		*mask |= UINT64_C(1) << cap;
	}
	return 0;
}

static int parse_capabilities(struct pctx *c, json_t *v, void *out)
{
	struct spec_capabilities *caps = out;
	struct {
		const char *key;
		uint64_t *mask;
	} sets[] = {
	    {"bounding", &caps->bounding},	 {"effective", &caps->effective},
	    {"inheritable", &caps->inheritable}, {"permitted", &caps->permitted},
	    {"ambient", &caps->ambient},
	};
	caps->present = true;
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
		if (get_field(c, v, sets[i].key, OPT, cap_set_value, sets[i].mask) < 0)
			return -1;
	return 0;
}

static int parse_rlimit(struct pctx *c, json_t *v, void *out)
{
	struct spec_rlimit *r = out;
	_cleanup_free_ char *type = NULL;

	if (get_string(c, v, "type", REQ, &type) < 0)
		return -1;
	r->resource = spec_rlimit_from_name(type);
	if (r->resource < 0)
		return perr_at(c, "type", "unknown rlimit \"%s\"", type);
	if (get_u64(c, v, "soft", REQ, UINT64_MAX, &r->soft) < 0 ||
	    get_u64(c, v, "hard", REQ, UINT64_MAX, &r->hard) < 0)
		return -1;
	if (r->soft > r->hard) /* setrlimit() would fail with EINVAL */
		return perr(c, "soft limit %" PRIu64 " exceeds hard limit %" PRIu64, r->soft,
			    r->hard);
	return 0;
}

/* config.md: duplicated rlimit types MUST be an error. */
static int check_rlimits(struct pctx *c, const struct spec_process *p)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		for (size_t j = 0; j < i; j++) {
			if (p->rlimits[i].resource != p->rlimits[j].resource)
				continue;
			size_t mark = path_key(c, "rlimits");
			path_index(c, i);
			perr_at(c, "type", "duplicate rlimit \"%s\"",
				rlimit_name(p->rlimits[i].resource));
			path_pop(c, mark);
			return -1;
		}
	}
	return 0;
}

static const struct name_value sched_policies[] = {
    {"SCHED_OTHER", SPEC_SCHED_OTHER},
    {"SCHED_FIFO", SPEC_SCHED_FIFO},
    {"SCHED_RR", SPEC_SCHED_RR},
    {"SCHED_BATCH", SPEC_SCHED_BATCH},
    {"SCHED_ISO", SPEC_SCHED_ISO},
    {"SCHED_IDLE", SPEC_SCHED_IDLE},
    {"SCHED_DEADLINE", SPEC_SCHED_DEADLINE},
};

static const struct name_value sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK},
    {"SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM},
    {"SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN},
    {"SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY},
    {"SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX},
};

static int parse_scheduler(struct pctx *c, json_t *v, void *out)
{
	struct spec_scheduler *s = out;
	long policy = 0;
	int64_t nice = 0, prio = 0;

	if (get_enum(c, v, "policy", REQ, sched_policies, ARRAY_SIZE(sched_policies),
		     "scheduler policy", &policy) < 0 ||
	    get_i64(c, v, "nice", OPT, INT32_MIN, INT32_MAX, &nice) < 0 ||
	    check_between(c, "nice", nice, -20, 19) < 0 ||
	    get_i64(c, v, "priority", OPT, INT32_MIN, INT32_MAX, &prio) < 0 ||
	    get_flags(c, v, "flags", sched_flags, ARRAY_SIZE(sched_flags), "scheduler flag",
		      &s->flags) < 0 ||
	    get_u64(c, v, "runtime", OPT, UINT64_MAX, &s->runtime) < 0 ||
	    get_u64(c, v, "deadline", OPT, UINT64_MAX, &s->deadline) < 0 ||
	    get_u64(c, v, "period", OPT, UINT64_MAX, &s->period) < 0)
		return -1;
	s->present = true;
	s->policy = (enum spec_sched_policy)policy;
	s->nice = (int32_t)nice;
	s->priority = (int32_t)prio;
	return 0;
}

static const struct name_value ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", SPEC_IOPRIO_CLASS_RT},
    {"IOPRIO_CLASS_BE", SPEC_IOPRIO_CLASS_BE},
    {"IOPRIO_CLASS_IDLE", SPEC_IOPRIO_CLASS_IDLE},
};

static int parse_io_priority(struct pctx *c, json_t *v, void *out)
{
	struct spec_io_priority *io = out;
	long class = 0;
	int64_t prio = 0;

	if (get_enum(c, v, "class", REQ, ioprio_classes, ARRAY_SIZE(ioprio_classes),
		     "I/O priority class", &class) < 0 ||
	    get_i64(c, v, "priority", OPT, INT32_MIN, INT32_MAX, &prio) < 0 ||
	    check_between(c, "priority", prio, 0, 7) < 0)
		return -1;
	io->present = true;
	io->class = (enum spec_ioprio_class) class;
	io->priority = (int32_t)prio;
	return 0;
}

static int parse_affinity(struct pctx *c, json_t *v, void *out)
{
	struct spec_process *p = out;
	if (get_string_checked(c, v, "initial", OPT, check_cpu_list,
			       &p->exec_cpu_affinity_initial) < 0 ||
	    get_string_checked(c, v, "final", OPT, check_cpu_list, &p->exec_cpu_affinity_final) < 0)
		return -1;
	return 0;
}

static int parse_linux_process(struct pctx *c, json_t *v, struct spec_process *p)
{
	int64_t oom = 0;
	int r = get_i64(c, v, "oomScoreAdj", OPT, INT32_MIN, INT32_MAX, &oom);
	if (r < 0 || check_between(c, "oomScoreAdj", oom, -1000, 1000) < 0)
		return -1;
	p->oom_score_adj.set = r == 1;
	p->oom_score_adj.value = oom;
	if (get_object(c, v, "capabilities", OPT, parse_capabilities, &p->capabilities) < 0 ||
	    get_array(c, v, "rlimits", OPT, sizeof(struct spec_rlimit), parse_rlimit, &p->rlimits,
		      &p->n_rlimits) < 0 ||
	    check_rlimits(c, p) < 0 ||
	    get_bool(c, v, "noNewPrivileges", OPT, &p->no_new_privileges) < 0 ||
	    get_string(c, v, "apparmorProfile", OPT, &p->apparmor_profile) < 0 ||
	    get_string(c, v, "selinuxLabel", OPT, &p->selinux_label) < 0 ||
	    get_object(c, v, "scheduler", OPT, parse_scheduler, &p->scheduler) < 0 ||
	    get_object(c, v, "ioPriority", OPT, parse_io_priority, &p->io_priority) < 0 ||
	    get_object(c, v, "execCPUAffinity", OPT, parse_affinity, p) < 0)
		return -1;
	return 0;
}

int parse_process(struct pctx *c, json_t *v, void *out)
{
	struct spec_process *p = out;
	if (get_bool(c, v, "terminal", OPT, &p->terminal) < 0 ||
	    get_object(c, v, "consoleSize", OPT, parse_console_size, p) < 0 ||
	    get_object(c, v, "user", OPT, parse_user, &p->user) < 0 ||
	    get_strv(c, v, "args", REQ, check_arg_len, &p->args) < 0)
		return -1;
	/* config.md: at least one entry, used as execvp's file */
	if (!p->args[0])
		return perr_at(c, "args", "must not be empty");
	if (get_strv(c, v, "env", OPT, check_env, &p->env) < 0 ||
	    get_path(c, v, "cwd", REQ, &p->cwd) < 0)
		return -1;
	return parse_linux_process(c, v, p);
}

void process_clear(struct spec_process *p)
{
	free(p->user.additional_gids);
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->exec_cpu_affinity_initial);
	free(p->exec_cpu_affinity_final);
	memset(p, 0, sizeof(*p));
}

void spec_process_free(struct spec_process *p)
{
	if (!p)
		return;
	process_clear(p);
	free(p);
}

static void process_freep(struct spec_process **p)
{
	spec_process_free(*p);
}

struct spec_process *spec_process_parse(const char *text, const char *name, struct brig_error *err)
{
	_cleanup_(pctx_done) struct pctx c = pctx_make(name, err);
	_cleanup_json_ json_t *root = pctx_load(&c, text);
	if (!root)
		return NULL;
	_cleanup_(process_freep) struct spec_process *p = xcalloc(1, sizeof(*p));
	if (parse_process(&c, root, p) < 0)
		return NULL;
	return steal_ptr(&p);
}

struct spec_process *spec_process_load(const char *path, struct brig_error *err)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, &text, NULL, err) < 0)
		return NULL;
	const char *slash = strrchr(path, '/');
	return spec_process_parse(text, slash ? slash + 1 : path, err);
}
