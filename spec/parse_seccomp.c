// SPDX-License-Identifier: Apache-2.0
/* linux.seccomp: names checked against the runtime-spec's lists; compiling
 * the filter is the seccomp module's job. */
#include "spec/internal.h"

static const struct name_value actions[] = {
    {"SCMP_ACT_KILL", SPEC_SCMP_KILL},
    {"SCMP_ACT_KILL_PROCESS", SPEC_SCMP_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SPEC_SCMP_KILL_THREAD},
    {"SCMP_ACT_TRAP", SPEC_SCMP_TRAP},
    {"SCMP_ACT_ERRNO", SPEC_SCMP_ERRNO},
    {"SCMP_ACT_TRACE", SPEC_SCMP_TRACE},
    {"SCMP_ACT_ALLOW", SPEC_SCMP_ALLOW},
    {"SCMP_ACT_LOG", SPEC_SCMP_LOG},
    {"SCMP_ACT_NOTIFY", SPEC_SCMP_NOTIFY},
};

static const struct name_value ops[] = {
    {"SCMP_CMP_NE", SPEC_SCMP_CMP_NE},
    {"SCMP_CMP_LT", SPEC_SCMP_CMP_LT},
    {"SCMP_CMP_LE", SPEC_SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SPEC_SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SPEC_SCMP_CMP_GE},
    {"SCMP_CMP_GT", SPEC_SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SPEC_SCMP_CMP_MASKED_EQ},
};

static const char *const architectures[] = {
    "SCMP_ARCH_X86",	 "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",		"SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",	"SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",	 "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",	 "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",	"SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",	 "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",	"SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",	 "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",
};

static const char *const filter_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static int check_arch(struct pctx *c, const char *s)
{
	if (!in_list(architectures, ARRAY_SIZE(architectures), s))
		return perr(c, "unknown seccomp architecture \"%s\"", s);
	return 0;
}

/* a unix socket's path fits sockaddr_un.sun_path (108 bytes with the NUL) */
static int check_socket_path(struct pctx *c, const char *s)
{
	return check_max_len(c, s, 107, "sun_path");
}

static int check_flag(struct pctx *c, const char *s)
{
	if (!in_list(filter_flags, ARRAY_SIZE(filter_flags), s))
		return perr(c, "unknown seccomp flag \"%s\"", s);
	return 0;
}

static int check_syscall_name(struct pctx *c, const char *s)
{
	if (s[0] == '\0')
		return perr(c, "must not be empty");
	return 0;
}

static int get_action(struct pctx *c, json_t *v, const char *key, enum spec_seccomp_action *ret)
{
	long a = 0;
	if (get_enum(c, v, key, REQ, actions, ARRAY_SIZE(actions), "seccomp action", &a) < 0)
		return -1;
	*ret = (enum spec_seccomp_action)a;
	return 0;
}

/* config-linux.md: an errno for an action that has none MUST be an error. */
static int get_errno_ret(struct pctx *c, json_t *v, const char *key,
			 enum spec_seccomp_action action, struct spec_u64 *ret)
{
	if (get_opt_u64(c, v, key, UINT32_MAX, ret) < 0)
		return -1;
	if (ret->set && action != SPEC_SCMP_ERRNO && action != SPEC_SCMP_TRACE)
		return perr_at(c, key, "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	return 0;
}

static int parse_arg(struct pctx *c, json_t *v, void *out)
{
	struct spec_seccomp_arg *a = out;
	long op = 0;

	if (get_u32(c, v, "index", REQ, &a->index) < 0)
		return -1;
	if (a->index >= 6) /* a syscall has six argument registers */
		return perr_at(c, "index", "must be less than 6");
	if (get_u64(c, v, "value", REQ, UINT64_MAX, &a->value) < 0 ||
	    get_u64(c, v, "valueTwo", OPT, UINT64_MAX, &a->value_two) < 0 ||
	    get_enum(c, v, "op", REQ, ops, ARRAY_SIZE(ops), "seccomp operator", &op) < 0)
		return -1;
	a->op = (enum spec_seccomp_op)op;
	return 0;
}

static int parse_syscall(struct pctx *c, json_t *v, void *out)
{
	struct spec_seccomp_syscall *s = out;
	if (get_strv(c, v, "names", REQ, check_syscall_name, &s->names) < 0)
		return -1;
	if (!s->names[0])
		return perr_at(c, "names", "must not be empty");
	if (get_action(c, v, "action", &s->action) < 0 ||
	    get_errno_ret(c, v, "errnoRet", s->action, &s->errno_ret) < 0 ||
	    get_array(c, v, "args", OPT, sizeof(*s->args), parse_arg, &s->args, &s->n_args) < 0)
		return -1;
	/* NOTIFY on write or sendmsg is fine: brig hands the listener fd to
	 * the agent before it makes any other syscall (runc refuses write). */
	return 0;
}

static bool uses_notify(const struct spec_seccomp *s)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (s->syscalls[i].action == SPEC_SCMP_NOTIFY)
			return true;
	return false;
}

int parse_seccomp(struct pctx *c, json_t *v, void *out)
{
	struct spec_seccomp *s = out;
	s->present = true;
	if (get_action(c, v, "defaultAction", &s->default_action) < 0)
		return -1;
	/* libseccomp refuses it: the agent would have to answer every syscall */
	if (s->default_action == SPEC_SCMP_NOTIFY)
		return perr_at(c, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
	if (get_errno_ret(c, v, "defaultErrnoRet", s->default_action, &s->default_errno_ret) < 0 ||
	    get_strv(c, v, "architectures", OPT, check_arch, &s->architectures) < 0 ||
	    get_strv(c, v, "flags", OPT, check_flag, &s->flags) < 0 ||
	    get_string_checked(c, v, "listenerPath", OPT, check_socket_path, &s->listener_path) <
		0 ||
	    get_string(c, v, "listenerMetadata", OPT, &s->listener_metadata) < 0 ||
	    get_array(c, v, "syscalls", OPT, sizeof(*s->syscalls), parse_syscall, &s->syscalls,
		      &s->n_syscalls) < 0)
		return -1;
	if (uses_notify(s) && !s->listener_path)
		return perr_at(c, "listenerPath", "required when SCMP_ACT_NOTIFY is used");
	if (s->listener_metadata && !s->listener_path) /* config-linux.md: MUST NOT */
		return perr_at(c, "listenerMetadata", "requires listenerPath");
	return 0;
}

void seccomp_clear(struct spec_seccomp *s)
{
	strv_free(s->architectures);
	strv_free(s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		strv_free(s->syscalls[i].names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	memset(s, 0, sizeof(*s));
}

size_t seccomp_names(enum spec_name_list which, const char **out, size_t cap)
{
	size_t n = 0;
	const struct name_value *nv = which == SPEC_NAMES_SECCOMP_ACTIONS ? actions : ops;
	size_t nnv = which == SPEC_NAMES_SECCOMP_ACTIONS ? ARRAY_SIZE(actions) : ARRAY_SIZE(ops);
	const char *const *l = which == SPEC_NAMES_SECCOMP_ARCHS ? architectures : filter_flags;
	size_t nl = which == SPEC_NAMES_SECCOMP_ARCHS ? ARRAY_SIZE(architectures)
						      : ARRAY_SIZE(filter_flags);
	if (which == SPEC_NAMES_SECCOMP_ACTIONS || which == SPEC_NAMES_SECCOMP_OPS)
		for (size_t i = 0; i < nnv && n < cap; i++)
			out[n++] = nv[i].name;
	else
		for (size_t i = 0; i < nl && n < cap; i++)
			out[n++] = l[i];
	return n;
}
