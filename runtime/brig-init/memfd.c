// SPDX-License-Identifier: Apache-2.0
/* brig-init, embedded in brig's image (blob.S), copied into a sealed memfd
 * for each container process to exec. */
#include "runtime/brig-init/brig-init.h"

#include <fcntl.h>
#include <sys/mman.h>

extern const char brig_init_start[];
extern const char brig_init_end[];

int brig_init_memfd(struct brig_error *err)
{
	size_t len = (size_t)(brig_init_end - brig_init_start);
	/* MFD_EXEC (Linux 6.3) keeps the memfd executable where vm.memfd_noexec
	 * would make new memfds non-executable by default. */
	int fd = memfd_create("brig-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | 0x0010U);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("brig-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return err_sys(err, "memfd_create");
	if (write_all(fd, brig_init_start, len) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
		err_sys(err, "fill the brig-init memfd");
		close(fd);
		return -1;
	}
	return fd;
}
