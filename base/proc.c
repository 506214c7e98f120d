// SPDX-License-Identifier: Apache-2.0
/* Processes as /proc shows them: a pid is only trusted together with its
 * start time, so a reused pid is never mistaken for the process brig made. */
#include "base/base.h"

#include <fcntl.h>
#include <sys/syscall.h>

uint64_t process_start_time(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and ')': fields start after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	char state = p[2];
	if (state == 'Z' || state == 'X')
		return 0; /* exited: waiting to be reaped is not alive */
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

bool process_alive(pid_t pid, uint64_t start_time)
{
	if (pid <= 0)
		return false;
	uint64_t t = process_start_time(pid);
	return t != 0 && t == start_time;
}

int process_pidfd(pid_t pid, uint64_t start_time)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -1;
	/* Checked after opening: the pidfd now pins this process, so a match
	 * means the fd is the container's process and not a reused pid. */
	if (!process_alive(pid, start_time)) {
		close(fd);
		errno = ESRCH;
		return -1;
	}
	return fd;
}

bool process_in_userns(void)
{
	_cleanup_free_ char *map = NULL;
	struct brig_error ignored;
	if (read_file_at(AT_FDCWD, "/proc/self/uid_map", &map, NULL, &ignored) < 0)
		return false;
	unsigned long a, b, n;
	return sscanf(map, "%lu %lu %lu", &a, &b, &n) != 3 || a != 0 || b != 0 || n != 4294967295UL;
}
