// SPDX-License-Identifier: Apache-2.0
/* The container's cgroup, as the verbs use it: made at create from
 * linux.resources before the process exists, found again from the state
 * record, released at delete. The cgroups module does the work; this file
 * holds the runtime's choices: what a rootless brig may skip, and the order. */
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <string.h>

static void log_warnings(char **w)
{
	for (size_t i = 0; w && w[i]; i++)
		log_warn("cgroup: %s", w[i]);
}

/* Whether linux.resources holds anything but devices rules (which the
 * runtime's own /dev setup already limits to what the config lists). */
static bool resources_requested(const struct spec_resources *r)
{
	return r->present && (r->has_memory || r->has_cpu || r->pids_limit.set || r->has_blkio ||
			      r->n_hugepage_limits || r->net_class_id.set || r->n_net_priorities ||
			      r->n_rdma || r->n_unified);
}

/* The first write that enforces a limit, NULL when there is none. The device
 * rules do not count: every plan has them (the default rules, as v1 writes on
 * a hybrid host), and without a cgroup the container's /dev is what it gets,
 * as in runc's rootless mode. */
static const struct cgroups_write *first_limit(const struct cgroups_plan *p)
{
	for (size_t i = 0; i < p->n_writes; i++)
		if (!p->writes[i].v1 || strcmp(p->writes[i].v1, "devices"))
			return &p->writes[i];
	return NULL;
}

/* The global --rootless: 1 yes, 0 no, -1 (auto) when brig runs as non-root
 * or inside a user namespace. */
static bool is_rootless(int rootless)
{
	return rootless == 1 || (rootless == -1 && (geteuid() != 0 || process_in_userns()));
}

/* Without privileges over the cgroup tree (rootless, a user namespace without
 * a delegated cgroup) a container that asks for no limits runs without a
 * cgroup of its own, as runc's rootless mode does. */
static bool may_skip(const struct cgroups_plan *p, const struct brig_error *err, int rootless)
{
	int e = err->errnum;
	return (e == EACCES || e == EPERM || e == EROFS) && !first_limit(p) &&
	       is_rootless(rootless);
}

/* A limit brig could not make a cgroup for: say which field wants it and how
 * an unprivileged user gets a cgroup of their own. systemd delegates cgroup
 * v2 only (user@UID.service has Delegate=yes); it never hands v1 controllers
 * to a user, so on a hybrid host root has to. */
static int limit_needs_delegation(const struct cgroups_write *w, struct brig_error *err)
{
	char old[sizeof(err->msg)];
	unsigned uid = (unsigned)geteuid();
	memcpy(old, err->msg, sizeof(old));
	if (err->errnum == EROFS)
		return err_set(err, EROFS,
			       "%s needs a cgroup, and the cgroup filesystem is read-only here "
			       "(%s): mount it read-write, or drop the limit",
			       w->field, old);
	if (w->v1)
		return err_set(err, err->errnum,
			       "%s needs cgroup delegation (%s): the %s controller is on cgroup "
			       "v1 here, which systemd never delegates to a user; root can "
			       "create a cgroup in each v1 hierarchy, chown it to uid %u and "
			       "move the caller into it (then set linux.cgroupsPath inside it), "
			       "or the host can boot with cgroup v2 only "
			       "(systemd.unified_cgroup_hierarchy=1); or drop the limit",
			       w->field, old, w->v1, uid);
	return err_set(err, err->errnum,
		       "%s needs cgroup delegation (%s): run brig in a delegated cgroup "
		       "(systemd: Delegate=yes, as user@%u.service has; systemd-run --user "
		       "--scope -p Delegate=yes), or one root created, chowned to uid %u and "
		       "moved the caller into, and set linux.cgroupsPath inside it; or drop "
		       "the limit",
		       w->field, old, uid, uid);
}

/* Rootless, brig never writes the v1 devices files (they need CAP_SYS_ADMIN
 * in the host's user namespace, as runc's rootless mode knows): the
 * container's /dev holds only the devices its config lists. */
static void drop_privileged_writes(struct cgroups_plan *p, const char *id, int rootless)
{
	if (is_rootless(rootless) && cgroups_plan_drop_v1(p, "devices"))
		log_debug("%s: rootless, the v1 devices rules are not written", id);
}

/* The default path is /brig/<id>, and /brig is brig's: whichever container
 * made it, the last one deleted removes it (rmdir fails while others are in
 * it), or concurrent containers would leave it behind. */
