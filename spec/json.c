// SPDX-License-Identifier: Apache-2.0
/* The JSON-walking helpers: typed field getters that keep the JSON path of the
 * value they look at, so every error names the document and the path. */
#include "spec/internal.h"

#include <inttypes.h>

void pctx_done(struct pctx *c)
{
	free(c->big);
	c->big = NULL;
	c->n_big = 0;
}

/* ---- paths and errors ---- */

static size_t path_append(struct pctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static size_t path_append(struct pctx *c, const char *fmt, ...)
{
	size_t mark = c->len;
	size_t room = sizeof(c->path) - c->len;
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(c->path + c->len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len += (size_t)n < room ? (size_t)n : room - 1; /* truncated: keep what fits */
	return mark;
}

size_t path_key(struct pctx *c, const char *key)
{
	return path_append(c, ".%s", key);
}

size_t path_index(struct pctx *c, size_t i)
{
	return path_append(c, "[%zu]", i);
}

size_t path_mapkey(struct pctx *c, const char *key)
{
	return path_append(c, "[\"%s\"]", key);
}

void path_pop(struct pctx *c, size_t mark)
{
	c->len = mark;
	c->path[mark] = '\0';
}

static int vperr(struct pctx *c, const char *fmt, va_list ap)
{
	char msg[768];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (c->len == 0)
		return err_set(c->err, EINVAL, "%s: %s", c->doc, msg);
	return err_set(c->err, EINVAL, "%s: %s: %s", c->doc, c->path, msg);
}

int perr(struct pctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vperr(c, fmt, ap);
	va_end(ap);
	return -1;
}

int perr_at(struct pctx *c, const char *key, const char *fmt, ...)
{
	size_t mark = path_key(c, key);
	va_list ap;
	va_start(ap, fmt);
	vperr(c, fmt, ap);
	va_end(ap);
	path_pop(c, mark);
	return -1;
}

/* ---- loading ---- */

/* Replaces the integer literal at p (n digits) by a placeholder string of the
 * same length, so jansson's line and column numbers stay right:
 * "\u0000<index into c->big>" followed by spaces. */
static bool swap_one(struct pctx *c, char *p, size_t n)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p, &end, 10);
	if (errno == ERANGE || end != p + n || v <= INT64_MAX)
		return false;
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "\"\\u0000%zu\"", c->n_big);
	if (len < 0 || (size_t)len > n)
		return false;
	c->big = xrealloc(c->big, (c->n_big + 1) * sizeof(*c->big));
	c->big[c->n_big++] = v;
	memcpy(p, buf, (size_t)len);
	memset(p + len, ' ', n - (size_t)len);
	return true;
}

/* A string in the document itself that a placeholder could be mistaken for. */
static bool looks_like_placeholder(const char *quote)
{
	const char *p = quote + 1;
	if (strncmp(p, "\\u0000", 6) != 0)
		return false;
	size_t digits = strspn(p + 6, "0123456789");
	return digits > 0 && p[6 + digits] == '"';
}

/* Returns a copy of text with the placeholders, or NULL if there was nothing
 * to swap. */
static char *swap_big_ints(struct pctx *c, const char *text)
{
	_cleanup_free_ char *out = xstrdup(text);
	bool in_string = false, swapped = false;

	for (char *p = out; *p; p++) {
		if (in_string) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in_string = false;
			continue;
		}
		if (*p == '"') {
			if (looks_like_placeholder(p))
				return NULL; /* forged: keep jansson's own error */
			in_string = true;
			continue;
		}
		if (!strchr("-0123456789", *p))
			continue;
		size_t token = strspn(p, "-+.eE0123456789");
		size_t digits = strspn(p, "0123456789");
		/* only plain non-negative integers; jansson rejects leading zeros */
		if (digits == token && digits >= 19 && *p != '0' && swap_one(c, p, digits))
			swapped = true;
		p += token - 1;
	}
	return swapped ? steal_ptr(&out) : NULL;
}

