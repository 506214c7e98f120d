// SPDX-License-Identifier: Apache-2.0
/* A container without a mount namespace mounts in the runtime's. The child
 * first binds the rootfs over itself (private), so everything it mounts sits
 * on that one bind; delete, or a failed create, detaches it with everything on
 * top. The mount id found at the rootfs before the child ran tells whether the
 * bind is there: only a mount brig put over the rootfs is ever detached. */
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define HOST_MOUNT_FILE "rootfs.mnt"

static uint64_t mount_id(const char *path)
{
	struct statx stx;
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return 0;
	return stx.stx_mnt_id;
}

int host_mounts_record(int dir_fd, const char *rootfs, struct brig_error *err)
{
	uint64_t id = mount_id(rootfs);
	if (id == 0)
		return err_sys(err, "statx '%s'", rootfs);
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)id);
	return write_file_at(dir_fd, HOST_MOUNT_FILE, buf, (size_t)n, O_CREAT | O_TRUNC, err);
}

void host_mounts_detach(int dir_fd, const char *rootfs)
{
	_cleanup_free_ char *text = NULL;
	struct brig_error ignored;
	int64_t orig;
	if (read_file_at(dir_fd, HOST_MOUNT_FILE, &text, NULL, &ignored) < 0 ||
	    parse_int64(text, 1, INT64_MAX, &orig) < 0)
		return;
	/* One detach takes the bind and all on it; a few more tries cover a
	 * rootfs bound over more than once. */
	for (int i = 0; i < 8; i++) {
		uint64_t now = mount_id(rootfs);
		if (now == 0 || now == (uint64_t)orig)
			break;
		/* the path may have been swapped for a symlink since: never follow it */
		if (umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) < 0) {
			log_warn("detach container mounts at '%s': %s", rootfs, strerror(errno));
			break;
		}
	}
	unlinkat(dir_fd, HOST_MOUNT_FILE, 0);
}
