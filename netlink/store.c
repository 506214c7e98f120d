// SPDX-License-Identifier: Apache-2.0
/* The networks directory: <dir>/<name>.json holds a definition and
 * <dir>/<name>.leases.json its address leases, both replaced atomically
 * under an flock of <dir>/.lock. It lives on disk (default /var/lib), so
 * definitions survive a reboot; the leases carry the boot id and their
 * container's state directory, so those a reboot or a lost container left
 * are dropped on the next read. */
#include "netlink/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#define LOCK_FILE ".lock"
#define DEF_SUFFIX ".json"
#define LEASE_SUFFIX ".leases.json"

const char *network_dir(void)
{
	const char *d = getenv("BRIG_NETWORK_DIR");
	return d && *d ? d : NETWORK_DEFAULT_DIR;
}

int netstore_open(const char *dir, bool create, struct netstore *ret, struct brig_error *err)
{
	ret->dir_fd = ret->lock_fd = -1;
	if (create && mkdir_p(dir, 0700, err) < 0)
		return err_wrap(err, "create networks directory");
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? err_set(err, ENOENT, "no networks in '%s'", dir)
				       : err_sys(err, "open networks directory '%s'", dir);
	_cleanup_close_ int lock = openat(fd, LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0)
		return err_sys(err, "open '%s/%s'", dir, LOCK_FILE);
	while (flock(lock, LOCK_EX) < 0)
		if (errno != EINTR)
			return err_sys(err, "lock '%s/%s'", dir, LOCK_FILE);
	ret->dir_fd = steal_fd(&fd);
	ret->lock_fd = steal_fd(&lock);
	return 0;
}

void netstore_close(struct netstore *s)
{
	closep(&s->lock_fd); /* closing drops the flock */
	closep(&s->dir_fd);
	s->lock_fd = s->dir_fd = -1;
}

int netstore_load(int dir_fd, const char *name, struct spec_network *ret, struct brig_error *err)
{
	memset(ret, 0, sizeof(*ret));
	if (spec_network_name_validate(name, err) < 0)
		return -1;
	_cleanup_free_ char *file = xasprintf("%s%s", name, DEF_SUFFIX);
	_cleanup_free_ char *text = NULL;
	if (read_file_at(dir_fd, file, &text, NULL, err) < 0) {
		if (err->errnum == ENOENT)
			return err_set(err, ENOENT, "network '%s' does not exist", name);
		return -1;
	}
	if (spec_network_parse(text, file, ret, err) < 0)
		return -1;
	if (strcmp(ret->name, name) != 0) {
		spec_network_clear(ret);
		return err_set(err, EINVAL, "%s: names network '%s'", file, ret->name);
	}
	return 0;
}

int netstore_save(int dir_fd, const struct spec_network *n, struct brig_error *err)
{
	_cleanup_free_ char *file = xasprintf("%s%s", n->name, DEF_SUFFIX);
	_cleanup_free_ char *text = spec_network_format(n);
	size_t len = strlen(text);
	text = xrealloc(text, len + 2);
	memcpy(text + len, "\n", 2);
	return write_file_atomic(dir_fd, file, text, len + 1, 0644, err);
}

int netstore_remove(int dir_fd, const char *name, struct brig_error *err)
{
	_cleanup_free_ char *leases = xasprintf("%s%s", name, LEASE_SUFFIX);
	_cleanup_free_ char *def = xasprintf("%s%s", name, DEF_SUFFIX);
	if (unlinkat(dir_fd, leases, 0) < 0 && errno != ENOENT)
		return err_sys(err, "remove '%s'", leases);
	if (unlinkat(dir_fd, def, 0) < 0)
		return err_sys(err, "remove '%s'", def);
	return 0;
}

char *netstore_boot_id(void)
{
	char *id = NULL;
	struct brig_error ignored;
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/random/boot_id", &id, NULL, &ignored) < 0)
		return xstrdup("unknown");
	id[strcspn(id, "\n")] = '\0';
	return id;
}

static bool lease_stale(const struct spec_lease *l, void *data)
{
	const char *boot_id = data;
	if (strcmp(l->boot_id, boot_id) != 0)
		return true;
	/* the container's state directory exists from before the lease is
	 * taken until after it is released */
	_cleanup_free_ char *path = path_join(l->root, l->id);
	return access(path, F_OK) < 0 && errno == ENOENT;
}

int netstore_leases(int dir_fd, const char *name, struct spec_lease **ret, size_t *ret_n,
		    struct brig_error *err)
{
	_cleanup_free_ char *file = xasprintf("%s%s", name, LEASE_SUFFIX);
	_cleanup_free_ char *text = NULL;
	*ret = NULL;
	*ret_n = 0;
	if (read_file_at(dir_fd, file, &text, NULL, err) < 0)
		return err->errnum == ENOENT ? 0 : -1;
	if (spec_leases_parse(text, file, ret, ret_n, err) < 0)
		return -1;
	_cleanup_free_ char *boot_id = netstore_boot_id();
	*ret_n = lease_prune(*ret, *ret_n, lease_stale, boot_id);
	return 0;
}

int netstore_save_leases(int dir_fd, const char *name, const struct spec_lease *v, size_t n,
			 struct brig_error *err)
{
	_cleanup_free_ char *file = xasprintf("%s%s", name, LEASE_SUFFIX);
	_cleanup_free_ char *text = spec_leases_format(v, n);
	return write_file_atomic(dir_fd, file, text, strlen(text), 0644, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int netstore_list(int dir_fd, char ***ret, struct brig_error *err)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		closep(&fd);
		return err_sys(err, "read networks directory");
	}
	size_t n = 0, cap = 8;
	char **v = xcalloc(cap + 1, sizeof(char *));
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name), sl = strlen(DEF_SUFFIX);
		if (de->d_name[0] == '.' || len <= sl ||
		    strcmp(de->d_name + len - sl, DEF_SUFFIX) || strstr(de->d_name, LEASE_SUFFIX))
			continue;
		if (n == cap)
			v = xrealloc(v, ((cap *= 2) + 1) * sizeof(char *));
		v[n++] = strndup(de->d_name, len - sl);
		v[n] = NULL;
	}
	closedir(d);
	qsort(v, n, sizeof(char *), cmp_str);
	*ret = v;
	return 0;
}
