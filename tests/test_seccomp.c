// SPDX-License-Identifier: Apache-2.0
/* seccomp: the compiler (valid profiles, Docker's, every error path), and the
 * loader and the agent hand-over in forked children, which need no root:
 * no_new_privs lets anyone install a filter. */
#include "seccomp/filter.h"

#include <check.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>

Suite *test_suite(void);

#ifndef SYS_mkdir
#define SYS_mkdir -1 /* aarch64 has only mkdirat */
#endif

/* Profiles are written with ' for " to stay readable in C. */
static struct spec_seccomp parse_q(const char *q)
{
	_cleanup_free_ char *text = xstrdup(q);
	for (char *p = text; *p; p++)
		if (*p == '\'')
			*p = '"';
	struct spec_seccomp s;
	struct brig_error err = {0};
	ck_assert_msg(spec_seccomp_profile_parse(text, "config.json", NULL, &s, &err) == 0, "%s",
		      err.msg);
	return s;
}

/* What the compile is checked against: the real kernel, or made up. */
static struct filter_features kernel(void)
{
	struct filter_features f;
	filter_features_probe(&f);
	return f;
}

static struct filter *compile_q(const char *q, const struct filter_features *feat,
				struct brig_error *err)
{
	struct spec_seccomp s = parse_q(q);
	struct filter_opts o = {.features = feat};
	struct filter *f = filter_compile(&s, &o, err);
	spec_seccomp_clear(&s);
	return f;
}

static void expect_error(const char *q, const struct filter_features *feat, const char *msg)
{
	struct brig_error err = {0};
	struct filter *f = compile_q(q, feat, &err);
	ck_assert_msg(f == NULL, "compiled: %s", q);
	ck_assert_str_eq(err.msg, msg);
}

#define ALLOW_ALL "{'defaultAction':'SCMP_ACT_ALLOW'"

/* ---- valid profiles ---- */

START_TEST(test_compile_small)
{
	struct filter_features feat = kernel();
	struct brig_error err = {0};
	struct filter *f = compile_q(
	    ALLOW_ALL ",'syscalls':[{'names':['mkdir','mkdirat'],'action':'SCMP_ACT_ERRNO',"
		      "'errnoRet':122}]}",
	    &feat, &err);
	ck_assert_msg(f, "%s", err.msg);
	ck_assert_uint_gt(f->prog.len, 4);
	ck_assert_uint_eq(filter_size(f), f->prog.len * 8u);
	ck_assert_uint_eq(f->flags, 0);
	ck_assert(!f->notify);
	ck_assert(!f->from_cache);
	ck_assert_uint_eq(strlen(f->key), 64);
	filter_free(f);
}
END_TEST

START_TEST(test_compile_docker_default)
{
	const char *arches[] = {"amd64", "arm64", "s390x", "ppc64le", "riscv64", NULL};
	for (const char **a = arches; *a; a++) {
		struct spec_seccomp s;
		struct brig_error err = {0};
		struct spec_profile_target t = {.caps = SPEC_DOCKER_DEFAULT_CAPS, .arch = *a};
		ck_assert(spec_seccomp_default(&t, &s, &err) == 0);
		ck_assert_uint_ge(strv_length(s.syscalls[0].names), 350); /* Docker-sized */
		struct filter_opts o = {.arch = *a};
		struct filter *f = filter_compile(&s, &o, &err);
		ck_assert_msg(f, "%s: %s", *a, err.msg);
		ck_assert_uint_gt(f->prog.len, 100);
		filter_free(f);
		spec_seccomp_clear(&s);
	}
	/* one filter cannot hold both byte orders */
	struct spec_seccomp s;
	struct brig_error err = {0};
	ck_assert(spec_seccomp_default(NULL, &s, &err) == 0);
	struct filter_opts o = {.arch = "s390x"};
	ck_assert_ptr_null(filter_compile(&s, &o, &err));
	ck_assert_str_eq(err.msg, "config.json: .linux.seccomp.architectures[0]: libseccomp "
				  "refused SCMP_ARCH_X86_64: Numerical argument out of domain");
	spec_seccomp_clear(&s);
}
END_TEST

