// SPDX-License-Identifier: Apache-2.0
/* `brig check` output (text and JSON) and the policy file that makes
 * `brig create` refuse configs with findings:
 *   {"failOn": "high", "ignore": ["no-cpu-limit", "sensitive-mount:.mounts[3].source"]} */
#include "spec/internal.h"

static void counts(const struct spec_finding *f, size_t n, size_t out[4])
{
	memset(out, 0, 4 * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		out[f[i].severity]++;
}

char *spec_check_format_text(const struct spec_finding *f, size_t n)
{
	char *text = NULL;
	size_t len = 0, c[4];
	FILE *out = open_memstream(&text, &len);
	if (!out)
		abort();
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%-6s %s %s\n  %s\n  fix: %s\n\n", spec_severity_name(f[i].severity),
			f[i].rule, f[i].path, f[i].message, f[i].fix);
	counts(f, n, c);
	if (n == 0)
		fprintf(out, "no findings\n");
	else
		fprintf(out, "%zu finding%s: %zu high, %zu medium, %zu low, %zu info\n", n,
			n == 1 ? "" : "s", c[SPEC_SEV_HIGH], c[SPEC_SEV_MEDIUM], c[SPEC_SEV_LOW],
			c[SPEC_SEV_INFO]);
	fclose(out);
	return text;
}

char *spec_check_format_json(const struct spec_finding *f, size_t n)
{
	json_t *list = json_array();
	size_t c[4];
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "rule", f[i].rule, "severity",
				    spec_severity_name(f[i].severity), "path", f[i].path, "message",
				    f[i].message, "fix", f[i].fix));
	counts(f, n, c);
	json_t *o =
	    json_pack("{s:o, s:{s:I, s:I, s:I, s:I}}", "findings", list, "summary", "high",
		      (json_int_t)c[SPEC_SEV_HIGH], "medium", (json_int_t)c[SPEC_SEV_MEDIUM], "low",
		      (json_int_t)c[SPEC_SEV_LOW], "info", (json_int_t)c[SPEC_SEV_INFO]);
	char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		abort(); /* allocation failure: every string is brig's or UTF-8 from the config */
	return text;
}

/* ---- policies ---- */

static bool known_rule(const char *id, size_t len)
{
	size_t n;
	const struct spec_rule *r = spec_check_rules(&n);
	for (size_t i = 0; i < n; i++)
		if (strlen(r[i].id) == len && strncmp(r[i].id, id, len) == 0)
			return true;
	return false;
}

/* "rule-id" or "rule-id:.json.path" */
static int check_ignore(struct pctx *c, const char *s)
{
	const char *colon = strchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s);
	if (!known_rule(s, len))
		return perr(c, "unknown rule \"%.*s\" (see docs/security.md)", (int)len, s);
	if (colon && colon[1] != '.')
		return perr(c, "expected RULE or RULE:.json.path, got \"%s\"", s);
	return 0;
}

static const struct name_value levels[] = {
    {"low", SPEC_SEV_LOW},
    {"medium", SPEC_SEV_MEDIUM},
    {"high", SPEC_SEV_HIGH},
};

int spec_policy_parse(const char *text, const char *name, struct spec_policy *ret,
		      struct brig_error *err)
{
	_cleanup_(pctx_done) struct pctx c = pctx_make(name, err);
	_cleanup_json_ json_t *root = pctx_load(&c, text);
	long level = SPEC_SEV_HIGH;
	memset(ret, 0, sizeof(*ret));
	if (!root)
		return -1;
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "failOn") != 0 && strcmp(key, "ignore") != 0)
			return perr_at(&c, key, "unknown field (want failOn and ignore)");
	}
	if (get_enum(&c, root, "failOn", OPT, levels, ARRAY_SIZE(levels), "level", &level) < 0 ||
	    get_strv(&c, root, "ignore", OPT, check_ignore, &ret->ignore) < 0) {
		spec_policy_clear(ret);
		return -1;
	}
	ret->fail_on = (enum spec_severity)level;
	return 0;
}

void spec_policy_clear(struct spec_policy *p)
{
	strv_free(p->ignore);
	memset(p, 0, sizeof(*p));
}

bool spec_policy_ignores(const struct spec_policy *p, const struct spec_finding *f)
{
	for (size_t i = 0; p->ignore && p->ignore[i]; i++) {
		const char *s = p->ignore[i], *colon = strchr(s, ':');
		size_t len = colon ? (size_t)(colon - s) : strlen(s);
		if (strlen(f->rule) != len || strncmp(f->rule, s, len) != 0)
			continue;
		if (!colon || strcmp(colon + 1, f->path) == 0)
			return true;
	}
	return false;
}
