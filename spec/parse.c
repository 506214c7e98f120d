// SPDX-License-Identifier: Apache-2.0
/* config.json: the top level (version, root, mounts, hooks, annotations), the
 * checks that span sections, and spec_load/spec_parse/spec_free. */
#include "spec/internal.h"

#include <fcntl.h>

static int check_version(struct pctx *c, const char *v)
{
	if (strncmp(v, "1.", 2) != 0)
		return perr(c, "unsupported version \"%s\" (brig supports 1.x)", v);
	return 0;
}

static int parse_root(struct pctx *c, json_t *v, void *out)
{
	struct spec_root *r = out;
	if (get_string_checked(c, v, "path", REQ, check_path_len, &r->path) < 0)
		return -1;
	return get_bool(c, v, "readonly", OPT, &r->readonly) < 0 ? -1 : 0;
}

int parse_idmap(struct pctx *c, json_t *v, void *out)
{
	struct spec_idmap *m = out;
	if (get_u32(c, v, "containerID", REQ, &m->container_id) < 0 ||
	    get_u32(c, v, "hostID", REQ, &m->host_id) < 0 ||
	    get_u32(c, v, "size", REQ, &m->size) < 0)
		return -1;
	if (m->size == 0)
		return perr_at(c, "size", "must be positive"); /* the kernel refuses it */
	return 0;
}

static int check_mount_option(struct pctx *c, const char *s)
{
	if (s[0] == '\0')
		return perr(c, "empty mount option");
	/* mount(2) copies one page of data: more would be cut short */
	return check_max_len(c, s, SPEC_MOUNT_DATA_MAX, "a page of mount data");
}

static int parse_mount(struct pctx *c, json_t *v, void *out)
{
	struct spec_mount *m = out;
	if (get_string_checked(c, v, "destination", REQ, check_path_len, &m->destination) < 0)
		return -1;
	if (m->destination[0] != '/') {
		/* config.md: relative destinations are deprecated and relative
		 * to "/"; runc accepts them (with a warning) */
		char *abs = xasprintf("/%s", m->destination);
		free(m->destination);
		m->destination = abs;
	}
	if (get_string_checked(c, v, "source", OPT, check_path_len, &m->source) < 0 ||
	    get_string(c, v, "type", OPT, &m->type) < 0 ||
	    get_strv(c, v, "options", OPT, check_mount_option, &m->options) < 0 ||
	    get_array(c, v, "uidMappings", OPT, sizeof(struct spec_idmap), parse_idmap,
		      &m->uid_mappings, &m->n_uid_mappings) < 0 ||
	    get_array(c, v, "gidMappings", OPT, sizeof(struct spec_idmap), parse_idmap,
		      &m->gid_mappings, &m->n_gid_mappings) < 0)
		return -1;
	/* config.md: each MUST be specified along with the other */
	if (m->n_uid_mappings && !m->n_gid_mappings)
		return perr_at(c, "gidMappings", "required with uidMappings");
	if (m->n_gid_mappings && !m->n_uid_mappings)
		return perr_at(c, "uidMappings", "required with gidMappings");
	return 0;
}

static int parse_hook(struct pctx *c, json_t *v, void *out)
{
	struct spec_hook *h = out;
	int64_t timeout = 0;
	int r;

	if (get_path(c, v, "path", REQ, &h->path) < 0 ||
	    get_strv(c, v, "args", OPT, check_arg_len, &h->args) < 0 ||
	    get_strv(c, v, "env", OPT, check_env, &h->env) < 0)
		return -1;
	r = get_i64(c, v, "timeout", OPT, INT32_MIN, INT32_MAX, &timeout);
	if (r < 0)
		return -1;
	if (r == 1 && timeout <= 0)
		return perr_at(c, "timeout", "must be positive");
	h->timeout = (int)timeout;
	return 0;
}

static int parse_hooks(struct pctx *c, json_t *v, void *out)
{
	struct spec_hook_list *hooks = out;
	for (int k = 0; k < SPEC_HOOK_KINDS; k++)
		if (get_array(c, v, spec_hook_name(k), OPT, sizeof(struct spec_hook), parse_hook,
			      &hooks[k].hooks, &hooks[k].n) < 0)
			return -1;
	return 0;
}

const char *ns_article(enum spec_ns_type t)
{
	return t == SPEC_NS_IPC ? "an" : "a"; /* "a uts", "a user": spoken "you" */
}

