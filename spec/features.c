// SPDX-License-Identifier: Apache-2.0
/* `brig features`: the runtime-spec features document, built from the same
 * tables the parser checks configs against, so it claims what brig reads. */
#include "spec/internal.h"

size_t spec_names(enum spec_name_list which, const char **out, size_t cap)
{
	size_t n = 0;
	switch (which) {
	case SPEC_NAMES_MOUNT_OPTIONS:
		return mountopt_names(out, cap);
	case SPEC_NAMES_SECCOMP_ACTIONS:
	case SPEC_NAMES_SECCOMP_OPS:
	case SPEC_NAMES_SECCOMP_ARCHS:
	case SPEC_NAMES_SECCOMP_FLAGS:
		return seccomp_names(which, out, cap);
	case SPEC_NAMES_MPOL_MODES:
	case SPEC_NAMES_MPOL_FLAGS:
		return mpol_names(which, out, cap);
	case SPEC_NAMES_NAMESPACES:
		for (int t = 0; t < SPEC_NS_COUNT && n < cap; t++)
			out[n++] = spec_ns_name((enum spec_ns_type)t);
		return n;
	case SPEC_NAMES_HOOKS:
		for (int k = 0; k < SPEC_HOOK_KINDS && n < cap; k++)
			out[n++] = spec_hook_name((enum spec_hook_kind)k);
		return n;
	case SPEC_NAMES_CAPABILITIES:
		for (int c = 0; c < 64 && n < cap; c++)
			if (spec_cap_name(c))
				out[n++] = spec_cap_name(c);
		return n;
	}
	return 0;
}

static json_t *names(enum spec_name_list which)
{
	const char *v[128];
	size_t n = spec_names(which, v, ARRAY_SIZE(v));
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *seccomp_json(const struct spec_features_host *h)
{
	json_t *supported = json_array();
	for (size_t i = 0; h->seccomp_supported && h->seccomp_supported[i]; i++)
		json_array_append_new(supported, json_string(h->seccomp_supported[i]));
	return json_pack("{s:b,s:o,s:o,s:o,s:o,s:o}", "enabled", h->seccomp, "actions",
			 names(SPEC_NAMES_SECCOMP_ACTIONS), "operators",
			 names(SPEC_NAMES_SECCOMP_OPS), "archs", names(SPEC_NAMES_SECCOMP_ARCHS),
			 "knownFlags", names(SPEC_NAMES_SECCOMP_FLAGS), "supportedFlags",
			 supported);
}

static json_t *linux_json(const struct spec_features_host *h)
{
	return json_pack(
	    "{s:o,s:o,s:{s:b,s:b,s:b,s:b,s:b},s:o,s:{s:b},s:{s:b},s:{s:b},s:{s:{s:b}},s:{s:b},"
	    "s:{s:o,s:o}}",
	    "namespaces", names(SPEC_NAMES_NAMESPACES), "capabilities",
	    names(SPEC_NAMES_CAPABILITIES), "cgroup", "v1", h->cgroup_v1, "v2", h->cgroup_v2,
	    "systemd", h->systemd, "systemdUser", h->systemd_user, "rdma", h->rdma, "seccomp",
	    seccomp_json(h), "apparmor", "enabled", h->apparmor, "selinux", "enabled", h->selinux,
	    "intelRdt", "enabled", h->intel_rdt, "mountExtensions", "idmap", "enabled", h->idmap,
	    "netDevices", "enabled", h->net_devices, "memoryPolicy", "modes",
	    names(SPEC_NAMES_MPOL_MODES), "flags", names(SPEC_NAMES_MPOL_FLAGS));
}

char *spec_features_format(const struct spec_features_host *h)
{
	json_t *doc = json_pack("{s:s,s:s,s:o,s:o,s:o}", "ociVersionMin", "1.0.0", "ociVersionMax",
				SPEC_VERSION, "hooks", names(SPEC_NAMES_HOOKS), "mountOptions",
				names(SPEC_NAMES_MOUNT_OPTIONS), "linux", linux_json(h));
	char *text = json_dumps(doc, JSON_INDENT(4));
	json_decref(doc);
	if (!text)
		abort(); /* only out of memory */
	return text;
}
