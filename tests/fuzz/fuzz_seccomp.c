// SPDX-License-Identifier: Apache-2.0
/* Seccomp profiles in every form `brig seccomp` and create take (an OCI
 * linux.seccomp object, a whole config.json, Docker's format), resolved for
 * Docker's defaults on this machine and for another target (every
 * capability, arm64, Linux 4.14), and compiled with libseccomp for each.
 * Nothing is loaded into the kernel: the kernel's features are made up. The
 * OCI text a profile converts to (`brig seccomp convert`) must parse back to
 * the same profile. */
#include "fuzz.h"
#include "seccomp/filter.h"
#include "spec/spec.h"

#include <linux/seccomp.h>

/* Every action and flag a recent kernel has. */
static const struct filter_features all_features = {
    .actions = (1u << (SPEC_SCMP_NOTIFY + 1)) - 1,
    .flags = SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |
	     SECCOMP_FILTER_FLAG_NEW_LISTENER | (1u << 4) /* TSYNC_ESRCH */ |
	     (1u << 5) /* WAIT_KILLABLE_RECV */,
};

static void round_trip(const struct spec_seccomp *s)
{
	struct spec_seccomp again = {0};
	struct brig_error err = {0};
	_cleanup_free_ char *oci = spec_seccomp_format(s, false);
	if (spec_seccomp_profile_parse(oci, "converted.json", NULL, &again, &err) < 0)
		fuzz_fail("the converted profile does not parse: %s\n%s", err.msg, oci);
	_cleanup_free_ char *oci2 = spec_seccomp_format(&again, false);
	fuzz_same("converted profile", oci, oci2);
	spec_seccomp_clear(&again);
}

static void one_target(const char *text, const struct spec_profile_target *t, const char *arch)
{
	struct spec_seccomp s = {0};
	struct brig_error err = {0};
	if (spec_seccomp_profile_parse(text, "profile.json", t, &s, &err) < 0)
		return;
	round_trip(&s);
	const struct filter_opts o = {
	    .arch = arch,
	    .features = &all_features,
	    .doc = "profile.json",
	    .path = spec_seccomp_profile_kind(text) == SPEC_PROFILE_CONFIG ? ".linux.seccomp" : "",
	};
	filter_free(filter_compile(&s, &o, &err));
	spec_seccomp_clear(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct spec_profile_target other = {
	    .caps = UINT64_MAX, .arch = "arm64", .kernel_major = 4, .kernel_minor = 14};
	_cleanup_free_ char *text = fuzz_text(data, size);
	one_target(text, NULL, NULL);
	one_target(text, &other, "arm64");
	return 0;
}