/* sethostname(2) and setdomainname(2) take at most 64 bytes */
static int check_uts_len(struct pctx *c, const char *s)
{
	return check_max_len(c, s, SPEC_UTS_MAX, "__NEW_UTS_LEN");
}

static int check_uts(struct pctx *c, const struct spec *s, const char *key, const char *value)
{
	if (value && !s->linux.namespaces[SPEC_NS_UTS].present)
		return perr_at(c, key, "requires a uts namespace");
	return 0;
}

static int parse_config(struct pctx *c, json_t *root, struct spec *s)
{
	if (get_string_checked(c, root, "ociVersion", REQ, check_version, &s->oci_version) < 0 ||
	    get_object(c, root, "root", REQ, parse_root, &s->root) < 0 ||
	    get_array(c, root, "mounts", OPT, sizeof(struct spec_mount), parse_mount, &s->mounts,
		      &s->n_mounts) < 0)
		return -1;
	int r = get_object(c, root, "process", OPT, parse_process, &s->process);
	if (r < 0)
		return -1;
	s->has_process = r == 1;
	if (get_string_checked(c, root, "hostname", OPT, check_uts_len, &s->hostname) < 0 ||
	    get_string_checked(c, root, "domainname", OPT, check_uts_len, &s->domainname) < 0 ||
	    get_object(c, root, "hooks", OPT, parse_hooks, s->hooks) < 0 ||
	    get_string_map(c, root, "annotations", &s->annotations, &s->n_annotations) < 0 ||
	    get_object(c, root, "linux", OPT, parse_linux, &s->linux) < 0)
		return -1;
	/* runc's validator: sethostname() without a uts namespace would
	 * rename the host */
	if (check_uts(c, s, "hostname", s->hostname) < 0 ||
	    check_uts(c, s, "domainname", s->domainname) < 0)
		return -1;
	return 0;
}

static char *absolute_path(const char *path, struct brig_error *err)
{
	if (path[0] == '/')
		return path_clean(path);
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	if (!cwd) {
		err_sys(err, "getcwd");
		return NULL;
	}
	_cleanup_free_ char *joined = path_join(cwd, path);
	return path_clean(joined);
}

static int resolve_root(struct spec *s, const char *bundle_dir, struct brig_error *err)
{
	if (!bundle_dir) {
		s->root.abs_path = xstrdup(s->root.path);
		return 0;
	}
	s->bundle = absolute_path(bundle_dir, err);
	if (!s->bundle)
		return -1;
	if (s->root.path[0] == '/') {
		s->root.abs_path = path_clean(s->root.path);
		return 0;
	}
	_cleanup_free_ char *joined = path_join(s->bundle, s->root.path);
	s->root.abs_path = path_clean(joined);
	return 0;
}

struct spec *spec_parse(const char *text, const char *name, const char *bundle_dir,
			struct brig_error *err)
{
	_cleanup_(pctx_done) struct pctx c = pctx_make(name, err);
	_cleanup_json_ json_t *root = pctx_load(&c, text);
	if (!root)
		return NULL;
	_cleanup_spec_ struct spec *s = xcalloc(1, sizeof(*s));
	if (parse_config(&c, root, s) < 0 || resolve_root(s, bundle_dir, err) < 0)
		return NULL;
	return steal_ptr(&s);
}

struct spec *spec_load(const char *bundle_dir, struct brig_error *err)
{
	_cleanup_free_ char *path = path_join(bundle_dir, "config.json");
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, &text, NULL, err) < 0)
		return NULL;
	return spec_parse(text, "config.json", bundle_dir, err);
}

static void mount_clear(struct spec_mount *m)
{
	free(m->destination);
	free(m->source);
	free(m->type);
	strv_free(m->options);
	free(m->uid_mappings);
	free(m->gid_mappings);
}

static void hook_clear(struct spec_hook *h)
{
	free(h->path);
	strv_free(h->args);
	strv_free(h->env);
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->bundle);
	free(s->root.path);
	free(s->root.abs_path);
	free(s->hostname);
	free(s->domainname);
	for (size_t i = 0; i < s->n_mounts; i++)
		mount_clear(&s->mounts[i]);
	free(s->mounts);
	process_clear(&s->process);
	for (int k = 0; k < SPEC_HOOK_KINDS; k++) {
		for (size_t i = 0; i < s->hooks[k].n; i++)
			hook_clear(&s->hooks[k].hooks[i]);
		free(s->hooks[k].hooks);
	}
	kv_free(s->annotations, s->n_annotations);
	linux_clear(&s->linux);
	free(s);
}
