// SPDX-License-Identifier: Apache-2.0
/* brig-probe: a static program that runs as a container's process and reports
 * what it sees as key=value lines, one fact per line, for the conformance scripts.
 * Subcommands chain with "+": `probe ids + caps + exit 3`. A subcommand that
 * fails prints "error=..." and makes the probe exit 1. `@TAG SUBCOMMAND...`
 * prefixes the subcommand's lines with "TAG." (it runs in a forked child, so
 * keep it to commands like stat whose answer does not depend on the pid). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

static int fail(const char *what, const char *arg)
{
	printf("error=%s '%s': %s\n", what, arg ? arg : "", errname(errno));
	return 1;
}

static int need(int argc, int n, const char *usage)
{
	if (argc >= n)
		return 0;
	fprintf(stderr, "probe: usage: %s\n", usage);
	return -1;
}

static int cat_file(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open", path);
	fflush(stdout);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			break;
	close(fd);
	return 0;
}

/* First line of a file, without its newline; "" on error. */
static const char *read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	buf[0] = 0;
	if (!f)
		return buf;
	if (!fgets(buf, (int)len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/* The value of "Key:" in /proc/self/status. */
static void status_field(const char *key, char *out, size_t len)
{
	char line[512];
	size_t kl = strlen(key);
	FILE *f = fopen("/proc/self/status", "re");
	out[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, kl) || line[kl] != ':')
			continue;
		char *v = line + kl + 1;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = 0;
		snprintf(out, len, "%s", v);
		break;
	}
	fclose(f);
}

static int cmp_gid(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
	return x < y ? -1 : x > y;
}

static int p_ids(int argc, char **argv)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups(NGROUPS_MAX, groups);
	(void)argc, (void)argv;
	printf("uid=%u\neuid=%u\ngid=%u\negid=%u\ngroups=", getuid(), geteuid(), getgid(),
	       getegid());
	if (n > 0)
		qsort(groups, (size_t)n, sizeof(gid_t), cmp_gid);
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", groups[i]);
	printf("\n");
	return 0;
}

static int p_caps(int argc, char **argv)
{
	static const char *keys[][2] = {{"CapInh", "inh"},
					{"CapPrm", "prm"},
					{"CapEff", "eff"},
					{"CapBnd", "bnd"},
					{"CapAmb", "amb"}};
	char v[64];
	(void)argc, (void)argv;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		status_field(keys[i][0], v, sizeof(v));
		printf("%s=%s\n", keys[i][1], v);
	}
	return 0;
}

static int p_nnp(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("nnp=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	return 0;
}

static int p_fds(int argc, char **argv)
{
	char path[64], target[PATH_MAX], list[4096] = "";
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	(void)argc, (void)argv;
	if (!d)
		return fail("opendir", "/proc/self/fd");
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = 0;
		int fl = fcntl(fd, F_GETFD);
		printf("fd.%d=%s%s\n", fd, target,
		       fl >= 0 && (fl & FD_CLOEXEC) ? " (cloexec)" : "");
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d",
			 list[0] ? "," : "", fd);
	}
	closedir(d);
	printf("fds=%s\n", list);
	return 0;
}

/* Reads up to 256 bytes from an inherited fd: a preserved fd is usable. */
static int p_readfd(int argc, char **argv)
{
	char buf[257];
	if (need(argc, 2, "readfd N") < 0)
		return 2;
	ssize_t n = pread(atoi(argv[1]), buf, sizeof(buf) - 1, 0);
	if (n < 0)
		n = read(atoi(argv[1]), buf, sizeof(buf) - 1);
	if (n < 0)
		return fail("read fd", argv[1]);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	printf("fd.%s.content=%s\n", argv[1], buf);
	return 0;
}

/* Writes a line to stdout and one to stderr, and echoes a line of stdin. */
static int p_stdio(int argc, char **argv)
{
	char line[256] = "";
	(void)argc, (void)argv;
	printf("to-stdout\n");
	fflush(stdout);
	fprintf(stderr, "to-stderr\n");
	if (!fgets(line, sizeof(line), stdin))
		line[0] = 0;
	line[strcspn(line, "\n")] = 0;
	printf("stdin=%s\n", line);
	return 0;
}