START_TEST(test_compile_every_action_and_op)
{
	struct filter_features feat = kernel();
	struct brig_error err = {0};
	struct filter *f = compile_q(
	    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'architectures':"
	    "['SCMP_ARCH_X86_64','SCMP_ARCH_X86','SCMP_ARCH_X32'],'listenerPath':'/l','syscalls':["
	    "{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
	    "{'names':['uname'],'action':'SCMP_ACT_KILL'},"
	    "{'names':['getpid'],'action':'SCMP_ACT_KILL_PROCESS'},"
	    "{'names':['gettid'],'action':'SCMP_ACT_KILL_THREAD'},"
	    "{'names':['getuid'],'action':'SCMP_ACT_TRAP'},"
	    "{'names':['getgid'],'action':'SCMP_ACT_TRACE','errnoRet':38},"
	    "{'names':['getppid'],'action':'SCMP_ACT_LOG'},"
	    "{'names':['mkdir'],'action':'SCMP_ACT_NOTIFY'},"
	    "{'names':['chmod'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':["
	    "{'index':1,'value':1,'op':'SCMP_CMP_NE'},{'index':0,'value':2,'op':'SCMP_CMP_LT'},"
	    "{'index':2,'value':3,'op':'SCMP_CMP_LE'},{'index':3,'value':4,'op':'SCMP_CMP_EQ'},"
	    "{'index':4,'value':5,'op':'SCMP_CMP_GE'},{'index':5,'value':6,'op':'SCMP_CMP_GT'}]},"
	    "{'names':['fchmod'],'action':'SCMP_ACT_ERRNO','args':[{'index':1,'value':7,"
	    "'valueTwo':7,'op':'SCMP_CMP_MASKED_EQ'},{'index':1,'value':18446744073709551615,"
	    "'op':'SCMP_CMP_EQ'}]}]}",
	    &feat, &err);
	ck_assert_msg(f, "%s", err.msg);
	ck_assert(f->notify);
	ck_assert(f->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
	ck_assert_int_eq(f->send_syscall, SYS_sendmsg);
	filter_free(f);
}
END_TEST

START_TEST(test_compile_flags)
{
	struct filter_features feat = kernel();
	if (!(feat.flags & SECCOMP_FILTER_FLAG_TSYNC) || !(feat.flags & SECCOMP_FILTER_FLAG_LOG))
		return; /* an old kernel: the error tests below cover it */
	struct brig_error err = {0};
	struct filter *f = compile_q(ALLOW_ALL ",'flags':['SECCOMP_FILTER_FLAG_TSYNC',"
					       "'SECCOMP_FILTER_FLAG_LOG'],'listenerPath':'/l',"
					       "'syscalls':[{'names':['sendmsg','mkdir'],"
					       "'action':'SCMP_ACT_NOTIFY'}]}",
				     &feat, &err);
	ck_assert_msg(f, "%s", err.msg);
	ck_assert(f->flags & SECCOMP_FILTER_FLAG_TSYNC);
	ck_assert(f->flags & SECCOMP_FILTER_FLAG_LOG);
	/* the kernel refuses TSYNC with NEW_LISTENER unless errors are ESRCH */
	ck_assert(f->flags & (1u << 4));
	ck_assert_int_eq(f->send_syscall, SYS_sendmmsg); /* sendmsg goes to the agent */
	filter_free(f);
}
END_TEST

START_TEST(test_compile_skips_unknown_names)
{
	struct filter_features feat = kernel();
	struct brig_error err = {0};
	struct filter *f =
	    compile_q(ALLOW_ALL ",'syscalls':[{'names':['brig_no_such_call','mkdir'],"
				"'action':'SCMP_ACT_ERRNO'}]}",
		      &feat, &err);
	ck_assert_msg(f, "%s", err.msg);
	filter_free(f);
}
END_TEST

/* A rule with the default action changes nothing: dropped (libseccomp
 * refuses it), as runc does. */
START_TEST(test_compile_default_action_rule)
{
	struct filter_features feat = kernel();
	struct brig_error err = {0};
	struct filter *a = compile_q(ALLOW_ALL ",'syscalls':[{'names':['mkdir'],"
					       "'action':'SCMP_ACT_ALLOW'}]}",
				     &feat, &err);
	struct filter *b = compile_q(ALLOW_ALL "}", &feat, &err);
	ck_assert(a && b);
	ck_assert_uint_eq(a->prog.len, b->prog.len);
	ck_assert_mem_eq(a->prog.filter, b->prog.filter, filter_size(a));
	filter_free(a);
	filter_free(b);
}
END_TEST

START_TEST(test_explain)
{
	struct spec_seccomp s =
	    parse_q(ALLOW_ALL ",'syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_ERRNO'}]}");
	struct brig_error err = {0};
	char path[] = "/tmp/test-seccomp-pfc.XXXXXX";
	_cleanup_close_ int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_msg(filter_explain(&s, NULL, fd, &err) == 0, "%s", err.msg);
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *proc = xasprintf("/proc/self/fd/%d", fd);
	ck_assert(read_file_at(AT_FDCWD, proc, &text, NULL, &err) == 0);
	ck_assert_ptr_nonnull(strstr(text, "filter for syscall \"mkdir\""));
	ck_assert_ptr_nonnull(strstr(text, "action ERRNO(1)"));
	spec_seccomp_clear(&s);
}
END_TEST

/* ---- errors: each names the JSON path ---- */

START_TEST(test_error_flag_kernel_lacks)
{
	struct filter_features feat = kernel();
	feat.flags &= ~(uint32_t)SECCOMP_FILTER_FLAG_LOG;
	expect_error(
	    ALLOW_ALL ",'flags':['SECCOMP_FILTER_FLAG_SPEC_ALLOW','SECCOMP_FILTER_FLAG_LOG']}",
	    &feat,
	    "config.json: .linux.seccomp.flags[1]: SECCOMP_FILTER_FLAG_LOG is not supported "
	    "by this kernel");
}
END_TEST

START_TEST(test_error_wait_killable_without_notify)
{
	struct filter_features feat = kernel();
	feat.flags |= 1u << 5;
	expect_error(ALLOW_ALL ",'flags':['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']}", &feat,
		     "config.json: .linux.seccomp.flags[0]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV "
		     "needs SCMP_ACT_NOTIFY rules");
}
END_TEST

START_TEST(test_error_action_kernel_lacks)
{
	struct filter_features feat = kernel();
	feat.actions &= ~(1u << SPEC_SCMP_LOG);
	expect_error(ALLOW_ALL ",'syscalls':[{'names':['a'],'action':'SCMP_ACT_ERRNO'},"
			       "{'names':['mkdir'],'action':'SCMP_ACT_LOG'}]}",
		     &feat,
		     "config.json: .linux.seccomp.syscalls[1]: SCMP_ACT_LOG is not supported by "
		     "this kernel");
	feat.actions &= ~(1u << SPEC_SCMP_KILL_PROCESS);
	expect_error("{'defaultAction':'SCMP_ACT_KILL_PROCESS'}", &feat,
		     "config.json: .linux.seccomp.defaultAction: SCMP_ACT_KILL_PROCESS is not "
		     "supported by this kernel");
}
END_TEST

START_TEST(test_error_errno_range)
{
	struct filter_features feat = kernel();
	expect_error(ALLOW_ALL ",'syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_ERRNO',"
			       "'errnoRet':70000}]}",
		     &feat,
		     "config.json: .linux.seccomp.syscalls[0].errnoRet: 70000 is out of range (at "
		     "most 65535)");
	expect_error("{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':65536}", &feat,
		     "config.json: .linux.seccomp.defaultErrnoRet: 65536 is out of range (at most "
		     "65535)");
}
END_TEST

START_TEST(test_error_notify_both_senders)
{
	struct filter_features feat = kernel();
	expect_error(ALLOW_ALL ",'listenerPath':'/l','syscalls':[{'names':['sendmsg','sendmmsg'],"
			       "'action':'SCMP_ACT_NOTIFY'}]}",
		     &feat,
		     "config.json: .linux.seccomp.syscalls: SCMP_ACT_NOTIFY for both sendmsg and "
		     "sendmmsg: the listener fd could not be sent");
}
END_TEST

START_TEST(test_error_arch)
{
	struct spec_seccomp s = parse_q(ALLOW_ALL "}");
	struct filter_opts o = {.arch = "z80"};
	struct brig_error err = {0};
	ck_assert_ptr_null(filter_compile(&s, &o, &err));
	ck_assert_str_eq(err.msg, "unknown architecture 'z80'");
	spec_seccomp_clear(&s);
	/* the spec knows LoongArch; libseccomp 2.5 does not */
	struct spec_seccomp l = parse_q(ALLOW_ALL ",'architectures':['SCMP_ARCH_X86',"
						  "'SCMP_ARCH_LOONGARCH64']}");
	struct filter *f = filter_compile(&l, NULL, &err);
	if (!f)
		ck_assert_str_eq(err.msg,
				 "config.json: .linux.seccomp.architectures[1]: "
				 "SCMP_ARCH_LOONGARCH64 is not supported by libseccomp 2.5");
	filter_free(f);
	spec_seccomp_clear(&l);
}
END_TEST

/* A whole profile document has no ".linux.seccomp" in its paths. */
START_TEST(test_error_doc_and_path)
{
	struct filter_features feat = kernel();
	feat.flags = 0;
	struct spec_seccomp s = parse_q(ALLOW_ALL ",'flags':['SECCOMP_FILTER_FLAG_TSYNC']}");
	struct filter_opts o = {.features = &feat, .doc = "profile.json", .path = ""};
	struct brig_error err = {0};
	ck_assert_ptr_null(filter_compile(&s, &o, &err));
	ck_assert_str_eq(err.msg, "profile.json: .flags[0]: SECCOMP_FILTER_FLAG_TSYNC is not "
				  "supported by this kernel");
	spec_seccomp_clear(&s);
}
END_TEST

/* ---- loading, in a child ---- */

/* Runs fn in a child with no_new_privs and the filter loaded; returns its
 * wait status. */
static int in_child(const struct filter *f, int (*fn)(void))
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct brig_error err = {0};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || filter_load(f, &err) < 0)
			_exit(200);
		_exit(fn());
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static int try_mkdir(void)
{
	return mkdir("/proc/self/brig-test", 0700) < 0 ? errno : 0;
}

