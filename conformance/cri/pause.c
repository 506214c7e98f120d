// SPDX-License-Identifier: Apache-2.0
/* The pod sandbox's process for brig's CRI tests (the role of Kubernetes'
 * pause image): waits for a signal, reaps the children a shared pid
 * namespace leaves to it, and exits 0 on SIGINT or SIGTERM. Built static by
 * test_cri.sh, the only file of its image besides nothing. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void quit(int sig)
{
	(void)sig;
	_exit(0);
}

static void reap(int sig)
{
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int main(void)
{
	struct sigaction q = {.sa_handler = quit},
			 r = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP};
	if (sigaction(SIGINT, &q, NULL) < 0 || sigaction(SIGTERM, &q, NULL) < 0 ||
	    sigaction(SIGCHLD, &r, NULL) < 0)
		return 1;
	for (;;)
		pause();
}
