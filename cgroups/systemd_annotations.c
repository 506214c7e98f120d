// SPDX-License-Identifier: Apache-2.0
/* The org.systemd.property.NAME annotations (runc's): NAME is a unit property, the value
 * its GVariant text ("true", "'text'", "['a', 'b']", "42", "uint64 42", "@t 42"). runc
 * hands the parsed value to systemd as typed; brig also checks it against the D-Bus type
 * systemd documents for the property and converts between integer types, so that
 * "TasksMax": "100" works and "TasksMax": "'lots'" is an error that names the annotation.
 * NAMESec is NAMEUSec in seconds (runc's rule for e.g. TimeoutStopSec). Properties brig
 * does not know pass with the type their text has; systemd judges them. */
#include "cgroups/internal.h"

#include <ctype.h>
#include <math.h>

#define PREFIX "org.systemd.property."

/* The unit properties a container's scope may be given, with their D-Bus types
 * (systemd.resource-control(5), systemd.kill(5), systemd.scope(5), systemd.unit(5)). */
static const struct {
	const char *name, *type;
} known[] = {
    {"AllowedCPUs", "ay"},
    {"AllowedMemoryNodes", "ay"},
    {"BlockIOAccounting", "b"},
    {"BlockIOWeight", "t"},
    {"CPUAccounting", "b"},
    {"CPUQuotaPerSecUSec", "t"},
    {"CPUQuotaPeriodUSec", "t"},
    {"CPUShares", "t"},
    {"CPUWeight", "t"},
    {"CollectMode", "s"},
    {"DefaultDependencies", "b"},
    {"DefaultMemoryLow", "t"},
    {"DefaultMemoryMin", "t"},
    {"Delegate", "b"},
    {"Description", "s"},
    {"DevicePolicy", "s"},
    {"FinalKillSignal", "i"},
    {"IOAccounting", "b"},
    {"IOWeight", "t"},
    {"IPAccounting", "b"},
    {"KillMode", "s"},
    {"KillSignal", "i"},
    {"ManagedOOMMemoryPressure", "s"},
    {"ManagedOOMMemoryPressureLimit", "u"},
    {"ManagedOOMPreference", "s"},
    {"ManagedOOMSwap", "s"},
    {"MemoryAccounting", "b"},
    {"MemoryHigh", "t"},
    {"MemoryLimit", "t"},
    {"MemoryLow", "t"},
    {"MemoryMax", "t"},
    {"MemoryMin", "t"},
    {"MemorySwapMax", "t"},
    {"MemoryZSwapMax", "t"},
    {"OOMPolicy", "s"},
    {"RestartKillSignal", "i"},
    {"RuntimeMaxUSec", "t"},
    {"RuntimeRandomizedExtraUSec", "t"},
    {"SendSIGHUP", "b"},
    {"SendSIGKILL", "b"},
    {"StartupAllowedCPUs", "ay"},
    {"StartupAllowedMemoryNodes", "ay"},
    {"StartupBlockIOWeight", "t"},
    {"StartupCPUShares", "t"},
    {"StartupCPUWeight", "t"},
    {"StartupIOWeight", "t"},
    {"TasksAccounting", "b"},
    {"TasksMax", "t"},
    {"TimeoutStopUSec", "t"},
    {"WatchdogSignal", "i"},
};

static const char *known_type(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(known[i].name, name))
			return known[i].type;
	return NULL;
}

/* A parsed value. */
struct gv {
	char type[4];	/* "b", "s", "as", "d", or an integer type */
	bool negative;	/* integers: the sign, */
	uint64_t mag;	/* and the magnitude */
	double d;	/* "d" */
	char *text;	/* "s": the string; "as": one per line; "b": true/false */
	bool int_array; /* "[1, 2]": not supported (no property of a scope takes one) */
};

static const struct {
	char type;
	const char *word;
	bool is_signed;
	uint64_t max;
} int_types[] = {
    {'y', "byte", false, UINT8_MAX},	{'n', "int16", true, INT16_MAX},
    {'q', "uint16", false, UINT16_MAX}, {'i', "int32", true, INT32_MAX},
    {'u', "uint32", false, UINT32_MAX}, {'x', "int64", true, INT64_MAX},
    {'t', "uint64", false, UINT64_MAX},
};

static int int_type(char t)
{
	for (size_t i = 0; i < ARRAY_SIZE(int_types); i++)
		if (int_types[i].type == t)
			return (int)i;
	return -1;
}

static const char *type_words(const char *t)
{
	int i = strlen(t) == 1 ? int_type(t[0]) : -1;
	if (i >= 0)
		return int_types[i].word;
	return !strcmp(t, "b")	  ? "boolean"
	       : !strcmp(t, "s")  ? "string"
	       : !strcmp(t, "d")  ? "double"
	       : !strcmp(t, "as") ? "list of strings"
	       : !strcmp(t, "ay") ? "CPU list such as '0-3'"
				  : t;
}

enum { GV_OK, GV_SYNTAX, GV_TYPE, GV_RANGE, GV_UNSUPPORTED };