static int try_uname(void)
{
	struct utsname u;
	syscall(SYS_uname, &u);
	return 0;
}

/* getpriority(which, who): an argument the filter can see. */
static int try_getpriority(void)
{
	errno = 0;
	long a = syscall(SYS_getpriority, 77, 0) < 0 ? errno : 0; /* which 77: EINVAL */
	long b = syscall(SYS_getpriority, PRIO_PROCESS, 0) < 0 ? errno : 0;
	return (int)(a * 10 + (b ? 1 : 0));
}

START_TEST(test_load_errno)
{
	struct brig_error err = {0};
	struct filter *f = compile_q(ALLOW_ALL ",'syscalls':[{'names':['mkdir','mkdirat'],"
					       "'action':'SCMP_ACT_ERRNO','errnoRet':122}]}",
				     NULL, &err);
	ck_assert_msg(f, "%s", err.msg);
	int st = in_child(f, try_mkdir);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 122); /* exactly errnoRet */
	filter_free(f);
}
END_TEST

/* getuid is below close_range on every arch; 1000 is above everything. */
static int try_enosys(void)
{
	errno = 0;
	int above = syscall(1000, 0, 0, 0) < 0 ? errno : 0;
	int below = syscall(SYS_getuid) < 0 ? errno : 0;
	return (above == ENOSYS ? 0 : 10) + (below == EPERM ? 0 : 1);
}

