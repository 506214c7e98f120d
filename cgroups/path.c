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

static int check_systemd(const char *p, bool systemd, struct brig_error *err)
{
	if (systemd && p && *p)
		return err_set(err, ENOTSUP,
			       "--systemd-cgroup is not supported yet (linux.cgroupsPath \"%s\" "
			       "%s): use a cgroupfs path",
			       p,
			       systemd_form(p)
				   ? "is in the systemd form slice:prefix:name"
				   : "is not even in the systemd form slice:prefix:name");
	if (systemd)
		return err_set(err, ENOTSUP,
			       "--systemd-cgroup is not supported yet (no linux.cgroupsPath: the "
			       "systemd default would be the form slice:prefix:name)");
	if (p && systemd_form(p))
		return err_set(err, EINVAL,
			       "linux.cgroupsPath \"%s\": the systemd form slice:prefix:name needs "
			       "--systemd-cgroup, which is not supported yet",
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

int cgroups_path_resolve(const struct cgroups_host *h, const char *cgroups_path, const char *id,
			 bool systemd, struct cgroups_cgroup *ret, struct brig_error *err)
{
	struct cgroups_cgroup cg = {.v2 = {.fd = -1}};
	_cleanup_free_ char *dflt = NULL, *norm = NULL;
	if (check_systemd(cgroups_path, systemd, err) < 0)
		return -1;
	if (!cgroups_path || !*cgroups_path) {
		if (check_id(id, err) < 0)
			return -1;
		cgroups_path = dflt = xasprintf(DEFAULT_PARENT "/%s", id);
	}
	bool relative = cgroups_path[0] != '/';
	if (normalize(cgroups_path, &norm, err) < 0)
		return -1;
	if (place(norm, relative, h->v2_own, h->v2_root, "cgroup v2", &cg.v2.path, err) < 0)
		return -1;
	cg.v1 = xcalloc(h->n_v1, sizeof(*cg.v1));
	for (size_t i = 0; i < h->n_v1; i++, cg.n_v1++) {
		struct cgroups_dir *d = &cg.v1[i];
		const struct cgroups_v1_hierarchy *v = &h->v1[i];
		d->fd = -1;
		d->hierarchy = xstrdup(v->controllers);
		if (place(norm, relative, v->own, v->root, v->controllers, &d->path, err) < 0) {
			cg.n_v1++;
			cgroups_cgroup_clear(&cg);
			return -1;
		}
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
	return buf;
}

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
	memset(cg, 0, sizeof(*cg));
	cg->v2.fd = -1;
}
