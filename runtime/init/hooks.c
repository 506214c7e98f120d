// SPDX-License-Identifier: Apache-2.0
/* Running one list of hooks: each gets the state JSON on stdin, its own args,
 * its env, or brig's environment when it has none (runc's hooks, Go's exec,
 * do so; crun's test-hook-env-inherit), and is killed at its timeout. Output
 * is collected and put in the error when the hook fails. */
#include "runtime/init/init.h"

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define HOOK_OUTPUT_MAX 2048

struct hook_io {
	int in;	 /* write end of the hook's stdin */
	int out; /* read end of its stdout+stderr */
	int pidfd;
	const char *data;
	size_t len, sent;
	char output[HOOK_OUTPUT_MAX + 1];
	size_t out_len;
};

/* Where a hook runs: the runtime's namespaces, or (startContainer) those of
 * a container process. */
struct hook_where {
	int pidfd;		     /* -1: the runtime's */
	int flags;		     /* the CLONE_NEW* namespaces to join */
	const char *root;	     /* no mount namespace: chroot here */
	const struct filter *filter; /* the container's seccomp filter, loaded before the exec */
};

/* In the container's namespaces; the pid namespace takes a fork, and this
 * process stays to pass on the hook's exit status. */
static void enter(const struct hook_where *w)
{
	if (setns(w->pidfd, w->flags) < 0)
		_exit(126);
	if (!(w->flags & CLONE_NEWNS)) {
		/* no mount namespace: the rootfs, never through a symlink */
		struct brig_error ignored;
		int root = open_nofollow_path(w->root, O_PATH | O_DIRECTORY, &ignored);
		if (root < 0 || fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
			_exit(126);
		close(root);
	}
	if (!(w->flags & CLONE_NEWPID))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* a timeout kills us, then it */
		return;
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		_exit(126);
	if (WIFSIGNALED(status)) {
		/* die of the hook's signal, so that brig reports it as such (no core) */
		int sig = WTERMSIG(status);
		setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
		signal(sig, SIG_DFL);
		sigset_t only;
		sigemptyset(&only);
		sigaddset(&only, sig);
		sigprocmask(SIG_UNBLOCK, &only, NULL);
		kill(getpid(), sig);
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static void hook_child(const struct spec_hook *h, int in, int out, const struct hook_where *w,
		       pid_t parent)
{
	char *argv0[] = {h->path, NULL};
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL); /* brig ignores it; an ignored signal stays so across exec */
	/* A hook must not outlive a brig killed while it waits for it (create's
	 * hooks run before the container exists: nothing else would end them). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	/* Nothing but stdio goes on: the pipes' other ends, held here, would
	 * keep the hook from ever seeing EOF on stdin. */
	int pidfd = w->pidfd >= 0 ? dup2(w->pidfd, 3) : -1;
	syscall(SYS_close_range, pidfd >= 0 ? 4 : 3, ~0U, 0);
	if (pidfd >= 0) {
		struct hook_where moved = *w;
		moved.pidfd = 3;
		enter(&moved);
		close(3);
	}
	/* startContainer hooks run under the container's filter, as runc's run
	 * from its init after the filter is loaded. A notify filter is not: no
	 * agent would answer the hook's calls. */
	if (w->filter && !w->filter->notify) {
		struct brig_error e = {0};
		if (filter_load(w->filter, &e) < 0) {
			dprintf(2, "load the container's seccomp filter: %s", e.msg);
			_exit(127);
		}
	}
	/* runc's (Go's exec.Cmd): the env given, else the runtime's own */
	execve(h->path, h->args && h->args[0] ? h->args : argv0, h->env ? h->env : environ);
	dprintf(2, "exec '%s': %s", h->path, strerror(errno));
	_exit(127);
}

static int spawn(const struct spec_hook *h, struct hook_io *io, const struct hook_where *w,
		 struct brig_error *err)
{
	int inp[2], outp[2];
	if (pipe2(inp, O_CLOEXEC) < 0)
		return err_sys(err, "pipe");
	if (pipe2(outp, O_CLOEXEC) < 0) {
		close(inp[0]);
		close(inp[1]);
		return err_sys(err, "pipe");
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		hook_child(h, inp[0], outp[1], w, parent);
	close(inp[0]);
	close(outp[1]);
	io->in = inp[1];
	io->out = outp[0];
	if (pid < 0)
		return err_sys(err, "fork");
	io->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (io->pidfd < 0)
		return err_sys(err, "pidfd_open");
	fcntl(io->in, F_SETFL, O_NONBLOCK);
	return 0;
}

static void pump(struct hook_io *io, struct pollfd *pfd)
{
	if (pfd[0].revents & (POLLOUT | POLLERR | POLLHUP)) {
		ssize_t n = write(io->in, io->data + io->sent, io->len - io->sent);
		if (n > 0)
			io->sent += (size_t)n;
		if (n < 0 && errno != EAGAIN)
			io->sent = io->len; /* the hook closed stdin: fine */
		if (io->sent == io->len)
			closep(&io->in);
	}
	if (pfd[1].revents & (POLLIN | POLLHUP)) {
		char buf[512];
		ssize_t n = read(io->out, buf, sizeof(buf));
		if (n > 0) {
			size_t k = (size_t)n;
			if (k > HOOK_OUTPUT_MAX - io->out_len)
				k = HOOK_OUTPUT_MAX - io->out_len;
			memcpy(io->output + io->out_len, buf, k);
			io->out_len += k;
		} else if (n == 0 || errno != EAGAIN) {
			closep(&io->out);
		}
	}
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the hook, feeding stdin and collecting output. 0 if it exited 0. */
static int wait_hook(const struct spec_hook *h, struct hook_io *io, struct brig_error *err)
{
	long long deadline = h->timeout > 0 ? now_ms() + h->timeout * 1000LL : -1;
	bool exited = false;
	while (!exited || io->out >= 0) {
		struct pollfd pfd[3] = {
		    {.fd = io->in, .events = POLLOUT},
		    {.fd = io->out, .events = POLLIN},
		    {.fd = exited ? -1 : io->pidfd, .events = POLLIN},
		};
		int timeout = deadline < 0 ? -1 : (int)(deadline - now_ms());
		if (deadline >= 0 && timeout <= 0) {
			syscall(SYS_pidfd_send_signal, io->pidfd, SIGKILL, NULL, 0);
			waitid(P_PIDFD, (id_t)io->pidfd, &(siginfo_t){0}, WEXITED);
			return err_set(err, ETIMEDOUT, "timed out after %d s", h->timeout);
		}
		if (poll(pfd, 3, timeout) < 0 && errno != EINTR)
			return err_sys(err, "poll");
		pump(io, pfd);
		if (pfd[2].revents & POLLIN)
			exited = true;
	}
	siginfo_t si = {0};
	if (waitid(P_PIDFD, (id_t)io->pidfd, &si, WEXITED) < 0)
		return err_sys(err, "wait");
	io->output[io->out_len] = '\0';
	while (io->out_len && (io->output[io->out_len - 1] == '\n'))
		io->output[--io->out_len] = '\0';
	if (si.si_code == CLD_EXITED && si.si_status == 0)
		return 0;
	if (si.si_code == CLD_EXITED)
		return err_set(err, ECHILD, "exit status %d%s%s", si.si_status,
			       io->out_len ? ": " : "", io->output);
	/* Go's words, as runc prints them ("signal: bad system call") */
	char name[64];
	snprintf(name, sizeof(name), "%s", strsignal(si.si_status));
	name[0] = (char)tolower((unsigned char)name[0]);
	return err_set(err, ECHILD, "signal: %s (signal %d)%s%s", name, si.si_status,
		       io->out_len ? ": " : "", io->output);
}

static int run_one(const struct spec_hook *h, const char *state, const struct hook_where *w,
		   struct brig_error *err)
{
	struct hook_io io = {.in = -1, .out = -1, .pidfd = -1, .data = state, .len = strlen(state)};
	int r = spawn(h, &io, w, err);
	if (r == 0)
		r = wait_hook(h, &io, err);
	closep(&io.in);
	closep(&io.out);
	closep(&io.pidfd);
	return r;
}

static int run_list(const struct spec_hook_list *list, const char *kind, const char *state_json,
		    bool keep_going, const struct hook_where *w, struct brig_error *err)
{
	int ret = 0;
	for (size_t i = 0; i < list->n; i++) {
		const struct spec_hook *h = &list->hooks[i];
		struct brig_error e = {0};
		log_debug("%s hook %zu: %s", kind, i, h->path);
		if (run_one(h, state_json, w, &e) == 0)
			continue;
		/* runc's words ("error running hook #N"), which its tests grep */
		if (!keep_going)
			return err_set(err, e.errnum, "%s: error running hook #%zu (%s): %s", kind,
				       i, h->path, e.msg);
		log_warn("%s: error running hook #%zu (%s): %s", kind, i, h->path, e.msg);
		ret = -1;
	}
	return keep_going ? 0 : ret;
}

int hooks_run(const struct spec_hook_list *list, const char *kind, const char *state_json,
	      bool keep_going, struct brig_error *err)
{
	struct hook_where here = {.pidfd = -1};
	return run_list(list, kind, state_json, keep_going, &here, err);
}

int hooks_run_in(const struct spec_hook_list *list, const char *kind, const char *state_json,
		 pid_t pid, int pidfd, const char *rootfs, const struct filter *filter,
		 struct brig_error *err)
{
	if (list->n == 0)
		return 0;
	struct hook_where w = {.pidfd = pidfd, .root = rootfs, .filter = filter};
	w.flags = ns_differing(pid, err);
	if (w.flags < 0)
		return -1;
	return run_list(list, kind, state_json, false, &w, err);
}

/* The namespaces of the init that differ from brig's own. */
int ns_differing(pid_t pid, struct brig_error *err)
{
	static const struct {
		const char *name;
		int flag;
	} ns[] = {
	    {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},    {"net", CLONE_NEWNET},
	    {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},   {"cgroup", CLONE_NEWCGROUP},
	    {"pid", CLONE_NEWPID},   {"time", CLONE_NEWTIME},
	};
	int flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		char path[64];
		struct stat theirs, ours;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns[i].name);
		if (stat(path, &theirs) < 0) {
			if (errno == ENOENT)
				continue; /* a kernel without this namespace type */
			return err_sys(err, "stat '%s'", path);
		}
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i].name);
		if (stat(path, &ours) < 0 || theirs.st_ino != ours.st_ino ||
		    theirs.st_dev != ours.st_dev)
			flags |= ns[i].flag;
	}
	return flags;
}
