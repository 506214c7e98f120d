// SPDX-License-Identifier: Apache-2.0
/* Seccomp profiles in the forms users hand to `brig seccomp` and that brig
 * embeds: an OCI linux.seccomp object, a whole config.json, or Docker's
 * profile format (moby profiles/seccomp), which Docker resolves per
 * container: archMap picks the machine's architectures, and each syscall
 * entry is kept only when its includes/excludes match the capabilities, the
 * architecture (Go's GOARCH) and the kernel version. The Docker document is
 * turned into an OCI object with the same syscall indexes, so the OCI parser
 * validates it and its errors name the Docker file's paths. */
#include "spec/profile.h"

struct target {
	uint64_t caps;
	const char *goarch;
	const char *scmp;
	unsigned major, minor; /* 0.0: newest */
};

/* Top-level keys that carry over unchanged. */
static const char *const passthrough[] = {
    "defaultAction", "defaultErrnoRet", "flags", "listenerPath", "listenerMetadata",
};

static bool entry_is_docker(json_t *e)
{
	return json_object_get(e, "includes") || json_object_get(e, "excludes") ||
	       json_object_get(e, "comment") || json_object_get(e, "name");
}

static bool is_docker(json_t *root)
{
	if (json_object_get(root, "archMap"))
		return true;
	json_t *calls = json_object_get(root, "syscalls");
	for (size_t i = 0; i < json_array_size(calls); i++)
		if (entry_is_docker(json_array_get(calls, i)))
			return true;
	return false;
}

enum spec_profile_kind spec_seccomp_profile_kind(const char *text)
{
	json_t *root = json_loads(text, JSON_DECODE_INT_AS_REAL, NULL);
	enum spec_profile_kind k = !root || !json_is_object(root)	 ? SPEC_PROFILE_INVALID
				   : json_object_get(root, "ociVersion") ? SPEC_PROFILE_CONFIG
				   : is_docker(root)			 ? SPEC_PROFILE_DOCKER
									 : SPEC_PROFILE_OCI;
	json_decref(root);
	return k;
}

/* ---- architectures ---- */

static int arch_name(struct pctx *c, json_t *v, const char **ret)
{
	const char *s = NULL;
	if (v_string(c, v, &s) < 0)
		return -1;
	if (strncmp(s, "SCMP_ARCH_", 10) != 0 || spec_arch_lookup(s, NULL, ret) < 0)
		return perr(c, "unknown seccomp architecture \"%s\"", s);
	return 0;
}

/* One archMap entry: when it is the target's, its architectures are added. */
static int arch_entry(struct pctx *c, json_t *e, const struct target *t, json_t *out)
{
	const char *arch = NULL;
	json_t *subs = json_object_get(e, "subArchitectures");
	size_t mark = path_key(c, "architecture");
	int r = json_object_get(e, "architecture")
		    ? arch_name(c, json_object_get(e, "architecture"), &arch)
		    : perr(c, "missing required field");
	path_pop(c, mark);
	if (r < 0)
		return -1;
	if (subs && !json_is_null(subs) && !json_is_array(subs))
		return perr_at(c, "subArchitectures", "expected an array");
	bool mine = strcmp(arch, t->scmp) == 0;
	if (mine)
		json_array_append_new(out, json_string(arch));
	mark = path_key(c, "subArchitectures");
	for (size_t i = 0; r == 0 && i < json_array_size(subs); i++) {
		const char *sub = NULL;
		size_t m = path_index(c, i);
		r = arch_name(c, json_array_get(subs, i), &sub);
		path_pop(c, m);
		if (r == 0 && mine)
			json_array_append_new(out, json_string(sub));
	}
	path_pop(c, mark);
	return r;
}

static int docker_arches(struct pctx *c, json_t *root, const struct target *t, json_t *oci)
{
	json_t *map = json_object_get(root, "archMap");
	json_t *legacy = json_object_get(root, "architectures");
	if (!map || json_is_null(map)) {
		if (legacy)
			json_object_set(oci, "architectures", legacy);
		return 0;
	}
	if (legacy && json_array_size(legacy)) /* as Docker: one or the other */
		return perr_at(c, "architectures", "cannot be used together with archMap");
	if (!json_is_array(map))
		return perr_at(c, "archMap", "expected an array");
	json_t *out = json_array();
	json_object_set_new(oci, "architectures", out);
	size_t mark = path_key(c, "archMap");
	int r = 0;
	for (size_t i = 0; r == 0 && i < json_array_size(map); i++) {
		json_t *e = json_array_get(map, i);
		size_t m = path_index(c, i);
		r = json_is_object(e) ? arch_entry(c, e, t, out) : perr(c, "expected an object");
		path_pop(c, m);
	}
	path_pop(c, mark);
	return r;
}

