// SPDX-License-Identifier: Apache-2.0
/* The -ENOSYS stub, as runc prepends it (libcontainer/seccomp/patchbpf): a
 * syscall whose number is above the highest one the profile names returns
 * ENOSYS instead of the default action. A profile written before a syscall
 * existed then makes it look unimplemented, and libc and applications fall
 * back (clone3 -> clone, openat2 -> openat, faccessat2 -> faccessat); with the
 * default EPERM they fail. Syscalls at or below that number keep the default
 * action: the profile knew them and chose.
 *
 * The stub runs before libseccomp's program, per audit architecture of the
 * filter (the target and each listed one): load the arch, jump to its
 * section, compare the number, return ERRNO(ENOSYS) or fall through to the
 * filter. x86_64 and x32 share AUDIT_ARCH_X86_64 and differ by bit 30 of the
 * number; s390(x) sends unknown "large" syscalls as number 0 (setup), which
 * gets ENOSYS too. Like runc: no stub when the default action lets the call
 * through (ALLOW, LOG, TRACE: a tracer handles new syscalls itself) or
 * already returns ENOSYS. */
#include "seccomp/internal.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stddef.h>

#define X32_BIT 0x40000000U

/* Jump targets while assembling: 0..255 are literal offsets. */
enum { L_ENOSYS = -1, L_FILTER = -2, L_SECTION = 1000 /* + group */ };

struct group {
	uint32_t audit;
	uint32_t token[2]; /* libseccomp's arch tokens sharing it (x86_64 and x32) */
	uint32_t max[2];   /* highest syscall number the profile names, per token */
	size_t n;
};

struct stub_asm {
	struct sock_filter insn[ENOSYS_STUB_MAX];
	int jt[ENOSYS_STUB_MAX], jf[ENOSYS_STUB_MAX]; /* offsets or L_* */
	size_t n;
	size_t section[ENOSYS_MAX_GROUPS];
	bool overflow;
};

static const struct {
	uint32_t token;
	const char *name;
} arch_names[] = {
    {SCMP_ARCH_X86_64, "x86_64"},
    {SCMP_ARCH_X86, "x86"},
    {SCMP_ARCH_X32, "x32"},
    {SCMP_ARCH_AARCH64, "aarch64"},
    {SCMP_ARCH_ARM, "arm"},
    {SCMP_ARCH_RISCV64, "riscv64"},
    {SCMP_ARCH_S390X, "s390x"},
    {SCMP_ARCH_S390, "s390"},
    {SCMP_ARCH_PPC64LE, "ppc64le"},
    {SCMP_ARCH_PPC64, "ppc64"},
    {SCMP_ARCH_PPC, "ppc"},
    {SCMP_ARCH_MIPS, "mips"},
    {SCMP_ARCH_MIPSEL, "mipsel"},
    {SCMP_ARCH_MIPS64, "mips64"},
    {SCMP_ARCH_MIPSEL64, "mipsel64"},
    {SCMP_ARCH_MIPS64N32, "mips64n32"},
    {SCMP_ARCH_MIPSEL64N32, "mipsel64n32"},
};

static const char *arch_name(uint32_t token)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (arch_names[i].token == token)
			return arch_names[i].name;
	return "?";
}

/* libseccomp's tokens are the kernel's AUDIT_ARCH_* values, except x32's. */
static uint32_t audit_of(uint32_t token)
{
	return token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
}

static bool stub_wanted(const struct spec_seccomp *s)
{
	switch (s->default_action) {
	case SPEC_SCMP_ALLOW:
	case SPEC_SCMP_LOG:
	case SPEC_SCMP_TRACE:
		return false;
	case SPEC_SCMP_ERRNO:
		return !(s->default_errno_ret.set && s->default_errno_ret.value == ENOSYS);
	default:
		return true;
	}
}

/* The highest number any rule's names have on token; 0 when none is known
 * there (libseccomp's negative pseudo numbers are calls the arch lacks). */
static uint32_t max_syscall(const struct spec_seccomp *s, uint32_t token)
{
	uint32_t max = 0;
	for (size_t i = 0; i < s->n_syscalls; i++)
		for (char **n = s->syscalls[i].names; n && *n; n++) {
			int nr = seccomp_syscall_resolve_name_arch(token, *n);
			if (nr > 0 && (uint32_t)nr > max)
				max = (uint32_t)nr;
		}
	return max;
}

static void add_token(struct enosys_plan *p, const struct spec_seccomp *s, uint32_t token)
{
	uint32_t audit = audit_of(token);
	for (size_t i = 0; i < p->n; i++)
		if (p->arch[i].token == token)
			return;
	if (p->n == ENOSYS_MAX_ARCHES)
		return;
	uint32_t max = max_syscall(s, token);
	if (max == 0) {
		log_debug("seccomp: no syscall of the profile is known on %s: no ENOSYS stub there",
			  arch_name(token));
		return;
	}
	p->arch[p->n++] = (struct enosys_arch){.audit = audit, .token = token, .max = max};
}

void enosys_plan(const struct spec_seccomp *s, uint32_t target, const uint32_t *tokens,
		 size_t n_tokens, struct enosys_plan *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!stub_wanted(s))
		return;
	add_token(ret, s, target);
	for (size_t i = 0; i < n_tokens; i++)
		add_token(ret, s, tokens[i]);
}