START_TEST(test_load_enosys)
{
	/* runc's stub: above the highest syscall the profile names, ENOSYS;
	 * at or below it, the default action (whatever its errno). */
	const char *defaults[] = {"'defaultAction':'SCMP_ACT_ERRNO'",
				  "'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1",
				  "'defaultAction':'SCMP_ACT_TRAP'"};
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		struct brig_error err = {0};
		/* what the child and the sanitizers' runtime need; not getuid */
		_cleanup_free_ char *q = xasprintf(
		    "{%s,'syscalls':[{'names':['exit_group','exit','getpid','gettid','tgkill',"
		    "'close_range','rt_sigreturn','rt_sigaction','rt_sigprocmask','sigaltstack',"
		    "'mmap','munmap','mprotect','madvise','brk','read','write','openat','close',"
		    "'fstat','newfstatat','readlink','futex','sched_yield','prctl'],"
		    "'action':'SCMP_ACT_ALLOW'}]}",
		    defaults[i]);
		struct filter *f = compile_q(q, NULL, &err);
		ck_assert_msg(f, "%s", err.msg);
		int st = in_child(f, try_enosys);
		if (i < 2) {
			ck_assert_msg(WIFEXITED(st), "%s", defaults[i]);
			ck_assert_int_eq(WEXITSTATUS(st), 0);
		} else { /* TRAP below the limit; the ENOSYS above came first */
			ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "%s", defaults[i]);
		}
		filter_free(f);
	}
}
END_TEST

