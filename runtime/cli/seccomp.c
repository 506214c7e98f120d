// SPDX-License-Identifier: Apache-2.0
/* `brig seccomp`: the filter compiler on its own. PROFILE is an OCI
 * linux.seccomp object, a whole config.json, or a Docker profile, resolved for
 * --cap (default: Docker's default capabilities), --arch (default: this
 * machine) and this kernel's version; "-" reads stdin. */
#include "runtime/cli/cli.h"
#include "seccomp/filter.h"

#include <fcntl.h>
#include <sys/utsname.h>

struct seccomp_args {
	const char *out;
	const char *arch;
	char **caps;
	const char *profile;
	uint64_t cap_set;
};

#define A(field) offsetof(struct seccomp_args, field)
#define SECCOMP_TARGET_OPTS                                                                        \
	{"arch", 0, CLI_STRING, A(arch), "ARCH", "the architecture (default: this machine's)"},    \
	{                                                                                          \
		"cap", 0, CLI_LIST, A(caps), "CAP",                                                \
		    "a capability the container has (repeatable; default: Docker's default set)"   \
	}

static const struct cli_opt compile_opts[] = {
    {"output", 'o', CLI_STRING, A(out), "FILE", "write the BPF to FILE (default stdout)"},
    SECCOMP_TARGET_OPTS,
};
static const struct cli_opt target_opts[] = {SECCOMP_TARGET_OPTS};

static int caps_of(char **names, uint64_t *ret, struct brig_error *err)
{
	*ret = SPEC_DOCKER_DEFAULT_CAPS;
	if (names && *names)
		*ret = 0; /* --cap lists the whole set */
	for (char **n = names; n && *n; n++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%s%s", strncasecmp(*n, "CAP_", 4) ? "CAP_" : "", *n);
		for (char *p = buf; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		int cap = spec_cap_from_name(buf);
		if (cap < 0)
			return err_set(err, EINVAL, "--cap: unknown capability '%s'", *n);
		*ret |= UINT64_C(1) << cap;
	}
	return 0;
}

/* Docker's minKernel compares with the running kernel. */
static void host_kernel(struct spec_profile_target *t)
{
	struct utsname u;
	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &t->kernel_major, &t->kernel_minor) != 2)
		t->kernel_major = t->kernel_minor = 0;
}

static int load_profile(const struct seccomp_args *a, struct spec_seccomp *s, struct filter_opts *o,
			struct brig_error *err)
{
	const char *file = strcmp(a->profile, "-") == 0 ? "/dev/stdin" : a->profile;
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, file, &text, NULL, err) < 0)
		return -1;
	struct spec_profile_target t = {.caps = a->cap_set, .arch = a->arch};
	host_kernel(&t);
	enum spec_profile_kind kind = spec_seccomp_profile_kind(text);
	if (spec_seccomp_profile_parse(text, a->profile, &t, s, err) < 0)
		return -1;
	o->arch = a->arch;
	o->doc = a->profile;
	/* a converted Docker profile has fewer entries: its indexes are not the file's */
	o->path = kind == SPEC_PROFILE_CONFIG	? ".linux.seccomp"
		  : kind == SPEC_PROFILE_DOCKER ? "(converted)"
						: "";
	return 0;
}

static int write_bpf(const struct seccomp_args *a, const struct filter *f, struct brig_error *err)
{
	if (!a->out) {
		if (isatty(STDOUT_FILENO))
			return err_set(err, EINVAL,
				       "not writing binary BPF to a terminal: use -o FILE");
		if (write_all(STDOUT_FILENO, f->prog.filter, filter_size(f)) < 0)
			return err_sys(err, "write BPF to stdout");
		return 0;
	}
	return write_file_at(AT_FDCWD, a->out, (const char *)f->prog.filter, filter_size(f),
			     O_CREAT | O_TRUNC, err);
}

/* The profile every subcommand reads, resolved for the target. */
static int prepare(struct seccomp_args *a, char **args, struct spec_seccomp *s,
		   struct filter_opts *o, struct brig_error *err)
{
	a->profile = args[0];
	if (a->arch && spec_arch_lookup(a->arch, NULL, NULL) < 0)
		return err_set(err, EINVAL, "--arch: unknown architecture '%s'", a->arch);
	if (caps_of(a->caps, &a->cap_set, err) < 0)
		return -1;
	return load_profile(a, s, o, err);
}

static int compile(const struct global_opts *g, void *opts, char **args, size_t n,
		   struct brig_error *err)
{
	(void)g, (void)n;
	struct spec_seccomp s = {0};
	struct filter_opts o = {0};
	int r = prepare(opts, args, &s, &o, err);
	if (r == 0) {
		_cleanup_filter_ struct filter *f = filter_compile(&s, &o, err);
		r = f ? write_bpf(opts, f, err) : -1;
	}
	spec_seccomp_clear(&s);
	return r;
}

static int explain(const struct global_opts *g, void *opts, char **args, size_t n,
		   struct brig_error *err)
{
	(void)g, (void)n;
	struct spec_seccomp s = {0};
	struct filter_opts o = {0};
	int r = prepare(opts, args, &s, &o, err);
	if (r == 0) {
		fflush(stdout);
		r = filter_explain(&s, &o, STDOUT_FILENO, err);
	}
	spec_seccomp_clear(&s);
	return r;
}

static int convert(const struct global_opts *g, void *opts, char **args, size_t n,
		   struct brig_error *err)
{
	(void)g, (void)n;
	struct spec_seccomp s = {0};
	struct filter_opts o = {0};
	int r = prepare(opts, args, &s, &o, err);
	if (r == 0) {
		_cleanup_free_ char *text = spec_seccomp_format(&s, true);
		printf("%s\n", text);
	}
	spec_seccomp_clear(&s);
	return r;
}

static const struct cli_verb seccomp_compile = {
    .name = "seccomp compile",
    .summary = "compile a profile into the BPF program brig loads",
    .args = "PROFILE",
    .opts = CLI_OPTS(compile_opts),
    .opts_size = sizeof(struct seccomp_args),
    .min_args = 1,
    .max_args = 1,
    .run = compile,
};

static const struct cli_verb seccomp_explain = {
    .name = "seccomp explain",
    .summary = "print the filter as libseccomp's pseudo-code",
    .args = "PROFILE",
    .opts = CLI_OPTS(target_opts),
    .opts_size = sizeof(struct seccomp_args),
    .min_args = 1,
    .max_args = 1,
    .run = explain,
};

static const struct cli_verb seccomp_convert = {
    .name = "seccomp convert",
    .summary = "print the profile as an OCI linux.seccomp object",
    .args = "PROFILE",
    .opts = CLI_OPTS(target_opts),
    .opts_size = sizeof(struct seccomp_args),
    .min_args = 1,
    .max_args = 1,
    .run = convert,
};

static const struct cli_verb *const seccomp_subs[] = {&seccomp_compile, &seccomp_explain,
						      &seccomp_convert, NULL};

const struct cli_verb cli_seccomp = {
    .name = "seccomp",
    .summary = "compile, explain or convert a seccomp profile",
    .args = "compile|explain|convert PROFILE",
    .description =
	"The seccomp compiler on its own. PROFILE is an OCI linux.seccomp object, a whole "
	"config.json, or a Docker profile (- reads stdin), resolved for --cap, --arch and this "
	"kernel's version as brig create would resolve it.",
    .subs = seccomp_subs,
};
