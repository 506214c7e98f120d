/* SPDX-License-Identifier: Apache-2.0 */
/* Private to spec/: the JSON-walking helpers the parsers share, and the
 * per-section parse and free functions. Every parser writes straight into a
 * zeroed struct owned by the caller, so on error the caller's free function
 * releases whatever was built so far. */
#pragma once

#include "spec/spec.h"

#include <inttypes.h>
#include <jansson.h>

/* A parse in progress: the document name and the JSON path of the value being
 * looked at, for error messages ("config.json: .mounts[2].destination: ..."). */
struct pctx {
	const char *doc;
	struct brig_error *err;
	char path[512];
	size_t len;
	uint64_t *big; /* integers above INT64_MAX, see pctx_load() */
	size_t n_big;
};

static inline struct pctx pctx_make(const char *doc, struct brig_error *err)
{
	return (struct pctx){.doc = doc, .err = err};
}
void pctx_done(struct pctx *c);
/* Parses text as a JSON object. jansson stores integers as long long, so
 * numbers in (INT64_MAX, UINT64_MAX] (RLIM_INFINITY from Docker, for one) are
 * swapped for placeholders that the uint64 getters resolve from c->big. */
json_t *pctx_load(struct pctx *c, const char *text);

/* jansson (2.11+, GCC) brings json_decrefp for its json_auto_t */
#define _cleanup_json_ _cleanup_(json_decrefp)

/* Path segments: each push returns a mark to pop back to. */
size_t path_key(struct pctx *c, const char *key);    /* .key */
size_t path_index(struct pctx *c, size_t i);	     /* [i] */
size_t path_mapkey(struct pctx *c, const char *key); /* ["key"] */
void path_pop(struct pctx *c, size_t mark);

