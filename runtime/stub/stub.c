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
 * argv: brig-init FD PATH ARGV0 ARGS...  FD is the start connection: it gets
 * close-on-exec here so it closes when PATH execs; if the exec fails, the
 * errno goes to FD for `brig start` to report, and the exit status is 127.
 *
 * No libc: raw x86-64/aarch64 syscalls, built -nostdlib -static. */

#define F_SETFD 2
#define FD_CLOEXEC 1

#if defined(__x86_64__)
#define NR_write 1
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
	"xor %rbp,%rbp\nmov %rsp,%rdi\nand $-16,%rsp\ncall stub_main\nhlt\n");
#elif defined(__aarch64__)
#define NR_write 64
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
__asm__(".text\n.global _start\n_start:\nmov x0, sp\nbl stub_main\n");
#else
#error "brig-init: unsupported architecture"
#endif

void stub_main(long *sp) __attribute__((noreturn, used));

void stub_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	long fd = -1;
	int e;

	if (argc >= 4) {
		fd = 0;
		for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++)
			fd = fd * 10 + (*p - '0');
		sys3(NR_fcntl, fd, F_SETFD, FD_CLOEXEC);
		e = (int)-sys3(NR_execve, (long)argv[2], (long)(argv + 3), (long)envp);
	} else {
		e = 22; /* EINVAL: not started by brig */
	}
	if (fd >= 0)
		sys3(NR_write, fd, (long)&e, sizeof(e));
	sys3(NR_exit_group, 127, 0, 0);
	for (;;)
		;
}