static void emit(struct stub_asm *a, uint16_t code, uint32_t k, int jt, int jf)
{
	if (a->n == ENOSYS_STUB_MAX) {
		a->overflow = true;
		return;
	}
	a->insn[a->n] = (struct sock_filter){.code = code, .k = k};
	a->jt[a->n] = jt;
	a->jf[a->n] = jf;
	a->n++;
}

/* One group's section: the number is in A after the load. */
static void emit_section(struct stub_asm *a, const struct group *g)
{
	emit(a, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
	if (g->audit == AUDIT_ARCH_S390 || g->audit == AUDIT_ARCH_S390X)
		emit(a, BPF_JMP | BPF_JEQ | BPF_K, 0, L_ENOSYS, 0);
	if (g->audit != AUDIT_ARCH_X86_64) {
		emit(a, BPF_JMP | BPF_JGT | BPF_K, g->max[0], L_ENOSYS, L_FILTER);
		return;
	}
	int x64 = g->token[0] == SCMP_ARCH_X86_64 ? 0 : g->n > 1 ? 1 : -1;
	int x32 = g->token[0] == SCMP_ARCH_X32 ? 0 : g->n > 1 ? 1 : -1;
	if (x64 >= 0 && x32 >= 0) {
		emit(a, BPF_JMP | BPF_JSET | BPF_K, X32_BIT, 1, 0);
		emit(a, BPF_JMP | BPF_JGT | BPF_K, g->max[x64], L_ENOSYS, L_FILTER);
		emit(a, BPF_JMP | BPF_JGT | BPF_K, g->max[x32], L_ENOSYS, L_FILTER);
	} else if (x64 >= 0) { /* x32 calls are the filter's (bad arch) */
		emit(a, BPF_JMP | BPF_JSET | BPF_K, X32_BIT, L_FILTER, 0);
		emit(a, BPF_JMP | BPF_JGT | BPF_K, g->max[x64], L_ENOSYS, L_FILTER);
	} else {
		emit(a, BPF_JMP | BPF_JSET | BPF_K, X32_BIT, 0, L_FILTER);
		emit(a, BPF_JMP | BPF_JGT | BPF_K, g->max[x32], L_ENOSYS, L_FILTER);
	}
}

static size_t groups_of(const struct enosys_plan *p, struct group *g)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++) {
		size_t j = 0;
		while (j < n && g[j].audit != p->arch[i].audit)
			j++;
		if (j == n)
			g[n++] = (struct group){.audit = p->arch[i].audit};
		if (g[j].n < 2) {
			g[j].token[g[j].n] = p->arch[i].token;
			g[j].max[g[j].n++] = p->arch[i].max;
		}
	}
	return n;
}

/* Target -> offset from insn i; -1 when it does not fit in 8 bits. */
static long resolve(const struct stub_asm *a, size_t i, int label, size_t enosys, size_t filter)
{
	if (label >= 0 && label < L_SECTION)
		return label;
	size_t to = label == L_ENOSYS	? enosys
		    : label == L_FILTER ? filter
					: a->section[label - L_SECTION];
	size_t off = to - (i + 1);
	return off > 255 ? -1 : (long)off;
}

size_t enosys_stub(const struct enosys_plan *p, struct sock_filter *out)
{
	struct group g[ENOSYS_MAX_GROUPS];
	size_t n = groups_of(p, g);
	if (n == 0)
		return 0;
	struct stub_asm a = {0};
	emit(&a, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
	for (size_t i = 0; i < n; i++)
		emit(&a, BPF_JMP | BPF_JEQ | BPF_K, g[i].audit, L_SECTION + (int)i, 0);
	emit(&a, BPF_JMP | BPF_JA, 0, L_FILTER, 0); /* other arches: the filter decides */
	for (size_t i = 0; i < n; i++) {
		a.section[i] = a.n;
		emit_section(&a, &g[i]);
	}
	size_t enosys = a.n;
	emit(&a, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS, 0, 0);
	size_t filter = a.n;
	if (a.overflow)
		return 0;
	for (size_t i = 0; i < a.n; i++) {
		struct sock_filter *f = &a.insn[i];
		long jt = resolve(&a, i, a.jt[i], enosys, filter);
		long jf = resolve(&a, i, a.jf[i], enosys, filter);
		if (jt < 0 || jf < 0)
			return 0; /* cannot happen: the stub is at most ENOSYS_STUB_MAX long */
		if (BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) == BPF_JA) {
			f->k = (uint32_t)jt;
			continue;
		}
		f->jt = (uint8_t)jt;
		f->jf = (uint8_t)jf;
	}
	memcpy(out, a.insn, a.n * sizeof(*out));
	return a.n;
}

int enosys_explain(const struct enosys_plan *p, int fd)
{
	if (p->n == 0)
		return dprintf(fd, "#\n# brig: no -ENOSYS stub (the default action lets calls "
				   "through or is ENOSYS already)\n") < 0
			   ? -1
			   : 0;
	if (dprintf(fd,
		    "#\n# brig: before the filter below, a syscall numbered above the highest "
		    "one the profile\n# names returns ERRNO(%d) (ENOSYS), as with runc, so "
		    "that callers fall back:\n",
		    ENOSYS) < 0)
		return -1;
	for (size_t i = 0; i < p->n; i++)
		if (dprintf(fd, "#   arch %s: syscall > %u%s\n", arch_name(p->arch[i].token),
			    p->arch[i].max & ~(p->arch[i].token == SCMP_ARCH_X32 ? X32_BIT : 0),
			    p->arch[i].token == SCMP_ARCH_X32 ? " (x32 bit set)" : "") < 0)
			return -1;
	return 0;
}
