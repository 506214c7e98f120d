// SPDX-License-Identifier: Apache-2.0
/* Fault injection for the tests (conformance/test_faults.sh), compiled only
 * with -DBRIG_FAULT_INJECTION=ON (scripts/test's build; never a release).
 * BRIG_FAULT="VERB:N" makes step N (1-based) of VERB's step table fail with
 * an injected error; "VERB:N:stop" makes the process stop there instead (its
 * comm becomes "brig-fault-stop" and it waits for a signal), for the test to
 * kill -9 brig at that very step; "VERB:N:delay" makes it sleep 1 s there and go on
 * (a slow process at that point). VERB names a step table: create, child, start,
 * exec, exec-child, delete, or the one point of the intermediate process
 * (intermediate:1, after it forked the init). */
#include "runtime/init/init.h"

#include <signal.h>
#include <sys/prctl.h>
#include <time.h>

#ifdef BRIG_FAULT_INJECTION

int fault_point(const char *verb, size_t step, const char *name, struct brig_error *err)
{
	const char *spec = getenv("BRIG_FAULT");
	size_t n = strlen(verb);
	if (!spec || strncmp(spec, verb, n) || spec[n] != ':')
		return 0;
	char *end;
	unsigned long want = strtoul(spec + n + 1, &end, 10);
	if (want != step + 1)
		return 0;
	if (!strcmp(end, ":delay")) {
		nanosleep(&(struct timespec){.tv_sec = 1}, NULL);
		return 0;
	}
	if (!strcmp(end, ":stop")) {
		/* SIGSTOP would not stop a pid namespace's init: wait instead */
		prctl(PR_SET_NAME, "brig-fault-stop", 0, 0, 0);
		for (;;)
			pause();
	}
	return err_set(err, EIO, "fault injected (BRIG_FAULT=%s, step \"%s\")", spec, name);
}

#endif
