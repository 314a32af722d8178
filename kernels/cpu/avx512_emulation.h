/*
 * For a test build of libbitnet_cpu only (cmake/: libbitnet_cpu_avx512_emulated, never shipped): the kernel set
 * "avx512-vnni" compiled from the same source through SIMDe (the Debian package libsimde-dev), whose native aliases
 * turn every _mm512_* intrinsic into AVX2 code, so the tests run the AVX-512 kernels on CPUs without AVX-512. It
 * checks their logic (layouts, tiles, tails, row ranges); their speed means nothing.
 *
 * SIMDe 0.7.4 (Debian 12) lacks the few intrinsics below; each is written out here with the meaning Intel gives
 * it. The two sums of 16 lanes add in the order of GCC's own _mm512_reduce_add_* (halves, then quarters, then
 * lanes i and i + 2, then 0 and 1), so a float sum has the bits that the real instruction sequence gives.
 */
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

static inline simde__m512i bitnet_emu_srai_epi32(simde__m512i a, int n) {
    simde__m512i_private p = simde__m512i_to_private(a);
    for (int i = 0; i < 16; i++) p.i32[i] >>= n < 31 ? n : 31;
    return simde__m512i_from_private(p);
}

static inline simde__m512i bitnet_emu_cvtepi8_epi32(simde__m128i a) {
    simde__m128i_private p = simde__m128i_to_private(a);
    simde__m512i_private r;
    for (int i = 0; i < 16; i++) r.i32[i] = p.i8[i];
    return simde__m512i_from_private(r);
}

static inline simde__m512 bitnet_emu_cvtepi32_ps(simde__m512i a) {
    simde__m512i_private p = simde__m512i_to_private(a);
    simde__m512_private r;
    for (int i = 0; i < 16; i++) r.f32[i] = (float) p.i32[i];
    return simde__m512_from_private(r);
}

/* 16 halves to floats: two F16C conversions of 8 (the emulated build targets AVX2 + F16C) */
static inline simde__m512 bitnet_emu_cvtph_ps(simde__m256i a) {
    simde__m256i_private p = simde__m256i_to_private(a);
    simde__m512_private r;
    _mm256_storeu_ps(&r.f32[0], _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) &p.i16[0])));
    _mm256_storeu_ps(&r.f32[8], _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) &p.i16[8])));
    return simde__m512_from_private(r);
}

static inline int bitnet_emu_reduce_add_epi32(simde__m512i a) {
    simde__m512i_private p = simde__m512i_to_private(a);
    int32_t s = 0;
    for (int i = 0; i < 16; i++) s += p.i32[i];
    return s;
}

static inline float bitnet_emu_reduce_add_ps(simde__m512 a) {
    simde__m512_private p = simde__m512_to_private(a);
    float t8[8], t4[4], t2[2];
    for (int i = 0; i < 8; i++) t8[i] = p.f32[8 + i] + p.f32[i];
    for (int i = 0; i < 4; i++) t4[i] = t8[4 + i] + t8[i];
    for (int i = 0; i < 2; i++) t2[i] = t4[i] + t4[i + 2];
    return t2[0] + t2[1];
}

/* GCC's immintrin.h declares these for AVX-512 targets only (a later SIMDe may alias them): the names now mean the
 * functions above */
#undef _mm512_srai_epi32
#define _mm512_srai_epi32 bitnet_emu_srai_epi32
#undef _mm512_cvtepi8_epi32
#define _mm512_cvtepi8_epi32 bitnet_emu_cvtepi8_epi32
#undef _mm512_cvtepi32_ps
#define _mm512_cvtepi32_ps bitnet_emu_cvtepi32_ps
#undef _mm512_cvtph_ps
#define _mm512_cvtph_ps bitnet_emu_cvtph_ps
#undef _mm512_reduce_add_epi32
#define _mm512_reduce_add_epi32 bitnet_emu_reduce_add_epi32
#undef _mm512_reduce_add_ps
#define _mm512_reduce_add_ps bitnet_emu_reduce_add_ps
