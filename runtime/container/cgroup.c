// SPDX-License-Identifier: Apache-2.0
/* The container's cgroup, as the verbs use it: made at create from
 * linux.resources before the process exists, found again from the state
 * record, released at delete. The cgroups module does the work; this file
 * holds the runtime's choices: what a rootless brig may skip, and the order. */
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <string.h>

/* How long systemd may take to start the unit (runc waits 30 s too). */
#define SYSTEMD_TIMEOUT_MS 30000

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
static void claim_default_parent(struct ctr_cgroup *cg)
{
	if (!cg->claim_parent)
		return;
	if (cg->cg.v2.created == 1)
		cg->cg.v2.created = 2;
	for (size_t i = 0; i < cg->cg.n_v1; i++)
		if (cg->cg.v1[i].created == 1)
			cg->cg.v1[i].created = 2;
}

/* The plan's writes and device program on the cgroup made for them. */
static int apply_plan(struct ctr_cgroup *cg, const struct cgroups_plan *plan, int rootless,
		      struct brig_error *err)
{
	char **warnings = NULL;
	int r = cgroups_apply(&cg->cg, plan, &warnings, err);
	log_warnings(warnings);
	strv_free(warnings);
	if (r == 0 && cgroups_attach_devices(&cg->cg, plan, err) < 0) {
		/* rootless: no BPF; the v1 devices rules, if any, still apply */
		r = err->errnum == EPERM && is_rootless(rootless) ? 0 : -1;
		if (r == 0)
			log_debug("device filter not attached: %s", err->msg);
	}
	return r;
}

/* The systemd driver's unit of the user manager (rootless) lives below that manager's
 * own cgroup, which only it can tell. */
static int driver_for(bool systemd, int rootless, struct cgroups_driver *d, char **manager_cg,
		      struct brig_error *err)
{
	*d = (struct cgroups_driver){.systemd = systemd};
	if (!systemd || !is_rootless(rootless))
		return 0;
	d->manager = CGROUPS_MANAGER_USER;
	if (cgroups_systemd_manager_cgroup(CGROUPS_MANAGER_USER, manager_cg, err) < 0)
		return -1;
	d->manager_cgroup = *manager_cg;
	return 0;
}

/* The systemd driver: everything that can fail before the unit exists fails here, before
 * clone (the properties, the annotations); the unit itself waits for the init's pid. */
static int plan_unit(const struct spec *s, struct ctr_cgroup *cg, struct brig_error *err)
{
	if (cgroups_systemd_props(&cg->host, &cg->cg, &s->linux.resources, s->annotations,
				  s->n_annotations, false, &cg->plan, &cg->props, err) < 0)
		return -1;
	log_warnings(cg->props.warnings);
	if (log_debug_enabled())
		for (size_t i = 0; i < cg->props.n; i++) {
			_cleanup_free_ char *p = cgroups_prop_format(&cg->props.v[i]);
			log_debug("systemd: %s: %s", cg->cg.unit.name, p);
		}
	cg->pending = true;
	return 0;
}

int cgroup_prepare(const struct spec *s, const char *id, bool systemd, int rootless,
		   struct ctr_cgroup *cg, struct brig_error *err)
{
	struct cgroups_driver driver;
	_cleanup_free_ char *manager_cg = NULL;
	if (cgroups_host_detect(&cg->host, err) < 0) {
		/* A pure cgroup v1 host (no cgroup2 mount: ENOENT) is not a goal:
		 * without limits to enforce, run without a cgroup of brig's rather
		 * than refuse. Any other failure (EMFILE, ENOMEM...) is one. */
		if (err->errnum == ENOENT && !resources_requested(&s->linux.resources)) {
			log_warn("no cgroup for %s: %s", id, err->msg);
			return 0;
		}
		return err_wrap(err, "cgroup");
	}
	if (driver_for(systemd, rootless, &driver, &manager_cg, err) < 0 ||
	    cgroups_path_resolve(&cg->host, s->linux.cgroups_path, id, &driver, &cg->cg, err) < 0 ||
	    cgroups_plan(&s->linux.resources, &cg->host, false, &cg->plan, err) < 0)
		return err_wrap(err, "cgroup");
	log_warnings(cg->plan.warnings);
	if (systemd)
		return plan_unit(s, cg, err) < 0 ? err_wrap(err, "cgroup") : 0;
	cg->planned = true;
	cg->claim_parent = !s->linux.cgroups_path || !*s->linux.cgroups_path;
	return 0;
}