/* 'text' or "text", with \-escapes; *end after the closing quote. */
static char *parse_string(const char *s, const char **end)
{
	char q = *s++;
	char *out = xcalloc(1, strlen(s) + 1), *o = out;
	for (; *s && *s != q; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
		} else {
			*o++ = *s;
		}
	}
	if (*s != q) {
		free(out);
		return NULL;
	}
	*end = s + 1;
	return out;
}

/* A bare number: an integer is int32 (GVariant's rule; int64 or uint64 when larger), one
 * with a point or an exponent a double. */
static int parse_number(const char *s, struct gv *v)
{
	char *end;
	const char *digits = s + (*s == '-' || *s == '+');
	if (!isdigit((unsigned char)*digits))
		return GV_SYNTAX;
	errno = 0;
	unsigned long long m = strtoull(digits, &end, 10);
	if (*end == '\0') {
		if (errno)
			return GV_RANGE;
		v->negative = *s == '-' && m;
		v->mag = m;
		if (v->negative && m > (uint64_t)INT64_MAX + 1)
			return GV_RANGE;
		strcpy(v->type, v->negative	 ? (m <= (uint64_t)INT32_MAX + 1 ? "i" : "x")
				: m <= INT32_MAX ? "i"
				: m <= INT64_MAX ? "x"
						 : "t");
		return GV_OK;
	}
	v->d = strtod(s, &end);
	if (*end || !isfinite(v->d))
		return GV_SYNTAX;
	strcpy(v->type, "d");
	return GV_OK;
}

static void append_line(char **text, const char *line)
{
	char *next = xasprintf("%s%s%s", *text, **text ? "\n" : "", line);
	free(*text);
	*text = next;
}

/* ['a', "b"]; [1, 2] parses but is not supported (no scope property takes one). */
static int parse_array(const char *s, struct gv *v)
{
	strcpy(v->type, "as");
	v->text = xstrdup("");
	for (s++;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == ']')
			return s[1] == '\0' ? GV_OK : GV_SYNTAX;
		if (*s == '\'' || *s == '"') {
			const char *end;
			_cleanup_free_ char *e = parse_string(s, &end);
			if (!e || strchr(e, '\n'))
				return GV_SYNTAX;
			append_line(&v->text, e);
			s = end;
		} else {
			v->int_array = true;
			s += strcspn(s, ",]");
		}
		while (isspace((unsigned char)*s))
			s++;
		if (*s == ',')
			s++;
		else if (*s != ']')
			return GV_SYNTAX;
	}
}

static int coerce(struct gv *v, const char *want);
static int parse_value(const char *s, struct gv *v);

/* "uint64 42", "double 1.5", "@t 42": a value with its type given. */
static int parse_typed(const char *s, struct gv *v)
{
	char want[4];
	const char *rest = NULL;
	if (s[0] == '@') {
		size_t n = strcspn(s + 1, " ");
		if (!n || n > 2 || !s[n + 1])
			return GV_SYNTAX;
		memcpy(want, s + 1, n);
		want[n] = '\0';
		rest = s + n + 2;
	}
	for (size_t i = 0; !rest && i < ARRAY_SIZE(int_types); i++) {
		size_t n = strlen(int_types[i].word);
		if (!strncmp(s, int_types[i].word, n) && s[n] == ' ') {
			want[0] = int_types[i].type;
			want[1] = '\0';
			rest = s + n + 1;
		}
	}
	if (!rest && !strncmp(s, "double ", 7)) {
		strcpy(want, "d");
		rest = s + 7;
	}
	if (!rest)
		return GV_SYNTAX;
	int r = parse_value(rest, v);
	return r != GV_OK ? r : coerce(v, want);
}

static int parse_value(const char *s, struct gv *v)
{
	while (isspace((unsigned char)*s))
		s++;
	if (!strcmp(s, "true") || !strcmp(s, "false")) {
		strcpy(v->type, "b");
		v->text = xstrdup(s);
		return GV_OK;
	}
	if (*s == '\'' || *s == '"') {
		const char *end;
		strcpy(v->type, "s");
		v->text = parse_string(s, &end);
		return v->text && *end == '\0' ? GV_OK : GV_SYNTAX;
	}
	if (*s == '[')
		return parse_array(s, v);
	if (*s == '@' || isalpha((unsigned char)*s))
		return parse_typed(s, v);
	return parse_number(s, v);
}

static bool is_int(const struct gv *v)
{
	return strlen(v->type) == 1 && int_type(v->type[0]) >= 0;
}

