// SPDX-License-Identifier: Apache-2.0
/* mounts[].options: the runtime-spec config.md "Linux mount options" table with
 * runc's semantics (libcontainer/specconv parseMountOptions). Unknown options
 * are filesystem data, passed on to mount(2) in order. */
#include "spec/internal.h"

#include <sys/mount.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256 /* Linux 5.10 */
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000 /* Linux 5.14 */
#endif

enum opt_kind {
	OPT_NOOP,
	OPT_FLAG,	 /* an MS_* flag set or cleared */
	OPT_BIND,	 /* bind, rbind */
	OPT_PROPAGATION, /* the last one wins */
	OPT_ATTR,	 /* a MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE) */
	OPT_ATIME,	 /* the same, for the atime "enum" inside the attr bits */
	OPT_IDMAP,
	OPT_RIDMAP,
	OPT_TMPCOPYUP,
};

struct mount_opt {
	const char *name;
	enum opt_kind kind;
	bool clear;
	unsigned long flag;
};

static const struct mount_opt mount_opts[] = {
    {"async", OPT_FLAG, true, MS_SYNCHRONOUS},
    {"atime", OPT_FLAG, true, MS_NOATIME},
    {"bind", OPT_BIND, false, MS_BIND},
    {"defaults", OPT_NOOP, false, 0},
    {"dev", OPT_FLAG, true, MS_NODEV},
    {"diratime", OPT_FLAG, true, MS_NODIRATIME},
    {"dirsync", OPT_FLAG, false, MS_DIRSYNC},
    {"exec", OPT_FLAG, true, MS_NOEXEC},
    {"iversion", OPT_FLAG, false, MS_I_VERSION},
    {"lazytime", OPT_FLAG, false, MS_LAZYTIME},
    {"loud", OPT_FLAG, true, MS_SILENT},
    {"mand", OPT_FLAG, false, MS_MANDLOCK},
    {"noatime", OPT_FLAG, false, MS_NOATIME},
    {"nodev", OPT_FLAG, false, MS_NODEV},
    {"nodiratime", OPT_FLAG, false, MS_NODIRATIME},
    {"noexec", OPT_FLAG, false, MS_NOEXEC},
    {"noiversion", OPT_FLAG, true, MS_I_VERSION},
    {"nolazytime", OPT_FLAG, true, MS_LAZYTIME},
    {"nomand", OPT_FLAG, true, MS_MANDLOCK},
    {"norelatime", OPT_FLAG, true, MS_RELATIME},
    {"nostrictatime", OPT_FLAG, true, MS_STRICTATIME},
    {"nosuid", OPT_FLAG, false, MS_NOSUID},
    {"nosymfollow", OPT_FLAG, false, MS_NOSYMFOLLOW},
    {"rbind", OPT_BIND, false, MS_BIND | MS_REC},
    {"relatime", OPT_FLAG, false, MS_RELATIME},
    {"remount", OPT_FLAG, false, MS_REMOUNT},
    {"ro", OPT_FLAG, false, MS_RDONLY},
    {"rw", OPT_FLAG, true, MS_RDONLY},
    {"silent", OPT_FLAG, false, MS_SILENT},
    {"strictatime", OPT_FLAG, false, MS_STRICTATIME},
    {"suid", OPT_FLAG, true, MS_NOSUID},
    {"symfollow", OPT_FLAG, true, MS_NOSYMFOLLOW},
    {"sync", OPT_FLAG, false, MS_SYNCHRONOUS},

    {"private", OPT_PROPAGATION, false, MS_PRIVATE},
    {"rprivate", OPT_PROPAGATION, false, MS_PRIVATE | MS_REC},
    {"shared", OPT_PROPAGATION, false, MS_SHARED},
    {"rshared", OPT_PROPAGATION, false, MS_SHARED | MS_REC},
    {"slave", OPT_PROPAGATION, false, MS_SLAVE},
    {"rslave", OPT_PROPAGATION, false, MS_SLAVE | MS_REC},
    {"unbindable", OPT_PROPAGATION, false, MS_UNBINDABLE},
    {"runbindable", OPT_PROPAGATION, false, MS_UNBINDABLE | MS_REC},

    {"rro", OPT_ATTR, false, MOUNT_ATTR_RDONLY},
    {"rrw", OPT_ATTR, true, MOUNT_ATTR_RDONLY},
    {"rnosuid", OPT_ATTR, false, MOUNT_ATTR_NOSUID},
    {"rsuid", OPT_ATTR, true, MOUNT_ATTR_NOSUID},
    {"rnodev", OPT_ATTR, false, MOUNT_ATTR_NODEV},
    {"rdev", OPT_ATTR, true, MOUNT_ATTR_NODEV},
    {"rnoexec", OPT_ATTR, false, MOUNT_ATTR_NOEXEC},
    {"rexec", OPT_ATTR, true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", OPT_ATTR, false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", OPT_ATTR, true, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", OPT_ATTR, false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", OPT_ATTR, true, MOUNT_ATTR_NOSYMFOLLOW},
    {"rrelatime", OPT_ATIME, false, MOUNT_ATTR_RELATIME},
    {"rnorelatime", OPT_ATIME, true, MOUNT_ATTR_RELATIME},
    {"rnoatime", OPT_ATIME, false, MOUNT_ATTR_NOATIME},
    {"ratime", OPT_ATIME, true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", OPT_ATIME, false, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", OPT_ATIME, true, MOUNT_ATTR_STRICTATIME},

    {"idmap", OPT_IDMAP, false, 0},
    {"ridmap", OPT_RIDMAP, false, 0},
    {"tmpcopyup", OPT_TMPCOPYUP, false, 0},
};

