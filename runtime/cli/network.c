// SPDX-License-Identifier: Apache-2.0
/* `brig network create|ls|inspect|rm`: brig's own internal networks, Linux
 * bridges with no uplink (docs/networking.md; netlink/ does the work). */
#include "netlink/netlink.h"
#include "runtime/cli/cli.h"

struct net_create_opts {
	const char *subnet;
	bool internal;
	bool host_reachable;
	bool no_icc;
	const char *mtu;
};

#define N(field) offsetof(struct net_create_opts, field)
static const struct cli_opt create_opts[] = {
    {"subnet", 0, CLI_STRING, N(subnet), "CIDR", "the network's IPv4 subnet (required)"},
    {"internal", 0, CLI_FLAG, N(internal), NULL, "containers reach each other only (the default)"},
    {"host-reachable", 0, CLI_FLAG, N(host_reachable), NULL,
     "the host has the subnet's first address on the bridge"},
    {"no-icc", 0, CLI_FLAG, N(no_icc), NULL, "containers cannot reach each other"},
    {"mtu", 0, CLI_STRING, N(mtu), "N", "the bridge's and veths' MTU, 68 to 65535"},
};

static int net_create(const struct global_opts *g, void *opts, char **args, size_t n,
		      struct brig_error *err)
{
	(void)g, (void)n;
	const struct net_create_opts *o = opts;
	struct spec_network net = {.icc = !o->no_icc};
	int64_t mtu = 0;
	if (!network_privileged())
		return err_set(err, EPERM, "brig's networks need root: they are host bridges");
	if (o->internal && o->host_reachable)
		return err_set(err, EINVAL, "--internal and --host-reachable exclude each other");
	if (!o->subnet)
		return err_set(err, EINVAL, "--subnet CIDR is required");
	if (o->mtu && parse_int64(o->mtu, 68, 65535, &mtu) < 0)
		return err_set(err, EINVAL, "--mtu: want 68..65535, not '%s'", o->mtu);
	net.mtu = (uint32_t)mtu;
	net.mode = o->host_reachable ? SPEC_NET_HOST_REACHABLE : SPEC_NET_INTERNAL;
	net.name = xstrdup(args[0]);
	int r = spec_cidr_parse(o->subnet, &net.subnet, err);
	if (r == 0)
		r = network_create(&net, err);
	spec_network_clear(&net);
	return r;
}

struct net_ls_opts {
	bool quiet;
};

static const struct cli_opt ls_opts[] = {
    {"quiet", 'q', CLI_FLAG, offsetof(struct net_ls_opts, quiet), NULL, "print only the names"},
};

static void print_row(int dir_fd, const struct spec_network *n)
{
	struct spec_lease *v;
	size_t nv;
	struct brig_error ignored;
	char net[16], cidr[24];
	if (netstore_leases(dir_fd, n->name, &v, &nv, &ignored) < 0)
		v = NULL, nv = 0;
	spec_ipv4_format(n->subnet.addr, net);
	snprintf(cidr, sizeof(cidr), "%s/%u", net, n->subnet.prefix);
	printf("%-20s %-18s %-15s %-4s %-5u %-15s %zu\n", n->name, cidr,
	       n->mode == SPEC_NET_HOST_REACHABLE ? "host-reachable" : "internal",
	       n->icc ? "yes" : "no", n->mtu, n->bridge, nv);
	spec_leases_free(v, nv);
}

static int net_ls(const struct global_opts *g, void *opts, char **args, size_t n_args,
		  struct brig_error *err)
{
	(void)g, (void)args, (void)n_args;
	bool quiet = ((const struct net_ls_opts *)opts)->quiet;
	struct netstore st;
	if (netstore_open(network_dir(), false, &st, err) < 0)
		return err->errnum == ENOENT ? (quiet ? 0 : (printf("NAME\n"), 0)) : -1;
	_cleanup_strv_ char **names = NULL;
	int r = netstore_list(st.dir_fd, &names, err);
	if (r == 0 && !quiet)
		printf("%-20s %-18s %-15s %-4s %-5s %-15s %s\n", "NAME", "SUBNET", "MODE", "ICC",
		       "MTU", "BRIDGE", "CONTAINERS");
	for (char **p = names; r == 0 && *p; p++) {
		struct spec_network n = {0};
		if (quiet) {
			printf("%s\n", *p);
		} else if (netstore_load(st.dir_fd, *p, &n, err) == 0) {
			print_row(st.dir_fd, &n);
			spec_network_clear(&n);
		}
	}
	netstore_close(&st);
	return r;
}

static int net_inspect(const struct global_opts *g, void *opts, char **args, size_t n_args,
		       struct brig_error *err)
{
	(void)g, (void)opts, (void)n_args;
	const char *name = args[0];
	if (spec_network_name_validate(name, err) < 0)
		return -1;
	struct netstore st;
	if (netstore_open(network_dir(), false, &st, err) < 0)
		return err->errnum == ENOENT
			   ? err_set(err, ENOENT, "network '%s' does not exist", name)
			   : -1;
	struct spec_network n = {0};
	struct spec_lease *v = NULL;
	size_t nv = 0;
	int r = netstore_load(st.dir_fd, name, &n, err);
	if (r == 0 && (r = netstore_leases(st.dir_fd, n.name, &v, &nv, err)) == 0) {
		_cleanup_free_ char *text = spec_network_format_inspect(&n, v, nv);
		printf("%s\n", text);
	}
	spec_network_clear(&n);
	spec_leases_free(v, nv);
	netstore_close(&st);
	return r;
}

static int net_rm(const struct global_opts *g, void *opts, char **args, size_t n,
		  struct brig_error *err)
{
	(void)g, (void)opts, (void)n;
	if (!network_privileged())
		return err_set(err, EPERM, "brig's networks need root: they are host bridges");
	return network_remove(args[0], err);
}

static const struct cli_verb net_create_verb = {
    .name = "network create",
    .summary = "create a network: a bridge with no uplink",
    .args = "NAME",
    .opts = CLI_OPTS(create_opts),
    .opts_size = sizeof(struct net_create_opts),
    .min_args = 1,
    .max_args = 1,
    .run = net_create,
};

static const struct cli_verb net_ls_verb = {
    .name = "network ls",
    .summary = "list the networks",
    .opts = CLI_OPTS(ls_opts),
    .opts_size = sizeof(struct net_ls_opts),
    .run = net_ls,
};

static const struct cli_verb net_inspect_verb = {
    .name = "network inspect",
    .summary = "a network's definition and leases as JSON",
    .args = "NAME",
    .min_args = 1,
    .max_args = 1,
    .run = net_inspect,
};

static const struct cli_verb net_rm_verb = {
    .name = "network rm",
    .summary = "remove a network no container is attached to",
    .args = "NAME",
    .min_args = 1,
    .max_args = 1,
    .run = net_rm,
};

static const struct cli_verb *const network_subs[] = {&net_create_verb, &net_ls_verb,
						      &net_inspect_verb, &net_rm_verb, NULL};

const struct cli_verb cli_network = {
    .name = "network",
    .summary = "manage brig's internal networks",
    .args = "create|ls|inspect|rm ...",
    .description = "brig's own networks: Linux bridges with no uplink that containers join with "
		   "--network NAME[:ADDR] or the run.brig.network annotation (docs/networking.md). "
		   "Definitions live in /var/lib/brig/networks ($BRIG_NETWORK_DIR).",
    .subs = network_subs,
};
