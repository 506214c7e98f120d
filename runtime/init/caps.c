// SPDX-License-Identifier: Apache-2.0
/* The five capability sets through libcap. The bounding set is dropped while
 * the process is still root with CAP_SETPCAP; the other sets are set after
 * the uid change (keep-caps held the permitted set across it). Without
 * process.capabilities every set is empty. */
#include "runtime/init/init.h"

#include <sys/capability.h>
#include <sys/prctl.h>

static bool has(uint64_t set, int cap)
{
	return cap < 64 && (set >> cap) & 1;
}

void caps_plan(const struct spec_capabilities *want, struct spec_capabilities *ret)
{
	*ret = *want;
	if (!want->present)
		return;
	uint64_t all =
	    want->bounding | want->effective | want->inheritable | want->permitted | want->ambient;
	int last = (int)cap_max_bits();
	for (int cap = 0; cap < 64; cap++) {
		if (!has(all, cap) || (cap < last && cap_get_bound((cap_value_t)cap) == 1))
			continue;
		log_warn(
		    "capability %s cannot be granted here (not in brig's bounding set): left out",
		    spec_cap_name(cap) ? spec_cap_name(cap) : "?");
		uint64_t keep = ~(UINT64_C(1) << cap);
		ret->bounding &= keep;
		ret->effective &= keep;
		ret->inheritable &= keep;
		ret->permitted &= keep;
		ret->ambient &= keep;
	}
}

/* No process.capabilities means no capability at all, as with runc (the
 * sets are then empty), not "keep what brig has": `brig check` flags it. */
int process_drop_bounding(struct child_ctx *c, struct brig_error *err)
{
	const struct spec_capabilities *caps = &c->plan->caps;
	int last = (int)cap_max_bits();
	for (int cap = 0; cap < last; cap++) {
		if (has(caps->bounding, cap))
			continue;
		if (cap_drop_bound((cap_value_t)cap) < 0 && errno != EINVAL)
			return err_sys(err, "drop %s from the bounding set", spec_cap_name(cap));
	}
	return 0;
}

int process_set_caps(struct child_ctx *c, struct brig_error *err)
{
	const struct spec_capabilities *caps = &c->plan->caps;
	cap_t set = cap_init();
	if (!set)
		return err_sys(err, "cap_init");
	int last = (int)cap_max_bits();
	for (int i = 0; i < last; i++) {
		cap_value_t v = (cap_value_t)i;
		if (has(caps->effective, i))
			cap_set_flag(set, CAP_EFFECTIVE, 1, &v, CAP_SET);
		if (has(caps->permitted, i))
			cap_set_flag(set, CAP_PERMITTED, 1, &v, CAP_SET);
		if (has(caps->inheritable, i))
			cap_set_flag(set, CAP_INHERITABLE, 1, &v, CAP_SET);
	}
	int r = cap_set_proc(set);
	cap_free(set);
	if (r < 0)
		return err_sys(err, "set capabilities");
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return err_sys(err, "clear ambient capabilities");
	for (int i = 0; i < last; i++) {
		if (!has(caps->ambient, i))
			continue;
		/* The kernel raises an ambient capability only if it is permitted
		 * and inheritable. runc's and crun's own default configs list
		 * ambient capabilities with an empty inheritable set; both skip
		 * them, and so does brig. */
		if (!has(caps->permitted, i) || !has(caps->inheritable, i)) {
			log_debug("ambient %s skipped: not in the permitted and inheritable sets",
				  spec_cap_name(i));
			continue;
		}
		if (cap_set_ambient((cap_value_t)i, CAP_SET) < 0)
			return err_sys(err, "raise ambient %s", spec_cap_name(i));
	}
	return 0;
}