/* ---- includes / excludes ---- */

/* "4.8" or "5.10.3": Docker compares major.minor. */
static int parse_kernel(struct pctx *c, json_t *v, unsigned *major, unsigned *minor)
{
	const char *s = NULL;
	if (v_string(c, v, &s) < 0)
		return -1;
	if (sscanf(s, "%u.%u", major, minor) != 2 || strspn(s, "0123456789.") != strlen(s))
		return perr(c, "invalid kernel version \"%s\" (want MAJOR.MINOR)", s);
	return 0;
}

static bool kernel_at_least(const struct target *t, unsigned major, unsigned minor)
{
	if (t->major == 0 && t->minor == 0)
		return true;
	return t->major > major || (t->major == major && t->minor >= minor);
}

/* A string array member of a condition object; NULL if absent. */
static int cond_strings(struct pctx *c, json_t *cond, const char *key, json_t **ret)
{
	json_t *v = json_object_get(cond, key);
	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	size_t mark = path_key(c, key);
	int r = json_is_array(v) ? 0 : perr(c, "expected an array");
	for (size_t i = 0; r == 0 && i < json_array_size(v); i++) {
		const char *s = NULL;
		size_t m = path_index(c, i);
		r = v_string(c, json_array_get(v, i), &s);
		path_pop(c, m);
	}
	path_pop(c, mark);
	*ret = v;
	return r;
}

static bool has_cap(const struct target *t, const char *name)
{
	uint64_t mask;
	const char *const names[] = {name, NULL};
	return caps_from_names(names, &mask, NULL) == 0 && (t->caps & mask) == mask;
}

static bool has_string(json_t *a, const char *s)
{
	for (size_t i = 0; i < json_array_size(a); i++)
		if (strcmp(json_string_value(json_array_get(a, i)), s) == 0)
			return true;
	return false;
}

struct cond {
	json_t *caps;	/* array of strings or NULL */
	json_t *arches; /* array of strings or NULL */
	bool has_kernel;
	unsigned major, minor;
};

static int parse_condition(struct pctx *c, json_t *v, struct cond *ret)
{
	if (!json_is_object(v))
		return perr(c, "expected an object");
	if (cond_strings(c, v, "caps", &ret->caps) < 0 ||
	    cond_strings(c, v, "arches", &ret->arches) < 0)
		return -1;
	json_t *k = json_object_get(v, "minKernel");
	if (!k || json_is_null(k))
		return 0;
	ret->has_kernel = true;
	size_t mark = path_key(c, "minKernel");
	int r = parse_kernel(c, k, &ret->major, &ret->minor);
	path_pop(c, mark);
	return r;
}

/* Docker's rule: an entry is dropped unless every include holds (all its
 * caps, one of its arches, the kernel), or when any exclude holds. */
static int condition(struct pctx *c, json_t *e, const char *key, const struct target *t,
		     bool *ret_drop)
{
	json_t *v = json_object_get(e, key);
	struct cond cond = {0};
	if (!v || json_is_null(v))
		return 0;
	size_t mark = path_key(c, key);
	int r = parse_condition(c, v, &cond);
	path_pop(c, mark);
	if (r < 0)
		return -1;
	bool any_cap = false, all_caps = true;
	for (size_t i = 0; i < json_array_size(cond.caps); i++) {
		bool h = has_cap(t, json_string_value(json_array_get(cond.caps, i)));
		any_cap |= h;
		all_caps &= h;
	}
	bool arches = json_array_size(cond.arches) > 0;
	bool arch = has_string(cond.arches, t->goarch);
	bool kernel = cond.has_kernel && kernel_at_least(t, cond.major, cond.minor);
	if (strcmp(key, "includes") == 0)
		*ret_drop |= (arches && !arch) || !all_caps || (cond.has_kernel && !kernel);
	else
		*ret_drop |= (arches && arch) || any_cap || kernel;
	return 0;
}

/* ---- syscall entries ---- */

static int docker_names(struct pctx *c, json_t *e, json_t *out)
{
	json_t *name = json_object_get(e, "name"), *names = json_object_get(e, "names");
	if (!name || json_is_null(name)) {
		if (names)
			json_object_set(out, "names", names);
		return 0;
	}
	if (names && !json_is_null(names)) /* as Docker */
		return perr_at(c, "name", "cannot be used together with names");
	const char *s = NULL;
	size_t mark = path_key(c, "name");
	int r = v_string(c, name, &s);
	path_pop(c, mark);
	if (r == 0)
		json_object_set_new(out, "names", json_pack("[s]", s));
	return r;
}

