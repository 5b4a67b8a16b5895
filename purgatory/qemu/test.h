/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by mkpayload.c and stub.S: the QEMU purgatory test's fixed layout. */
#ifndef KJ_PURGATORY_QEMU_TEST_H
#define KJ_PURGATORY_QEMU_TEST_H

#define T_PURG_ADDR  0x200000 /* where the purgatory is loaded */
#define T_NEXT32     0x300000 /* 32-bit "next image" */
#define T_NEXT64     0x300400 /* 64-bit "next image" */
#define T_DATA_ADDR  0x600000 /* the region the purgatory checks */
#define T_DATA_SIZE  0x30000
#define T_STACK_NEXT 0x380000 /* esp/rsp handed to the next image */

/* register values handed to the next image */
#define T_EAX 0x11111111
#define T_EBX 0x22222222
#define T_ECX 0x33333333
#define T_EDX 0x44444444
#define T_ESI 0x55555555
#define T_EDI 0x66666666
#define T_EBP 0x77777777
/* 64-bit: low halves as above, plus r8..r15 = 0x0808...08 .. 0x0f0f...0f */
#define T_HI  0xa5a5a5a5

#define T_DEBUG_EXIT_PORT 0xf4
#endif
