// SPDX-License-Identifier: Apache-2.0
/* A stand-in for `criu swrk FD` (test_criu.c): it speaks criu's side of the
 * RPC so that brig's side runs on any kernel, without criu. It saves the
 * request it gets ($FAKE_CRIU_OUT), sends a restore's notifications
 * (setup-namespaces with its pid, orphan-pts-master with a pty master) and
 * answers as $FAKE_CRIU_MODE says: "ok", "fail" (an error line in the log
 * of the work directory, success false) or "hangup" (no answer at all).
 * After a pre-dump it waits for the next request, as criu does. */
#include "criu-rpc.pb-c.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint8_t buf[65536];

static void send_resp(int sk, const CriuResp *resp, int fd)
{
	size_t len = criu_resp__get_packed_size(resp);
	uint8_t *out = malloc(len ? len : 1);
	criu_resp__pack(resp, out);
	struct iovec iov = {.iov_base = out, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	if (sendmsg(sk, &msg, 0) != (ssize_t)len)
		exit(3);
	free(out);
}

static CriuReq *recv_req(int sk)
{
	ssize_t n = recv(sk, buf, sizeof(buf), 0);
	if (n <= 0)
		exit(4);
	CriuReq *req = criu_req__unpack(NULL, (size_t)n, buf);
	if (!req)
		exit(5);
	return req;
}

/* criu's send_criu_rpc_script: the notification, then the client's answer */
static bool notify(int sk, const char *script, int pid, int fd)
{
	CriuNotify cn = CRIU_NOTIFY__INIT;
	cn.script = (char *)script;
	if (pid > 0) {
		cn.has_pid = true;
		cn.pid = pid;
	}
	CriuResp resp = CRIU_RESP__INIT;
	resp.type = CRIU_REQ_TYPE__NOTIFY;
	resp.success = true;
	resp.notify = &cn;
	send_resp(sk, &resp, fd);
	CriuReq *answer = recv_req(sk);
	bool ok = answer->type == CRIU_REQ_TYPE__NOTIFY && answer->notify_success;
	criu_req__free_unpacked(answer, NULL);
	return ok;
}

/* The log, in the work directory the request names (an fd of the caller's) */
static void log_error(const CriuOpts *o, const char *line)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getppid(), o->work_dir_fd);
	int dir = open(path, O_RDONLY | O_DIRECTORY);
	int fd = dir >= 0 ? openat(dir, o->log_file ? o->log_file : "criu.log",
				   O_WRONLY | O_CREAT | O_TRUNC, 0600)
			  : -1;
	if (fd < 0 || write(fd, line, strlen(line)) < 0)
		exit(6);
	close(fd);
	close(dir);
}

int main(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "swrk"))
		return 2;
	int sk = atoi(argv[2]);
	const char *mode = getenv("FAKE_CRIU_MODE") ? getenv("FAKE_CRIU_MODE") : "ok";
	ssize_t n = recv(sk, buf, sizeof(buf), 0);
	if (n <= 0)
		return 4;
	const char *out = getenv("FAKE_CRIU_OUT");
	int ofd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600) : -1;
	if (ofd < 0 || write(ofd, buf, (size_t)n) != n)
		return 7;
	close(ofd);
	CriuReq *req = criu_req__unpack(NULL, (size_t)n, buf);
	if (!req || !req->opts)
		return 5;
	if (!strcmp(mode, "hangup")) {
		criu_req__free_unpacked(req, NULL);
		return 1;
	}
	bool ok = strcmp(mode, "fail") != 0;
	if (req->type == CRIU_REQ_TYPE__RESTORE && ok) {
		ok = notify(sk, "setup-namespaces", getpid(), -1);
		int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (ok && master >= 0)
			ok = notify(sk, "orphan-pts-master", 0, master);
		if (master >= 0)
			close(master);
		if (!ok)
			log_error(req->opts,
				  "Error (criu/fake.c:1): RPC client reported script error\n");
	}
	if (!strcmp(mode, "fail"))
		log_error(req->opts, "(00.1) Error (criu/fake.c:2): the fake failed\n"
				     "(00.2) Error (criu/fake.c:3): Dumping FAILED.\n");
	CriuRestoreResp rr = CRIU_RESTORE_RESP__INIT;
	rr.pid = getpid();
	CriuResp resp = CRIU_RESP__INIT;
	resp.type = req->type;
	resp.success = ok;
	if (req->type == CRIU_REQ_TYPE__RESTORE && ok)
		resp.restore = &rr;
	send_resp(sk, &resp, -1);
	if (req->type == CRIU_REQ_TYPE__PRE_DUMP && ok)
		pause(); /* criu's pre_dump_loop: the next request of the series */
	criu_req__free_unpacked(req, NULL);
	return ok ? 0 : 1;
}
