// SPDX-License-Identifier: Apache-2.0
/* Container state as JSON: the public state (runtime.md "State", what `state`
 * prints and hooks read), brig's record file, and runc's `list` format. */
#include "spec/internal.h"

static const char doc_name[] = "state.json";

/* The length of the valid UTF-8 sequence at p, 0 if it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t n;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		n = 2;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4;
	else
		return 0;
	cp = p[0] & (0x7f >> n);	 /* the payload bits of the lead byte */
	for (size_t i = 1; i < n; i++) { /* stops at the NUL: it is no continuation */
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* JSON strings are UTF-8; like Go's encoder, invalid bytes become U+FFFD
 * rather than losing the whole field. NULL is written as "". */
static char *utf8_clean(const char *s)
{
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_len(p);
		if (n == 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
			continue;
		}
		memcpy(o, p, n);
		o += n;
		p += n;
	}
	*o = '\0';
	return out;
}

static json_t *jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");
	if (!j) {
		_cleanup_free_ char *clean = utf8_clean(s);
		j = json_string(clean);
	}
	return j;
}

static void set_str(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, jstr(value));
}

static json_t *annotations_object(const struct spec_kv *kv, size_t n)
{
	json_t *obj = json_object();
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *key = utf8_clean(kv[i].key);
		set_str(obj, key, kv[i].value);
	}
	return obj;
}

/* runc prints pid before status in `list`, after it in `state`. */
static json_t *public_object(const struct spec_state *s, bool pid_first)
{
	json_t *obj = json_object();
	set_str(obj, "ociVersion", s->oci_version ? s->oci_version : SPEC_VERSION);
	set_str(obj, "id", s->id);
	if (pid_first)
		json_object_set_new(obj, "pid", json_integer(s->pid));
	set_str(obj, "status", spec_status_name(s->status));
	if (!pid_first)
		json_object_set_new(obj, "pid", json_integer(s->pid));
	set_str(obj, "bundle", s->bundle);
	set_str(obj, "rootfs", s->rootfs);
	set_str(obj, "created", s->created);
	set_str(obj, "owner", s->owner);
	if (s->n_annotations)
		json_object_set_new(obj, "annotations",
				    annotations_object(s->annotations, s->n_annotations));
	return obj;
}

static char *dump(json_t *j, size_t flags)
{
	char *text = json_dumps(j, flags | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!text)
		abort(); /* only on allocation failure: every string is UTF-8 */
	return text;
}

char *spec_state_format_public(const struct spec_state *s, bool pretty)
{
	return dump(public_object(s, false), pretty ? JSON_INDENT(2) : JSON_COMPACT);
}

char *spec_state_format_record(const struct spec_state *s)
{
	json_t *obj = public_object(s, false);
	json_t *brig = json_object();
	/* clock ticks since boot: far below INT64_MAX, jansson's limit */
	json_object_set_new(brig, "initStartTime", json_integer((json_int_t)s->init_start_time));
	json_object_set_new(brig, "started", json_boolean(s->started));
	if (s->cgroup_path)
		set_str(brig, "cgroupPath", s->cgroup_path);
	json_object_set_new(brig, "hasUserns", json_boolean(s->has_userns));
	json_object_set_new(brig, "hasPidns", json_boolean(s->has_pidns));
	json_object_set_new(obj, "brig", brig);
	return dump(obj, JSON_COMPACT);
}

char *spec_state_format_list(const struct spec_state *states, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, public_object(&states[i], true));
	return dump(arr, JSON_COMPACT);
}

static const struct name_value statuses[] = {
    {"creating", SPEC_STATUS_CREATING}, {"created", SPEC_STATUS_CREATED},
    {"running", SPEC_STATUS_RUNNING},	{"stopped", SPEC_STATUS_STOPPED},
    {"paused", SPEC_STATUS_PAUSED},
};

static int parse_brig(struct pctx *c, json_t *v, void *out)
{
	struct spec_state *s = out;
	/* at most what spec_state_format_record can write back (jansson's integers) */
	if (get_u64(c, v, "initStartTime", REQ, INT64_MAX, &s->init_start_time) < 0 ||
	    get_bool(c, v, "started", REQ, &s->started) < 0 ||
	    get_string(c, v, "cgroupPath", OPT, &s->cgroup_path) < 0 ||
	    get_bool(c, v, "hasUserns", REQ, &s->has_userns) < 0 ||
	    get_bool(c, v, "hasPidns", REQ, &s->has_pidns) < 0)
		return -1;
	return 0;
}

static int parse_record(struct pctx *c, json_t *root, struct spec_state *s)
{
	long status = 0;
	int64_t pid = 0;

	if (get_string(c, root, "ociVersion", REQ, &s->oci_version) < 0 ||
	    get_string(c, root, "id", REQ, &s->id) < 0 ||
	    get_enum(c, root, "status", REQ, statuses, ARRAY_SIZE(statuses), "status", &status) <
		0 ||
	    get_i64(c, root, "pid", REQ, 0, INT32_MAX, &pid) < 0 ||
	    get_string(c, root, "bundle", REQ, &s->bundle) < 0 ||
	    get_string(c, root, "rootfs", REQ, &s->rootfs) < 0 ||
	    get_string(c, root, "created", REQ, &s->created) < 0 ||
	    get_string(c, root, "owner", OPT, &s->owner) < 0 ||
	    get_string_map(c, root, "annotations", &s->annotations, &s->n_annotations) < 0 ||
	    get_object(c, root, "brig", REQ, parse_brig, s) < 0)
		return -1;
	s->status = (enum spec_status)status;
	s->pid = (pid_t)pid;
	if (!s->owner)
		s->owner = xstrdup(""); /* root's containers have owner "" */
	return 0;
}

int spec_state_parse_record(const char *text, struct spec_state *ret, struct brig_error *err)
{
	_cleanup_(pctx_done) struct pctx c = pctx_make(doc_name, err);
	memset(ret, 0, sizeof(*ret));
	_cleanup_json_ json_t *root = pctx_load(&c, text);
	if (!root)
		return -1;
	if (parse_record(&c, root, ret) < 0) {
		spec_state_clear(ret);
		return -1;
	}
	return 0;
}

void spec_state_clear(struct spec_state *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->id);
	free(s->bundle);
	free(s->rootfs);
	free(s->created);
	free(s->owner);
	kv_free(s->annotations, s->n_annotations);
	free(s->cgroup_path);
	memset(s, 0, sizeof(*s));
}
