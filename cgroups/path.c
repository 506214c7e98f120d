// SPDX-License-Identifier: Apache-2.0
/* Where the container's cgroup is: linux.cgroupsPath resolved in every hierarchy, the
 * record the runtime keeps of it, and opening it again for the verbs. */
#include "cgroups/internal.h"

#include <fcntl.h>

#define DEFAULT_PARENT "/brig"

/* slice:prefix:name, e.g. "system.slice:docker:abc": two colons and no slash. */
static bool systemd_form(const char *p)
{
	const char *c1 = strchr(p, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	return c2 && !strchr(c2 + 1, ':') && !strchr(p, '/');
}

#define SYSTEMD_FORM "the form slice:prefix:name (e.g. system.slice:docker:abc)"

static int check_cgroupfs(const char *p, struct brig_error *err)
{
	if (p && systemd_form(p))
		return err_set(err, EINVAL,
			       "linux.cgroupsPath \"%s\": the systemd form slice:prefix:name needs "
			       "--systemd-cgroup",
			       p);
	return 0;
}

/* "a//b/" -> "/a/b"; "." and ".." are refused rather than cleaned, so that a path never
 * silently means another cgroup. */
static int normalize(const char *p, char **ret, struct brig_error *err)
{
	if (strchr(p, '\n'))
		return err_set(err, EINVAL, "linux.cgroupsPath: a newline is not allowed");
	_cleanup_free_ char *copy = xstrdup(p);
	char *out = xcalloc(1, strlen(p) + 2);
	char *save = NULL;
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, ".") || !strcmp(c, "..")) {
			free(out);
			return err_set(err, EINVAL, "linux.cgroupsPath \"%s\": '%s' is not allowed",
				       p, c);
		}
		strcat(out, "/");
		strcat(out, c);
	}
	if (!*out) {
		free(out);
		return err_set(err, EINVAL,
			       "linux.cgroupsPath \"%s\": the root cgroup cannot be a container's",
			       p);
	}
	*ret = out;
	return 0;
}

/* own, seen from the mount whose root is `root`: "/docker/x" with root "/docker" -> "/x". */
static int below_root(const char *own, const char *root, const char *what, char **ret,
		      struct brig_error *err)
{
	size_t n = strlen(root);
	if (!strcmp(root, "/")) {
		*ret = xstrdup(own);
	} else if (!strncmp(own, root, n) && (own[n] == '\0' || own[n] == '/')) {
		*ret = xstrdup(own[n] ? own + n : "/");
	} else {
		return err_set(err, EINVAL,
			       "brig's own %s cgroup '%s' is outside the mounted part '%s': a "
			       "relative linux.cgroupsPath cannot be placed",
			       what, own, root);
	}
	return 0;
}

static int place(const char *norm, bool relative, const char *own, const char *root,
		 const char *what, char **ret, struct brig_error *err)
{
	if (!relative) {
		*ret = xstrdup(norm);
		return 0;
	}
	_cleanup_free_ char *base = NULL;
	if (below_root(own, root, what, &base, err) < 0)
		return -1;
	*ret = path_join(base, norm);
	return 0;
}

static int check_id(const char *id, struct brig_error *err)
{
	if (!id || !*id || strchr(id, '/') || strchr(id, '\n') || !strcmp(id, ".") ||
	    !strcmp(id, ".."))
		return err_set(err, EINVAL, "container id \"%s\" cannot name a cgroup",
			       id ? id : "");
	return 0;
}

/* ---- the systemd driver ---- */

static char *dup_n(const char *s, size_t n)
{
	char *d = xcalloc(1, n + 1);
	memcpy(d, s, n);
	return d;
}

char *cgroups_slice_path(const char *slice)
{
	size_t n = strlen(slice);
	if (n <= 6 || strcmp(slice + n - 6, ".slice") || strchr(slice, '/'))
		return NULL;
	if (!strcmp(slice, "-.slice"))
		return xstrdup("/");
	/* "a-b-c.slice" -> /a.slice/a-b.slice/a-b-c.slice: one level per dash */
	char *path = xstrdup("");
	for (size_t i = 0; i <= n - 6; i++) {
		if (i < n - 6 && slice[i] != '-')
			continue;
		/* no empty part: "-a", "a--b", "a-" */
		if (i == 0 || slice[i - 1] == '-' || (slice[i] == '-' && i + 1 == n - 6)) {
			free(path);
			return NULL;
		}
		char *next = xasprintf("%s/%.*s.slice", path, (int)i, slice);
		free(path);
		path = next;
	}
	return path;
}