/* "<doc>: <path>: <message>", errno EINVAL. Return -1. */
int perr(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same with ".key" appended to the path for this one message. */
int perr_at(struct pctx *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- values (the path already names v) ---- */

int v_string(struct pctx *c, json_t *v, const char **ret);
int v_u64(struct pctx *c, json_t *v, uint64_t max, uint64_t *ret);
int v_i64(struct pctx *c, json_t *v, int64_t min, int64_t max, int64_t *ret);
/* The kernel's limits on strings (without the NUL): PATH_MAX for a path,
 * MAX_ARG_STRLEN for one argument or environment entry, __NEW_UTS_LEN for
 * the host and domain names, a page for mount(2)'s data. */
#define SPEC_PATH_MAX 4095
#define SPEC_ARG_MAX (32 * 4096 - 1)
#define SPEC_UTS_MAX 64
#define SPEC_MOUNT_DATA_MAX 4095
int check_max_len(struct pctx *c, const char *s, size_t max, const char *limit);
int check_path_len(struct pctx *c, const char *s);
int check_arg_len(struct pctx *c, const char *s);
int check_abs_path(struct pctx *c, const char *s);
int check_env(struct pctx *c, const char *s);
int check_cpu_list(struct pctx *c, const char *s);
/* "0-3,7": comma-separated numbers and ranges (CPU and NUMA node lists). */
bool id_list_valid(const char *s);

/* ---- fields of an object. JSON null counts as absent. The getters return
 * 1 when the field was present, 0 when absent (and not required), -1 on error.
 * Optional strings treat "" as absent (NULL), as Go's omitempty does. ---- */

enum { OPT = 0, REQ = 1 };

typedef int (*value_fn)(struct pctx *c, json_t *v, void *out);
typedef int (*entry_fn)(struct pctx *c, const char *key, json_t *v, void *item);
typedef int (*str_check_fn)(struct pctx *c, const char *s);

int get_field(struct pctx *c, json_t *obj, const char *key, bool required, value_fn fn, void *out);
int get_object(struct pctx *c, json_t *obj, const char *key, bool required, value_fn fn, void *out);
/* An array of objects: allocates *(void **)ret_items with n zeroed elements of
 * `size` bytes, sets *ret_n, then parses element i into item i with fn. */
int get_array(struct pctx *c, json_t *obj, const char *key, bool required, size_t size, value_fn fn,
	      void *ret_items, size_t *ret_n);
/* An object used as a map, in document order: fn(key, value, item i). */
int get_map(struct pctx *c, json_t *obj, const char *key, size_t size, entry_fn fn, void *ret_items,
	    size_t *ret_n);
/* Calls fn(element, out) for each object in the array obj.key. */
int get_each(struct pctx *c, json_t *obj, const char *key, value_fn fn, void *out);
/* Calls fn(key, value, out) for each member of the object obj.key. */
int get_each_entry(struct pctx *c, json_t *obj, const char *key, entry_fn fn, void *out);
/* A map of string values (annotations, sysctl, unified). */
int get_string_map(struct pctx *c, json_t *obj, const char *key, struct spec_kv **ret,
		   size_t *ret_n);
int get_string(struct pctx *c, json_t *obj, const char *key, bool required, char **ret);
/* A string that must be an absolute path. */
int get_path(struct pctx *c, json_t *obj, const char *key, bool required, char **ret);
/* A string vetted by check (called with the path naming the field). */
int get_string_checked(struct pctx *c, json_t *obj, const char *key, bool required,
		       str_check_fn check, char **ret);
/* An array of strings, NULL-terminated; check (may be NULL) vets each entry. */
int get_strv(struct pctx *c, json_t *obj, const char *key, bool required, str_check_fn check,
	     char ***ret);
int get_bool(struct pctx *c, json_t *obj, const char *key, bool required, bool *ret);
int get_opt_bool(struct pctx *c, json_t *obj, const char *key, struct spec_bool *ret);
/* max/min are the bounds of the C type: outside them is "value out of range". */
int get_u64(struct pctx *c, json_t *obj, const char *key, bool required, uint64_t max,
	    uint64_t *ret);
int get_u32(struct pctx *c, json_t *obj, const char *key, bool required, uint32_t *ret);
int get_i64(struct pctx *c, json_t *obj, const char *key, bool required, int64_t min, int64_t max,
	    int64_t *ret);
int get_opt_u64(struct pctx *c, json_t *obj, const char *key, uint64_t max, struct spec_u64 *ret);
int get_opt_i64(struct pctx *c, json_t *obj, const char *key, int64_t min, int64_t max,
		struct spec_i64 *ret);
/* A semantic range, checked after the type: "must be between lo and hi". */
int check_between(struct pctx *c, const char *key, int64_t v, int64_t lo, int64_t hi);

/* ---- names ---- */

struct name_value {
	const char *name;
	long value;
};

/* Finds s in the table; -1 when absent. */
int name_lookup(const struct name_value *t, size_t n, const char *s, long *ret);
/* A string field that names one table entry: `unknown <what> "X"` otherwise.
 * An optional "" is absent and leaves *ret alone. */
int get_enum(struct pctx *c, json_t *obj, const char *key, bool required,
	     const struct name_value *t, size_t n, const char *what, long *ret);
/* An array of names whose values are OR-ed into *ret. */
int get_flags(struct pctx *c, json_t *obj, const char *key, const struct name_value *t, size_t n,
	      const char *what, uint64_t *ret);

/* ---- sections ---- */

int parse_process(struct pctx *c, json_t *v, void *out /* struct spec_process */);
void process_clear(struct spec_process *p);
int parse_linux(struct pctx *c, json_t *v, void *out /* struct spec_linux */);
void linux_clear(struct spec_linux *l);
int parse_resources(struct pctx *c, json_t *v, void *out /* struct spec_resources */);
void resources_clear(struct spec_resources *r);
int parse_seccomp(struct pctx *c, json_t *v, void *out /* struct spec_seccomp */);
void seccomp_clear(struct spec_seccomp *s);
int parse_idmap(struct pctx *c, json_t *v, void *out /* struct spec_idmap */);
void kv_free(struct spec_kv *kv, size_t n);
const char *rlimit_name(int resource);
const char *ns_article(enum spec_ns_type t); /* "a" or "an", for messages */

/* The recognized names behind spec_names() (features.c). */
size_t mountopt_names(const char **out, size_t cap);
size_t seccomp_names(enum spec_name_list which, const char **out, size_t cap);
size_t mpol_names(enum spec_name_list which, const char **out, size_t cap);