START_TEST(test_explain_enosys)
{
	const char *q[] = {"{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['getpid',"
			   "'close_range'],'action':'SCMP_ACT_ALLOW'}]}",
			   ALLOW_ALL
			   ",'syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_ERRNO'}]}"};
	const char *want[] = {": syscall > ", "no -ENOSYS stub"};
	for (size_t i = 0; i < ARRAY_SIZE(q); i++) {
		struct spec_seccomp s = parse_q(q[i]);
		struct brig_error err = {0};
		char path[] = "/tmp/test-seccomp-pfc.XXXXXX";
		_cleanup_close_ int fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		unlink(path);
		ck_assert_msg(filter_explain(&s, NULL, fd, &err) == 0, "%s", err.msg);
		_cleanup_free_ char *text = NULL;
		_cleanup_free_ char *proc = xasprintf("/proc/self/fd/%d", fd);
		ck_assert(read_file_at(AT_FDCWD, proc, &text, NULL, &err) == 0);
		ck_assert_msg(strstr(text, want[i]), "%s: no '%s' in\n%s", q[i], want[i], text);
		spec_seccomp_clear(&s);
	}
}
END_TEST

START_TEST(test_load_kill_process)
{
	struct brig_error err = {0};
	struct filter *f = compile_q(ALLOW_ALL ",'syscalls':[{'names':['uname'],"
					       "'action':'SCMP_ACT_KILL_PROCESS'}]}",
				     NULL, &err);
	ck_assert_msg(f, "%s", err.msg);
	int st = in_child(f, try_uname);
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(WTERMSIG(st), SIGSYS);
	filter_free(f);
}
END_TEST

START_TEST(test_load_args)
{
	struct brig_error err = {0};
	struct filter *f = compile_q(ALLOW_ALL ",'syscalls':[{'names':['getpriority'],"
					       "'action':'SCMP_ACT_ERRNO','errnoRet':9,'args':["
					       "{'index':0,'value':77,'op':'SCMP_CMP_EQ'}]}]}",
				     NULL, &err);
	ck_assert_msg(f, "%s", err.msg);
	int st = in_child(f, try_getpriority);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 90); /* EBADF (9) for which 77, PRIO_PROCESS works */
	filter_free(f);
}
END_TEST

/* ---- the agent hand-over ---- */

struct agent {
	char dir[64];
	char path[128];
	int listen_fd;
};

static void agent_start(struct agent *a)
{
	strcpy(a->dir, "/tmp/test-seccomp-agent.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(a->dir));
	snprintf(a->path, sizeof(a->path), "%s/sock", a->dir);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	strcpy(addr.sun_path, a->path);
	a->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(a->listen_fd, 0);
	ck_assert_int_eq(bind(a->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(listen(a->listen_fd, 1), 0);
}

static void agent_stop(struct agent *a)
{
	close(a->listen_fd);
	unlink(a->path);
	rmdir(a->dir);
}

/* Receives the state and the fd; returns the fd. */
static int agent_accept(struct agent *a, char *buf, size_t size)
{
	int conn = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(conn, 0);
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = size - 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b)};
	ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->cmsg_type, SCM_RIGHTS);
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	close(conn);
	return fd;
}

/* Answers one notification with -error (0: let it run). Returns the nr. */
static int agent_answer(int fd, int error)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp = {0};
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ck_assert_int_eq(poll(&p, 1, 10000), 1);
	memset(&req, 0, sizeof(req));
	ck_assert_int_eq(ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req), 0);
	resp.id = req.id;
	resp.error = -error;
	resp.flags = error ? 0 : SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	ck_assert_int_eq(ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
	return req.data.nr;
}

static const char state_json[] = "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\","
				 "\"pid\":4242,\"bundle\":\"/b\"}";