static int p_ns(int argc, char **argv)
{
	static const char *names[] = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"};
	char path[64], target[256];
	(void)argc, (void)argv;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = 0;
		printf("ns.%s=%s\n", names[i], target);
	}
	return 0;
}

static const struct {
	const char *name;
	int res;
} rlimits[] = {
    {"AS", RLIMIT_AS},		 {"CORE", RLIMIT_CORE},		{"CPU", RLIMIT_CPU},
    {"DATA", RLIMIT_DATA},	 {"FSIZE", RLIMIT_FSIZE},	{"LOCKS", RLIMIT_LOCKS},
    {"MEMLOCK", RLIMIT_MEMLOCK}, {"MSGQUEUE", RLIMIT_MSGQUEUE}, {"NICE", RLIMIT_NICE},
    {"NOFILE", RLIMIT_NOFILE},	 {"NPROC", RLIMIT_NPROC},	{"RSS", RLIMIT_RSS},
    {"RTPRIO", RLIMIT_RTPRIO},	 {"RTTIME", RLIMIT_RTTIME},	{"SIGPENDING", RLIMIT_SIGPENDING},
    {"STACK", RLIMIT_STACK},
};

static void print_rlim(const char *key, rlim_t v)
{
	if (v == RLIM_INFINITY)
		printf("%s=unlimited\n", key);
	else
		printf("%s=%llu\n", key, (unsigned long long)v);
}

static int p_rlimit(int argc, char **argv)
{
	if (need(argc, 2, "rlimit NAME") < 0)
		return 2;
	const char *name = argv[1];
	if (!strncmp(name, "RLIMIT_", 7))
		name += 7;
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		if (strcmp(rlimits[i].name, name))
			continue;
		struct rlimit r;
		if (getrlimit(rlimits[i].res, &r) < 0)
			return fail("getrlimit", name);
		print_rlim("soft", r.rlim_cur);
		print_rlim("hard", r.rlim_max);
		return 0;
	}
	errno = EINVAL;
	return fail("unknown rlimit", name);
}

static int p_umask(int argc, char **argv)
{
	mode_t m = umask(0);
	(void)argc, (void)argv;
	umask(m);
	printf("umask=%04o\n", m);
	return 0;
}

static int p_cwd(int argc, char **argv)
{
	char buf[PATH_MAX], link[PATH_MAX];
	(void)argc, (void)argv;
	if (!getcwd(buf, sizeof(buf)))
		return fail("getcwd", "");
	ssize_t n = readlink("/proc/self/cwd", link, sizeof(link) - 1);
	link[n < 0 ? 0 : n] = 0;
	printf("cwd=%s\ncwd.link=%s\n", buf, link);
	n = readlink("/proc/self/root", link, sizeof(link) - 1);
	link[n < 0 ? 0 : n] = 0;
	printf("root.link=%s\n", link);
	return 0;
}

static int p_env(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (char **e = environ; *e; e++)
		printf("%s\n", *e);
	return 0;
}

static int p_args(int argc, char **argv)
{
	printf("argc=%d\n", argc - 1);
	for (int i = 1; i < argc; i++)
		printf("arg.%d=%s\n", i, argv[i]);
	return 0;
}