static int docker_entry(struct pctx *c, json_t *e, const struct target *t, json_t *out,
			bool *ret_drop)
{
	static const char *const keys[] = {"action", "errnoRet", "args"};
	if (!json_is_object(e))
		return perr(c, "expected an object");
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (json_object_get(e, keys[i]))
			json_object_set(out, keys[i], json_object_get(e, keys[i]));
	*ret_drop = false;
	if (docker_names(c, e, out) < 0 || condition(c, e, "includes", t, ret_drop) < 0 ||
	    condition(c, e, "excludes", t, ret_drop) < 0)
		return -1;
	return 0;
}

static int docker_syscalls(struct pctx *c, json_t *root, const struct target *t, json_t *oci,
			   bool **ret_drop)
{
	json_t *calls = json_object_get(root, "syscalls");
	if (!calls || json_is_null(calls))
		return 0;
	if (!json_is_array(calls))
		return perr_at(c, "syscalls", "expected an array");
	json_t *out = json_array();
	json_object_set_new(oci, "syscalls", out);
	*ret_drop = xcalloc(json_array_size(calls), sizeof(bool));
	size_t mark = path_key(c, "syscalls");
	int r = 0;
	for (size_t i = 0; r == 0 && i < json_array_size(calls); i++) {
		json_t *entry = json_object();
		json_array_append_new(out, entry);
		size_t m = path_index(c, i);
		r = docker_entry(c, json_array_get(calls, i), t, entry, &(*ret_drop)[i]);
		path_pop(c, m);
	}
	path_pop(c, mark);
	return r;
}

static void drop_syscalls(struct spec_seccomp *s, const bool *drop)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_syscalls; i++) {
		if (!drop[i]) {
			s->syscalls[n++] = s->syscalls[i];
			continue;
		}
		strv_free(s->syscalls[i].names);
		free(s->syscalls[i].args);
	}
	s->n_syscalls = n;
}

static int docker_parse(struct pctx *c, json_t *root, const struct spec_profile_target *pt,
			struct spec_seccomp *ret)
{
	struct target t = {.caps = pt ? pt->caps : SPEC_DOCKER_DEFAULT_CAPS};
	if (pt) {
		t.major = pt->kernel_major;
		t.minor = pt->kernel_minor;
	}
	if (spec_arch_lookup(pt ? pt->arch : NULL, &t.goarch, &t.scmp) < 0)
		return err_set(c->err, EINVAL, "unknown architecture '%s'",
			       pt && pt->arch ? pt->arch : "(native)");
	_cleanup_json_ json_t *oci = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(passthrough); i++)
		if (json_object_get(root, passthrough[i]))
			json_object_set(oci, passthrough[i], json_object_get(root, passthrough[i]));
	_cleanup_free_ bool *drop = NULL;
	if (docker_arches(c, root, &t, oci) < 0 || docker_syscalls(c, root, &t, oci, &drop) < 0)
		return -1;
	if (parse_seccomp(c, oci, ret) < 0) {
		seccomp_clear(ret);
		return -1;
	}
	if (drop)
		drop_syscalls(ret, drop);
	return 0;
}

/* ---- the entry point ---- */

static int config_seccomp(const char *text, const char *name, struct spec_seccomp *ret,
			  struct brig_error *err)
{
	struct spec *s = spec_parse(text, name, NULL, err);
	if (!s)
		return -1;
	if (!s->linux.seccomp.present) {
		spec_free(s);
		return err_set(err, EINVAL, "%s: .linux.seccomp: the config has no seccomp profile",
			       name);
	}
	*ret = s->linux.seccomp;
	memset(&s->linux.seccomp, 0, sizeof(s->linux.seccomp));
	spec_free(s);
	return 0;
}

int spec_seccomp_profile_parse(const char *text, const char *name,
			       const struct spec_profile_target *t, struct spec_seccomp *ret,
			       struct brig_error *err)
{
	memset(ret, 0, sizeof(*ret));
	_cleanup_(pctx_done) struct pctx c = pctx_make(name, err);
	_cleanup_json_ json_t *root = pctx_load(&c, text);
	if (!root)
		return -1;
	if (json_object_get(root, "ociVersion"))
		return config_seccomp(text, name, ret, err);
	if (is_docker(root))
		return docker_parse(&c, root, t, ret);
	if (parse_seccomp(&c, root, ret) < 0) {
		seccomp_clear(ret);
		return -1;
	}
	return 0;
}
