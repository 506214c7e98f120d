// SPDX-License-Identifier: Apache-2.0
/* brig-init: the last step before the user program. The container process
 * execs this tiny static program from a sealed memfd instead of exec'ing the
 * user program straight from brig's image. Up to that exec, /proc/PID/exe of
 * the container process is brig's binary on the host; a user program named
 * "#!/proc/self/exe" (or an ELF whose interpreter is /proc/self/exe) would be
 * resolved by the kernel to that binary and give the container a handle on
 * it (CVE-2019-5736). After this exec, /proc/self/exe is the sealed memfd,
 * which has no path on the host and cannot be written.
 *
 * argv: brig-init FD[,fork[,tty]] PATH ARGV0 ARGS...  or  WAIT:FD PATH ARGV0 ...
 * FD reports to brig: it gets close-on-exec here so it closes when PATH execs;
 * if the exec fails, the errno goes to FD (4 bytes), and the exit status is 127.
 *
 * "WAIT:FD" (create): the container's init execs this already at create, so
 * while the container is "created" its exe is the memfd, not brig. It blocks
 * in read(WAIT) (the exec fifo, held open read-write) until `brig start`
 * writes a byte, then closes WAIT, writes "X" to FD and execs PATH. Only read, close, fcntl,
 * execve and write: nothing a working seccomp filter refuses.
 *
 * ",fork" (brig exec into a container with its own pid namespace): brig's
 * process has set the container's pid namespace for its children but is not
 * in it itself, so no process of the container ever sees a process whose exe
 * is brig's binary. The stub forks (CLONE_PARENT: brig exec stays the parent)
 * into that namespace, sends the child's pid to FD ("PID!" + pid, 8 bytes),
 * and exits; the child execs PATH. ",fork,tty": the child also becomes a
 * session leader with the pty on fd 0 as its controlling terminal (a session
 * whose leader, the stub, exits would hang up on it).
 *
 * No libc: raw x86-64/aarch64 syscalls, built -nostdlib -static. */

#define F_SETFD 2
#define FD_CLOEXEC 1

#if defined(__x86_64__)
#define NR_read 0
#define NR_write 1
#define NR_close 3
#define NR_ioctl 16
#define NR_setsid 112
#define NR_clone 56
#define NR_fcntl 72
#define NR_execve 59
#define NR_exit_group 231
static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}
__asm__(".text\n.global _start\n_start:\n"
	"xor %rbp,%rbp\nmov %rsp,%rdi\nand $-16,%rsp\ncall brig_init_main\nhlt\n");
#elif defined(__aarch64__)
#define NR_read 63
#define NR_write 64
#define NR_close 57
#define NR_ioctl 29
#define NR_setsid 157
#define NR_clone 220
#define NR_fcntl 25
#define NR_execve 221
#define NR_exit_group 94
static long sys3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}
__asm__(".text\n.global _start\n_start:\nmov x0, sp\nbl brig_init_main\n");
#else
#error "brig-init: unsupported architecture"
#endif

void brig_init_main(long *sp) __attribute__((noreturn, used));

#define CLONE_PARENT 0x00008000
#define TIOCSCTTY 0x540E

static void fail(long fd, int e) __attribute__((noreturn));

static void fail(long fd, int e)
{
	if (fd >= 0)
		sys3(NR_write, fd, (long)&e, sizeof(e));
	sys3(NR_exit_group, 127, 0, 0);
	for (;;)
		;
}

void brig_init_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	long fd = 0, wait = -1;
	const char *p;

	if (argc < 4)
		fail(-1, 22); /* EINVAL: not started by brig */
	for (p = argv[1]; *p >= '0' && *p <= '9'; p++)
		fd = fd * 10 + (*p - '0');
	if (*p == ':') {
		wait = fd;
		fd = 0;
		for (p++; *p >= '0' && *p <= '9'; p++)
			fd = fd * 10 + (*p - '0');
	}
	if (wait >= 0) {
		char c;
		if (sys3(NR_read, wait, (long)&c, 1) != 1)
			sys3(NR_exit_group, 127, 0, 0); /* not started: killed, or brig gone */
		sys3(NR_close, wait, 0, 0);
		/* "X": released. Then only an errno, or the close on exec, follows;
		 * a process that dies before this byte never ran its program. */
		c = 'X';
		sys3(NR_write, fd, (long)&c, 1);
	}
	/* If a filter refuses fcntl, close FD instead: exec errors then go unreported. */
	if (sys3(NR_fcntl, fd, F_SETFD, FD_CLOEXEC) < 0)
		sys3(NR_close, fd, 0, 0), fd = -1;
	if (*p == ',') {
		/* exit signal 0: with CLONE_PARENT the child takes ours (SIGCHLD) */
		long pid = sys3(NR_clone, CLONE_PARENT, 0, 0);
		if (pid < 0)
			fail(fd, (int)-pid);
		if (pid > 0) {
			int msg[2] = {0x21444950 /* "PID!" */, (int)pid};
			sys3(NR_write, fd, (long)msg, sizeof(msg));
			sys3(NR_exit_group, 0, 0, 0);
		}
		if (p[5] == ',') { /* ",fork,tty" */
			sys3(NR_setsid, 0, 0, 0);
			sys3(NR_ioctl, 0, TIOCSCTTY, 0);
		}
	}
	fail(fd, (int)-sys3(NR_execve, (long)argv[2], (long)(argv + 3), (long)envp));
}