static bool is_slice_name(const char *name)
{
	size_t n = strlen(name);
	return n > 6 && !strcmp(name + n - 6, ".slice");
}

/* The characters systemd takes in a unit name ("@" is left out: no templates). */
static bool unit_chars_valid(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(":-_.\\", *p)))
			return false;
	return true;
}

/* "slice:prefix:name" -> the unit's slice and name. */
static int parse_systemd_path(const char *p, const struct cgroups_driver *d, struct cgroups_unit *u,
			      struct brig_error *err)
{
	const char *c1 = strchr(p, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || strchr(c2 + 1, ':'))
		return err_set(err, EINVAL,
			       "linux.cgroupsPath \"%s\": --systemd-cgroup expects " SYSTEMD_FORM,
			       p);
	_cleanup_free_ char *slice = dup_n(p, (size_t)(c1 - p));
	_cleanup_free_ char *prefix = dup_n(c1 + 1, (size_t)(c2 - c1 - 1));
	const char *name = c2 + 1;
	if (!*name || !unit_chars_valid(name) || !unit_chars_valid(prefix))
		return err_set(err, EINVAL,
			       "linux.cgroupsPath \"%s\": the prefix and name of " SYSTEMD_FORM
			       " may hold only letters, digits and \":-_.\\\", and the name "
			       "is required",
			       p);
	if (!*slice)
		u->slice =
		    xstrdup(d->manager == CGROUPS_MANAGER_USER ? "user.slice" : "system.slice");
	else
		u->slice = steal_ptr(&slice);
	if (is_slice_name(name))
		u->name = xstrdup(name); /* runc: a slice of its own */
	else
		u->name =
		    *prefix ? xasprintf("%s-%s.scope", prefix, name) : xasprintf("%s.scope", name);
	if (strlen(u->name) > 255)
		return err_set(err, EINVAL,
			       "linux.cgroupsPath \"%s\": unit name \"%s\" is too long", p,
			       u->name);
	return 0;
}

static int resolve_systemd(const struct cgroups_host *h, const char *cgroups_path, const char *id,
			   const struct cgroups_driver *d, struct cgroups_cgroup *cg,
			   struct brig_error *err)
{
	_cleanup_free_ char *dflt = NULL, *slice_path = NULL;
	if (!cgroups_path || !*cgroups_path) {
		if (check_id(id, err) < 0)
			return -1;
		cgroups_path = dflt = xasprintf(":brig:%s", id);
	}
	cg->unit.manager = d->manager;
	if (parse_systemd_path(cgroups_path, d, &cg->unit, err) < 0)
		return -1;
	slice_path = cgroups_slice_path(cg->unit.slice);
	if (!slice_path)
		return err_set(err, EINVAL,
			       "linux.cgroupsPath \"%s\": \"%s\" is not a slice name (NAME.slice, "
			       "its dash-separated parts not empty, no '/')",
			       cgroups_path, cg->unit.slice);
	/* a slice's place is its own name's ("a-b.slice" is below a.slice whatever its
	 * Wants= says), a scope's its slice's */
	_cleanup_free_ char *below = is_slice_name(cg->unit.name)
					 ? cgroups_slice_path(cg->unit.name)
					 : path_join(slice_path, cg->unit.name);
	if (!below)
		return err_set(err, EINVAL,
			       "linux.cgroupsPath \"%s\": \"%s\" is not a slice name (NAME.slice, "
			       "its dash-separated parts not empty, no '/')",
			       cgroups_path, cg->unit.name);
	const char *root = d->manager_cgroup ? d->manager_cgroup : "/";
	cg->v2.path = path_join(root, below);
	cg->v1 = xcalloc(h->n_v1, sizeof(*cg->v1));
	for (size_t i = 0; i < h->n_v1; i++, cg->n_v1++) {
		cg->v1[i].fd = -1;
		cg->v1[i].hierarchy = xstrdup(h->v1[i].controllers);
		cg->v1[i].path = xstrdup(cg->v2.path);
	}
	return 0;
}

