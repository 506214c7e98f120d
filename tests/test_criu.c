// SPDX-License-Identifier: Apache-2.0
/* runtime/container/criu.c: brig's side of criu's RPC, against fake_criu
 * (criu's side, without criu: these kernels are newer than criu 3.17
 * understands): the request each verb sends, the notifications a restore
 * gets (setup-namespaces, orphan-pts-master with its fd), a handler's
 * failure, criu's error from its log, a criu that hangs up, a pre-dump's
 * criu left waiting; and the mount keys a symlinked destination gets. */
#include "criu-rpc.pb-c.h"
#include "runtime/container/internal.h"

#include <check.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>

Suite *test_suite(void);

static char dir[64];
static char out[128];

static void setup(void)
{
	strcpy(dir, "/tmp/brig-test-criu.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/request", dir);
	setenv("FAKE_CRIU_OUT", out, 1);
	setenv("FAKE_CRIU_MODE", "ok", 1);
}

static void teardown(void)
{
	struct brig_error err;
	int dfd = open("/tmp", O_PATH | O_DIRECTORY);
	rm_rf_at(dfd, dir + 5, &err);
	close(dfd);
}

/* No configuration file: an annotation "" (a host's /etc/criu/runc.conf
 * must not count here). */
static struct spec_kv no_config = {.key = CRIU_CONFIG_ANNOTATION, .value = ""};
static struct spec spec = {.annotations = &no_config, .n_annotations = 1};

static CriuReq *sent(void)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct brig_error err;
	ck_assert_int_eq(read_file_at(AT_FDCWD, out, &text, &len, &err), 0);
	CriuReq *req = criu_req__unpack(NULL, len, (uint8_t *)text);
	ck_assert_ptr_nonnull(req);
	ck_assert_ptr_nonnull(req->opts);
	return req;
}

static struct criu_call dump_call(enum criu_call_type type)
{
	struct criu_call c = {.type = type,
			      .image = dir,
			      .work = dir,
			      .log = type == CRIU_CALL_DUMP ? "dump.log" : "pre-dump.log",
			      .pid = 4242,
			      .root = "/bundle/rootfs",
			      .freeze_cgroup = "/sys/fs/cgroup/ctr",
			      .leave_running = true};
	return c;
}

START_TEST(dump_request)
{
	struct criu_call c = dump_call(CRIU_CALL_DUMP);
	criu_external(&c, "mnt[%s]:%s", "/out", "/out");
	criu_external(&c, "net[%d]:" CRIU_NETNS_KEY, 123);
	c.ps_address = "0.0.0.0";
	c.ps_port = 27277;
	char *ns[] = {"network", NULL};
	struct criu_opts o = {.criu = FAKE_CRIU,
			      .manage_cgroups_mode = 1,
			      .shell_job = true,
			      .tcp_established = true,
			      .lazy_pages = true,
			      .empty_ns = ns};
	struct brig_error err = {0};
	ck_assert_msg(criu_call_run(FAKE_CRIU, &c, &o, &spec, NULL, &err) == 0, "%s", err.msg);
	CriuReq *req = sent();
	CriuOpts *r = req->opts;
	ck_assert_int_eq(req->type, CRIU_REQ_TYPE__DUMP);
	ck_assert_int_ge(r->images_dir_fd, 0);
	ck_assert(r->has_work_dir_fd);
	ck_assert(r->has_pid && r->pid == 4242);
	ck_assert_str_eq(r->root, "/bundle/rootfs");
	ck_assert_str_eq(r->log_file, "dump.log");
	ck_assert_int_eq(r->log_level, 4);
	ck_assert_str_eq(r->freeze_cgroup, "/sys/fs/cgroup/ctr");
	ck_assert(r->leave_running && r->shell_job && r->tcp_established);
	ck_assert(!r->ext_unix_sk && !r->file_locks && !r->track_mem);
	ck_assert(r->notify_scripts && r->orphan_pts_master);
	ck_assert(r->has_manage_cgroups_mode);
	ck_assert_int_eq(r->manage_cgroups_mode, CRIU_CG_MODE__FULL);
	ck_assert(r->has_empty_ns && r->empty_ns == CLONE_NEWNET);
	ck_assert(!r->has_rst_sibling && !r->evasive_devices);
	ck_assert_ptr_null(r->config_file);
	ck_assert_uint_eq(r->n_external, 2);
	ck_assert_str_eq(r->external[0], "mnt[/out]:/out");
	ck_assert_str_eq(r->external[1], "net[123]:extRootNetNS");
	ck_assert_uint_eq(r->n_inherit_fd, 0);
	ck_assert(r->lazy_pages);
	ck_assert_ptr_nonnull(r->ps);
	ck_assert_str_eq(r->ps->address, "0.0.0.0");
	ck_assert_int_eq(r->ps->port, 27277);
	criu_req__free_unpacked(req, NULL);
	criu_call_clear(&c);
}
END_TEST

