// SPDX-License-Identifier: Apache-2.0
/* linux.seccomp written back as JSON (`brig seccomp convert`, the default
 * config), the seccomp state sent to a seccomp agent, and architecture names. */
#include "spec/profile.h"

#include <ctype.h>

static const char *const action_names[] = {
    [SPEC_SCMP_KILL] = "SCMP_ACT_KILL",
    [SPEC_SCMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [SPEC_SCMP_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [SPEC_SCMP_TRAP] = "SCMP_ACT_TRAP",
    [SPEC_SCMP_ERRNO] = "SCMP_ACT_ERRNO",
    [SPEC_SCMP_TRACE] = "SCMP_ACT_TRACE",
    [SPEC_SCMP_ALLOW] = "SCMP_ACT_ALLOW",
    [SPEC_SCMP_LOG] = "SCMP_ACT_LOG",
    [SPEC_SCMP_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const op_names[] = {
    [SPEC_SCMP_CMP_NE] = "SCMP_CMP_NE",
    [SPEC_SCMP_CMP_LT] = "SCMP_CMP_LT",
    [SPEC_SCMP_CMP_LE] = "SCMP_CMP_LE",
    [SPEC_SCMP_CMP_EQ] = "SCMP_CMP_EQ",
    [SPEC_SCMP_CMP_GE] = "SCMP_CMP_GE",
    [SPEC_SCMP_CMP_GT] = "SCMP_CMP_GT",
    [SPEC_SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *spec_seccomp_action_name(enum spec_seccomp_action a)
{
	if ((unsigned)a >= ARRAY_SIZE(action_names))
		return NULL;
	return action_names[a];
}

const char *spec_seccomp_op_name(enum spec_seccomp_op op)
{
	if ((unsigned)op >= ARRAY_SIZE(op_names))
		return NULL;
	return op_names[op];
}

void spec_seccomp_clear(struct spec_seccomp *s)
{
	seccomp_clear(s);
}

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();
	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/* Integers above INT64_MAX (a mask of ~0) do not fit jansson's json_int_t:
 * they are written as the negative number of the same bits and fixed up in
 * the text by fix_big_ints(). No other number of the object is negative. */
static json_t *u64_json(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *syscall_json(const struct spec_seccomp_syscall *sc)
{
	json_t *o = json_pack("{s:o, s:s}", "names", strv_json(sc->names), "action",
			      spec_seccomp_action_name(sc->action));
	if (sc->errno_ret.set)
		json_object_set_new(o, "errnoRet", u64_json(sc->errno_ret.value));
	if (sc->n_args == 0)
		return o;
	json_t *args = json_array();
	for (size_t i = 0; i < sc->n_args; i++) {
		const struct spec_seccomp_arg *a = &sc->args[i];
		json_t *arg =
		    json_pack("{s:i, s:o}", "index", (int)a->index, "value", u64_json(a->value));
		if (a->value_two)
			json_object_set_new(arg, "valueTwo", u64_json(a->value_two));
		json_object_set_new(arg, "op", json_string(spec_seccomp_op_name(a->op)));
		json_array_append_new(args, arg);
	}
	json_object_set_new(o, "args", args);
	return o;
}

json_t *seccomp_json(const struct spec_seccomp *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "defaultAction",
			    json_string(spec_seccomp_action_name(s->default_action)));
	if (s->default_errno_ret.set)
		json_object_set_new(o, "defaultErrnoRet", u64_json(s->default_errno_ret.value));
	if (s->architectures && s->architectures[0])
		json_object_set_new(o, "architectures", strv_json(s->architectures));
	if (s->flags && s->flags[0])
		json_object_set_new(o, "flags", strv_json(s->flags));
	if (s->listener_path)
		json_object_set_new(o, "listenerPath", json_string(s->listener_path));
	if (s->listener_metadata)
		json_object_set_new(o, "listenerMetadata", json_string(s->listener_metadata));
	json_t *calls = json_array();
	for (size_t i = 0; i < s->n_syscalls; i++)
		json_array_append_new(calls, syscall_json(&s->syscalls[i]));
	json_object_set_new(o, "syscalls", calls);
	return o;
}

/* Writes each negative number of text unsigned. Strings are skipped (jansson escapes every
 * quote in them), so that nothing a profile's strings hold is rewritten. */
static char *fix_big_ints(char *text)
{
	size_t minus = 0;
	for (const char *p = text; *p; p++)
		minus += *p == '-';
	if (!minus)
		return text;
	/* "-1" becomes "18446744073709551615": at most 19 more bytes per number */
	char *out = xmalloc(strlen(text) + 19 * minus + 1), *o = out;
	bool in_string = false;
	for (const char *p = text; *p;) {
		char *end = NULL;
		long long v = 0;
		if (in_string) {
			if (*p == '\\' && p[1])
				*o++ = *p++;
			else if (*p == '"')
				in_string = false;
		} else if (*p == '"') {
			in_string = true;
		} else if (*p == '-' && (v = strtoll(p, &end, 10)) < 0 && end > p + 1) {
			o += sprintf(o, "%" PRIu64, (uint64_t)v);
			p = end;
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	free(text);
	return out;
}

char *spec_seccomp_format(const struct spec_seccomp *s, bool pretty)
{
	json_t *o = seccomp_json(s);
	char *text = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		abort(); /* allocation failure */
	return fix_big_ints(text);
}

char *spec_seccomp_state_format(const char *state_json, const char *metadata)
{
	json_t *state = json_loads(state_json, 0, NULL);
	json_t *pid = json_object_get(state, "pid");
	if (!json_is_object(state) || !json_is_integer(pid)) {
		json_decref(state);
		return NULL;
	}
	json_t *o = json_pack("{s:s, s:[s], s:I}", "ociVersion", SPEC_VERSION, "fds", "seccompFd",
			      "pid", json_integer_value(pid));
	if (metadata)
		json_object_set_new(o, "metadata", json_string(metadata));
	json_object_set_new(o, "state", state);
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		abort(); /* allocation failure */
	return text;
}

/* ---- architectures ---- */

/* Go's GOARCH (what Docker's includes.arches name) and the runtime-spec
 * name; libseccomp's is the latter without "SCMP_ARCH_", in lower case. */
static const struct {
	const char *go;
	const char *scmp;
} arches[] = {
    {"amd64", "SCMP_ARCH_X86_64"},
    {"386", "SCMP_ARCH_X86"},
    {"x32", "SCMP_ARCH_X32"},
    {"arm64", "SCMP_ARCH_AARCH64"},
    {"arm", "SCMP_ARCH_ARM"},
    {"mips", "SCMP_ARCH_MIPS"},
    {"mipsle", "SCMP_ARCH_MIPSEL"},
    {"mips64", "SCMP_ARCH_MIPS64"},
    {"mips64le", "SCMP_ARCH_MIPSEL64"},
    {"mips64n32", "SCMP_ARCH_MIPS64N32"},
    {"mips64len32", "SCMP_ARCH_MIPSEL64N32"},
    {"ppc", "SCMP_ARCH_PPC"},
    {"ppc64", "SCMP_ARCH_PPC64"},
    {"ppc64le", "SCMP_ARCH_PPC64LE"},
    {"s390", "SCMP_ARCH_S390"},
    {"s390x", "SCMP_ARCH_S390X"},
    {"riscv64", "SCMP_ARCH_RISCV64"},
    {"loong64", "SCMP_ARCH_LOONGARCH64"},
    {"parisc", "SCMP_ARCH_PARISC"},
    {"parisc64", "SCMP_ARCH_PARISC64"},
    {"m68k", "SCMP_ARCH_M68K"},
    {"sh", "SCMP_ARCH_SH"},
    {"sheb", "SCMP_ARCH_SHEB"},
};

/* Common spellings that are neither Go's nor libseccomp's. */
static const struct {
	const char *alias;
	const char *go;
} aliases[] = {
    {"x86_64", "amd64"}, {"aarch64", "arm64"}, {"i386", "386"},
    {"i686", "386"},	 {"x86", "386"},       {"loongarch64", "loong64"},
};

static const char *native_goarch(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return "x32";
#elif defined(__x86_64__)
	return "amd64";
#elif defined(__i386__)
	return "386";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__arm__)
	return "arm";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "ppc64le";
#elif defined(__powerpc64__)
	return "ppc64";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#elif defined(__loongarch64)
	return "loong64";
#else
	return NULL;
#endif
}

int spec_arch_lookup(const char *name, const char **ret_goarch, const char **ret_scmp)
{
	if (!name)
		name = native_goarch();
	if (!name)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			name = aliases[i].go;
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++) {
		const char *lib = arches[i].scmp + strlen("SCMP_ARCH_");
		if (strcasecmp(name, arches[i].go) == 0 || strcmp(name, arches[i].scmp) == 0 ||
		    strcasecmp(name, lib) == 0) {
			if (ret_goarch)
				*ret_goarch = arches[i].go;
			if (ret_scmp)
				*ret_scmp = arches[i].scmp;
			return 0;
		}
	}
	return -1;
}

int caps_from_names(const char *const *names, uint64_t *ret, const char **ret_bad)
{
	uint64_t mask = 0;
	for (; names && *names; names++) {
		char buf[64];
		const char *n = *names;
		snprintf(buf, sizeof(buf), "%s%s", strncasecmp(n, "CAP_", 4) == 0 ? "" : "CAP_", n);
		for (char *p = buf; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		int cap = spec_cap_from_name(buf);
		if (cap < 0) {
			if (ret_bad)
				*ret_bad = *names;
			return -1;
		}
		mask |= UINT64_C(1) << cap;
	}
	*ret = mask;
	return 0;
}
