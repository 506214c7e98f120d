// SPDX-License-Identifier: Apache-2.0
/* `brig seccomp`: the filter compiler on its own.
 *   seccomp compile PROFILE [-o FILE] [--arch ARCH] [--cap CAP]...  raw BPF
 *   seccomp explain PROFILE [--arch ARCH] [--cap CAP]...            libseccomp's PFC
 *   seccomp convert PROFILE [--arch ARCH] [--cap CAP]...            OCI linux.seccomp
 * PROFILE is an OCI linux.seccomp object, a whole config.json, or a Docker
 * profile, resolved for --cap (default: Docker's default capabilities),
 * --arch (default: this machine) and this kernel's version; "-" reads stdin.
 *
 * To wire (runtime.h and main.c's verb table):
 *   int verb_seccomp(const struct global_opts *g, int argc, char **argv,
 *                    struct brig_error *err);
 *   usage: "seccomp compile PROFILE [-o FILE] [--arch ARCH] [--cap CAP]...\n"
 *          "       seccomp explain PROFILE [--arch ARCH] [--cap CAP]...\n"
 *          "       seccomp convert PROFILE [--arch ARCH] [--cap CAP]..."
 *   summary: "compile, explain or convert a seccomp profile" */
#include "runtime/cli/cli.h"
#include "seccomp/filter.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/utsname.h>

/* until runtime.h declares it (identical redeclarations are fine) */

struct seccomp_args {
	const char *cmd;
	const char *profile;
	const char *out;
	const char *arch;
	uint64_t caps;
	bool caps_set;
};

static int add_cap(struct seccomp_args *a, const char *name, struct brig_error *err)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s%s", strncasecmp(name, "CAP_", 4) ? "CAP_" : "", name);
	for (char *p = buf; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	int cap = spec_cap_from_name(buf);
	if (cap < 0)
		return err_set(err, EINVAL, "--cap: unknown capability '%s'", name);
	if (!a->caps_set)
		a->caps = 0; /* --cap lists the whole set */
	a->caps_set = true;
	a->caps |= UINT64_C(1) << cap;
	return 0;
}

static int parse_args(int argc, char **argv, struct seccomp_args *a, struct brig_error *err)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"arch", required_argument, NULL, 'a'},
	    {"cap", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c;
	a->caps = SPEC_DOCKER_DEFAULT_CAPS;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		if (c == 'o' && strcmp(a->cmd, "compile") == 0)
			a->out = optarg;
		else if (c == 'a')
			a->arch = optarg;
		else if (c == 'c' && add_cap(a, optarg, err) < 0)
			return -1;
		else if (c == 'h')
			return verb_usage("seccomp", stdout), 1;
		else if (c == ':')
			return err_set(err, EINVAL, "option '%s' needs an argument",
				       argv[optind - 1]);
		else if (c != 'c')
			return err_set(err, EINVAL, "unknown option '%s' (see brig seccomp --help)",
				       argv[optind - 1]);
	}
	if (optind != argc - 1)
		return err_set(err, EINVAL, "want one PROFILE (see brig seccomp --help)");
	a->profile = argv[optind];
	if (a->arch && spec_arch_lookup(a->arch, NULL, NULL) < 0)
		return err_set(err, EINVAL, "--arch: unknown architecture '%s'", a->arch);
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
	struct spec_profile_target t = {.caps = a->caps, .arch = a->arch};
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

int verb_seccomp(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	struct seccomp_args a = {0};
	struct spec_seccomp s = {0};
	struct filter_opts o = {0};
	(void)g;
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
			return verb_usage("seccomp", stdout), 0;
		return err_set(err, EINVAL,
			       "want compile, explain or convert (see brig seccomp "
			       "--help)");
	}
	a.cmd = argv[1];
	if (strcmp(a.cmd, "compile") && strcmp(a.cmd, "explain") && strcmp(a.cmd, "convert"))
		return err_set(err, EINVAL,
			       "unknown command '%s' (want compile, explain or convert)", a.cmd);
	int r = parse_args(argc - 1, argv + 1, &a, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	if (load_profile(&a, &s, &o, err) < 0)
		return -1;
	if (!strcmp(a.cmd, "convert")) {
		_cleanup_free_ char *text = spec_seccomp_format(&s, true);
		printf("%s\n", text);
	} else if (!strcmp(a.cmd, "explain")) {
		fflush(stdout);
		r = filter_explain(&s, &o, STDOUT_FILENO, err);
	} else {
		_cleanup_filter_ struct filter *f = filter_compile(&s, &o, err);
		r = f ? write_bpf(&a, f, err) : -1;
	}
	spec_seccomp_clear(&s);
	return r;
}