struct seen {
	char scripts[256];
	pid_t pid;
	bool pty;
	bool fail;
};

static int on_notify(void *ctx, const char *script, pid_t pid, int *fd, struct brig_error *err)
{
	struct seen *s = ctx;
	strcat(s->scripts, script);
	strcat(s->scripts, " ");
	if (pid)
		s->pid = pid;
	if (*fd >= 0)
		s->pty = isatty(*fd);
	if (s->fail && !strcmp(script, "setup-namespaces"))
		return err_set(err, EPERM, "prestart hook failed");
	return 0;
}

static struct criu_call restore_call(struct seen *s)
{
	struct criu_call c = {.type = CRIU_CALL_RESTORE,
			      .image = dir,
			      .work = dir,
			      .log = "restore.log",
			      .root = "/run/brig/x/criu-root",
			      .cgroup_root = "/ctr",
			      .notify = on_notify,
			      .ctx = s};
	criu_inherit_fd(&c, 0, "pipe:[%d]", 77);
	criu_inherit_fd(&c, 5, CRIU_NETNS_KEY);
	return c;
}

START_TEST(restore_notifications)
{
	struct seen s = {0};
	struct criu_call c = restore_call(&s);
	struct criu_opts o = {.criu = FAKE_CRIU};
	struct brig_error err = {0};
	ck_assert_msg(criu_call_run(FAKE_CRIU, &c, &o, &spec, NULL, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(s.scripts, "setup-namespaces orphan-pts-master ");
	ck_assert_int_gt(c.restored, 0);
	ck_assert_int_eq(s.pid, c.restored);
	ck_assert_msg(s.pty, "orphan-pts-master's fd is not a terminal");
	CriuReq *req = sent();
	CriuOpts *r = req->opts;
	ck_assert_int_eq(req->type, CRIU_REQ_TYPE__RESTORE);
	ck_assert(r->has_rst_sibling && r->rst_sibling);
	ck_assert(r->evasive_devices);
	ck_assert(!r->lazy_pages);
	ck_assert_ptr_null(r->ps);
	ck_assert(!r->has_pid);
	ck_assert_int_eq(r->manage_cgroups_mode, CRIU_CG_MODE__SOFT);
	ck_assert_uint_eq(r->n_cg_root, 1);
	ck_assert_str_eq(r->cg_root[0]->path, "/ctr");
	ck_assert_uint_eq(r->n_inherit_fd, 2);
	ck_assert_str_eq(r->inherit_fd[0]->key, "pipe:[77]");
	ck_assert_int_eq(r->inherit_fd[0]->fd, 0);
	ck_assert_str_eq(r->inherit_fd[1]->key, "extRootNetNS");
	ck_assert_int_eq(r->inherit_fd[1]->fd, 5);
	criu_req__free_unpacked(req, NULL);
	criu_call_clear(&c);
}
END_TEST

START_TEST(handler_failure_fails_the_call)
{
	struct seen s = {.fail = true};
	struct criu_call c = restore_call(&s);
	struct criu_opts o = {.criu = FAKE_CRIU};
	struct brig_error err = {0};
	ck_assert_int_eq(criu_call_run(FAKE_CRIU, &c, &o, &spec, NULL, &err), -1);
	ck_assert_str_eq(err.msg, "prestart hook failed");
	ck_assert_str_eq(s.scripts, "setup-namespaces ");
	criu_call_clear(&c);
}
END_TEST

START_TEST(error_from_the_log)
{
	setenv("FAKE_CRIU_MODE", "fail", 1);
	struct criu_call c = dump_call(CRIU_CALL_DUMP);
	struct criu_opts o = {.criu = FAKE_CRIU};
	struct brig_error err = {0};
	ck_assert_int_eq(criu_call_run(FAKE_CRIU, &c, &o, &spec, NULL, &err), -1);
	_cleanup_free_ char *want = xasprintf(
	    "criu dump failed: (00.1) Error (criu/fake.c:2): the fake failed (log: %s/dump.log)",
	    dir);
	ck_assert_str_eq(err.msg, want);
	criu_call_clear(&c);
}
END_TEST

START_TEST(hangup_is_an_error)
{
	setenv("FAKE_CRIU_MODE", "hangup", 1);
	struct criu_call c = dump_call(CRIU_CALL_DUMP);
	struct criu_opts o = {.criu = FAKE_CRIU};
	struct brig_error err = {0};
	ck_assert_int_eq(criu_call_run(FAKE_CRIU, &c, &o, &spec, NULL, &err), -1);
	ck_assert_str_eq(err.msg, "criu exited without an answer");
	criu_call_clear(&c);
}
END_TEST

/* criu waits for the next request after a pre-dump: brig does not wait for it */
START_TEST(pre_dump_returns)
{
	struct criu_call c = dump_call(CRIU_CALL_PRE_DUMP);
	c.track_mem = true;
	struct criu_opts o = {.criu = FAKE_CRIU};
	struct brig_error err = {0};
	ck_assert_msg(criu_call_run(FAKE_CRIU, &c, &o, &spec, NULL, &err) == 0, "%s", err.msg);
	CriuReq *req = sent();
	ck_assert_int_eq(req->type, CRIU_REQ_TYPE__PRE_DUMP);
	ck_assert(req->opts->track_mem);
	criu_req__free_unpacked(req, NULL);
	criu_call_clear(&c);
}
END_TEST

START_TEST(missing_criu)
{
	struct criu_call c = dump_call(CRIU_CALL_DUMP);
	struct criu_opts o = {.criu = "/nonexistent/criu"};
	struct brig_error err = {0};
	ck_assert_int_eq(criu_call_run("/nonexistent/criu", &c, &o, &spec, NULL, &err), -1);
	ck_assert_str_eq(err.msg, "exec '/nonexistent/criu' failed");
	criu_call_clear(&c);
}
END_TEST

/* runc's securejoin of a mount destination: the key is the mount point */
START_TEST(mount_key_follows_symlinks_in_the_root)
{
	char root[128], path[256];
	snprintf(root, sizeof(root), "%s/rootfs", dir);
	snprintf(path, sizeof(path), "%s/real/conf", root);
	struct brig_error err;
	ck_assert_int_eq(mkdir_p(path, 0755, &err), 0);
	snprintf(path, sizeof(path), "%s/conf", root);
	ck_assert_int_eq(symlink("/real/conf", path), 0);
	snprintf(path, sizeof(path), "%s/up", root);
	ck_assert_int_eq(symlink("../../../real", path), 0);
	_cleanup_free_ char *a = criu_mount_key(root, "/conf");
	_cleanup_free_ char *b = criu_mount_key(root, "/up/conf/");
	_cleanup_free_ char *c = criu_mount_key(root, "/missing//x");
	_cleanup_free_ char *d = criu_mount_key(root, "/real/conf");
	ck_assert_str_eq(a, "/real/conf");
	ck_assert_str_eq(b, "/real/conf"); /* .. stops at the root */
	ck_assert_str_eq(c, "/missing/x");
	ck_assert_str_eq(d, "/real/conf");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("criu");
	TCase *tc = tcase_create("rpc");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, dump_request);
	tcase_add_test(tc, restore_notifications);
	tcase_add_test(tc, handler_failure_fails_the_call);
	tcase_add_test(tc, error_from_the_log);
	tcase_add_test(tc, hangup_is_an_error);
	tcase_add_test(tc, pre_dump_returns);
	tcase_add_test(tc, missing_criu);
	tcase_add_test(tc, mount_key_follows_symlinks_in_the_root);
	suite_add_tcase(s, tc);
	return s;
}
