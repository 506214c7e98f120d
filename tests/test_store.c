// SPDX-License-Identifier: Apache-2.0
/* runtime/container.c: the state store, without root: ids, create/open/save/
 * destroy under a temp root, the per-container lock, and the live status. */
#include "runtime/container/container.h"

#include <check.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

Suite *test_suite(void);

static char root[64];
static int root_fd = -1;

static void setup(void)
{
	strcpy(root, "/tmp/brig-test-store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	struct brig_error err;
	root_fd = container_root_open(root, &err);
	ck_assert_int_ge(root_fd, 0);
}

static void teardown(void)
{
	struct brig_error err;
	close(root_fd);
	int dfd = open("/tmp", O_PATH | O_DIRECTORY);
	rm_rf_at(dfd, root + 5, &err);
	close(dfd);
}

static void fill(struct spec_state *st, const char *id, pid_t pid, uint64_t start)
{
	st->oci_version = xstrdup("1.3.0");
	st->id = xstrdup(id);
	st->status = SPEC_STATUS_CREATED;
	st->pid = pid;
	st->bundle = xstrdup("/b");
	st->rootfs = xstrdup("/b/rootfs");
	st->created = xstrdup("2026-12-01T00:00:00Z");
	st->owner = xstrdup("");
	st->init_start_time = start;
}

START_TEST(test_id_rules)
{
	struct brig_error err;
	ck_assert_int_eq(container_id_validate("abc-1_2+3.4", &err), 0);
	ck_assert_int_eq(container_id_validate("", &err), -1);
	ck_assert_int_eq(container_id_validate(".", &err), -1);
	ck_assert_int_eq(container_id_validate("..", &err), -1);
	ck_assert_int_eq(container_id_validate("a/b", &err), -1);
	ck_assert_str_eq(err.msg, "invalid container id 'a/b': use letters, digits and _+-.");
	ck_assert_int_eq(container_id_validate("a b", &err), -1);
	char long_id[1100];
	memset(long_id, 'x', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	ck_assert_int_eq(container_id_validate(long_id, &err), -1);
}
END_TEST

START_TEST(test_new_save_open_destroy)
{
	struct brig_error err;
	struct container *c = container_new(root_fd, "c1", &err);
	ck_assert_ptr_nonnull(c);
	fill(&c->state, "c1", getpid(), process_start_time(getpid()));
	ck_assert_int_eq(container_save(c, &err), 0);
	container_free(c);

	c = container_open(root_fd, "c1", &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->state.bundle, "/b");
	ck_assert_int_eq(c->state.pid, getpid());
	ck_assert_int_eq(container_status(&c->state), SPEC_STATUS_CREATED);
	c->state.started = true;
	ck_assert_int_eq(container_status(&c->state), SPEC_STATUS_RUNNING);
	ck_assert_int_eq(container_destroy(c, &err), 0);
	container_free(c);

	ck_assert_ptr_null(container_open(root_fd, "c1", &err));
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_str_eq(err.msg, "container \"c1\" does not exist");
}
END_TEST

START_TEST(test_exists)
{
	struct brig_error err;
	struct container *c = container_new(root_fd, "dup", &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(container_new(root_fd, "dup", &err));
	ck_assert_str_eq(err.msg, "container \"dup\" already exists");
	container_destroy(c, &err);
	container_free(c);
}
END_TEST

START_TEST(test_lock_excludes)
{
	struct brig_error err;
	struct container *c = container_new(root_fd, "locked", &err);
	ck_assert_ptr_nonnull(c);
	pid_t pid = fork();
	if (pid == 0) {
		/* another verb on the same id: its own open file, a busy lock */
		int fd = openat(root_fd, "locked", O_RDONLY | O_DIRECTORY);
		_exit(flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	container_destroy(c, &err);
	container_free(c);
}
END_TEST

START_TEST(test_stopped_when_gone)
{
	struct brig_error err;
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	uint64_t start = process_start_time(pid);
	waitpid(pid, NULL, 0);
	struct container *c = container_new(root_fd, "gone", &err);
	fill(&c->state, "gone", pid, start);
	c->state.started = true;
	ck_assert_int_eq(container_status(&c->state), SPEC_STATUS_STOPPED);
	ck_assert_int_eq(c->state.pid, 0);
	/* a reused pid with another start time is not the container */
	c->state.pid = getpid();
	c->state.init_start_time = process_start_time(getpid()) + 1;
	ck_assert_int_eq(container_status(&c->state), SPEC_STATUS_STOPPED);
	container_destroy(c, &err);
	container_free(c);
}
END_TEST

START_TEST(test_corrupt_record)
{
	struct brig_error err;
	struct container *c = container_new(root_fd, "bad", &err);
	ck_assert_int_eq(write_file_at(c->dir_fd, "state.json", "{", 1, O_CREAT, &err), 0);
	container_free(c);
	ck_assert_ptr_null(container_open(root_fd, "bad", &err));
	ck_assert_msg(strstr(err.msg, "container \"bad\": ") == err.msg, "got '%s'", err.msg);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_id_rules);
	tcase_add_test(tc, test_new_save_open_destroy);
	tcase_add_test(tc, test_exists);
	tcase_add_test(tc, test_lock_excludes);
	tcase_add_test(tc, test_stopped_when_gone);
	tcase_add_test(tc, test_corrupt_record);
	suite_add_tcase(s, tc);
	return s;
}