/* A directory is writable if a file can be created in it. */
static int p_writable(int argc, char **argv)
{
	struct stat st;
	int fd;
	if (need(argc, 2, "writable PATH") < 0)
		return 2;
	if (stat(argv[1], &st) == 0 && S_ISDIR(st.st_mode)) {
		char tmp[PATH_MAX];
		snprintf(tmp, sizeof(tmp), "%s/.probe-%d", argv[1], getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			unlink(tmp);
	} else {
		fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		printf("writable=no\nerrno=%s\n", errname(errno));
		return 0;
	}
	close(fd);
	printf("writable=yes\n");
	return 0;
}

static int p_readable(int argc, char **argv)
{
	char c;
	if (need(argc, 2, "readable PATH") < 0)
		return 2;
	int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, &c, 1);
	if (n < 0 && errno == EISDIR)
		n = 0;
	if (n < 0) {
		printf("readable=no\nerrno=%s\n", errname(errno));
	} else {
		printf("readable=yes\nbytes=%s\n", n > 0 ? "some" : "none");
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

static int p_open_write(int argc, char **argv)
{
	if (need(argc, 2, "open-write PATH") < 0)
		return 2;
	int fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("open=fail\nerrno=%s\n", errname(errno));
		return 0;
	}
	close(fd);
	printf("open=ok\n");
	return 0;
}

static int p_write(int argc, char **argv)
{
	if (need(argc, 3, "write PATH TEXT") < 0)
		return 2;
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail("open", argv[1]);
	size_t len = strlen(argv[2]);
	if (write(fd, argv[2], len) != (ssize_t)len) {
		close(fd);
		return fail("write", argv[1]);
	}
	close(fd);
	printf("write=ok\n");
	return 0;
}

static int p_exit(int argc, char **argv)
{
	if (need(argc, 2, "exit N") < 0)
		return 2;
	fflush(stdout);
	_exit(atoi(argv[1]));
}

static int p_raise(int argc, char **argv)
{
	if (need(argc, 2, "raise SIGNUM") < 0)
		return 2;
	int sig = atoi(argv[1]);
	fflush(stdout);
	signal(sig, SIG_DFL);
	raise(sig);
	return 1;
}

static int p_sleep(int argc, char **argv)
{
	double s = argc > 1 ? atof(argv[1]) : 3600;
	struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - (time_t)s) * 1e9)};
	fflush(stdout);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static void on_signal(int sig)
{
	_exit(sig == SIGTERM ? 42 : 100 + sig);
}

/* Exits 42 on SIGTERM, 100+N on SIGHUP, SIGINT, SIGUSR1 and SIGUSR2. Prints
 * "ready" once the handlers are installed. */
