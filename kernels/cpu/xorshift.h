/* The C tools' reproducible random numbers (kernel_check.c, kernel_speed.c): xorshift64*, the same sequence on every
 * machine and compiler. */
#ifndef BITNET_XORSHIFT_H
#define BITNET_XORSHIFT_H
#include <stdint.h>

static uint64_t xorshift_state = 0x9E3779B97F4A7C15ull;

static inline uint32_t next(void) {
    xorshift_state ^= xorshift_state >> 12;
    xorshift_state ^= xorshift_state << 25;
    xorshift_state ^= xorshift_state >> 27;
    return (uint32_t) ((xorshift_state * 0x2545F4914F6CDD1Dull) >> 32);
}

#endif
