// SPDX-License-Identifier: Apache-2.0
/* Small helpers of the cgroups module: string lists and reading cgroup files. */
#include "cgroups/internal.h"

#include <fcntl.h>

void strv_push(char ***v, char *s)
{
	size_t n = strv_length(*v);
	*v = xrealloc(*v, (n + 2) * sizeof(**v));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

bool strv_has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

int read_u64_at(int dirfd, const char *file, uint64_t *ret, struct brig_error *err)
{
	_cleanup_free_ char *buf = NULL;
	if (read_file_at(dirfd, file, &buf, NULL, err) < 0)
		return -1;
	buf[strcspn(buf, " \n")] = '\0';
	if (!strcmp(buf, "max")) {
		*ret = UINT64_MAX;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	if (errno || end == buf || *end || buf[0] == '-')
		return err_set(err, EINVAL, "parse '%s': not a number: \"%s\"", file, buf);
	*ret = v;
	return 0;
}

int read_key_at(int dirfd, const char *file, const char *key, uint64_t *ret, struct brig_error *err)
{
	_cleanup_free_ char *buf = NULL;
	if (read_file_at(dirfd, file, &buf, NULL, err) < 0)
		return -1;
	size_t n = strlen(key);
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(line, key, n) && line[n] == ' ') {
			*ret = strtoull(line + n + 1, NULL, 10);
			return 1;
		}
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

int open_dir_at(int dirfd, const char *name)
{
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
}

int v1_fd(const struct cgroups_cgroup *cg, const char *controller)
{
	for (size_t i = 0; i < cg->n_v1; i++)
		if (list_has(cg->v1[i].hierarchy, controller))
			return cg->v1[i].fd;
	return -1;
}

int write_line_at(int dirfd, const char *file, const char *value, struct brig_error *err)
{
	_cleanup_free_ char *line = xasprintf("%s\n", value);
	return write_file_at(dirfd, file, line, strlen(line), O_TRUNC, err);
}
