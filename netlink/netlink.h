/* SPDX-License-Identifier: Apache-2.0 */
/* netlink: container networking. linux.netDevices and brig's own networks
 * (bridges with no uplink, docs/networking.md): planned at create, set up
 * while the container's process waits with its namespaces made, torn down at
 * delete, and the `brig network` store. rtnl/ below is the rtnetlink layer
 * (libmnl) it is built on, private to this module. */
#pragma once

#include "base/base.h"
#include "spec/spec.h"

#include <stdbool.h>
#include <stdint.h>

/* Definitions and leases; $BRIG_NETWORK_DIR overrides it (tests do). */
#define NETWORK_DEFAULT_DIR "/var/lib/brig/networks"
#define NETWORK_ANNOTATION "run.brig.network"
#define NETWORK_IP_ANNOTATION "run.brig.network.ip"
#define NETWORK_RECORD "network.json"
#define NETWORK_IFNAME "eth0" /* the container's end of its veth */

const char *network_dir(void);

/* What create will do, decided before clone; no side effects. */
struct network_plan {
	bool active;	/* anything to do at all */
	bool own_netns; /* a new network namespace (not joined by path) */
	char *root;	/* the container's state root (absolute) and id */
	char *id;
	char *dir; /* networks directory */
	bool join; /* a brig network */
	struct spec_network net;
	bool has_ip; /* an address asked for */
	uint32_t ip;
	struct spec_net_device *devs; /* linux.netDevices, copied */
	size_t n_devs;
};

/* network_opt: create/run --network NAME[:ADDR] ("none": no network), which
 * overrides the run.brig.network[.ip] annotations. */
int network_plan(const struct spec *s, const char *root, const char *id, const char *network_opt,
		 struct network_plan *ret, struct brig_error *err);
void network_plan_free(struct network_plan *p);
/* In the parent while the child waits with its namespaces made: moves the
 * netDevices in, joins the network. Records what it does in state_dir_fd
 * first; on error it has undone all of it. */
int network_setup(const struct network_plan *p, pid_t init_pid, int state_dir_fd,
		  struct brig_error *err);
/* Undoes network_setup from its record; idempotent, and a no-op without a
 * record. Call it before the init is killed: netDevices can then go back to
 * the host whole (after, the kernel returns physical ones under their
 * container names, which this also handles, and destroys virtual ones).
 * Tries every step; -1 names the first that failed. */
int network_teardown(int state_dir_fd, struct brig_error *err);

/* `brig network create`: n's name, subnet, mode, icc and mtu are the
 * caller's; its bridge and creation time are filled in. Refuses a name or
 * subnet that clashes with an existing network; leaves nothing on error. */
int network_create(struct spec_network *n, struct brig_error *err);
/* `brig network rm`: the bridge and the definition; refused while
 * containers are attached. */
int network_remove(const char *name, struct brig_error *err);
/* Whether brig may manage its networks: root of the host's user namespace. */
bool network_privileged(void);
/* Brings up lo in the calling process's network namespace. */
int network_loopback_up(struct brig_error *err);

/* ---- the networks directory (store.c) ---- */

struct netstore {
	int dir_fd;
	int lock_fd; /* flock'ed: every change of a definition or a lease holds it */
};

/* Opens (creating with create) and locks the directory. */
int netstore_open(const char *dir, bool create, struct netstore *ret, struct brig_error *err);
void netstore_close(struct netstore *s);
/* `network "x" does not exist` with errnum ENOENT. */
int netstore_load(int dir_fd, const char *name, struct spec_network *ret, struct brig_error *err);
int netstore_save(int dir_fd, const struct spec_network *n, struct brig_error *err);
int netstore_remove(int dir_fd, const char *name, struct brig_error *err);
/* The network's leases, without those of an earlier boot or of a container
 * whose state directory is gone. */
int netstore_leases(int dir_fd, const char *name, struct spec_lease **ret, size_t *ret_n,
		    struct brig_error *err);
int netstore_save_leases(int dir_fd, const char *name, const struct spec_lease *v, size_t n,
			 struct brig_error *err);
/* The names of every definition, sorted. */
int netstore_list(int dir_fd, char ***ret, struct brig_error *err);
/* This boot's id (/proc/sys/kernel/random/boot_id). */
char *netstore_boot_id(void);
