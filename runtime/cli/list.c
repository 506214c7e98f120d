// SPDX-License-Identifier: Apache-2.0
/* `list` and `spec`: the two verbs that need no container. */
#include "runtime/cli/cli.h"

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <sys/stat.h>
#include <time.h>

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
		       *v[i].owner ? v[i].owner : "root");
}

int verb_list(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
						 {"quiet", no_argument, NULL, 'q'},
						 {"help", no_argument, NULL, 'h'},
						 {0}};
	bool json = false, quiet = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:f:qh", longopts, NULL)) != -1) {
		if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else if (c == 'f')
			return err_set(err, EINVAL, "--format: want table or json, not '%s'",
				       optarg);
		else if (c == 'q')
			quiet = true;
		else if (c == 'h')
			return verb_usage("list", stdout), 0;
		else
			return err_set(err, EINVAL, "unknown option '%s' (see brig list --help)",
				       argv[optind - 1]);
	}
	struct spec_state *v;
	size_t n;
	if (read_all_states(g->root, &v, &n, err) < 0)
		return -1;
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].id);
	} else if (json) {
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

static int spec_option(int c, struct spec_default_opts *o, const char **caps, size_t *ncaps,
		       struct brig_error *err)
{
	unsigned uid, gid;
	char end;
	switch (c) {
	case 'r':
		o->rootless = true;
		return 0;
	case 'H':
		o->hardened = true;
		return 0;
	case 'U':
		o->userns = true;
		return 0;
	case 'u':
		if (sscanf(optarg, "%u:%u%c", &uid, &gid, &end) != 2)
			return err_set(err, EINVAL, "--user: want UID:GID, not '%s'", optarg);
		o->user_set = true;
		o->user_uid = uid;
		o->user_gid = gid;
		return 0;
	case 'c':
		if (*ncaps >= 63)
			return err_set(err, E2BIG, "--cap-add: too many capabilities");
		caps[(*ncaps)++] = optarg;
		return 0;
	default:
		return 1; /* not one of these */
	}
}

int verb_spec(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	static const struct option longopts[] = {
	    {"bundle", required_argument, NULL, 'b'},  {"rootless", no_argument, NULL, 'r'},
	    {"hardened", no_argument, NULL, 'H'},      {"user", required_argument, NULL, 'u'},
	    {"cap-add", required_argument, NULL, 'c'}, {"userns", no_argument, NULL, 'U'},
	    {"help", no_argument, NULL, 'h'},	       {0}};
	const char *bundle = ".";
	const char *caps[64] = {0};
	size_t ncaps = 0;
	struct spec_default_opts o = {.uid = geteuid(), .gid = getegid(), .cap_add = caps};
	int c, r;
	(void)g;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:b:h", longopts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else if (c == 'h')
			return verb_usage("spec", stdout), 0;
		else if ((r = spec_option(c, &o, caps, &ncaps, err)) != 0)
			return r < 0 ? -1
				     : err_set(err, EINVAL,
					       "unknown option '%s' (see brig spec --help)",
					       argv[optind - 1]);
	}
	if (spec_default_opts_check(&o, err) < 0)
		return -1;
	_cleanup_free_ char *path = path_join(bundle, "config.json");
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
