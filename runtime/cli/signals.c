// SPDX-License-Identifier: Apache-2.0
/* Signal names as runc's `kill` accepts them: with or without SIG, any case,
 * or a number; RTMIN+N / RTMAX-N for real-time signals. */
#include "runtime/cli/cli.h"

#include <ctype.h>
#include <strings.h>

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},	 {"CHLD", SIGCHLD},
    {"CLD", SIGCHLD},  {"CONT", SIGCONT}, {"FPE", SIGFPE},	 {"HUP", SIGHUP},
    {"ILL", SIGILL},   {"INT", SIGINT},	  {"IO", SIGIO},	 {"IOT", SIGIOT},
    {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"POLL", SIGPOLL},	 {"PROF", SIGPROF},
    {"PWR", SIGPWR},   {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},	 {"STKFLT", SIGSTKFLT},
    {"STOP", SIGSTOP}, {"SYS", SIGSYS},	  {"TERM", SIGTERM},	 {"TRAP", SIGTRAP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},	 {"URG", SIGURG},
    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
};

static int parse_rt(const char *s)
{
	int64_t n = 0;
	if (!strncasecmp(s, "RTMIN", 5)) {
		if (s[5] == '\0')
			return SIGRTMIN;
		if (s[5] != '+' || parse_int64(s + 6, 0, SIGRTMAX - SIGRTMIN, &n) < 0)
			return -1;
		return SIGRTMIN + (int)n;
	}
	if (!strncasecmp(s, "RTMAX", 5)) {
		if (s[5] == '\0')
			return SIGRTMAX;
		if (s[5] != '-' || parse_int64(s + 6, 0, SIGRTMAX - SIGRTMIN, &n) < 0)
			return -1;
		return SIGRTMAX - (int)n;
	}
	return -1;
}

int signal_parse(const char *s)
{
	int64_t n;
	if (!s || !*s)
		return -1;
	if (isdigit((unsigned char)s[0]))
		return parse_int64(s, 0, SIGRTMAX, &n) < 0 ? -1 : (int)n; /* 0: a liveness check */
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (!strcasecmp(s, signals[i].name))
			return signals[i].sig;
	return parse_rt(s);
}

const char *signal_name(int sig)
{
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}
