// SPDX-License-Identifier: Apache-2.0
/* floor: only the kernel work of starting the benchmark's container, as a lower
 * bound for a runtime's `run`: clone with the namespaces of bench/make-bundle.sh's
 * config, its mounts, devices, masked and read-only paths, pivot_root, hostname,
 * rlimit, capabilities, no_new_privs, exec, wait. No config parsing, no state
 * files, no cgroups, no second process.
 *
 *   gcc -O2 -static -o floor bench/floor.c
 *   floor [-n] [-U] ROOTFS [ARG...]      (default ARG: /bin/true)
 *     -n  no network namespace (the "nonet" bundle)
 *     -U  user namespace 0 -> 100000 (65536), as the "userns" bundle
 * Exits with the container's status; any error aborts with status 125. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clone flags, pipe2, setresuid */
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NOSUID_NOEXEC_NODEV (MS_NOSUID | MS_NOEXEC | MS_NODEV)

struct ctx {
	char rootfs[4096];
	char *const *argv;
	int userns;
	int sync_fd; /* read end: the parent has written the id maps */
};

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(125);
}

static void xmount(const char *src, const char *dst, const char *type, unsigned long flags,
		   const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		die(dst);
}

/* Paths under the rootfs, before pivot_root. */
static const char *in_root(const struct ctx *c, const char *path)
{
	static char buf[8192];
	snprintf(buf, sizeof(buf), "%s%s", c->rootfs, path);
	return buf;
}

static void wait_id_maps(struct ctx *c)
{
	char b;
	if (c->sync_fd >= 0 && read(c->sync_fd, &b, 1) != 1)
		die("wait for the parent");
	/* Become the mapped root: the ids from before the clone are unmapped. */
	if (c->userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		die("setresuid");
}

static void bind_rootfs(struct ctx *c)
{
	/* No mount event may leak to the host, and pivot_root wants a mount point. */
	xmount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	xmount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL);
}

struct mount_entry {
	const char *dst, *type;
	unsigned long flags;
	const char *data;
};