/* The cgroupfs driver: a path below each hierarchy's mount or below brig's own cgroup. */
static int resolve_cgroupfs(const struct cgroups_host *h, const char *cgroups_path, const char *id,
			    struct cgroups_cgroup *cg, struct brig_error *err)
{
	_cleanup_free_ char *dflt = NULL, *norm = NULL;
	if (check_cgroupfs(cgroups_path, err) < 0)
		return -1;
	if (!cgroups_path || !*cgroups_path) {
		if (check_id(id, err) < 0)
			return -1;
		cgroups_path = dflt = xasprintf(DEFAULT_PARENT "/%s", id);
	}
	bool relative = cgroups_path[0] != '/';
	if (normalize(cgroups_path, &norm, err) < 0)
		return -1;
	if (place(norm, relative, h->v2_own, h->v2_root, "cgroup v2", &cg->v2.path, err) < 0)
		return -1;
	cg->v1 = xcalloc(h->n_v1, sizeof(*cg->v1));
	for (size_t i = 0; i < h->n_v1; i++, cg->n_v1++) {
		struct cgroups_dir *d = &cg->v1[i];
		const struct cgroups_v1_hierarchy *v = &h->v1[i];
		d->fd = -1;
		d->hierarchy = xstrdup(v->controllers);
		if (place(norm, relative, v->own, v->root, v->controllers, &d->path, err) < 0) {
			cg->n_v1++;
			return -1;
		}
	}
	return 0;
}

int cgroups_path_resolve(const struct cgroups_host *h, const char *cgroups_path, const char *id,
			 const struct cgroups_driver *driver, struct cgroups_cgroup *ret,
			 struct brig_error *err)
{
	struct cgroups_cgroup cg = {.v2 = {.fd = -1}};
	int r = driver && driver->systemd ? resolve_systemd(h, cgroups_path, id, driver, &cg, err)
					  : resolve_cgroupfs(h, cgroups_path, id, &cg, err);
	if (r < 0) {
		cgroups_cgroup_clear(&cg);
		return -1;
	}
	*ret = cg;
	return 0;
}

static void record_line(char **buf, size_t *len, const struct cgroups_dir *d)
{
	_cleanup_free_ char *line =
	    xasprintf("%s %u %s\n", d->hierarchy ? d->hierarchy : "unified", d->created, d->path);
	size_t n = strlen(line);
	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, line, n + 1);
	*len += n;
}

char *cgroups_record(const struct cgroups_cgroup *cg)
{
	char *buf = NULL;
	size_t len = 0;
	record_line(&buf, &len, &cg->v2);
	for (size_t i = 0; i < cg->n_v1; i++)
		record_line(&buf, &len, &cg->v1[i]);
	if (cg->unit.name) {
		_cleanup_free_ char *line =
		    xasprintf("systemd %s %s %s\n",
			      cg->unit.manager == CGROUPS_MANAGER_USER ? "user" : "system",
			      cg->unit.name, cg->unit.slice);
		buf = xrealloc(buf, len + strlen(line) + 1);
		memcpy(buf + len, line, strlen(line) + 1);
	}
	return buf;
}

/* "systemd system|user <unit> <slice>" */
static int parse_unit_line(const char *line, struct cgroups_unit *u, struct brig_error *err)
{
	char manager[8], name[256], slice[256];
	if (u->name)
		return err_set(err, EINVAL, "cgroup record: two systemd lines");
	if (sscanf(line, "systemd %7s %255s %255s", manager, name, slice) != 3 ||
	    (strcmp(manager, "system") && strcmp(manager, "user")))
		return err_set(err, EINVAL, "cgroup record: bad line \"%s\"", line);
	u->manager = strcmp(manager, "user") ? CGROUPS_MANAGER_SYSTEM : CGROUPS_MANAGER_USER;
	u->name = xstrdup(name);
	u->slice = xstrdup(slice);
	return 0;
}

/* "<hierarchy> <created> <path>": the path last, as it may hold spaces. */
/* The components of a path as cgroups_path_resolve makes them (absolute, no empty, "." or
 * ".." component, not the root); -1 for any other. */