static int p_signal_trap(int argc, char **argv)
{
	(void)argc, (void)argv;
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

static int p_tty(int argc, char **argv)
{
	struct winsize ws = {0};
	char *name;
	(void)argc, (void)argv;
	for (int fd = 0; fd <= 2; fd++) {
		name = isatty(fd) ? ttyname(fd) : NULL;
		printf("isatty%d=%d\nttyname%d=%s\n", fd, isatty(fd), fd, name ? name : "");
	}
	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		printf("rows=%u\ncols=%u\n", ws.ws_row, ws.ws_col);
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	printf("ctty=%s\n", fd >= 0 ? "yes" : "no");
	if (fd >= 0)
		close(fd);
	printf("pgrp_is_fg=%d\n", tcgetpgrp(0) == getpgrp());
	return 0;
}

static int p_echo(int argc, char **argv)
{
	char line[1024];
	(void)argc, (void)argv;
	printf("echo-ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return fail("read stdin", "");
	line[strcspn(line, "\r\n")] = 0;
	printf("echo=%s\n", line);
	return 0;
}

static void print_link(const char *key, const char *path)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		printf("%s=error %s\n", key, errname(errno));
	else
		printf("%s=%.*s\n", key, (int)n, target);
}

static int p_exe(int argc, char **argv)
{
	struct stat st;
	(void)argc, (void)argv;
	print_link("exe", "/proc/self/exe");
	print_link("pid1.exe", "/proc/1/exe");
	if (stat("/proc/1/exe", &st) == 0)
		printf("pid1.ino=%llu:%llu\n", (unsigned long long)st.st_dev,
		       (unsigned long long)st.st_ino);
	if (stat("/proc/self/exe", &st) == 0)
		printf("self.ino=%llu:%llu\n", (unsigned long long)st.st_dev,
		       (unsigned long long)st.st_ino);
	return 0;
}

/* Every /proc/PID/exe this process can see whose file is DEV:INO, and
 * whether it could open it for writing. */
static int p_exe_scan(int argc, char **argv)
{
	struct dirent *de;
	int matches = 0, seen = 0;
	if (need(argc, 2, "exe-scan DEV:INO") < 0)
		return 2;
	unsigned long long dev = 0, ino = 0;
	sscanf(argv[1], "%llu:%llu", &dev, &ino);
	DIR *d = opendir("/proc");
	if (!d)
		return fail("opendir", "/proc");
	while ((de = readdir(d))) {
		char path[300];
		struct stat st;
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/exe", de->d_name);
		if (stat(path, &st) < 0)
			continue;
		seen++;
		if (st.st_dev != dev || st.st_ino != ino)
			continue;
		matches++;
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		printf("match.%s=%s\n", de->d_name, fd >= 0 ? "writable" : errname(errno));
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	printf("seen=%d\nmatches=%d\n", seen, matches);
	return 0;
}

static int p_cat(int argc, char **argv)
{
	if (need(argc, 2, "cat PATH") < 0)
		return 2;
	return cat_file(argv[1]);
}

static int p_mounts(int argc, char **argv)
{
	(void)argc, (void)argv;
	return cat_file("/proc/self/mountinfo");
}

/* Unescapes mountinfo's octal escapes (\040) in place. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
}

/* The topmost mount at PATH in /proc/self/mountinfo. */
static int p_mountinfo(int argc, char **argv)
{
	char line[4096], best[4096] = "";
	int count = 0;
	if (need(argc, 2, "mountinfo PATH") < 0)
		return 2;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return fail("open", "/proc/self/mountinfo");
	while (fgets(line, sizeof(line), f)) {
		char copy[4096], *save = NULL;
		snprintf(copy, sizeof(copy), "%s", line);
		strtok_r(copy, " ", &save);
		strtok_r(NULL, " ", &save);
		strtok_r(NULL, " ", &save);
		strtok_r(NULL, " ", &save);
		char *mp = strtok_r(NULL, " ", &save);
		if (!mp)
			continue;
		unescape(mp);
		if (!strcmp(mp, argv[1])) {
			snprintf(best, sizeof(best), "%s", line);
			count++;
		}
	}
	fclose(f);
	printf("mnt.count=%d\n", count); /* mounts stacked at PATH */
	if (!best[0]) {
		printf("mnt=none\n");
		return 0;
	}
	/* id parent maj:min root mountpoint opts [optional...] - fstype source super */
	char *save = NULL, *tok[8] = {0}, prop[512] = "";
	best[strcspn(best, "\n")] = 0;
	for (int i = 0; i < 6; i++)
		tok[i] = strtok_r(i ? NULL : best, " ", &save);
	char *t;
	while ((t = strtok_r(NULL, " ", &save)) && strcmp(t, "-"))
		snprintf(prop + strlen(prop), sizeof(prop) - strlen(prop), "%s%s",
			 prop[0] ? "," : "", t);
	char *fstype = strtok_r(NULL, " ", &save);
	char *source = strtok_r(NULL, " ", &save);
	char *super = strtok_r(NULL, " ", &save);
	if (tok[3])
		unescape(tok[3]);
	printf("mnt=yes\nmnt.root=%s\nmnt.opts=%s\nmnt.propagation=%s\nmnt.fstype=%s\n"
	       "mnt.source=%s\nmnt.super=%s\n",
	       tok[3] ? tok[3] : "", tok[5] ? tok[5] : "", prop[0] ? prop : "private",
	       fstype ? fstype : "", source ? source : "", super ? super : "");
	return 0;
}

/* The filesystem of each entry of DIR, not following symlinks: "NAME=0xTYPE"
 * (a symlink shows the filesystem it is on). */
static int p_fstypes(int argc, char **argv)
{
	if (need(argc, 2, "fstypes DIR") < 0)
		return 2;
	DIR *d = opendir(argv[1]);
	if (!d)
		return fail("opendir", argv[1]);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct statfs fs;
		int fd = openat(dirfd(d), de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && fstatfs(fd, &fs) == 0)
			printf("%s=0x%lx\n", de->d_name, (unsigned long)fs.f_type);
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return 0;
}

static int p_statfs(int argc, char **argv)
{
	struct statfs fs;
	struct statvfs vfs;
	if (need(argc, 2, "statfs PATH") < 0)
		return 2;
	if (statfs(argv[1], &fs) < 0 || statvfs(argv[1], &vfs) < 0)
		return fail("statfs", argv[1]);
	printf("fstype=0x%lx\nrdonly=%d\nnosuid=%d\nnodev=%d\nnoexec=%d\nsize_kb=%llu\n",
	       (unsigned long)fs.f_type, !!(vfs.f_flag & ST_RDONLY), !!(vfs.f_flag & ST_NOSUID),
	       !!(vfs.f_flag & ST_NODEV), !!(vfs.f_flag & ST_NOEXEC),
	       (unsigned long long)fs.f_blocks * (unsigned long long)fs.f_bsize / 1024);
	return 0;
}

static int p_stat(int argc, char **argv)
{
	struct stat st;
	const char *type;
	if (need(argc, 2, "stat PATH") < 0)
		return 2;
	if (lstat(argv[1], &st) < 0) {
		printf("type=missing\nerrno=%s\n", errname(errno));
		return 0;
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFREG:
		type = "file";
		break;
	case S_IFDIR:
		type = "dir";
		break;
	case S_IFCHR:
		type = "chr";
		break;
	case S_IFBLK:
		type = "blk";
		break;
	case S_IFIFO:
		type = "fifo";
		break;
	case S_IFSOCK:
		type = "sock";
		break;
	case S_IFLNK:
		type = "link";
		break;
	default:
		type = "other";
	}
	printf("type=%s\nmode=%04o\nuid=%u\ngid=%u\nrdev=%u:%u\nsize=%lld\n", type,
	       st.st_mode & 07777, st.st_uid, st.st_gid, major(st.st_rdev), minor(st.st_rdev),
	       (long long)st.st_size);
	if (S_ISLNK(st.st_mode))
		print_link("target", argv[1]);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int p_ls(int argc, char **argv)
{
	char *names[1024];
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(argc > 1 ? argv[1] : ".");
	if (!d)
		return fail("opendir", argc > 1 ? argv[1] : ".");
	while ((de = readdir(d)) && n < 1024)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", names[i]);
		free(names[i]);
	}
	return 0;
}

static int p_ps(int argc, char **argv)
{
	struct dirent *de;
	int count = 0;
	(void)argc, (void)argv;
	DIR *d = opendir("/proc");
	if (!d)
		return fail("opendir", "/proc");
	printf("pids=");
	while ((de = readdir(d)))
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			printf("%s%s", count++ ? "," : "", de->d_name);
	closedir(d);
	printf("\nnprocs=%d\n", count);
	return 0;
}

static int p_pid(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("pid=%d\nppid=%d\npgid=%d\nsid=%d\n", getpid(), getppid(), getpgrp(), getsid(0));
	return 0;
}

static int p_oom(int argc, char **argv)
{
	char buf[64];
	(void)argc, (void)argv;
	printf("oom_score_adj=%s\n", read_line("/proc/self/oom_score_adj", buf, sizeof(buf)));
	return 0;
}

static int p_sysctl(int argc, char **argv)
{
	char path[PATH_MAX], buf[1024];
	if (need(argc, 2, "sysctl KEY") < 0)
		return 2;
	snprintf(path, sizeof(path), "/proc/sys/%s", argv[1]);
	for (char *p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
	if (access(path, R_OK) < 0)
		return fail("access", path);
	printf("value=%s\n", read_line(path, buf, sizeof(buf)));
	return 0;
}

static int p_hostname(int argc, char **argv)
{
	struct utsname u;
	(void)argc, (void)argv;
	if (uname(&u) < 0)
		return fail("uname", "");
	printf("hostname=%s\ndomainname=%s\n", u.nodename, u.domainname);
	return 0;
}

/* Interfaces from /proc/net/dev with their up flag. */
static int p_net(int argc, char **argv)
{
	char line[512];
	(void)argc, (void)argv;
	FILE *f = fopen("/proc/net/dev", "re");
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!f || s < 0)
		return fail("open", "/proc/net/dev");
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = 0;
		char *name = line + strspn(line, " ");
		struct ifreq ifr = {0};
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		int up = ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
		printf("if.%s=%s\n", name, up ? "up" : "down");
	}
	fclose(f);
	close(s);
	return 0;
}

static int p_bind(int argc, char **argv)
{
	if (need(argc, 2, "bind PORT") < 0)
		return 2;
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)atoi(argv[1])),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return fail("socket", "");
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		printf("bind=fail\nerrno=%s\n", errname(errno));
	else
		printf("bind=ok\n");
	close(s);
	return 0;
}