/* The mounts of make-bundle.sh's config, in its order. */
static void spec_mounts(struct ctx *c)
{
	static const struct mount_entry m[] = {
	    {"/proc", "proc", 0, NULL},
	    {"/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k"},
	    {"/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	     "newinstance,ptmxmode=0666,mode=0620,gid=5"},
	    {"/dev/shm", "tmpfs", NOSUID_NOEXEC_NODEV, "mode=1777,size=65536k"},
	    {"/dev/mqueue", "mqueue", NOSUID_NOEXEC_NODEV, NULL},
	    {"/sys", "sysfs", NOSUID_NOEXEC_NODEV | MS_RDONLY, NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		const char *dst = in_root(c, m[i].dst);
		if (mkdir(dst, 0755) < 0 && errno != EEXIST)
			die(dst);
		xmount(m[i].type, dst, m[i].type, m[i].flags, m[i].data);
	}
}

struct device {
	const char *path;
	unsigned major, minor;
};

/* The spec's default devices: mknod, or in a user namespace (where mknod is
 * refused) a bind mount of the host's node, as runtimes do. */
static void make_devices(struct ctx *c)
{
	static const struct device d[] = {
	    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},	   {"/dev/full", 1, 7},
	    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
	};
	static const char *const links[][2] = {
	    {"/proc/self/fd", "/dev/fd"},	{"/proc/self/fd/0", "/dev/stdin"},
	    {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
	    {"pts/ptmx", "/dev/ptmx"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(d); i++) {
		const char *p = in_root(c, d[i].path);
		if (!c->userns) {
			/* mknod applies the umask: chmod as runtimes do */
			if (mknod(p, S_IFCHR | 0666, makedev(d[i].major, d[i].minor)) < 0 ||
			    chmod(p, 0666) < 0)
				die(p);
			continue;
		}
		int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			die(p);
		close(fd);
		xmount(d[i].path, p, NULL, MS_BIND, NULL);
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlink(links[i][0], in_root(c, links[i][1])) < 0)
			die(links[i][1]);
}

static void pivot_into_rootfs(struct ctx *c)
{
	/* pivot_root(".", "."): the old root ends up under the new one; detach it. */
	if (chdir(c->rootfs) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("detach the old root");
}

/* After pivot_root, so that the final tree is covered. */
static void mask_paths(struct ctx *c)
{
	static const char *const masked[] = {
	    "/proc/acpi",	   "/proc/asound",     "/proc/kcore",	    "/proc/keys",
	    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	    "/sys/firmware",	   "/proc/scsi",
	};
	static const char *const readonly[] = {
	    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
	};
	struct stat st;
	(void)c;
	for (size_t i = 0; i < ARRAY_SIZE(masked); i++) {
		if (stat(masked[i], &st) < 0)
			continue; /* absent on this kernel: nothing to hide */
		if (S_ISDIR(st.st_mode))
			xmount("tmpfs", masked[i], "tmpfs", MS_RDONLY, NULL);
		else
			xmount("/dev/null", masked[i], NULL, MS_BIND, NULL);
	}
	for (size_t i = 0; i < ARRAY_SIZE(readonly); i++) {
		if (stat(readonly[i], &st) < 0)
			continue;
		xmount(readonly[i], readonly[i], NULL, MS_BIND | MS_REC, NULL);
		xmount(NULL, readonly[i], NULL,
		       MS_BIND | MS_REMOUNT | MS_RDONLY | NOSUID_NOEXEC_NODEV, NULL);
	}
}

static void finish_process(struct ctx *c)
{
	/* root.readonly */
	xmount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
	if (sethostname("bench", 5) < 0)
		die("sethostname");
	struct rlimit rl = {1024, 1024};
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("setrlimit");
	(void)c;
}

/* runc's default set: AUDIT_WRITE, KILL, NET_BIND_SERVICE (no ambient: runc's
 * raise fails without inheritable, so its containers end with none either). */
static void drop_caps(struct ctx *c)
{
	const unsigned keep =
	    (1U << CAP_AUDIT_WRITE) | (1U << CAP_KILL) | (1U << CAP_NET_BIND_SERVICE);
	(void)c;
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (cap >= 32 || !(keep & (1U << cap)))
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
				die("drop bounding capability");
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {{keep, keep, 0}, {0, 0, 0}};
	if (syscall(SYS_capset, &h, d) < 0)
		die("capset");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs");
}

struct step {
	const char *name;
	void (*run)(struct ctx *);
};

static const struct step child_steps[] = {
    {.name = "wait for id maps", .run = wait_id_maps}, /* the parent writes them first */
    {.name = "bind rootfs", .run = bind_rootfs},
    {.name = "spec mounts", .run = spec_mounts},
    {.name = "devices", .run = make_devices},
    {.name = "pivot root", .run = pivot_into_rootfs},
    {.name = "mask paths", .run = mask_paths},
    {.name = "finish process", .run = finish_process},
    {.name = "drop caps", .run = drop_caps},
};

static int child(struct ctx *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(child_steps); i++)
		child_steps[i].run(c);
	execv(c->argv[0], c->argv);
	die(c->argv[0]);
	return 125;
}

static int usage(void)
{
	fprintf(stderr, "usage: floor [-n] [-U] ROOTFS [ARG...]\n");
	return 2;
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die(path);
	close(fd);
}

int main(int argc, char **argv)
{
	static char *const default_args[] = {"/bin/true", NULL};
	struct ctx c = {.sync_fd = -1};
	int opt, nonet = 0;

	while ((opt = getopt(argc, argv, "+nU")) != -1) {
		if (opt == 'n')
			nonet = 1;
		else if (opt == 'U')
			c.userns = 1;
		else
			return usage();
	}
	if (optind >= argc)
		return usage();
	if (!realpath(argv[optind], c.rootfs))
		die(argv[optind]);
	c.argv = optind + 1 < argc ? argv + optind + 1 : default_args;

	unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
			      CLONE_NEWCGROUP | (nonet ? 0 : CLONE_NEWNET) |
			      (c.userns ? CLONE_NEWUSER : 0);
	int sync[2] = {-1, -1};
	if (c.userns && pipe2(sync, O_CLOEXEC) < 0)
		die("pipe");
	c.sync_fd = sync[0];

	/* clone as fork: the child runs on a copy of this stack. */
	pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		die("clone");
	if (pid == 0)
		_exit(child(&c));

	if (c.userns) {
		/* The maps must be in place before the child uses its ids. */
		char p[64];
		snprintf(p, sizeof(p), "/proc/%d/uid_map", (int)pid);
		write_file(p, "0 100000 65536");
		snprintf(p, sizeof(p), "/proc/%d/gid_map", (int)pid);
		write_file(p, "0 100000 65536");
		if (write(sync[1], "x", 1) != 1)
			die("wake the child");
	}
	int status;
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
