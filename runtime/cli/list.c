// SPDX-License-Identifier: Apache-2.0
/* `list` and `spec`: the two verbs that need no container. */
#include "runtime/cli/cli.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>

/* runc's OWNER: the name of the state directory's owner ("#UID" without one). */
static void fill_owner(int root_fd, const char *id, struct spec_state *st)
{
	struct stat sb;
	if (*st->owner || fstatat(root_fd, id, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	struct passwd *pw = getpwuid(sb.st_uid);
	free(st->owner);
	st->owner = pw ? xstrdup(pw->pw_name) : xasprintf("#%u", (unsigned)sb.st_uid);
}

static int read_all_states(const char *root, struct spec_state **ret, size_t *ret_n,
			   struct brig_error *err)
{
	*ret = NULL;
	*ret_n = 0;
	DIR *d = opendir(root);
	if (!d)
		return errno == ENOENT ? 0 : err_sys(err, "open state root '%s'", root);
	struct dirent *de;
	size_t n = 0, cap = 0;
	struct spec_state *v = NULL;
	while ((de = readdir(d))) {
		struct spec_state st = {0};
		struct brig_error ignored;
		if (de->d_name[0] == '.' || container_id_validate(de->d_name, &ignored) < 0)
			continue;
		/* Docker shares its root with runc: skip what brig did not create. */
		if (container_read_state(dirfd(d), de->d_name, &st, &ignored) < 0)
			continue;
		container_status(&st);
		fill_owner(dirfd(d), de->d_name, &st);
		if (n == cap)
			v = xrealloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));
		v[n++] = st;
	}
	closedir(d);
	*ret = v;
	*ret_n = n;
	return 0;
}

static void print_table(const struct spec_state *v, size_t n)
{
	int wid = 2, wbundle = 6;
	for (size_t i = 0; i < n; i++) {
		if ((int)strlen(v[i].id) > wid)
			wid = (int)strlen(v[i].id);
		if ((int)strlen(v[i].bundle) > wbundle)
			wbundle = (int)strlen(v[i].bundle);
	}
	printf("%-*s  %-7s  %-8s  %-*s  %-30s  %s\n", wid, "ID", "PID", "STATUS", wbundle, "BUNDLE",
	       "CREATED", "OWNER");
	for (size_t i = 0; i < n; i++)
		printf("%-*s  %-7d  %-8s  %-*s  %-30s  %s\n", wid, v[i].id, v[i].pid,
		       spec_status_name(v[i].status), wbundle, v[i].bundle, v[i].created,
		       v[i].owner);
}

struct list_opts {
	int format; /* table, json */
	bool quiet;
};

static const char *const list_formats[] = {"table", "json", NULL};

static const struct cli_opt list_opts[] = {
    {"format", 'f', CLI_CHOICE, offsetof(struct list_opts, format), "table|json",
     "the output format", CLI_RUNC, list_formats},
    {"quiet", 'q', CLI_FLAG, offsetof(struct list_opts, quiet), NULL, "print only the ids",
     CLI_RUNC},
};

static int cmp_state(const void *a, const void *b)
{
	return strcmp(((const struct spec_state *)a)->id, ((const struct spec_state *)b)->id);
}

static int list(const struct global_opts *g, void *opts, char **args, size_t n_args,
		struct brig_error *err)
{
	(void)args, (void)n_args;
	const struct list_opts *o = opts;
	struct spec_state *v;
	size_t n;
	if (read_all_states(g->root, &v, &n, err) < 0)
		return -1;
	if (n > 1) /* qsort(NULL, 0) is undefined: an empty root has no array */
		qsort(v, n, sizeof(*v), cmp_state);
	if (o->quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].id);
	} else if (o->format == 1) {
		_cleanup_free_ char *text = spec_state_format_list(v, n);
		printf("%s\n", text);
	} else {
		print_table(v, n);
	}
	for (size_t i = 0; i < n; i++)
		spec_state_clear(&v[i]);
	free(v);
	return 0;
}

const struct cli_verb cli_list = {
    .name = "list",
    .summary = "list containers",
    .description = "Lists the containers of the state directory (--root), sorted by id: id, "
		   "init pid, status, bundle, creation time and owner.",
    .opts = CLI_OPTS(list_opts),
    .opts_size = sizeof(struct list_opts),
    .runc = true,
    .run = list,
};

struct spec_opts {
	const char *bundle;
	bool rootless;
	bool hardened;
	bool userns;
	const char *user;
	char **caps;
};

#define S(field) offsetof(struct spec_opts, field)
static const struct cli_opt spec_opts[] = {
    {"bundle", 'b', CLI_STRING, S(bundle), "DIR", "write DIR/config.json (default .)", CLI_RUNC},
    {"rootless", 0, CLI_FLAG, S(rootless), NULL,
     "a config an unprivileged user can run (a user namespace, no cgroup limits)", CLI_RUNC},
    {"hardened", 0, CLI_FLAG, S(hardened), NULL,
     "brig's hardened config: non-root, no capabilities, read-only root, seccomp, limits "
     "(docs/security.md)"},
    {"user", 0, CLI_STRING, S(user), "UID:GID", "with --hardened: the user to run as"},
    {"cap-add", 0, CLI_LIST, S(caps), "CAP", "with --hardened: keep a capability (repeatable)"},
    {"userns", 0, CLI_FLAG, S(userns), NULL, "with --hardened: a user namespace"},
};

static int spec_user(const char *s, struct spec_default_opts *o, struct brig_error *err)
{
	unsigned uid, gid;
	char end;
	if (sscanf(s, "%u:%u%c", &uid, &gid, &end) != 2)
		return err_set(err, EINVAL, "--user: want UID:GID, not '%s'", s);
	o->user_set = true;
	o->user_uid = uid;
	o->user_gid = gid;
	return 0;
}

static int spec(const struct global_opts *g, void *opts, char **args, size_t n,
		struct brig_error *err)
{
	(void)g, (void)args, (void)n;
	const struct spec_opts *a = opts;
	struct spec_default_opts o = {.uid = geteuid(),
				      .gid = getegid(),
				      .rootless = a->rootless,
				      .hardened = a->hardened,
				      .userns = a->userns,
				      .cap_add = (const char **)a->caps};
	if ((a->user && spec_user(a->user, &o, err) < 0) || spec_default_opts_check(&o, err) < 0)
		return -1;
	_cleanup_free_ char *path = path_join(a->bundle ? a->bundle : ".", "config.json");
	_cleanup_free_ char *text = spec_default_config(&o);
	size_t len = strlen(text);
	text = xrealloc(text, len + 2);
	text[len++] = '\n';
	if (write_file_at(AT_FDCWD, path, text, len, O_CREAT | O_EXCL, err) < 0) {
		if (err->errnum == EEXIST)
			return err_set(err, EEXIST, "'%s' exists: remove it first", path);
		return -1;
	}
	return 0;
}

const struct cli_verb cli_spec = {
    .name = "spec",
    .summary = "write a default config.json",
    .description = "Writes a config.json for a bundle whose root filesystem is ./rootfs: brig's "
		   "default (a Docker-like seccomp profile, a cgroup namespace), the rootless "
		   "one, or the hardened one.",
    .opts = CLI_OPTS(spec_opts),
    .opts_size = sizeof(struct spec_opts),
    .runc = true,
    .run = spec,
};
