/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The checks on cores and saved images that kdump save and kdump info share. */
#ifndef KJ_KDUMP_IMAGE_CHECK_H
#define KJ_KDUMP_IMAGE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "image-notes.h"
#include "kj-error.h"

/*
 * The bounds a save checks before it walks a core page by page (pure, for
 * tests and fuzz-core): the top (end of the highest range) of the memory
 * the KEXECJMP memory-map note among notes describes, 0 without one; and
 * whether every PT_LOAD of c ends at or below top and all of them
 * together cover no more than top bytes (0, or -1 with err:
 * "NAME: PT_LOAD N (...) lies beyond the memory MAP describes ...").
 */
uint64_t kdump_memmap_top(const uint8_t *notes, size_t len);
int kdump_loads_fit(const struct core *c, const char *name, uint64_t top, const char *map,
		    struct kj_error *err);

/* Open a saved image: *fd and *c (to core_free() and close()) and the
 * verdict on its notes in *in.  Fails (nothing left open) for a file that
 * is no core, has no KEXECJMP image note, or whose PT_LOADs lie beyond the
 * memory its memory-map note describes. */
int kdump_image_open(const char *path, int *fd, struct core *c, struct image_notes *in,
		     struct kj_error *err);
/* Re-read the image's data and compare it with its stored SHA-256. */
int kdump_verify_image(const char *path, struct kj_error *err);

#endif