json_t *pctx_load(struct pctx *c, const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	if (!j && json_error_code(&je) == json_error_numeric_overflow) {
		_cleanup_free_ char *swapped = swap_big_ints(c, text);
		if (swapped)
			j = json_loads(swapped, JSON_ALLOW_NUL, &je);
	}
	if (!j) {
		perr(c, "invalid JSON at line %d, column %d: %s", je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		perr(c, "expected an object");
		return NULL;
	}
	return j;
}

/* ---- values ---- */

/* A placeholder left by swap_big_ints(): its value from the side table. */
static bool big_value(const struct pctx *c, json_t *v, uint64_t *ret)
{
	if (!json_is_string(v) || json_string_length(v) < 2 || json_string_value(v)[0] != '\0')
		return false;
	const char *digits = json_string_value(v) + 1;
	int64_t i;
	if (strspn(digits, "0123456789") != json_string_length(v) - 1 ||
	    parse_int64(digits, 0, (int64_t)c->n_big - 1, &i) < 0)
		return false;
	*ret = c->big[i];
	return true;
}

int v_string(struct pctx *c, json_t *v, const char **ret)
{
	uint64_t big;
	if (!json_is_string(v) || big_value(c, v, &big))
		return perr(c, "expected a string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return perr(c, "contains a NUL character");
	*ret = json_string_value(v);
	return 0;
}

/* 1: an integer in *ret_s; 2: above INT64_MAX, in *ret_u; 0: not an integer. */
static int int_value(const struct pctx *c, json_t *v, int64_t *ret_s, uint64_t *ret_u)
{
	if (json_is_integer(v)) {
		*ret_s = json_integer_value(v);
		return 1;
	}
	return big_value(c, v, ret_u) ? 2 : 0;
}

int v_u64(struct pctx *c, json_t *v, uint64_t max, uint64_t *ret)
{
	int64_t s = 0;
	uint64_t u = 0;
	int kind = int_value(c, v, &s, &u);

	if (kind == 0 || (kind == 1 && s < 0))
		return perr(c, "expected a non-negative integer");
	if (kind == 1)
		u = (uint64_t)s;
	if (u > max)
		return perr(c, "value out of range");
	*ret = u;
	return 0;
}

int v_i64(struct pctx *c, json_t *v, int64_t min, int64_t max, int64_t *ret)
{
	int64_t s = 0;
	uint64_t u = 0;
	int kind = int_value(c, v, &s, &u);

	if (kind == 0)
		return perr(c, "expected an integer");
	if (kind == 2 || s < min || s > max)
		return perr(c, "value out of range");
	*ret = s;
	return 0;
}

/* Strings the kernel takes are bounded by its limits, checked here so that
 * an oversized value fails at once, naming its field, and never reaches a
 * message whole. */
int check_max_len(struct pctx *c, const char *s, size_t max, const char *limit)
{
	size_t n = strnlen(s, max + 1);
	if (n > max)
		return perr(c, "longer than %zu bytes, the kernel's limit (%s)", max, limit);
	return 0;
}

int check_path_len(struct pctx *c, const char *s)
{
	return check_max_len(c, s, SPEC_PATH_MAX, "PATH_MAX");
}

int check_arg_len(struct pctx *c, const char *s)
{
	return check_max_len(c, s, SPEC_ARG_MAX, "MAX_ARG_STRLEN");
}

int check_abs_path(struct pctx *c, const char *s)
{
	if (check_path_len(c, s) < 0)
		return -1;
	if (s[0] != '/')
		return perr(c, "expected an absolute path, got \"%s\"", s);
	return 0;
}

/* runc's rules for environment entries (populateProcessEnvironment). */
int check_env(struct pctx *c, const char *s)
{
	if (check_arg_len(c, s) < 0)
		return -1;
	const char *eq = strchr(s, '=');
	if (!eq)
		return perr(c, "invalid environment variable \"%s\": missing '='", s);
	if (eq == s)
		return perr(c, "invalid environment variable \"%s\": name cannot be empty", s);
	return 0;
}

static bool parse_id(const char **p, unsigned long *ret)
{
	char *end;
	if (**p < '0' || **p > '9')
		return false;
	errno = 0;
	*ret = strtoul(*p, &end, 10);
	*p = end;
	return errno == 0;
}

bool id_list_valid(const char *s)
{
	const char *p = s;
	for (;;) {
		unsigned long lo, hi;
		if (!parse_id(&p, &lo))
			return false;
		if (*p == '-') {
			p++;
			if (!parse_id(&p, &hi) || hi < lo)
				return false;
		}
		if (*p == '\0')
			return true;
		if (*p++ != ',')
			return false;
	}
}

int check_cpu_list(struct pctx *c, const char *s)
{
	if (!id_list_valid(s))
		return perr(c, "invalid CPU list \"%s\"", s);
	return 0;
}

/* ---- fields ---- */

int get_field(struct pctx *c, json_t *obj, const char *key, bool required, value_fn fn, void *out)
{
	json_t *v = json_object_get(obj, key);
	size_t mark = path_key(c, key);
	int r = 1;

	if (!v || json_is_null(v))
		r = required ? perr(c, "missing required field") : 0;
	else if (fn(c, v, out) < 0)
		r = -1;
	path_pop(c, mark);
	return r;
}

struct object_arg {
	value_fn fn;
	void *out;
};

static int object_value(struct pctx *c, json_t *v, void *arg)
{
	struct object_arg *a = arg;
	if (!json_is_object(v))
		return perr(c, "expected an object");
	return a->fn(c, v, a->out);
}

int get_object(struct pctx *c, json_t *obj, const char *key, bool required, value_fn fn, void *out)
{
	struct object_arg a = {fn, out};
	return get_field(c, obj, key, required, object_value, &a);
}

/* Runs fn on each element of the array v, which must be objects; with size
 * 0 every call gets `items` itself, else element i gets items + i * size. */
static int each_element(struct pctx *c, json_t *v, value_fn fn, char *items, size_t size)
{
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);
		size_t mark = path_index(c, i);
		int r =
		    json_is_object(e) ? fn(c, e, items + i * size) : perr(c, "expected an object");
		path_pop(c, mark);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* The same for the members of the object v, in document order. */
static int each_entry(struct pctx *c, json_t *v, entry_fn fn, char *items, size_t size)
{
	const char *key;
	size_t key_len, i = 0;
	json_t *e;

	json_object_keylen_foreach(v, key, key_len, e)
	{
		size_t mark = path_mapkey(c, key);
		int r = strlen(key) != key_len ? perr(c, "contains a NUL character")
					       : fn(c, key, e, items + i++ * size);
		path_pop(c, mark);
		if (r < 0)
			return -1;
	}
	return 0;
}

struct list_arg {
	size_t size;
	value_fn fn;
	entry_fn entry;
	void *out; /* get_each: passed to fn; get_array, get_map: void ** to allocate */
	size_t *ret_n;
};

static int array_value(struct pctx *c, json_t *v, void *arg)
{
	struct list_arg *a = arg;
	if (!json_is_array(v))
		return perr(c, "expected an array");
	if (a->size == 0)
		return each_element(c, v, a->fn, a->out, 0);
	size_t n = json_array_size(v);
	char *items = n ? xcalloc(n, a->size) : NULL;
	/* owned by the caller's struct from here on, so its free function
	 * releases the elements parsed before an error */
	*(void **)a->out = items;
	*a->ret_n = n;
	return each_element(c, v, a->fn, items, a->size);
}

int get_array(struct pctx *c, json_t *obj, const char *key, bool required, size_t size, value_fn fn,
	      void *ret_items, size_t *ret_n)
{
	struct list_arg a = {size, fn, NULL, ret_items, ret_n};
	return get_field(c, obj, key, required, array_value, &a);
}

int get_each(struct pctx *c, json_t *obj, const char *key, value_fn fn, void *out)
{
	struct list_arg a = {0, fn, NULL, out, NULL};
	return get_field(c, obj, key, false, array_value, &a);
}

static int map_value(struct pctx *c, json_t *v, void *arg)
{
	struct list_arg *a = arg;
	if (!json_is_object(v))
		return perr(c, "expected an object");
	if (a->size == 0)
		return each_entry(c, v, a->entry, a->out, 0);
	size_t n = json_object_size(v);
	char *items = n ? xcalloc(n, a->size) : NULL;
	*(void **)a->out = items;
	*a->ret_n = n;
	return each_entry(c, v, a->entry, items, a->size);
}

int get_map(struct pctx *c, json_t *obj, const char *key, size_t size, entry_fn fn, void *ret_items,
	    size_t *ret_n)
{
	struct list_arg a = {size, NULL, fn, ret_items, ret_n};
	return get_field(c, obj, key, false, map_value, &a);
}

int get_each_entry(struct pctx *c, json_t *obj, const char *key, entry_fn fn, void *out)
{
	struct list_arg a = {0, NULL, fn, out, NULL};
	return get_field(c, obj, key, false, map_value, &a);
}

static int kv_entry(struct pctx *c, const char *key, json_t *v, void *item)
{
	struct spec_kv *kv = item;
	const char *s = NULL;
	if (v_string(c, v, &s) < 0)
		return -1;
	kv->key = xstrdup(key);
	kv->value = xstrdup(s);
	return 0;
}

int get_string_map(struct pctx *c, json_t *obj, const char *key, struct spec_kv **ret,
		   size_t *ret_n)
{
	return get_map(c, obj, key, sizeof(**ret), kv_entry, ret, ret_n);
}

void kv_free(struct spec_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

struct string_arg {
	bool required;
	str_check_fn check;
	char **ret;
};

static int string_value(struct pctx *c, json_t *v, void *arg)
{
	struct string_arg *a = arg;
	const char *s = NULL;
	if (v_string(c, v, &s) < 0)
		return -1;
	if (s[0] == '\0')
		return a->required ? perr(c, "must not be empty") : 0;
	if (a->check && a->check(c, s) < 0)
		return -1;
	*a->ret = xstrdup(s);
	return 0;
}

int get_string(struct pctx *c, json_t *obj, const char *key, bool required, char **ret)
{
	struct string_arg a = {required, NULL, ret};
	return get_field(c, obj, key, required, string_value, &a);
}

int get_path(struct pctx *c, json_t *obj, const char *key, bool required, char **ret)
{
	return get_string_checked(c, obj, key, required, check_abs_path, ret);
}

int get_string_checked(struct pctx *c, json_t *obj, const char *key, bool required,
		       str_check_fn check, char **ret)
{
	struct string_arg a = {required, check, ret};
	return get_field(c, obj, key, required, string_value, &a);
}

struct strv_arg {
	str_check_fn check;
	char ***ret;
};

static int strv_value(struct pctx *c, json_t *v, void *arg)
{
	struct strv_arg *a = arg;
	if (!json_is_array(v))
		return perr(c, "expected an array");
	size_t n = json_array_size(v);
	char **strv = xcalloc(n + 1, sizeof(*strv));
	*a->ret = strv; /* NULL-terminated at every step */
	for (size_t i = 0; i < n; i++) {
		const char *s = NULL;
		size_t mark = path_index(c, i);
		int r = v_string(c, json_array_get(v, i), &s);
		if (r == 0 && a->check)
			r = a->check(c, s);
		if (r == 0)
			strv[i] = xstrdup(s);
		path_pop(c, mark);
		if (r < 0)
			return -1;
	}
	return 0;
}

int get_strv(struct pctx *c, json_t *obj, const char *key, bool required, str_check_fn check,
	     char ***ret)
{
	struct strv_arg a = {check, ret};
	return get_field(c, obj, key, required, strv_value, &a);
}

static int bool_value(struct pctx *c, json_t *v, void *arg)
{
	if (!json_is_boolean(v))
		return perr(c, "expected a boolean");
	*(bool *)arg = json_is_true(v);
	return 0;
}

int get_bool(struct pctx *c, json_t *obj, const char *key, bool required, bool *ret)
{
	return get_field(c, obj, key, required, bool_value, ret);
}

int get_opt_bool(struct pctx *c, json_t *obj, const char *key, struct spec_bool *ret)
{
	int r = get_bool(c, obj, key, false, &ret->value);
	ret->set = r == 1;
	return r;
}

struct u64_arg {
	uint64_t max;
	uint64_t *ret;
};

static int u64_value(struct pctx *c, json_t *v, void *arg)
{
	struct u64_arg *a = arg;
	return v_u64(c, v, a->max, a->ret);
}

int get_u64(struct pctx *c, json_t *obj, const char *key, bool required, uint64_t max,
	    uint64_t *ret)
{
	struct u64_arg a = {max, ret};
	return get_field(c, obj, key, required, u64_value, &a);
}

int get_u32(struct pctx *c, json_t *obj, const char *key, bool required, uint32_t *ret)
{
	uint64_t v = 0;
	int r = get_u64(c, obj, key, required, UINT32_MAX, &v);
	if (r == 1)
		*ret = (uint32_t)v;
	return r;
}

int get_opt_u64(struct pctx *c, json_t *obj, const char *key, uint64_t max, struct spec_u64 *ret)
{
	int r = get_u64(c, obj, key, false, max, &ret->value);
	ret->set = r == 1;
	return r;
}

struct i64_arg {
	int64_t min;
	int64_t max;
	int64_t *ret;
};

static int i64_value(struct pctx *c, json_t *v, void *arg)
{
	struct i64_arg *a = arg;
	return v_i64(c, v, a->min, a->max, a->ret);
}

int get_i64(struct pctx *c, json_t *obj, const char *key, bool required, int64_t min, int64_t max,
	    int64_t *ret)
{
	struct i64_arg a = {min, max, ret};
	return get_field(c, obj, key, required, i64_value, &a);
}

int get_opt_i64(struct pctx *c, json_t *obj, const char *key, int64_t min, int64_t max,
		struct spec_i64 *ret)
{
	int r = get_i64(c, obj, key, false, min, max, &ret->value);
	ret->set = r == 1;
	return r;
}

int check_between(struct pctx *c, const char *key, int64_t v, int64_t lo, int64_t hi)
{
	if (v < lo || v > hi)
		return perr_at(c, key, "must be between %" PRId64 " and %" PRId64, lo, hi);
	return 0;
}

/* ---- names ---- */

int name_lookup(const struct name_value *t, size_t n, const char *s, long *ret)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, s) == 0) {
			*ret = t[i].value;
			return 0;
		}
	}
	return -1;
}

