// SPDX-License-Identifier: Apache-2.0
/* The cgroup record (spec_state.cgroup_path), as delete and the other verbs
 * read it to find the cgroup again: what parses must write back as itself,
 * and name only what cgroups_path_resolve could have: a path below the
 * hierarchy's mount point (absolute, no empty, "." or ".." component) of
 * which brig created at most every component. delete removes those
 * directories and every empty one below them. */
#include "cgroups/cgroups.h"
#include "fuzz.h"

static void check_dir(const struct cgroups_dir *d)
{
	unsigned n = 0;
	const char *p = d->path;
	if (p[0] != '/')
		fuzz_fail("cgroup record: a relative path \"%s\" parsed", p);
	while (*p == '/') {
		size_t len = strcspn(p + 1, "/");
		if (len == 0 || (len == 1 && p[1] == '.') || (len == 2 && !strncmp(p + 1, "..", 2)))
			fuzz_fail("cgroup record: the path \"%s\" parsed", d->path);
		n++;
		p += 1 + len;
	}
	if (d->created > n)
		fuzz_fail("cgroup record: %u created components of \"%s\" parsed", d->created,
			  d->path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_text(data, size);
	struct cgroups_cgroup cg, again;
	struct brig_error err = {0};
	if (cgroups_record_parse(text, &cg, &err) < 0)
		return 0;
	check_dir(&cg.v2);
	for (size_t i = 0; i < cg.n_v1; i++)
		check_dir(&cg.v1[i]);
	_cleanup_free_ char *rec = cgroups_record(&cg);
	if (cgroups_record_parse(rec, &again, &err) < 0)
		fuzz_fail("the record brig writes does not parse: %s\n%s", err.msg, rec);
	_cleanup_free_ char *rec2 = cgroups_record(&again);
	fuzz_same("cgroup record", rec, rec2);
	cgroups_cgroup_clear(&again);
	cgroups_cgroup_clear(&cg);
	return 0;
}
