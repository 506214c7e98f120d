// SPDX-License-Identifier: Apache-2.0
/* The lifetime of a child_plan: every fd it holds starts closed (-1), the
 * parent closes the ones the child inherited once it is cloned, and the
 * plan's owner frees the rest. */
#include "runtime/init/init.h"

void child_plan_init(struct child_plan *p)
{
	*p = (struct child_plan){
	    .cgroup_fd = -1,
	    .seccomp_sock = -1,
	    .join_pidfd = -1,
	    .sync_fd = -1,
	    .wait_fd = -1,
	    .status_fd = -1,
	    .console_fd = -1,
	    .brig_init_fd = -1,
	};
}

void child_plan_close_fds(struct child_plan *p)
{
	closep(&p->sync_fd);
	closep(&p->wait_fd);
	closep(&p->status_fd);
	closep(&p->seccomp_sock);
	closep(&p->console_fd);
	closep(&p->brig_init_fd);
}

void child_plan_free(struct child_plan *p)
{
	child_plan_close_fds(p);
	closep(&p->join_pidfd);
	plan_free_mounts(p);
	strv_free(p->env);
	p->env = NULL;
	for (size_t i = 0; i < p->n_cgroups; i++) {
		free(p->cgroups[i].mountpoint);
		free(p->cgroups[i].name);
		free(p->cgroups[i].options);
		free(p->cgroups[i].own_path);
	}
	free(p->cgroups);
	p->cgroups = NULL;
	p->n_cgroups = 0;
	filter_free(p->filter);
	p->filter = NULL;
}