static int p_clock(int argc, char **argv)
{
	struct timespec m, b;
	(void)argc, (void)argv;
	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_BOOTTIME, &b);
	printf("monotonic=%lld\nboottime=%lld\n", (long long)m.tv_sec, (long long)b.tv_sec);
	return 0;
}

/* Whether chown(2) on PATH works: a CAP_CHOWN check. */
static int p_chown(int argc, char **argv)
{
	if (need(argc, 2, "chown PATH") < 0)
		return 2;
	if (chown(argv[1], 1234, 1234) < 0)
		printf("chown=fail\nerrno=%s\n", errname(errno));
	else
		printf("chown=ok\n");
	return 0;
}

/* What raw syscall NR (all arguments 0) returns: seccomp's answer for a
 * number the profile may not know, without libc's fallbacks. */
static int p_syscall(int argc, char **argv)
{
	if (need(argc, 2, "syscall NR") < 0)
		return 2;
	long r = syscall(strtol(argv[1], NULL, 0), 0L, 0L, 0L, 0L, 0L, 0L);
	if (r < 0)
		printf("syscall=fail\nerrno=%s\n", errname(errno));
	else
		printf("syscall=%ld\n", r);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} cmds[] = {
    {"ids", p_ids},
    {"caps", p_caps},
    {"nnp", p_nnp},
    {"fds", p_fds},
    {"ns", p_ns},
    {"rlimit", p_rlimit},
    {"umask", p_umask},
    {"cwd", p_cwd},
    {"env", p_env},
    {"args", p_args},
    {"writable", p_writable},
    {"readable", p_readable},
    {"open-write", p_open_write},
    {"write", p_write},
    {"exit", p_exit},
    {"raise", p_raise},
    {"sleep", p_sleep},
    {"signal-trap", p_signal_trap},
    {"tty", p_tty},
    {"echo", p_echo},
    {"exe", p_exe},
    {"exe-scan", p_exe_scan},
    {"cat", p_cat},
    {"mounts", p_mounts},
    {"mountinfo", p_mountinfo},
    {"statfs", p_statfs},
    {"fstypes", p_fstypes},
    {"stat", p_stat},
    {"ls", p_ls},
    {"ps", p_ps},
    {"pid", p_pid},
    {"oom", p_oom},
    {"sysctl", p_sysctl},
    {"hostname", p_hostname},
    {"net", p_net},
    {"bind", p_bind},
    {"clock", p_clock},
    {"chown", p_chown},
    {"readfd", p_readfd},
    {"stdio", p_stdio},
    {"syscall", p_syscall},
};

