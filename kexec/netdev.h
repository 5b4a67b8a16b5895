/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The network interfaces around kexec -e (as kexec-tools does). */
#ifndef KJ_NETDEV_H
#define KJ_NETDEV_H

#include <net/if.h>
#include <stdbool.h>

/* Network interfaces brought down before the jump, to bring back up if the
 * jump returns (kexec jump): at most this many. */
#define KJ_MAX_IFDOWN 64
struct ifdown_list {
	char name[KJ_MAX_IFDOWN][IFNAMSIZ];
	unsigned n;
};

/* Bring every interface but lo down, so that no device DMAs into memory
 * the new kernel is using; what went down is in *down. */
void ifdown(struct ifdown_list *down, bool debug);
/* The jump came back: what ifdown() took down goes up again. */
void ifup(const struct ifdown_list *down, bool debug);

#endif
