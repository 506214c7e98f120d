// SPDX-License-Identifier: Apache-2.0
/* Compile vs cached load of a seccomp filter, the cost a container start pays
 * for linux.seccomp: brig's default profile (Docker's, ~355 allowed syscalls,
 * three architectures on x86-64) compiled with libseccomp every time (what
 * crun does), then loaded from the filter cache.
 *
 *   cmake --build BUILD --target bench_seccomp && BUILD/seccomp/bench_seccomp [-n N] [PROFILE]
 *
 * PROFILE (OCI, config.json or Docker format) replaces the default profile. */
#include "seccomp/filter.h"

#include <fcntl.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	printf("%-28s median %9.1f us   p10 %9.1f   p90 %9.1f   (n=%d)\n", what, v[n / 2],
	       v[n / 10], v[n * 9 / 10], n);
}

static int load_profile(const char *path, struct spec_seccomp *s, struct brig_error *err)
{
	if (!path)
		return spec_seccomp_default(NULL, s, err);
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, &text, NULL, err) < 0)
		return -1;
	return spec_seccomp_profile_parse(text, path, NULL, s, err);
}

/* n runs of filter_compile with opts; each result must be (or not be) cached. */
static int run(const char *what, const struct spec_seccomp *s, const struct filter_opts *o,
	       bool cached, int n, struct brig_error *err)
{
	double *v = xcalloc((size_t)n, sizeof(double));
	size_t insns = 0;
	for (int i = 0; i < n; i++) {
		double t = now_us();
		struct filter *f = filter_compile(s, o, err);
		v[i] = now_us() - t;
		if (!f || f->from_cache != cached) {
			free(v);
			return f ? err_set(err, EINVAL, "%s: cache %s", what,
					   cached ? "miss" : "hit")
				 : -1;
		}
		insns = f->prog.len;
		filter_free(f);
	}
	report(what, v, n);
	printf("%-28s %zu BPF instructions\n", "", insns);
	free(v);
	return 0;
}

int main(int argc, char **argv)
{
	int n = 200;
	const char *profile = NULL;
	struct brig_error err = {0};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = atoi(argv[++i]);
		else
			profile = argv[i];
	}
	if (n < 10)
		n = 10;
	struct spec_seccomp s = {0};
	char dir[] = "/tmp/brig-bench-seccomp.XXXXXX";
	if (load_profile(profile, &s, &err) < 0 || !mkdtemp(dir)) {
		fprintf(stderr, "bench_seccomp: %s\n", err.msg[0] ? err.msg : "mkdtemp");
		return 1;
	}
	struct filter_features feat;
	filter_features_probe(&feat);
	struct filter_opts plain = {.features = &feat},
			   cache = {.features = &feat, .cache_dir = dir};
	printf("profile: %s, %zu rules, %zu architectures\n", profile ? profile : "brig default",
	       s.n_syscalls, strv_length(s.architectures));
	int r = run("compile (libseccomp)", &s, &plain, false, n, &err);
	struct filter *warm =
	    r == 0 ? filter_compile(&s, &cache, &err) : NULL; /* fills the cache */
	if (warm)
		r = run("cached load", &s, &cache, true, n, &err);
	filter_free(warm);
	struct brig_error ignored;
	rm_rf_at(AT_FDCWD, dir, &ignored);
	spec_seccomp_clear(&s);
	if (r < 0 || !warm) {
		fprintf(stderr, "bench_seccomp: %s\n", err.msg);
		return 1;
	}
	return 0;
}