static int64_t record_components(const char *path)
{
	int64_t n = 0;
	for (const char *p = path; *p; n++) {
		size_t len = p[0] == '/' ? strcspn(p + 1, "/") : 0;
		if (len == 0 || (len == 1 && p[1] == '.') || (len == 2 && !strncmp(p + 1, "..", 2)))
			return -1;
		p += 1 + len;
	}
	return n ? n : -1;
}

/* "<hierarchy> <created> <path>": the path last, as it may hold spaces. A path brig could
 * not have written, or more created components than it has, is refused: delete removes
 * them (and every empty directory below), which must stay inside the hierarchy. */
static int parse_record_line(char *line, struct cgroups_dir *d, struct brig_error *err)
{
	char *s1 = strchr(line, ' ');
	char *s2 = s1 ? strchr(s1 + 1, ' ') : NULL;
	int64_t created, n;
	if (!s2 || s2[1] != '/')
		return err_set(err, EINVAL, "cgroup record: bad line \"%s\"", line);
	*s1 = *s2 = '\0';
	if (parse_int64(s1 + 1, 0, 64, &created) < 0)
		return err_set(err, EINVAL, "cgroup record: bad count \"%s\"", s1 + 1);
	if ((n = record_components(s2 + 1)) < 0)
		return err_set(err, EINVAL, "cgroup record: bad path \"%s\"", s2 + 1);
	if (created > n)
		return err_set(err, EINVAL,
			       "cgroup record: count %d exceeds the %d components of \"%s\"",
			       (int)created, (int)n, s2 + 1);
	d->hierarchy = strcmp(line, "unified") ? xstrdup(line) : NULL;
	d->created = (unsigned)created;
	d->path = xstrdup(s2 + 1);
	d->fd = -1;
	return 0;
}

int cgroups_record_parse(const char *text, struct cgroups_cgroup *ret, struct brig_error *err)
{
	struct cgroups_cgroup cg = {.v2 = {.fd = -1}};
	_cleanup_free_ char *copy = xstrdup(text);
	char *save = NULL;
	bool have_v2 = false;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct cgroups_dir d;
		if (!strncmp(l, "systemd ", 8)) {
			if (parse_unit_line(l, &cg.unit, err) < 0) {
				cgroups_cgroup_clear(&cg);
				return -1;
			}
			continue;
		}
		if (parse_record_line(l, &d, err) < 0) {
			cgroups_cgroup_clear(&cg);
			return -1;
		}
		if (!d.hierarchy && !have_v2) {
			cg.v2 = d;
			have_v2 = true;
			continue;
		}
		cg.v1 = xrealloc(cg.v1, (cg.n_v1 + 1) * sizeof(*cg.v1));
		cg.v1[cg.n_v1++] = d;
		if (!d.hierarchy) {
			cgroups_cgroup_clear(&cg);
			return err_set(err, EINVAL, "cgroup record: two unified lines");
		}
	}
	if (!have_v2) {
		cgroups_cgroup_clear(&cg);
		return err_set(err, EINVAL, "cgroup record: no unified line");
	}
	*ret = cg;
	return 0;
}

static int open_one(const char *mount, struct cgroups_dir *d, bool required, struct brig_error *err)
{
	_cleanup_free_ char *full = path_join(mount, d->path);
	closep(&d->fd);
	d->fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0 && (required || errno != ENOENT))
		return err_sys(err, "open cgroup '%s'", full);
	return 0;
}

int cgroups_open(const struct cgroups_host *h, struct cgroups_cgroup *cg, struct brig_error *err)
{
	if (open_one(h->v2_mount, &cg->v2, true, err) < 0)
		return -1;
	for (size_t i = 0; i < cg->n_v1; i++) {
		const struct cgroups_v1_hierarchy *v = host_hierarchy(h, cg->v1[i].hierarchy);
		if (!v)
			return err_set(err, ENOENT, "cgroup v1 hierarchy '%s' is not mounted",
				       cg->v1[i].hierarchy);
		/* a v1 directory already gone is left for cgroups_remove to skip */
		if (open_one(v->mount, &cg->v1[i], false, err) < 0)
			return -1;
	}
	return 0;
}

