/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump info / verification of saved images. */
#ifndef KJ_KDUMP_INFO_H
#define KJ_KDUMP_INFO_H

#include <stdio.h>

#include "kj-error.h"

/* Print what a saved image holds. */
int kdump_info(const char *path, FILE *out, struct kj_error *err);
/* Re-read the image's data and compare it with its stored SHA-256. */
int kdump_verify_image(const char *path, struct kj_error *err);

#endif
