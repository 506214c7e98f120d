// SPDX-License-Identifier: Apache-2.0
/* AppArmor and SELinux: whether the host has them, and the exec labels of
 * the container process (process.apparmorProfile, process.selinuxLabel).
 * Both take effect at the process's next execve. lsm_set_exec_labels runs in
 * the container process after pivot_root (it writes to the container's
 * /proc/thread-self) and before no_new_privs: AppArmor refuses most profile
 * transitions under no_new_privs. */
#include "runtime/init/init.h"

#include <fcntl.h>
#include <sys/statfs.h>
#include <sys/vfs.h>

#define SELINUX_MAGIC 0xf97cff8c

/* runc's test: apparmorfs is there and the module says Y. */
bool lsm_apparmor_enabled(void)
{
	char c = 0;
	if (access("/sys/kernel/security/apparmor", F_OK) < 0)
		return false;
	_cleanup_close_ int fd =
	    open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

/* selinuxfs is mounted where libselinux looks for it. */
bool lsm_selinux_enabled(void)
{
	struct statfs st;
	return statfs("/sys/fs/selinux", &st) == 0 && (uint32_t)st.f_type == SELINUX_MAGIC &&
	       access("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* /proc/thread-self/attr/... through the procfs brig opened (procfs.c) */
static int write_attr(int proc_fd, const char *path, const char *value, size_t len,
		      struct brig_error *err)
{
	_cleanup_free_ char *rel = procfs_rel(path, getpid(), gettid());
	if (!rel)
		return err_set(err, EINVAL, "bad attribute path '%s'", path);
	return procfs_write(proc_fd, rel, value, len, err);
}

static int set_apparmor(const char *profile, int proc_fd, struct brig_error *err)
{
	if (!lsm_apparmor_enabled())
		return err_set(err, EINVAL,
			       "process.apparmorProfile '%s': AppArmor is not enabled on this host",
			       profile);
	_cleanup_free_ char *cmd = xasprintf("exec %s", profile);
	/* Linux 5.1 gave each LSM its own attr directory; attr/exec is the
	 * older shared one */
	if (write_attr(proc_fd, "/proc/thread-self/attr/apparmor/exec", cmd, strlen(cmd), err) == 0)
		return 0;
	if (err->errnum == ENOENT &&
	    write_attr(proc_fd, "/proc/thread-self/attr/exec", cmd, strlen(cmd), err) == 0)
		return 0;
	return err_wrap(err, "set AppArmor profile '%s'", profile);
}

int lsm_set_exec_labels(const struct spec_process *p, int proc_fd, struct brig_error *err)
{
	if (p->apparmor_profile && set_apparmor(p->apparmor_profile, proc_fd, err) < 0)
		return -1;
	if (!p->selinux_label)
		return 0;
	if (!lsm_selinux_enabled()) {
		log_debug("process.selinuxLabel ignored: SELinux is not enabled");
		return 0;
	}
	const char *l = p->selinux_label;
	if (write_attr(proc_fd, "/proc/thread-self/attr/exec", l, strlen(l), err) < 0)
		return err_wrap(err, "set SELinux exec label '%s'", l);
	return 0;
}
