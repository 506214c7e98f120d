// SPDX-License-Identifier: Apache-2.0
/* Name tables: namespaces, hooks, capabilities, rlimits, container status. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* CLONE_* */
#endif
#include "spec/internal.h"

#include <ctype.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/resource.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080 /* Linux 5.6 */
#endif

static const struct {
	const char *name;
	int flag;
} namespaces[SPEC_NS_COUNT] = {
    [SPEC_NS_PID] = {"pid", CLONE_NEWPID},	    [SPEC_NS_NETWORK] = {"network", CLONE_NEWNET},
    [SPEC_NS_MOUNT] = {"mount", CLONE_NEWNS},	    [SPEC_NS_IPC] = {"ipc", CLONE_NEWIPC},
    [SPEC_NS_UTS] = {"uts", CLONE_NEWUTS},	    [SPEC_NS_USER] = {"user", CLONE_NEWUSER},
    [SPEC_NS_CGROUP] = {"cgroup", CLONE_NEWCGROUP}, [SPEC_NS_TIME] = {"time", CLONE_NEWTIME},
};

const char *spec_ns_name(enum spec_ns_type t)
{
	if ((unsigned)t >= SPEC_NS_COUNT)
		return NULL;
	return namespaces[t].name;
}

int spec_ns_clone_flag(enum spec_ns_type t)
{
	if ((unsigned)t >= SPEC_NS_COUNT)
		return 0;
	return namespaces[t].flag;
}

static const char *const hook_names[SPEC_HOOK_KINDS] = {
    [SPEC_HOOK_PRESTART] = "prestart",
    [SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
    [SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
    [SPEC_HOOK_START_CONTAINER] = "startContainer",
    [SPEC_HOOK_POSTSTART] = "poststart",
    [SPEC_HOOK_POSTSTOP] = "poststop",
};

const char *spec_hook_name(enum spec_hook_kind k)
{
	if ((unsigned)k >= SPEC_HOOK_KINDS)
		return NULL;
	return hook_names[k];
}

const char *spec_annotation(const struct spec *s, const char *key)
{
	for (size_t i = 0; i < s->n_annotations; i++)
		if (strcmp(s->annotations[i].key, key) == 0)
			return s->annotations[i].value;
	return NULL;
}

/* Upper-case names by number, for messages and `brig features`; parsing goes
 * through libcap, so a capability newer than this table is still accepted. */
static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

int spec_cap_from_name(const char *name)
{
	/* libcap also takes lower case, numbers and names without "CAP_";
	 * the runtime-spec only has the upper-case CAP_* form. */
	if (strncmp(name, "CAP_", 4) != 0 || name[4] == '\0')
		return -1;
	for (const char *p = name + 4; *p; p++)
		if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_')
			return -1;
	cap_value_t cap;
	if (cap_from_name(name, &cap) < 0 || cap < 0 || cap >= 64)
		return -1; /* the sets are 64-bit masks */
	return cap;
}

const char *spec_cap_name(int cap)
{
	if (cap < 0 || (size_t)cap >= ARRAY_SIZE(cap_names))
		return NULL;
	return cap_names[cap];
}

static const struct name_value rlimits[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int spec_rlimit_from_name(const char *name)
{
	long v;
	if (name_lookup(rlimits, ARRAY_SIZE(rlimits), name, &v) < 0)
		return -1;
	return (int)v;
}

const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++)
		if (rlimits[i].value == resource)
			return rlimits[i].name;
	return NULL;
}

static const char *const status_names[] = {
    [SPEC_STATUS_CREATING] = "creating", [SPEC_STATUS_CREATED] = "created",
    [SPEC_STATUS_RUNNING] = "running",	 [SPEC_STATUS_STOPPED] = "stopped",
    [SPEC_STATUS_PAUSED] = "paused",
};

const char *spec_status_name(enum spec_status s)
{
	if ((unsigned)s >= ARRAY_SIZE(status_names))
		return NULL;
	return status_names[s];
}
