// SPDX-License-Identifier: Apache-2.0
/* `features`: what this brig implements (runtime-spec features.md), with the
 * host-dependent parts (seccomp flags the kernel takes, LSMs) read here. */
#include "runtime/cli/cli.h"
#include "runtime/init/init.h"
#include "seccomp/filter.h"

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

static int features(const struct global_opts *g, void *opts, char **args, size_t n,
		    struct brig_error *err)
{
	(void)g, (void)opts, (void)args, (void)n, (void)err;
	/* v1: a hybrid host's v1 hierarchies get the limits, but a pure v1
	 * host (no cgroup2 mount) is not supported. systemd: --systemd-cgroup;
	 * systemdUser: the same as a user, through that user's manager
	 * (conformance/vm/systemd/rootless.sh). */
	struct spec_features_host h = {
	    .seccomp = true,
	    .seccomp_supported = seccomp_supported(),
	    .apparmor = lsm_apparmor_enabled(),
	    .selinux = lsm_selinux_enabled(),
	    .cgroup_v2 = true,
	    .systemd = true,
	    .systemd_user = true,
	    .rdma = true,
	    .idmap = true,
	    .net_devices = true,
	};
	_cleanup_free_ char *text = spec_features_format(&h);
	printf("%s\n", text);
	return 0;
}

const struct cli_verb cli_features = {
    .name = "features",
    .summary = "what this brig implements, as runtime-spec JSON",
    .description = "Prints the runtime-spec features document: the spec versions, hooks, mount "
		   "options, namespaces, capabilities, cgroup, seccomp and LSM support of this "
		   "brig on this host.",
    .runc = true,
    .run = features,
};