struct enum_arg {
	bool required;
	const struct name_value *t;
	size_t n;
	const char *what;
	long *ret;
	uint64_t *flags; /* get_flags: OR the values in here */
};

static int enum_value(struct pctx *c, json_t *v, void *arg)
{
	struct enum_arg *a = arg;
	const char *s = NULL;
	long value;
	if (v_string(c, v, &s) < 0)
		return -1;
	if (s[0] == '\0' && !a->required)
		return 0;
	if (name_lookup(a->t, a->n, s, &value) < 0)
		return perr(c, "unknown %s \"%s\"", a->what, s);
	if (a->ret)
		*a->ret = value;
	if (a->flags)
		*a->flags |= (uint64_t)value;
	return 0;
}

int get_enum(struct pctx *c, json_t *obj, const char *key, bool required,
	     const struct name_value *t, size_t n, const char *what, long *ret)
{
	struct enum_arg a = {required, t, n, what, ret, NULL};
	return get_field(c, obj, key, required, enum_value, &a);
}

static int flags_value(struct pctx *c, json_t *v, void *arg)
{
	if (!json_is_array(v))
		return perr(c, "expected an array");
	for (size_t i = 0; i < json_array_size(v); i++) {
		size_t mark = path_index(c, i);
		int r = enum_value(c, json_array_get(v, i), arg);
		path_pop(c, mark);
		if (r < 0)
			return -1;
	}
	return 0;
}

int get_flags(struct pctx *c, json_t *obj, const char *key, const struct name_value *t, size_t n,
	      const char *what, uint64_t *ret)
{
	struct enum_arg a = {true, t, n, what, NULL, ret};
	return get_field(c, obj, key, false, flags_value, &a);
}
