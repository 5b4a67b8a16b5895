/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump info: what a saved image holds. */
#ifndef KJ_KDUMP_INFO_H
#define KJ_KDUMP_INFO_H

#include <stdio.h>

#include "kj-error.h"

/* Print what a saved image holds. */
int kdump_info(const char *path, FILE *out, struct kj_error *err);

#endif