static int run_one(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, argv[0]))
			return cmds[i].run(argc, argv);
	fprintf(stderr, "probe: unknown subcommand '%s'\n", argv[0]);
	return 2;
}

static int run_tagged(int argc, char **argv)
{
	const char *tag = argv[0] + 1;
	char line[4096];
	int p[2], status;
	if (argc < 2 || pipe2(p, O_CLOEXEC) < 0)
		return 2;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return fail("fork", tag);
	if (pid == 0) {
		dup2(p[1], 1);
		_exit(run_one(argc - 1, argv + 1) | (fflush(stdout) ? 1 : 0));
	}
	close(p[1]);
	FILE *f = fdopen(p[0], "r");
	while (f && fgets(line, sizeof(line), f))
		printf("%s.%s", tag, line);
	if (f)
		fclose(f);
	if (waitpid(pid, &status, 0) < 0)
		return fail("waitpid", tag);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	int start = 1, rc = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: probe SUBCOMMAND [ARGS] [+ SUBCOMMAND [ARGS]]...\n");
		return 2;
	}
	for (int i = 1; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], "+"))
			continue;
		if (i > start) {
			argv[i] = NULL; /* each subcommand sees its own argv */
			if (argv[start][0] == '@')
				rc = run_tagged(i - start, argv + start);
			else
				rc = run_one(i - start, argv + start);
			fflush(stdout);
			if (rc)
				return rc;
		}
		start = i + 1;
	}
	return rc;
}
