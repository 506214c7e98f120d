// SPDX-License-Identifier: Apache-2.0
/* The container state store: one directory per container under --root holding
 * the record (state.json, replaced atomically), the config copy taken at create
 * and the start socket. Verbs hold an exclusive flock on the directory, so
 * concurrent verbs on one id are serialised; `list` reads records unlocked. */
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define STATE_FILE "state.json"

int container_id_validate(const char *id, struct brig_error *err)
{
	size_t n = strlen(id);
	if (n == 0 || n > 1024 || !strcmp(id, ".") || !strcmp(id, ".."))
		return err_set(err, EINVAL, "invalid container id '%s'", id);
	for (const char *p = id; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '+' || c == '-' || c == '.'))
			return err_set(err, EINVAL,
				       "invalid container id '%s': use letters, digits and _+-.",
				       id);
	}
	return 0;
}

int store_root_error(struct brig_error *err, const char *root)
{
	int e = err->errnum;
	if (e != EACCES && e != EPERM && e != EROFS)
		return -1;
	char inner[sizeof(err->msg)];
	snprintf(inner, sizeof(inner), "%s", err->msg);
	return err_set(err, e, "state directory '%s': %s (choose another with --root DIR)", root,
		       inner);
}

int container_root_open(const char *root, struct brig_error *err)
{
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (mkdir_p(root, 0700, err) < 0)
			return store_root_error(err, root);
		fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0) {
		err_sys(err, "open state directory '%s'", root);
		return store_root_error(err, root);
	}
	return fd;
}

static struct container *container_alloc(int root_fd, const char *id)
{
	struct container *c = xcalloc(1, sizeof(*c));
	c->id = xstrdup(id);
	c->root_fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	c->dir_fd = -1;
	c->init_pidfd = -1;
	return c;
}

static int lock_dir(struct container *c, struct brig_error *err)
{
	/* flock needs a real open file: the dir fd is O_RDONLY, not O_PATH. */
	while (flock(c->dir_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return err_sys(err, "lock container '%s'", c->id);
	return 0;
}

void container_unlock(struct container *c)
{
	if (c->dir_fd >= 0)
		(void)flock(c->dir_fd, LOCK_UN);
}

struct container *container_new(int root_fd, const char *id, struct brig_error *err)
{
	_cleanup_container_ struct container *c = container_alloc(root_fd, id);
	if (mkdirat(root_fd, id, 0711) < 0) {
		if (errno == EEXIST)
			err_set(err, EEXIST, "container \"%s\" already exists", id);
		else
			err_sys(err, "create state directory for '%s'", id);
		return NULL;
	}
	c->dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->dir_fd < 0) {
		err_sys(err, "open state directory for '%s'", id);
		unlinkat(root_fd, id, AT_REMOVEDIR);
		return NULL;
	}
	if (lock_dir(c, err) < 0) {
		unlinkat(root_fd, id, AT_REMOVEDIR);
		return NULL;
	}
	return steal_ptr(&c);
}

static int read_record(int dir_fd, const char *id, struct spec_state *ret, struct brig_error *err)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(dir_fd, STATE_FILE, &text, NULL, err) < 0) {
		if (err->errnum == ENOENT)
			return err_set(err, ENOENT, "container \"%s\" does not exist", id);
		return -1;
	}
	if (spec_state_parse_record(text, ret, err) < 0)
		return err_wrap(err, "container \"%s\"", id);
	return 0;
}

struct container *container_open(int root_fd, const char *id, struct brig_error *err)
{
	if (container_id_validate(id, err) < 0)
		return NULL;
	_cleanup_container_ struct container *c = container_alloc(root_fd, id);
	c->dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->dir_fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			err_set(err, ENOENT, "container \"%s\" does not exist", id);
		else
			err_sys(err, "open state directory for '%s'", id);
		return NULL;
	}
	if (lock_dir(c, err) < 0 || read_record(c->dir_fd, id, &c->state, err) < 0)
		return NULL;
	return steal_ptr(&c);
}

struct container *container_open_at(const char *root, const char *id, struct brig_error *err)
{
	_cleanup_close_ int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		if (errno == ENOENT)
			err_set(err, ENOENT, "container \"%s\" does not exist", id);
		else
			err_sys(err, "open state root '%s'", root);
		return NULL;
	}
	return container_open(root_fd, id, err);
}

int container_read_state(int root_fd, const char *id, struct spec_state *ret,
			 struct brig_error *err)
{
	_cleanup_close_ int fd = openat(root_fd, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_sys(err, "open state directory for '%s'", id);
	return read_record(fd, id, ret, err);
}

int container_save(struct container *c, struct brig_error *err)
{
	_cleanup_free_ char *text = spec_state_format_record(&c->state);
	if (write_file_atomic(c->dir_fd, STATE_FILE, text, strlen(text), 0600, err) < 0)
		return err_wrap(err, "save state of '%s'", c->id);
	return 0;
}

int container_destroy(struct container *c, struct brig_error *err)
{
	/* The lock lives on the directory's open file and dies with it. */
	if (rm_rf_at(c->root_fd, c->id, err) < 0)
		return err_wrap(err, "remove state of '%s'", c->id);
	return 0;
}

void container_free(struct container *c)
{
	if (!c)
		return;
	closep(&c->dir_fd);
	closep(&c->root_fd);
	closep(&c->init_pidfd);
	spec_state_clear(&c->state);
	free(c->id);
	free(c);
}

enum spec_status container_status(struct spec_state *s)
{
	if (s->status == SPEC_STATUS_CREATING)
		return s->status;
	if (!process_alive(s->pid, s->init_start_time)) {
		s->status = SPEC_STATUS_STOPPED;
		s->pid = 0;
	} else {
		s->status = s->started ? SPEC_STATUS_RUNNING : SPEC_STATUS_CREATED;
		if (s->cgroup_path && cgroup_is_paused(s))
			s->status = SPEC_STATUS_PAUSED;
	}
	return s->status;
}