static void claim_default_parent(const struct spec *s, struct ctr_cgroup *cg)
{
	if (s->linux.cgroups_path && *s->linux.cgroups_path)
		return;
	if (cg->cg.v2.created == 1)
		cg->cg.v2.created = 2;
	for (size_t i = 0; i < cg->cg.n_v1; i++)
		if (cg->cg.v1[i].created == 1)
			cg->cg.v1[i].created = 2;
}

int cgroup_setup(const struct spec *s, const char *id, bool systemd, int rootless,
		 struct ctr_cgroup *cg, struct brig_error *err)
{
	struct cgroups_plan plan = {0};
	int r = -1;
	if (cgroups_host_detect(&cg->host, err) < 0) {
		/* A pure cgroup v1 host is not a goal: without limits to enforce,
		 * run without a cgroup of brig's rather than refuse. */
		if (!resources_requested(&s->linux.resources)) {
			log_warn("no cgroup for %s: %s", id, err->msg);
			return 0;
		}
		return err_wrap(err, "cgroup");
	}
	if (cgroups_path_resolve(&cg->host, s->linux.cgroups_path, id, systemd, &cg->cg, err) < 0 ||
	    cgroups_plan(&s->linux.resources, &cg->host, false, &plan, err) < 0)
		goto out;
	log_warnings(plan.warnings);
	drop_privileged_writes(&plan, id, rootless);
	if (cgroups_create(&cg->host, &plan, &cg->cg, err) < 0) {
		if (may_skip(&plan, err, rootless)) {
			log_debug("no cgroup for %s: %s", id, err->msg);
			r = 0;
		} else if (first_limit(&plan) && is_rootless(rootless) &&
			   (err->errnum == EACCES || err->errnum == EPERM ||
			    err->errnum == EROFS)) {
			limit_needs_delegation(first_limit(&plan), err);
		}
		goto out;
	}
	cg->active = true;
	claim_default_parent(s, cg);
	char **warnings = NULL;
	r = cgroups_apply(&cg->cg, &plan, &warnings, err);
	log_warnings(warnings);
	strv_free(warnings);
	if (r == 0 && cgroups_attach_devices(&cg->cg, &plan, err) < 0) {
		/* rootless: no BPF; the v1 devices rules, if any, still apply */
		r = err->errnum == EPERM && is_rootless(rootless) ? 0 : -1;
		if (r == 0)
			log_debug("device filter not attached: %s", err->msg);
	}
out:
	cgroups_plan_clear(&plan);
	return r < 0 ? err_wrap(err, "cgroup") : 0;
}

int cgroup_load(const struct spec_state *st, struct ctr_cgroup *cg, struct brig_error *err)
{
	if (!st->cgroup_path)
		return 0; /* created without one */
	if (cgroups_host_detect(&cg->host, err) < 0 ||
	    cgroups_record_parse(st->cgroup_path, &cg->cg, err) < 0)
		return err_wrap(err, "cgroup");
	cg->active = true;
	if (cgroups_open(&cg->host, &cg->cg, err) < 0) {
		cg->opened = false;
		return err_wrap(err, "cgroup");
	}
	cg->opened = true;
	return 0;
}

int cgroup_remove(struct ctr_cgroup *cg, struct brig_error *err)
{
	if (!cg->active)
		return 0;
	if (cgroups_remove(&cg->host, &cg->cg, err) < 0)
		return err_wrap(err, "remove cgroup");
	cg->active = false;
	return 0;
}

void cgroup_clear(struct ctr_cgroup *cg)
{
	cgroups_cgroup_clear(&cg->cg);
	cgroups_host_clear(&cg->host);
	*cg = (struct ctr_cgroup)CTR_CGROUP_INIT;
}

int cgroup_none_error(const char *id, const char *verb, struct brig_error *err)
{
	return err_set(err, ENOTSUP,
		       "container \"%s\" runs without a cgroup of its own (brig could not "
		       "create one: rootless, without cgroup delegation), and %s needs one",
		       id, verb);
}

int cgroup_v2_fd(const struct ctr_cgroup *cg)
{
	return cg->active ? cg->cg.v2.fd : -1;
}

bool cgroup_is_paused(const struct spec_state *st)
{
	struct ctr_cgroup cg = CTR_CGROUP_INIT;
	struct brig_error ignored;
	bool frozen = false;
	if (st->cgroup_path && cgroup_load(st, &cg, &ignored) == 0 && cg.opened &&
	    cgroups_is_frozen(&cg.cg, &frozen, &ignored) < 0)
		frozen = false;
	cgroup_clear(&cg);
	return frozen;
}
