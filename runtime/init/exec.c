// SPDX-License-Identifier: Apache-2.0
/* Finding the program before `create` returns (so a missing or non-executable
 * binary fails create with runc's words), and the final exec through the
 * sealed brig-init (runtime/brig-init/brig-init.c says why). */
#include "runtime/brig-init/brig-init.h"
#include "runtime/init/init.h"

#include <ctype.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

pid_t clone3_fork(uint64_t flags, int *ret_pidfd, int exit_signal, int cgroup_fd)
{
	struct clone_args args = {
	    .flags =
		flags | (ret_pidfd ? CLONE_PIDFD : 0) | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
	    .pidfd = (uint64_t)(uintptr_t)ret_pidfd,
	    .exit_signal = (uint64_t)exit_signal,
	    .cgroup = cgroup_fd >= 0 ? (uint64_t)cgroup_fd : 0,
	};
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; env && env[i]; i++)
		if (!strncmp(env[i], name, n) && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

/* 0: executable; ENOENT; EACCES (a directory, no x bit, or a noexec mount). */
static int check_exec(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111))
		return EACCES;
	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
		return errno;
	return 0;
}

/* Go's wording, lower case: the docker CLI matches "no such file or
 * directory" and "permission denied" case-sensitively for 127 and 126. */
static const char *go_strerror(int e, char buf[64])
{
	snprintf(buf, 64, "%s", strerror(e));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

int process_find_exec(struct child_ctx *c, struct brig_error *err)
{
	char eb[64];
	const char *arg0 = c->plan->proc->args[0];
	if (strchr(arg0, '/')) {
		int e = check_exec(arg0);
		if (e == ENOENT || e == ENOTDIR)
			return err_set(err, e, "exec: \"%s\": stat %s: %s", arg0, arg0,
				       go_strerror(e, eb));
		if (e)
			return err_set(err, e, "exec: \"%s\": %s", arg0, go_strerror(e, eb));
		c->exec_path = xstrdup(arg0);
		return 0;
	}
	const char *path = env_get(c->plan->env, "PATH");
	_cleanup_free_ char *copy = xstrdup(path ? path : DEFAULT_PATH);
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *cand = path_join(*dir ? dir : ".", arg0);
		if (check_exec(cand) == 0) {
			c->exec_path = steal_ptr(&cand);
			return 0;
		}
	}
	return err_set(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", arg0);
}

/* Before any seccomp filter is loaded: brig-init's fds (a dup of report_fd
 * for its report, of the exec fifo for its wait) above the preserved ones and
 * inheritable, the preserved fds inheritable, every other fd close-on-exec.
 * Nothing brig does after loading the user's filter may depend on what the
 * filter answers: under a defaultErrnoRet of ENXIO a close_range here failed
 * the container after "ready". */
int process_prepare_fds(struct child_ctx *c, struct brig_error *err)
{
	int first = 3 + c->plan->preserve_fds;
	c->exec_conn = fcntl(c->report_fd, F_DUPFD_CLOEXEC, first);
	if (c->exec_conn < 0)
		return err_sys(err, "dup brig-init's fds");
	/* create's sync socket stays open until the exec closes it (its EOF is
	 * create's signal): in a gap of the caller's preserved fds it would be
	 * made inheritable below, and create would wait for ever */
	if (c->plan->sync_fd >= 3 && c->plan->sync_fd < first && c->plan->sync_fd != c->report_fd) {
		int moved = fcntl(c->plan->sync_fd, F_DUPFD_CLOEXEC, first);
		if (moved < 0)
			return err_sys(err, "dup the sync socket");
		close(c->plan->sync_fd);
		c->plan->sync_fd = moved;
	}
	if (c->plan->wait_fd >= 0) {
		c->exec_wait = fcntl(c->plan->wait_fd, F_DUPFD_CLOEXEC, first);
		if (c->exec_wait < 0)
			return err_sys(err, "dup brig-init's fds");
	}
	for (int fd = 3; fd < first; fd++) /* a gap of the caller's stays one */
		if (!fd_is_plug(fd) && fd_set_cloexec(fd, false) < 0 && errno != EBADF)
			return err_sys(err, "pass fd %d", fd);
	/* Belt and braces: the child closed every fd it did not plan to keep
	 * when it started, and opens its own close-on-exec. An outer filter
	 * may refuse close_range (runtime-tools' default profile does). */
	if (syscall(SYS_close_range, first, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) < 0 &&
	    errno != EPERM && errno != ENOSYS)
		return err_sys(err, "close_range");
	if (fd_set_cloexec(c->exec_conn, false) < 0 ||
	    (c->exec_wait >= 0 && fd_set_cloexec(c->exec_wait, false) < 0))
		return err_sys(err, "pass brig-init's fds");
	return 0;
}

/* LISTEN_PID must be the pid the program sees as its own. */
static void set_listen_pid(char **env)
{
	for (size_t i = 0; env && env[i]; i++) {
		if (!strcmp(env[i], "LISTEN_PID=")) {
			free(env[i]);
			env[i] = xasprintf("LISTEN_PID=%d", getpid());
		}
	}
}

/* brig-init's wait, for the direct exec without it. */
static int wait_for_start(int wait, int report)
{
	char ch;
	ssize_t n;
	do
		n = read(wait, &ch, 1);
	while (n < 0 && errno == EINTR);
	close(wait);
	return n == 1 && write(report, "X", 1) == 1 ? 0 : -1;
}

/* exec into a container with its own pid namespace: this process is not in
 * it (see brig-init/brig-init.c); a child made with CLONE_PARENT is. */
bool process_forks_into_pidns(const struct child_ctx *c)
{
	return c->plan->is_exec && (c->plan->join_flags & CLONE_NEWPID);
}

/* Without an executable memfd: fork into the pid namespace here, as brig-init
 * would, and tell brig the pid. */
static int fork_and_exec(struct child_ctx *c, int conn, char *const *env, struct brig_error *err)
{
	pid_t pid = clone3_fork(CLONE_PARENT, NULL, 0, -1);
	if (pid == 0) {
		if (c->plan->proc->terminal && (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0))
			_exit(127);
		execve(c->exec_path, c->plan->proc->args, env);
		int e = errno;
		write_all(conn, &e, sizeof(e));
		_exit(127);
	}
	if (pid < 0)
		return err_sys(err, "fork into the container's pid namespace");
	int msg[2] = {BRIG_INIT_PID_MAGIC, pid};
	write_all(conn, msg, sizeof(msg));
	_exit(0);
}

int process_exec(struct child_ctx *c, struct brig_error *err)
{
	char *const *args = c->plan->proc->args;
	size_t n = strv_length(args);
	int conn = c->exec_conn, wait = c->exec_wait; /* process_prepare_fds */
	char fdbuf[40];
	if (wait >= 0)
		snprintf(fdbuf, sizeof(fdbuf), "%d:%d", wait, conn);
	else
		snprintf(fdbuf, sizeof(fdbuf), "%d%s%s", conn,
			 process_forks_into_pidns(c) ? ",fork" : "",
			 process_forks_into_pidns(c) && c->plan->proc->terminal ? ",tty" : "");
	_cleanup_free_ char **argv = xcalloc(n + 4, sizeof(char *));
	argv[0] = "brig-init";
	argv[1] = fdbuf;
	argv[2] = c->exec_path;
	memcpy(argv + 3, args, n * sizeof(char *));
	set_listen_pid(c->plan->env);
	char *empty[] = {NULL};
	char *const *env = c->plan->env ? c->plan->env : empty;
	/* ignored while this process wrote to hooks; an ignored signal would
	 * stay ignored across exec */
	signal(SIGPIPE, SIG_DFL);

	syscall(SYS_execveat, c->plan->brig_init_fd, "", argv, env, AT_EMPTY_PATH);
	/* No executable memfd (vm.memfd_noexec=2, an LSM): exec directly, still
	 * correct, without the /proc/self/exe protection. */
	log_debug("exec brig-init: %s; executing '%s' directly", strerror(errno), c->exec_path);
	/* create waits for the sync socket's EOF (report_ready): here it is the
	 * init's own, not exec's report fd, and the init waits for start */
	if (c->plan->sync_fd != c->report_fd)
		closep(&c->plan->sync_fd);
	fd_set_cloexec(conn, true);
	if (process_forks_into_pidns(c))
		return fork_and_exec(c, conn, env, err);
	if (wait >= 0 && wait_for_start(wait, conn) < 0)
		_exit(127);
	execve(c->exec_path, args, env);
	return err_sys(err, "exec: \"%s\"", args[0]);
}
