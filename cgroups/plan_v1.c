// SPDX-License-Identifier: Apache-2.0
/* The v1 translation: on a hybrid host, a controller bound to a v1 hierarchy gets the same
 * decisions as plan.c makes for v2, written under v1's file names. The v1 devices rules
 * are in devices.c beside the BPF program they mirror. */
#include "cgroups/internal.h"

void plan_memory_v1(struct plan_ctx *c, const struct mem_want *w)
{
	const char *m = "memory";
	/* memsw must stay >= the limit: raising both needs memsw first, lowering both the
	 * limit first. Write the limit first and, if the kernel refuses it, memsw and then
	 * the limit again (crun's order). Without swap accounting memsw does not exist. */
	if (w->limit)
		plan_add(c, m, "linux.resources.memory.limit",
			 w->swap ? CGROUPS_WRITE_RETRY_AFTER_NEXT : 0, "memory.limit_in_bytes",
			 "%lld", (long long)w->limit_v);
	if (w->swap)
		plan_add(c, m, "linux.resources.memory.swap", CGROUPS_WRITE_OPTIONAL,
			 "memory.memsw.limit_in_bytes", "%lld", (long long)w->swap_v);
	if (w->reservation)
		plan_add(c, m, "linux.resources.memory.reservation", 0,
			 "memory.soft_limit_in_bytes", "%lld", (long long)w->reservation_v);
	/* kernel memory limits are gone from new kernels (5.16 deprecated, 6.x removed) */
	if (w->kernel)
		plan_add(c, m, "linux.resources.memory.kernel", CGROUPS_WRITE_OPTIONAL,
			 "memory.kmem.limit_in_bytes", "%lld", (long long)w->kernel_v);
	if (w->kernel_tcp)
		plan_add(c, m, "linux.resources.memory.kernelTCP", CGROUPS_WRITE_OPTIONAL,
			 "memory.kmem.tcp.limit_in_bytes", "%lld", (long long)w->kernel_tcp_v);
	if (w->swappiness)
		plan_add(c, m, "linux.resources.memory.swappiness", 0, "memory.swappiness", "%llu",
			 (unsigned long long)w->swappiness_v);
	if (w->oom_disable)
		plan_add(c, m, "linux.resources.memory.disableOOMKiller", 0, "memory.oom_control",
			 "1");
	/* deprecated: new kernels only take 1 */
	if (w->hierarchy)
		plan_add(c, m, "linux.resources.memory.useHierarchy", CGROUPS_WRITE_OPTIONAL,
			 "memory.use_hierarchy", "%d", w->hierarchy_v ? 1 : 0);
}

void plan_cpu_v1(struct plan_ctx *c, const struct cpu_want *w)
{
	const char *m = "cpu";
	if (w->shares)
		plan_add(c, m, "linux.resources.cpu.shares", 0, "cpu.shares", "%llu",
			 (unsigned long long)w->shares_v);
	/* a shorter period can exceed the parent's quota/period until the new quota is in:
	 * on EINVAL write the quota first (crun) */
	if (w->period)
		plan_add(c, m, "linux.resources.cpu.period",
			 w->quota ? CGROUPS_WRITE_RETRY_AFTER_NEXT : 0, "cpu.cfs_period_us", "%llu",
			 (unsigned long long)w->period_v);
	if (w->quota)
		plan_add(c, m, "linux.resources.cpu.quota", 0, "cpu.cfs_quota_us", "%lld",
			 (long long)w->quota_v);
	if (w->burst)
		plan_add(c, m, "linux.resources.cpu.burst", 0, "cpu.cfs_burst_us", "%llu",
			 (unsigned long long)w->burst_v);
	if (w->rt_period)
		plan_add(c, m, "linux.resources.cpu.realtimePeriod",
			 w->rt_runtime ? CGROUPS_WRITE_RETRY_AFTER_NEXT : 0, "cpu.rt_period_us",
			 "%llu", (unsigned long long)w->rt_period_v);
	if (w->rt_runtime)
		plan_add(c, m, "linux.resources.cpu.realtimeRuntime", 0, "cpu.rt_runtime_us",
			 "%lld", (long long)w->rt_runtime_v);
	if (w->idle)
		plan_add(c, m, "linux.resources.cpu.idle", 0, "cpu.idle", "%lld",
			 (long long)w->idle_v);
}

static void blkio_v1_weights(struct plan_ctx *c, const struct spec_blkio *b)
{
	const char *m = "blkio";
	/* with BFQ (CFQ is gone since 5.0) the files are blkio.bfq.* */
	if (b->weight.set) {
		plan_add(c, m, "linux.resources.blockIO.weight", 0, "blkio.weight", "%llu",
			 (unsigned long long)b->weight.value);
		plan_alt(c, "blkio.bfq.weight", "%llu", (unsigned long long)b->weight.value);
	}
	if (b->leaf_weight.set)
		plan_add(c, m, "linux.resources.blockIO.leafWeight", 0, "blkio.leaf_weight", "%llu",
			 (unsigned long long)b->leaf_weight.value);
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct spec_weight_device *d = &b->weight_devices[i];
		_cleanup_free_ char *field =
		    xasprintf("linux.resources.blockIO.weightDevice[%zu]", i);
		if (d->weight.set) {
			plan_add(c, m, field, 0, "blkio.weight_device", "%lld:%lld %llu",
				 (long long)d->major, (long long)d->minor,
				 (unsigned long long)d->weight.value);
			plan_alt(c, "blkio.bfq.weight_device", "%lld:%lld %llu",
				 (long long)d->major, (long long)d->minor,
				 (unsigned long long)d->weight.value);
		}
		if (d->leaf_weight.set)
			plan_add(c, m, field, 0, "blkio.leaf_weight_device", "%lld:%lld %llu",
				 (long long)d->major, (long long)d->minor,
				 (unsigned long long)d->leaf_weight.value);
	}
}

void plan_blkio_v1(struct plan_ctx *c, const struct spec_blkio *b)
{
	static const struct {
		const char *field, *file;
		size_t offset;
	} lists[] = {
	    {"throttleReadBpsDevice", "blkio.throttle.read_bps_device",
	     offsetof(struct spec_blkio, read_bps)},
	    {"throttleWriteBpsDevice", "blkio.throttle.write_bps_device",
	     offsetof(struct spec_blkio, write_bps)},
	    {"throttleReadIOPSDevice", "blkio.throttle.read_iops_device",
	     offsetof(struct spec_blkio, read_iops)},
	    {"throttleWriteIOPSDevice", "blkio.throttle.write_iops_device",
	     offsetof(struct spec_blkio, write_iops)},
	};
	blkio_v1_weights(c, b);
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		const struct spec_throttle_list *l =
		    (const struct spec_throttle_list *)((const char *)b + lists[i].offset);
		for (size_t j = 0; j < l->n; j++) {
			_cleanup_free_ char *field =
			    xasprintf("linux.resources.blockIO.%s[%zu]", lists[i].field, j);
			plan_add(c, "blkio", field, 0, lists[i].file, "%lld:%lld %llu",
				 (long long)l->devices[j].major, (long long)l->devices[j].minor,
				 (unsigned long long)l->devices[j].rate);
		}
	}
}