/* The child: connect, load, send, then mkdir (which the agent answers). */
static void notify_child(const struct filter *f, const char *path)
{
	struct brig_error err = {0};
	_cleanup_free_ char *payload = spec_seccomp_state_format(state_json, "meta");
	int sock = filter_listener_connect(path, &err);
	if (sock < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(201);
	int fd = filter_load(f, &err);
	if (fd < 0 || filter_listener_send(sock, fd, f, payload, strlen(payload), &err) < 0)
		_exit(202);
	_exit(try_mkdir());
}

static void check_notify(const char *names, long expect_sender)
{
	char q[256], buf[4096];
	snprintf(q, sizeof(q),
		 ALLOW_ALL ",'listenerPath':'/l','syscalls':[{'names':[%s],"
			   "'action':'SCMP_ACT_NOTIFY'}]}",
		 names);
	struct brig_error err = {0};
	struct filter *f = compile_q(q, NULL, &err);
	ck_assert_msg(f, "%s", err.msg);
	ck_assert_int_eq(f->send_syscall, expect_sender);
	struct agent a;
	agent_start(&a);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		notify_child(f, a.path);
	int fd = agent_accept(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "{\"ociVersion\":\"" SPEC_VERSION "\",\"fds\":[\"seccompFd\"],"
			      "\"pid\":4242,\"metadata\":\"meta\",\"state\":{\"ociVersion\":"
			      "\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":4242,"
			      "\"bundle\":\"/b\"}}");
	int nr;
	while ((nr = agent_answer(fd, 122)) != SYS_mkdir && nr != SYS_mkdirat)
		; /* anything else the child does is not ours to refuse */
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 122); /* the agent's answer */
	close(fd);
	agent_stop(&a);
	filter_free(f);
}

START_TEST(test_notify)
{
	check_notify("'mkdir','mkdirat'", SYS_sendmsg);
}
END_TEST

/* sendmsg goes to the agent, which does not have the fd yet: it must travel
 * by sendmmsg, or the child would wait for itself. */
START_TEST(test_notify_sendmsg_in_set)
{
	check_notify("'mkdir','mkdirat','sendmsg'", SYS_sendmmsg);
}
END_TEST

START_TEST(test_listener_connect_errors)
{
	struct brig_error err = {0};
	char longpath[200];
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	ck_assert_int_eq(filter_listener_connect(longpath, &err), -1);
	ck_assert_int_eq(err.errnum, ENAMETOOLONG);
	ck_assert_int_eq(filter_listener_connect("/nonexistent/brig.sock", &err), -1);
	ck_assert_str_eq(err.msg, "failed to connect with seccomp agent at listenerPath "
				  "'/nonexistent/brig.sock': No such file or directory");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *c = tcase_create("compile");
	tcase_set_timeout(c, 30);
	tcase_add_test(c, test_compile_small);
	tcase_add_test(c, test_compile_docker_default);
	tcase_add_test(c, test_compile_every_action_and_op);
	tcase_add_test(c, test_compile_flags);
	tcase_add_test(c, test_compile_skips_unknown_names);
	tcase_add_test(c, test_compile_default_action_rule);
	tcase_add_test(c, test_explain);
	tcase_add_test(c, test_explain_enosys);
	suite_add_tcase(s, c);
	c = tcase_create("errors");
	tcase_add_test(c, test_error_flag_kernel_lacks);
	tcase_add_test(c, test_error_wait_killable_without_notify);
	tcase_add_test(c, test_error_action_kernel_lacks);
	tcase_add_test(c, test_error_errno_range);
	tcase_add_test(c, test_error_notify_both_senders);
	tcase_add_test(c, test_error_arch);
	tcase_add_test(c, test_error_doc_and_path);
	suite_add_tcase(s, c);
	c = tcase_create("load");
	tcase_set_timeout(c, 30);
	tcase_add_test(c, test_load_errno);
	tcase_add_test(c, test_load_enosys);
	tcase_add_test(c, test_load_kill_process);
	tcase_add_test(c, test_load_args);
	tcase_add_test(c, test_notify);
	tcase_add_test(c, test_notify_sendmsg_in_set);
	tcase_add_test(c, test_listener_connect_errors);
	suite_add_tcase(s, c);
	return s;
}