/* Converts v to the type `want` when nothing is lost. */
static int coerce(struct gv *v, const char *want)
{
	int want_i = strlen(want) == 1 ? int_type(want[0]) : -1;
	if (want_i >= 0) {
		uint64_t max = int_types[want_i].max;
		if (!is_int(v))
			return GV_TYPE;
		if (v->negative ? !int_types[want_i].is_signed || v->mag > max + 1 : v->mag > max)
			return GV_RANGE;
	} else if (!strcmp(want, "d")) {
		if (is_int(v))
			v->d = v->negative ? -(double)v->mag : (double)v->mag;
		else if (strcmp(v->type, "d"))
			return GV_TYPE;
	} else if (!strcmp(want, "ay")) {
		if (strcmp(v->type, "s"))
			return GV_TYPE;
		_cleanup_free_ char *list = steal_ptr(&v->text);
		if (cpu_mask_hex(list, &v->text) < 0)
			return GV_RANGE;
	} else if (!strcmp(want, "b") || !strcmp(want, "s") || !strcmp(want, "as")) {
		if (strcmp(v->type, want))
			return GV_TYPE;
		if (v->int_array)
			return GV_UNSUPPORTED;
	} else {
		return GV_UNSUPPORTED;
	}
	strcpy(v->type, want);
	return GV_OK;
}

static char *gv_text(const struct gv *v)
{
	if (!strcmp(v->type, "d"))
		return xasprintf("%.17g", v->d);
	if (v->text)
		return xstrdup(v->text);
	return xasprintf("%s%llu", v->negative ? "-" : "", (unsigned long long)v->mag);
}

/* NAMESec in seconds -> NAMEUSec in microseconds (a lowercase letter before "Sec"). */
static int seconds_to_usec(char *name, struct gv *v)
{
	size_t n = strlen(name);
	if (n < 4 || strcmp(name + n - 3, "Sec") || !islower((unsigned char)name[n - 4]))
		return GV_OK;
	strcpy(name + n - 3, "USec");
	if (!is_int(v) && strcmp(v->type, "d"))
		return GV_TYPE;
	double secs = is_int(v) ? (double)v->mag : v->d;
	if (v->negative || secs < 0 || secs * 1e6 >= 18446744073709551615.0)
		return GV_RANGE;
	v->mag = (uint64_t)llround(secs * 1e6);
	v->negative = false;
	strcpy(v->type, "t");
	return GV_OK;
}

static bool name_valid(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] > 127 || !isalpha((unsigned char)name[i]))
			return false;
	return n >= 3;
}

static int annotation_error(const struct spec_kv *kv, const char *name, int r, const struct gv *v,
			    const char *want, struct brig_error *err)
{
	const char *k = kv->key, *val = kv->value, *t = want ? want : v->type;
	switch (r) {
	case GV_SYNTAX:
		return err_set(err, EINVAL,
			       "annotation %s: \"%s\" is not a GVariant value (true, 'text', "
			       "['a', 'b'], 42, uint64 42, @t 42)",
			       k, val);
	case GV_RANGE:
		if (!strcmp(t, "ay"))
			return err_set(err, EINVAL,
				       "annotation %s: \"%s\" is not a CPU list such as '0-3,7'", k,
				       val);
		if (!*t)
			return err_set(err, ERANGE, "annotation %s: \"%s\" is out of range", k,
				       val);
		return err_set(err, ERANGE, "annotation %s: \"%s\" is out of range for %s (%s)", k,
			       val, name, type_words(t));
	case GV_TYPE:
		return err_set(err, EINVAL,
			       "annotation %s: %s is of type %s (D-Bus %s), not \"%s\"", k, name,
			       type_words(*t ? t : "t"), *t ? t : "t", val);
	default:
		return err_set(err, ENOTSUP, "annotation %s: \"%s\": this type is not supported", k,
			       val);
	}
}

static int one_annotation(struct cgroups_props *p, const struct spec_kv *kv, struct brig_error *err)
{
	/* room for NAMESec -> NAMEUSec */
	_cleanup_free_ char *name = xcalloc(1, strlen(kv->key) + 2);
	strcpy(name, kv->key + strlen(PREFIX));
	_cleanup_free_ char *trimmed = xstrdup(kv->value);
	struct gv v = {.type = ""};
	if (!name_valid(name))
		return err_set(err, EINVAL,
			       "annotation %s: a property name is 3 or more ASCII letters "
			       "(org.systemd.property.TimeoutStopUSec)",
			       kv->key);
	for (size_t n = strlen(trimmed); n && isspace((unsigned char)trimmed[n - 1]); n--)
		trimmed[n - 1] = '\0';
	int r = parse_value(trimmed, &v);
	const char *want = NULL;
	if (r == GV_OK && (r = seconds_to_usec(name, &v)) != GV_OK)
		want = "t";
	if (r == GV_OK && (want = known_type(name)))
		r = coerce(&v, want);
	if (r == GV_OK && v.int_array)
		r = GV_UNSUPPORTED;
	if (r == GV_OK) {
		_cleanup_free_ char *text = gv_text(&v);
		props_add(p, name, v.type, kv->key, "%s", text);
	} else {
		annotation_error(kv, name, r, &v, want, err);
	}
	free(v.text);
	return r == GV_OK ? 0 : -1;
}

int systemd_annotations(struct cgroups_props *p, const struct spec_kv *annotations, size_t n,
			struct brig_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(annotations[i].key, PREFIX, strlen(PREFIX)) &&
		    one_annotation(p, &annotations[i], err) < 0)
			return -1;
	return 0;
}
