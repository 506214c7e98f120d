// SPDX-License-Identifier: Apache-2.0
/* `features`: what this brig implements (runtime-spec features.md), with the
 * host-dependent parts (seccomp flags the kernel takes, LSMs) read here. */
#include "runtime/container/container.h"
#include "seccomp/filter.h"

#include <getopt.h>

/* The flags the kernel accepts, by name; static storage (one `features` run). */
static const char *const *seccomp_supported(void)
{
	static const struct {
		const char *name;
		unsigned bit;
	} known[] = {
	    {"SECCOMP_FILTER_FLAG_TSYNC", 1U << 0},
	    {"SECCOMP_FILTER_FLAG_LOG", 1U << 1},
	    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1U << 2},
	    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1U << 5},
	};
	static const char *out[ARRAY_SIZE(known) + 1];
	struct filter_features f;
	size_t n = 0;
	filter_features_probe(&f);
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (f.flags & known[i].bit)
			out[n++] = known[i].name;
	out[n] = NULL;
	return out;
}

int verb_features(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int c;
	(void)g;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c == 'h')
			return verb_usage("features", stdout), 0;
		return err_set(err, EINVAL, "unknown option '%s' (see brig features --help)",
			       argv[optind - 1]);
	}
	/* v1: a hybrid host's v1 hierarchies get the limits, but a pure v1
	 * host (no cgroup2 mount) is not supported. systemd: --systemd-cgroup;
	 * systemdUser (rootless through the user's manager) is not tested yet. */
	struct spec_features_host h = {
	    .seccomp = true,
	    .seccomp_supported = seccomp_supported(),
	    .apparmor = lsm_apparmor_enabled(),
	    .selinux = lsm_selinux_enabled(),
	    .cgroup_v2 = true,
	    .systemd = true,
	    .rdma = true,
	    .idmap = true,
	    .net_devices = true,
	};
	_cleanup_free_ char *text = spec_features_format(&h);
	printf("%s\n", text);
	return 0;
}
