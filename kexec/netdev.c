/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Network interfaces down before kexec -e, up again after a jump back. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netdev.h"

/* Bring network interfaces down before the jump, as kexec-tools does, so
 * that no device DMAs into memory the new kernel is using. */
void ifdown(struct ifdown_list *down, bool debug)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	int s;

	down->n = 0;
	if (!ifs)
		return;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (i = ifs; s >= 0 && i->if_index; i++) {
		struct ifreq ifr;

		if (!strcmp(i->if_name, "lo"))
			continue;
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->if_name);
		if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0 || !(ifr.ifr_flags & IFF_UP))
			continue;
		ifr.ifr_flags &= ~IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
			if (debug)
				fprintf(stderr, "kexec: cannot bring %s down: %s\n", i->if_name,
					strerror(errno));
		} else if (down->n < KJ_MAX_IFDOWN) {
			snprintf(down->name[down->n++], IFNAMSIZ, "%s", i->if_name);
		}
	}
	if (s >= 0)
		close(s);
	if_freenameindex(ifs);
}

/* The jump came back: what ifdown() took down goes up again. */
void ifup(const struct ifdown_list *down, bool debug)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	for (unsigned i = 0; s >= 0 && i < down->n; i++) {
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", down->name[i]);
		if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
			continue;
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0 && debug)
			fprintf(stderr, "kexec: cannot bring %s up again: %s\n", down->name[i],
				strerror(errno));
	}
	if (s >= 0)
		close(s);
}
