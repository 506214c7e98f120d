/* SPDX-License-Identifier: Apache-2.0 */
/* Container networking: linux.netDevices and brig's own networks (bridges
 * with no uplink, docs/networking.md). Private to runtime/: lifecycle.c plans
 * at create, sets up while the child waits, and tears down at delete. */
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

/* ---- the networks directory (netstore.c) ---- */

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

/* ---- the bridge (netbridge.c) ---- */

struct netlink;
/* The bridge's index, creating and configuring it when it is missing
 * (after a reboot); an existing link of that name must be a bridge. */
int netbridge_ensure(struct netlink *nl, const struct spec_network *n, int *ret_index,
		     struct brig_error *err);
int netbridge_remove(struct netlink *nl, const struct spec_network *n, struct brig_error *err);

/* ---- address allocation (netlease.c, pure) ---- */

/* The first address is the bridge's (host-reachable) or reserved: the
 * container range is first+1 .. broadcast-1. want NULL: the lowest free. */
int lease_pick(const struct spec_network *n, const struct spec_lease *v, size_t nv,
	       const uint32_t *want, uint32_t *ret, struct brig_error *err);
/* Whether addr may be asked for on n (in the subnet, not reserved). */
int lease_check(const struct spec_network *n, uint32_t addr, struct brig_error *err);
/* Drops the leases stale() says are void; returns the new count. */
size_t lease_prune(struct spec_lease *v, size_t n,
		   bool (*stale)(const struct spec_lease *l, void *data), void *data);
/* Whether two subnets share an address. */
bool lease_subnets_overlap(const struct spec_cidr *a, const struct spec_cidr *b);

/* ---- setup and teardown internals (network.c, netdev.c) ---- */

/* The two sides of a container's networking. */
struct net_ctx {
	struct netlink *host;
	struct netlink *ctr; /* NULL: the container's namespace is gone */
	int netns_fd;	     /* the container's, -1 when gone */
	int host_netns_fd;   /* brig's own */
};

/* Reads each netDevice on the host (index, MAC, state, addresses) into
 * rec->devs; a missing device is an error. */
int netdev_gather(struct net_ctx *c, const struct network_plan *p, struct spec_netrecord *rec,
		  struct brig_error *err);
/* Moves them into the container, renamed, with their addresses, up. */
int netdev_move_in(struct net_ctx *c, const struct spec_netrecord *rec, struct brig_error *err);
/* Brings each back under its host name with its addresses, wherever it is. */
int netdev_move_out(struct net_ctx *c, const struct spec_netrecord *rec, struct brig_error *err);
