// SPDX-License-Identifier: Apache-2.0
/* linux.seccomp -> libseccomp filter -> BPF, in the parent. What the kernel
 * or this libseccomp cannot do is an error naming the JSON path; a syscall
 * name this libseccomp does not know is skipped (runc and crun do the same:
 * a profile lists calls of newer kernels and other architectures). */
#include "seccomp/internal.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5) /* Linux 5.19 */
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4) /* Linux 5.7 */
#endif

/* libseccomp's binary tree of syscalls pays off for long lists; runc's
 * threshold (libseccomp <= 2.5.4 misbehaves with it and no rules). */
#define OPTIMIZE_MIN_RULES 32

static const struct {
	const char *name;
	unsigned long flag;
} flag_names[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

uint32_t scmp_version(void)
{
	const struct scmp_version *v = seccomp_version();
	return v->major << 16 | v->minor << 8 | v->micro;
}

/* "<doc>: <path><suffix>: <message>" */
static int cerr(const struct compile *c, int errnum, const char *suffix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int cerr(const struct compile *c, int errnum, const char *suffix, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(c->err, errnum ? errnum : EINVAL, "%s: %s%s: %s", c->doc, c->path, suffix,
		       msg);
}

static uint32_t scmp_action(enum spec_seccomp_action a, const struct spec_u64 *ret)
{
	uint16_t e = ret && ret->set ? (uint16_t)ret->value : EPERM; /* runc's default */
	switch (a) {
	case SPEC_SCMP_KILL:
		return SCMP_ACT_KILL;
	case SPEC_SCMP_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case SPEC_SCMP_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case SPEC_SCMP_TRAP:
		return SCMP_ACT_TRAP;
	case SPEC_SCMP_ERRNO:
		return SCMP_ACT_ERRNO(e);
	case SPEC_SCMP_TRACE:
		return SCMP_ACT_TRACE(e);
	case SPEC_SCMP_LOG:
		return SCMP_ACT_LOG;
	case SPEC_SCMP_NOTIFY:
		return SCMP_ACT_NOTIFY;
	case SPEC_SCMP_ALLOW:
		break;
	}
	return SCMP_ACT_ALLOW;
}

/* An action the kernel has, with an errno seccomp can return (16 bits). */
static int check_action(const struct compile *c, const char *where, enum spec_seccomp_action a,
			const struct spec_u64 *ret, const char *ret_where)
{
	if (!(c->features.actions & (1u << a)))
		return cerr(c, EOPNOTSUPP, where, "%s is not supported by this kernel",
			    spec_seccomp_action_name(a));
	if (ret && ret->set && ret->value > UINT16_MAX)
		return cerr(c, ERANGE, ret_where, "%" PRIu64 " is out of range (at most %u)",
			    ret->value, UINT16_MAX);
	return 0;
}

static enum scmp_compare scmp_op(enum spec_seccomp_op op)
{
	static const enum scmp_compare ops[] = {
	    [SPEC_SCMP_CMP_NE] = SCMP_CMP_NE,
	    [SPEC_SCMP_CMP_LT] = SCMP_CMP_LT,
	    [SPEC_SCMP_CMP_LE] = SCMP_CMP_LE,
	    [SPEC_SCMP_CMP_EQ] = SCMP_CMP_EQ,
	    [SPEC_SCMP_CMP_GE] = SCMP_CMP_GE,
	    [SPEC_SCMP_CMP_GT] = SCMP_CMP_GT,
	    [SPEC_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};
	return ops[op];
}

/* libseccomp compares each argument at most once per rule: args that repeat
 * an index become one rule per arg, which ORs them (runc's behaviour). */
static bool repeats_index(const struct spec_seccomp_syscall *sc)
{
	for (size_t i = 0; i < sc->n_args; i++)
		for (size_t j = 0; j < i; j++)
			if (sc->args[i].index == sc->args[j].index)
				return true;
	return false;
}

static int add_name(scmp_filter_ctx ctx, const struct compile *c, const char *where,
		    const struct spec_seccomp_syscall *sc, uint32_t act, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);
	int r = 0;
	if (nr == __NR_SCMP_ERROR) {
		uint32_t v = scmp_version();
		log_debug("seccomp: syscall '%s' unknown to libseccomp %u.%u.%u: skipped", name,
			  v >> 16, (v >> 8) & 0xff, v & 0xff);
		return 0;
	}
	_cleanup_free_ struct scmp_arg_cmp *cmp = xcalloc(sc->n_args, sizeof(*cmp));
	for (size_t i = 0; i < sc->n_args; i++)
		cmp[i] = (struct scmp_arg_cmp){sc->args[i].index, scmp_op(sc->args[i].op),
					       sc->args[i].value, sc->args[i].value_two};
	if (repeats_index(sc)) {
		for (size_t i = 0; r == 0 && i < sc->n_args; i++)
			r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[i]);
	} else {
		r = seccomp_rule_add_array(ctx, act, nr, (unsigned)sc->n_args, cmp);
	}
	if (r < 0)
		return cerr(c, -r, where, "libseccomp refused the rule for '%s': %s", name,
			    strerror(-r));
	return 0;
}

static int add_syscall(scmp_filter_ctx ctx, const struct compile *c, size_t i,
		       const struct spec_seccomp_syscall *sc, uint32_t def)
{
	char where[64], ret_where[80];
	snprintf(where, sizeof(where), ".syscalls[%zu]", i);
	snprintf(ret_where, sizeof(ret_where), "%s.errnoRet", where);
	if (check_action(c, where, sc->action, &sc->errno_ret, ret_where) < 0)
		return -1;
	uint32_t act = scmp_action(sc->action, &sc->errno_ret);
	if (act == def)
		return 0; /* libseccomp refuses it (EACCES); runc drops it too */
	for (size_t j = 0; sc->names[j]; j++) {
		char at[96];
		snprintf(at, sizeof(at), "%s.names[%zu]", where, j);
		if (add_name(ctx, c, at, sc, act, sc->names[j]) < 0)
			return -1;
	}
	return 0;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token. */
static uint32_t arch_token(const char *spec_name)
{
	char lib[32];
	size_t n = 0;
	for (const char *p = spec_name + strlen("SCMP_ARCH_"); *p && n < sizeof(lib) - 1; p++)
		lib[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	lib[n] = '\0';
	return seccomp_arch_resolve_name(lib);
}

static int add_arches(scmp_filter_ctx ctx, const struct compile *c, const struct spec_seccomp *s)
{
	if (c->arch != seccomp_arch_native()) {
		/* first out: one filter cannot mix byte orders */
		int r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (r == 0)
			r = seccomp_arch_add(ctx, c->arch);
		if (r < 0)
			return cerr(c, -r, "", "libseccomp cannot target the architecture: %s",
				    strerror(-r));
	}
	for (size_t i = 0; s->architectures && s->architectures[i]; i++) {
		char where[64];
		snprintf(where, sizeof(where), ".architectures[%zu]", i);
		uint32_t token = arch_token(s->architectures[i]);
		if (token == 0)
			return cerr(c, EOPNOTSUPP, where, "%s is not supported by libseccomp %u.%u",
				    s->architectures[i], scmp_version() >> 16,
				    (scmp_version() >> 8) & 0xff);
		int r = seccomp_arch_add(ctx, token);
		if (r < 0 && r != -EEXIST)
			return cerr(c, -r, where, "libseccomp refused %s: %s", s->architectures[i],
				    strerror(-r));
	}
	return 0;
}

/* The stub of enosys.c for the filter's arches: the target, then the
 * profile's. */
static void plan_enosys(const struct spec_seccomp *s, const struct compile *c,
			struct enosys_plan *ret)
{
	uint32_t tokens[ENOSYS_MAX_ARCHES];
	size_t n = 0;
	for (size_t i = 0; s->architectures && s->architectures[i] && n < ARRAY_SIZE(tokens); i++)
		if ((tokens[n] = arch_token(s->architectures[i])) != 0)
			n++;
	enosys_plan(s, c->arch, tokens, n, ret);
}

static void ctx_release(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* The libseccomp filter for s; NULL with err. */
static scmp_filter_ctx build(const struct spec_seccomp *s, const struct compile *c)
{
	if (check_action(c, ".defaultAction", s->default_action, &s->default_errno_ret,
			 ".defaultErrnoRet") < 0)
		return NULL;
	uint32_t def = scmp_action(s->default_action, &s->default_errno_ret);
	_cleanup_(ctx_release) scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx) {
		cerr(c, EINVAL, ".defaultAction", "libseccomp refused %s",
		     spec_seccomp_action_name(s->default_action));
		return NULL;
	}
	if (add_arches(ctx, c, s) < 0)
		return NULL;
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (add_syscall(ctx, c, i, &s->syscalls[i], def) < 0)
			return NULL;
	if (s->n_syscalls > OPTIMIZE_MIN_RULES &&
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		log_debug("seccomp: libseccomp has no binary tree optimization");
	return steal_ptr(&ctx);
}

static bool notified(const struct spec_seccomp *s, const char *name)
{
	for (size_t i = 0; i < s->n_syscalls; i++) {
		if (s->syscalls[i].action != SPEC_SCMP_NOTIFY)
			continue;
		for (char **n = s->syscalls[i].names; *n; n++)
			if (strcmp(*n, name) == 0)
				return true;
	}
	return false;
}

/* The seccomp(2) flags and the syscall that will carry the listener fd. */
static int load_flags(const struct spec_seccomp *s, const struct compile *c, struct filter *f)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		f->notify |= s->syscalls[i].action == SPEC_SCMP_NOTIFY;
	for (size_t i = 0; s->flags && s->flags[i]; i++) {
		char where[64];
		unsigned long flag = 0;
		snprintf(where, sizeof(where), ".flags[%zu]", i);
		for (size_t k = 0; k < ARRAY_SIZE(flag_names); k++)
			if (strcmp(s->flags[i], flag_names[k].name) == 0)
				flag = flag_names[k].flag;
		if (!flag || !(c->features.flags & flag))
			return cerr(c, EOPNOTSUPP, where, "%s is not supported by this kernel",
				    s->flags[i]);
		if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !f->notify)
			return cerr(c, EINVAL, where, "%s needs SCMP_ACT_NOTIFY rules",
				    s->flags[i]);
		f->flags |= (unsigned)flag;
	}
	if (!f->notify)
		return 0;
	f->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	if (f->flags & SECCOMP_FILTER_FLAG_TSYNC) /* else the kernel refuses the pair */
		f->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	f->send_syscall = !notified(s, "sendmsg")    ? SYS_sendmsg
			  : !notified(s, "sendmmsg") ? SYS_sendmmsg
						     : -1;
	if (f->send_syscall < 0)
		return cerr(c, EINVAL, ".syscalls",
			    "SCMP_ACT_NOTIFY for both sendmsg and "
			    "sendmmsg: the listener fd could not be sent");
	return 0;
}

struct filter *filter_new(const void *insns, size_t n)
{
	struct filter *f = xcalloc(1, sizeof(*f));
	f->prog.len = (unsigned short)n;
	f->prog.filter = xcalloc(n, sizeof(struct sock_filter));
	memcpy(f->prog.filter, insns, n * sizeof(struct sock_filter));
	return f;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	free(f->prog.filter);
	free(f);
}

/* seccomp_export_bpf() writes to an fd (libseccomp 2.6 adds a memory
 * variant): a memfd. */
static struct filter *export_bpf(scmp_filter_ctx ctx, const struct compile *c)
{
	_cleanup_close_ int fd = memfd_create("brig-seccomp", MFD_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		err_sys(c->err, "memfd_create");
		return NULL;
	}
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0) {
		cerr(c, -r, "", "libseccomp could not generate the filter: %s", strerror(-r));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		err_sys(c->err, "read the compiled filter");
		return NULL;
	}
	size_t n = (size_t)st.st_size / sizeof(struct sock_filter);
	if (n == 0 || n > BPF_MAXINSNS) {
		cerr(c, E2BIG, "", "the filter has %zu instructions; the kernel takes at most %d",
		     n, BPF_MAXINSNS);
		return NULL;
	}
	_cleanup_free_ struct sock_filter *insns = xcalloc(n, sizeof(*insns));
	if (read_all(fd, insns, n * sizeof(*insns)) != (ssize_t)(n * sizeof(*insns))) {
		err_sys(c->err, "read the compiled filter");
		return NULL;
	}
	return filter_new(insns, n);
}

static int prepare(const struct filter_opts *o, struct compile *c, struct brig_error *err)
{
	const char *scmp = NULL;
	c->err = err;
	c->doc = o && o->doc ? o->doc : "config.json";
	c->path = o && o->path ? o->path : ".linux.seccomp";
	if (o && o->features)
		c->features = *o->features;
	else
		filter_features_probe(&c->features);
	if (!o || !o->arch) {
		c->arch = seccomp_arch_native();
		return 0;
	}
	if (spec_arch_lookup(o->arch, NULL, &scmp) < 0 || !(c->arch = arch_token(scmp)))
		return err_set(err, EINVAL, "unknown architecture '%s'", o->arch);
	return 0;
}

static void hex(const uint8_t *key, char out[65])
{
	for (size_t i = 0; i < SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", key[i]);
}

/* The -ENOSYS stub, then libseccomp's program. */
static struct filter *prepend_enosys(const struct spec_seccomp *s, const struct compile *c,
				     struct filter *f)
{
	_cleanup_filter_ struct filter *prog = f;
	struct enosys_plan plan;
	struct sock_filter stub[ENOSYS_STUB_MAX];
	plan_enosys(s, c, &plan);
	size_t n = enosys_stub(&plan, stub);
	if (n == 0)
		return steal_ptr(&prog);
	size_t total = n + prog->prog.len;
	if (total > BPF_MAXINSNS) {
		cerr(c, E2BIG, "", "the filter has %zu instructions; the kernel takes at most %d",
		     total, BPF_MAXINSNS);
		return NULL;
	}
	_cleanup_free_ struct sock_filter *all = xcalloc(total, sizeof(*all));
	memcpy(all, stub, n * sizeof(*all));
	memcpy(all + n, prog->prog.filter, prog->prog.len * sizeof(*all));
	return filter_new(all, total);
}

/* Compiles without the cache. */
static struct filter *compile(const struct spec_seccomp *s, const struct compile *c)
{
	struct filter flags = {0};
	if (load_flags(s, c, &flags) < 0)
		return NULL;
	_cleanup_(ctx_release) scmp_filter_ctx ctx = build(s, c);
	if (!ctx)
		return NULL;
	struct filter *f = export_bpf(ctx, c);
	if (f)
		f = prepend_enosys(s, c, f);
	if (f) {
		f->flags = flags.flags;
		f->notify = flags.notify;
		f->send_syscall = flags.send_syscall;
	}
	return f;
}

struct filter *filter_compile(const struct spec_seccomp *s, const struct filter_opts *o,
			      struct brig_error *err)
{
	struct compile c;
	uint8_t key[SHA256_LEN];
	if (prepare(o, &c, err) < 0)
		return NULL;
	cache_key(s, c.arch, key);
	_cleanup_close_ int dirfd = -1;
	if (o && o->cache_dir) {
		struct brig_error cache_err = {0};
		dirfd = cache_open(o->cache_dir, &cache_err);
		if (dirfd < 0)
			log_debug("seccomp cache not used: %s", cache_err.msg);
	}
	struct filter *f = dirfd >= 0 ? cache_read(dirfd, key, &c) : NULL;
	if (!f) {
		f = compile(s, &c);
		if (f && dirfd >= 0)
			cache_write(dirfd, key, &c, f);
	}
	if (!f)
		return NULL;
	hex(key, f->key);
	log_debug("seccomp: filter %.16s: %u instructions, %s", f->key, f->prog.len,
		  f->from_cache ? "from the cache" : "compiled");
	return f;
}

int filter_explain(const struct spec_seccomp *s, const struct filter_opts *o, int fd,
		   struct brig_error *err)
{
	struct compile c;
	struct filter flags = {0};
	if (prepare(o, &c, err) < 0 || load_flags(s, &c, &flags) < 0)
		return -1;
	_cleanup_(ctx_release) scmp_filter_ctx ctx = build(s, &c);
	if (!ctx)
		return -1;
	struct enosys_plan plan;
	plan_enosys(s, &c, &plan);
	if (enosys_explain(&plan, fd) < 0)
		return err_sys(err, "write the pseudo filter code");
	int r = seccomp_export_pfc(ctx, fd);
	if (r < 0)
		return err_errno(err, r, "export the pseudo filter code");
	return 0;
}