/* The trailing components of path missing below mount: what mkdir -p makes. */
static unsigned missing_levels(const char *mount, const char *path)
{
	if (!mount)
		return 0;
	_cleanup_free_ char *full = path_join(mount, path);
	size_t root_len = strlen(mount);
	unsigned n = 0;
	while (strlen(full) > root_len && access(full, F_OK) < 0 && errno == ENOENT) {
		n++;
		char *slash = strrchr(full, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	return n;
}

static const char *v1_mount(const struct cgroups_host *h, const char *hierarchy)
{
	for (size_t i = 0; i < h->n_v1; i++)
		if (!strcmp(h->v1[i].controllers, hierarchy))
			return h->v1[i].mount;
	return NULL;
}

char *cgroup_pending_record(const struct ctr_cgroup *cg)
{
	if (!cg->planned && !cg->pending)
		return NULL;
	/* a copy with what cgroups_create is about to make counted as made */
	struct cgroups_cgroup pending = cg->cg;
	_cleanup_free_ struct cgroups_dir *v1 = xcalloc(cg->cg.n_v1 + 1, sizeof(*v1));
	memcpy(v1, cg->cg.v1, cg->cg.n_v1 * sizeof(*v1));
	pending.v1 = v1;
	/* systemd makes and removes a unit's own directory */
	pending.v2.created = cg->pending ? 0 : missing_levels(cg->host.v2_mount, cg->cg.v2.path);
	for (size_t i = 0; i < pending.n_v1; i++)
		v1[i].created = missing_levels(v1_mount(&cg->host, v1[i].hierarchy), v1[i].path);
	/* the claim on /brig (claim_default_parent) holds for these too */
	if (cg->claim_parent && pending.v2.created == 1)
		pending.v2.created = 2;
	for (size_t i = 0; i < pending.n_v1; i++)
		if (cg->claim_parent && v1[i].created == 1)
			v1[i].created = 2;
	return cgroups_record(&pending);
}

static int frozen_error(const struct ctr_cgroup *cg, struct brig_error *err)
{
	return err_set(err, EBUSY,
		       "container's cgroup unexpectedly frozen (%s): thaw it or choose another "
		       "linux.cgroupsPath",
		       cg->cg.v2.path);
}

/* As runc checks every cgroup at create: a frozen one (made frozen before, in
 * any hierarchy, or below a frozen parent) would freeze the process before it
 * reports anything (runc refuses it with these words), and one with processes
 * in it is shared with them (runc warns). */
static int check_joined(const struct ctr_cgroup *cg, struct brig_error *err)
{
	bool frozen = false;
	if (cgroups_is_frozen(&cg->cg, &frozen, err) < 0)
		return -1;
	if (frozen)
		return frozen_error(cg, err);
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	if (cgroups_pids(&cg->cg, &pids, &n, err) < 0)
		return -1;
	if (n)
		log_warn("container's cgroup is not empty: %zu process(es) found in %s", n,
			 cg->cg.v2.path);
	return 0;
}

int cgroup_make(int rootless, struct ctr_cgroup *cg, struct brig_error *err)
{
	if (!cg->planned)
		return 0;
	drop_privileged_writes(&cg->plan, cg->cg.v2.path ? cg->cg.v2.path : "", rootless);
	/* a frozen cgroupsPath that exists: refused before anything is made (so
	 * nothing of it is undone either) */
	bool frozen = false;
	if (cgroups_frozen_before_create(&cg->host, &cg->cg, &frozen, err) < 0)
		return err_wrap(err, "cgroup");
	if (frozen) {
		frozen_error(cg, err);
		return err_wrap(err, "cgroup");
	}
	if (cgroups_create(&cg->host, &cg->plan, &cg->cg, err) < 0) {
		if (may_skip(&cg->plan, err, rootless)) {
			log_debug("no cgroup: %s", err->msg);
			return 0;
		}
		if (first_limit(&cg->plan) && is_rootless(rootless) &&
		    (err->errnum == EACCES || err->errnum == EPERM || err->errnum == EROFS))
			limit_needs_delegation(first_limit(&cg->plan), err);
		return err_wrap(err, "cgroup");
	}
	cg->active = true;
	claim_default_parent(cg);
	if (check_joined(cg, err) < 0)
		return err_wrap(err, "cgroup");
	return apply_plan(cg, &cg->plan, rootless, err) < 0 ? err_wrap(err, "cgroup") : 0;
}

bool cgroup_needs_join(const struct ctr_cgroup *cg)
{
	return cg->pending || (cg->active && cg->cg.n_v1 > 0);
}

int cgroup_join(struct ctr_cgroup *cg, pid_t pid, bool cloned_into, struct brig_error *err)
{
	if (!cg->pending)
		return cgroups_add_pid(&cg->cg, pid, cloned_into, err) < 0 ? err_wrap(err, "cgroup")
									   : 0;
	cg->pending = false;
	if (cgroups_systemd_start(&cg->host, &cg->plan, &cg->props, pid, SYSTEMD_TIMEOUT_MS,
				  &cg->cg, err) < 0)
		return err_wrap(err, "cgroup");
	cg->active = true;
	/* rootless through the user manager: its delegation decides, as for cgroupfs */
	if (apply_plan(cg, &cg->plan, cg->cg.unit.manager == CGROUPS_MANAGER_USER ? 1 : 0, err) < 0)
		return err_wrap(err, "cgroup");
	return 0;
}

int cgroup_update(struct ctr_cgroup *cg, const struct spec_resources *r, struct brig_error *err)
{
	struct cgroups_plan plan = {0};
	struct cgroups_props props = {0};
	char **warnings = NULL;
	/* 0 and absent mean "unchanged" here (Docker sends kernel: 0 every time) */
	int rc = cgroups_plan(r, &cg->host, true, &plan, err);
	if (rc == 0 && cg->cg.unit.name) {
		/* systemd first, so that a daemon-reload keeps the new values; then the
		 * files, which also hold what systemd has no property for */
		rc = cgroups_plan_resolve(&cg->cg, &plan, err);
		if (rc == 0)
			rc = cgroups_systemd_props(&cg->host, &cg->cg, r, NULL, 0, true, &plan,
						   &props, err);
		if (rc == 0)
			rc = cgroups_systemd_set(&cg->cg, &props, err);
	}
	if (rc == 0)
		rc = cgroups_apply(&cg->cg, &plan, &warnings, err);
	if (rc == 0)
		rc = cgroups_attach_devices(&cg->cg, &plan, err);
	for (size_t i = 0; warnings && warnings[i]; i++)
		log_warn("update: %s", warnings[i]);
	for (size_t i = 0; plan.warnings && plan.warnings[i]; i++)
		log_warn("update: %s", plan.warnings[i]);
	strv_free(warnings);
	cgroups_plan_clear(&plan);
	cgroups_props_clear(&props);
	return rc;
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
	cgroups_plan_clear(&cg->plan);
	cgroups_props_clear(&cg->props);
	cgroups_cgroup_clear(&cg->cg);
	cgroups_host_clear(&cg->host);
	*cg = (struct ctr_cgroup)CTR_CGROUP_INIT;
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

int cgroup_none_error(const char *id, const char *verb, struct brig_error *err)
{
	return err_set(err, ENOTSUP,
		       "container \"%s\" runs without a cgroup of its own (brig could not "
		       "create one: rootless, without cgroup delegation), and %s needs one",
		       id, verb);
}