static const struct mount_opt *find_opt(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_opts); i++)
		if (strcmp(mount_opts[i].name, name) == 0)
			return &mount_opts[i];
	return NULL;
}

/* Later options override earlier ones: a flag lives in `flags` or `clear`. */
static void apply_flag(unsigned long *set, unsigned long *clr, const struct mount_opt *m)
{
	if (m->clear) {
		*set &= ~m->flag;
		*clr |= m->flag;
	} else {
		*set |= m->flag;
		*clr &= ~m->flag;
	}
}

static void apply_attr(struct spec_mount_opts *o, const struct mount_opt *m)
{
	if (m->kind == OPT_ATTR) {
		if (m->clear) {
			o->attr_set &= ~(uint64_t)m->flag;
			o->attr_clr |= m->flag;
		} else {
			o->attr_set |= m->flag;
			o->attr_clr &= ~(uint64_t)m->flag;
		}
		return;
	}
	/* The atime modes are an enum inside the bits: mount_setattr(2) wants
	 * all of MOUNT_ATTR__ATIME in attr_clr to change it, and at most one
	 * mode in attr_set. Clearing the current mode falls back to relatime. */
	o->attr_clr |= MOUNT_ATTR__ATIME;
	if (m->clear)
		o->attr_set &= ~(uint64_t)m->flag;
	else
		o->attr_set = (o->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | m->flag;
}

static void apply_opt(struct spec_mount_opts *o, const struct mount_opt *m)
{
	switch (m->kind) {
	case OPT_NOOP:
		break;
	case OPT_FLAG:
		apply_flag(&o->flags, &o->clear, m);
		break;
	case OPT_BIND:
		apply_flag(&o->flags, &o->clear, m);
		o->bind = true;
		if (m->flag & MS_REC)
			o->recursive = true;
		break;
	case OPT_PROPAGATION:
		o->propagation = m->flag;
		break;
	case OPT_ATTR:
	case OPT_ATIME:
		apply_attr(o, m);
		break;
	case OPT_IDMAP:
		o->idmap = true;
		break;
	case OPT_RIDMAP:
		o->idmap = true;
		o->ridmap = true;
		break;
	case OPT_TMPCOPYUP:
		o->tmpcopyup = true;
		break;
	}
}

static void append_data(char **data, size_t *len, const char *opt)
{
	size_t n = strlen(opt);
	*data = xrealloc(*data, *len + n + 2);
	if (*len)
		(*data)[(*len)++] = ',';
	memcpy(*data + *len, opt, n + 1);
	*len += n;
}

int spec_mount_opts_parse(char *const *options, struct spec_mount_opts *ret, struct brig_error *err)
{
	struct spec_mount_opts o = {0};
	_cleanup_free_ char *data = NULL;
	size_t len = 0;

	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; options && options[i]; i++) {
		if (options[i][0] == '\0')
			return err_set(err, EINVAL, "empty mount option");
		const struct mount_opt *m = find_opt(options[i]);
		if (m)
			apply_opt(&o, m);
		else
			append_data(&data, &len, options[i]);
	}
	o.data = steal_ptr(&data);
	*ret = o;
	return 0;
}

void spec_mount_opts_free(struct spec_mount_opts *o)
{
	if (!o)
		return;
	free(o->data);
	o->data = NULL;
}

size_t mountopt_names(const char **out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(mount_opts) && n < cap; i++)
		out[n++] = mount_opts[i].name;
	return n;
}