/* base joined with sub, ".." and "." resolved; NULL when the result leaves base. */
static char *sub_path(const char *base, const char *sub)
{
	_cleanup_free_ char *copy = xstrdup(sub);
	char *out = xstrdup(base);
	size_t floor = strlen(out);
	for (char *save = NULL, *c = strtok_r(copy, "/", &save); c;
	     c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			char *slash = strrchr(out, '/');
			if (strlen(out) <= floor || !slash) {
				free(out);
				return NULL;
			}
			*slash = '\0';
			continue;
		}
		char *next = path_join(out, c);
		free(out);
		out = next;
	}
	return out;
}

/* Which dirs of cg a controller list names: "" every one; else the v1 hierarchy holding
 * each controller, or the unified one where it is a v2 controller. */
static int sub_targets(const struct cgroups_host *h, const struct cgroups_cgroup *cg,
		       const char *ctrls, bool *pick, struct brig_error *err)
{
	if (!*ctrls) {
		for (size_t i = 0; i <= cg->n_v1; i++)
			pick[i] = true;
		return 0;
	}
	_cleanup_free_ char *copy = xstrdup(ctrls);
	for (char *save = NULL, *c = strtok_r(copy, ",", &save); c;
	     c = strtok_r(NULL, ",", &save)) {
		bool found = false;
		for (size_t i = 0; i < cg->n_v1; i++) {
			_cleanup_free_ char *list = xasprintf(",%s,", cg->v1[i].hierarchy);
			_cleanup_free_ char *want = xasprintf(",%s,", c);
			if (strstr(list, want))
				found = pick[i] = true;
		}
		if (!found && cgroups_host_has_v2(h, c))
			found = pick[cg->n_v1] = true;
		if (!found)
			return err_set(err, EINVAL, "unknown controller %s", c);
	}
	return 0;
}

int cgroups_enter_sub(const struct cgroups_host *h, struct cgroups_cgroup *cg, char *const *args,
		      struct brig_error *err)
{
	_cleanup_free_ bool *pick = xcalloc(cg->n_v1 + 1, sizeof(bool));
	for (char *const *a = args; a && *a; a++) {
		const char *colon = strchr(*a, ':');
		_cleanup_free_ char *ctrls =
		    colon ? xasprintf("%.*s", (int)(colon - *a), *a) : xstrdup("");
		const char *sub = colon ? colon + 1 : *a;
		memset(pick, 0, (cg->n_v1 + 1) * sizeof(bool));
		if (sub_targets(h, cg, ctrls, pick, err) < 0)
			return err_wrap(err, "--cgroup %s", *a);
		for (size_t i = 0; i <= cg->n_v1; i++) {
			struct cgroups_dir *d = i < cg->n_v1 ? &cg->v1[i] : &cg->v2;
			if (!pick[i])
				continue;
			char *p = sub_path(d->path, sub);
			if (!p)
				return err_set(err, EINVAL, "--cgroup: %s is not a sub cgroup path",
					       sub);
			free(d->path);
			d->path = p;
			const char *mount =
			    i < cg->n_v1 ? host_hierarchy(h, d->hierarchy)->mount : h->v2_mount;
			_cleanup_free_ char *full = path_join(mount, d->path);
			closep(&d->fd);
			d->fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			/* runc's (Go's) words, which its tests grep */
			if (d->fd < 0 && errno == ENOENT)
				return err_set(err, ENOENT,
					       "--cgroup %s: adding pid to cgroups: open "
					       "%s/cgroup.procs: no such file or directory",
					       *a, full);
			if (d->fd < 0)
				return err_sys(err, "--cgroup %s: adding pid to cgroup '%s'", *a,
					       full);
		}
	}
	return 0;
}

static void dir_clear(struct cgroups_dir *d)
{
	free(d->hierarchy);
	free(d->path);
	closep(&d->fd);
}

void cgroups_cgroup_clear(struct cgroups_cgroup *cg)
{
	dir_clear(&cg->v2);
	for (size_t i = 0; i < cg->n_v1; i++)
		dir_clear(&cg->v1[i]);
	free(cg->v1);
	free(cg->unit.name);
	free(cg->unit.slice);
	memset(cg, 0, sizeof(*cg));
	cg->v2.fd = -1;
}
