// SPDX-License-Identifier: Apache-2.0
/* The state record (<root>/<id>/state.json), as every verb after create reads
 * it: what parses must write back as a record that parses to the same, and
 * its cgroupPath is the cgroup record that delete reads. */
#include "cgroups/cgroups.h"
#include "fuzz.h"
#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_text(data, size);
	struct spec_state s, again;
	struct brig_error err = {0};
	if (spec_state_parse_record(text, &s, &err) < 0)
		return 0;
	_cleanup_free_ char *rec = spec_state_format_record(&s);
	if (spec_state_parse_record(rec, &again, &err) < 0)
		fuzz_fail("the record brig writes does not parse: %s\n%s", err.msg, rec);
	_cleanup_free_ char *rec2 = spec_state_format_record(&again);
	fuzz_same("state record", rec, rec2);
	free(spec_state_format_public(&s, true));
	free(spec_state_format_list(&s, 1));
	struct cgroups_cgroup cg;
	if (s.cgroup_path && cgroups_record_parse(s.cgroup_path, &cg, &err) == 0)
		cgroups_cgroup_clear(&cg);
	spec_state_clear(&again);
	spec_state_clear(&s);
	return 0;
}
