/*
 * How close libbitnet_cpu's decode kernels come to the machine's memory bandwidth, without Java: the ternary rows
 * (one token, 2B4T's 6912 x 2560 matrices, copies of it far past the caches) and the f16 LM head (one hidden state,
 * 2B4T's 128256 x 2560 rows) against a plain read of the same bytes, on N threads, in alternating rounds in one
 * process, so that the host's bandwidth, which moves by tens of percent on a shared VM, moves all three alike. What
 * bench --profile cannot tell apart (a kernel short of the bandwidth, or the Java around it: hand-offs, the serial
 * steps) this can. Built and run by cmake/kernel-speed.sh; prints, per kernel, the best and mean time of a pass and
 * both as a share of the plain read's.
 *
 *   kernel_speed [-t THREADS] [-r ROUNDS] [-i ISA]      (ISA: a set number as in bitnet_cpu_supports; default: the
 *                                                        best set this CPU runs)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bitnet_cpu.h"
#include "xorshift.h"

enum { COLS = 2560, TERNARY_ROWS = 6912, HEAD_ROWS = 128256, MAX_THREADS = 64 };
static const int64_t TERNARY_BYTES_TARGET = 256ll << 20; /* 8x a large L3: every pass comes from memory */

enum kernel { READ_TERNARY, TERNARY, READ_HEAD, HEAD, KERNELS };
static const char *NAMES[KERNELS] = {"read (ternary bytes)", "ternary rows, 1 token", "read (head bytes)",
                                     "f16 head, 1 state"};

static int isa, threads = 2, copies;
static int64_t matrixBytes;
static uint8_t *ternary;
static uint16_t *head;
static int8_t q[COLS];
static int32_t qSum;
static float qScale = 1, hidden[COLS], *out;
static volatile uint64_t sink;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* A plain read: four independent sums of vectors, the widest this CPU loads (as bench's Java probe, which takes the
 * preferred vector species): on this AVX2 VM 16-byte loads read 20-40% less than 32-byte ones, fewer lines in flight
 * for the same load queue. */
#define DEFINE_READ(NAME, ATTR, BYTES)                                                                                \
    ATTR static uint64_t NAME(const uint8_t *p, int64_t n) {                                                         \
        typedef uint64_t vec __attribute__((vector_size(BYTES)));                                                    \
        vec s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0}, v0, v1, v2, v3;                                                  \
        for (int64_t i = 0; i + 4 * (BYTES) <= n; i += 4 * (BYTES)) {                                                \
            memcpy(&v0, p + i, BYTES);                                                                               \
            memcpy(&v1, p + i + (BYTES), BYTES);                                                                     \
            memcpy(&v2, p + i + 2 * (BYTES), BYTES);                                                                 \
            memcpy(&v3, p + i + 3 * (BYTES), BYTES);                                                                 \
            s0 += v0;                                                                                                \
            s1 += v1;                                                                                                \
            s2 += v2;                                                                                                \
            s3 += v3;                                                                                                \
        }                                                                                                            \
        vec s = s0 + s1 + s2 + s3;                                                                                   \
        uint64_t sum = 0;                                                                                            \
        for (int k = 0; k < (BYTES) / 8; k++) sum += s[k];                                                           \
        return sum;                                                                                                  \
    }
DEFINE_READ(read_generic, , 16)
#if defined(__x86_64__)
DEFINE_READ(read_avx2, __attribute__((target("avx2"))), 32)
DEFINE_READ(read_avx512, __attribute__((target("avx512f"))), 64)
#endif
static uint64_t (*read_bytes)(const uint8_t *, int64_t) = read_generic;
static const char *readWidth = "16-byte";

/* Rows [from, to) of worker `id` out of `threads`, cut at multiples of 4 (the kernels' row groups). */
static void share(int rows, int id, int *from, int *to) {
    int per = rows / threads / 4 * 4;
    *from = id * per;
    *to = id == threads - 1 ? rows : *from + per;
}

struct job {
    enum kernel kernel;
    int id;
};

static void *work(void *arg) {
    const struct job *j = arg;
    int from, to;
    switch (j->kernel) {
        case READ_TERNARY:
        case TERNARY:
            share(TERNARY_ROWS, j->id, &from, &to);
            for (int c = 0; c < copies; c++) {
                const uint8_t *m = ternary + c * matrixBytes;
                if (j->kernel == TERNARY)
                    bitnet_cpu_ternary_rows(isa, m, COLS, from, to, q, 1, &qSum, &qScale, 1.0f, out, TERNARY_ROWS);
                else /* the group rows' bytes, as the kernel reads them (rows come in groups of four) */
                    sink += read_bytes(m + matrixBytes / TERNARY_ROWS * from, matrixBytes / TERNARY_ROWS * (to - from));
            }
            break;
        case READ_HEAD:
        case HEAD:
            share(HEAD_ROWS, j->id, &from, &to);
            if (j->kernel == HEAD) bitnet_cpu_f16_rows(isa, head, COLS, from, to, hidden, 1, out, HEAD_ROWS);
            else sink += read_bytes((const uint8_t *) (head + (int64_t) from * COLS), (int64_t) (to - from) * COLS * 2);
            break;
        default:
            break;
    }
    return NULL;
}

static double pass(enum kernel k) {
    pthread_t t[MAX_THREADS];
    struct job jobs[MAX_THREADS];
    double t0 = now();
    for (int i = 0; i < threads; i++) {
        jobs[i] = (struct job) {k, i};
        pthread_create(&t[i], NULL, work, &jobs[i]);
    }
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    return now() - t0;
}

int main(int argc, char **argv) {
    int rounds = 10;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) read_bytes = read_avx512, readWidth = "64-byte";
    else if (__builtin_cpu_supports("avx2")) read_bytes = read_avx2, readWidth = "32-byte";
#endif
    isa = bitnet_cpu_supports(0) ? 0 : bitnet_cpu_supports(3) ? 3 : bitnet_cpu_supports(1) ? 1 : 2;
    for (int a = 1; a + 1 < argc; a += 2) {
        if (!strcmp(argv[a], "-t")) threads = atoi(argv[a + 1]);
        else if (!strcmp(argv[a], "-r")) rounds = atoi(argv[a + 1]);
        else if (!strcmp(argv[a], "-i")) isa = atoi(argv[a + 1]);
    }
    if (threads < 1 || threads > MAX_THREADS || rounds < 1 || !bitnet_cpu_supports(isa)) {
        fprintf(stderr, "usage: kernel_speed [-t 1..%d] [-r ROUNDS] [-i ISA this CPU runs]\n", MAX_THREADS);
        return 2;
    }
    if (COLS % bitnet_cpu_block_cols(isa) != 0) {
        fprintf(stderr, "kernel_speed: %d columns are not whole blocks of set %s\n", COLS, bitnet_cpu_isa_name(isa));
        return 2;
    }
    matrixBytes = bitnet_cpu_packed_bytes(isa, TERNARY_ROWS, COLS);
    copies = (int) ((TERNARY_BYTES_TARGET + matrixBytes - 1) / matrixBytes);
    int8_t *trits = malloc((size_t) TERNARY_ROWS * COLS);
    ternary = calloc((size_t) (matrixBytes * copies), 1);
    head = malloc((size_t) HEAD_ROWS * COLS * 2);
    out = malloc(sizeof(float) * HEAD_ROWS);
    if (!trits || !ternary || !head || !out) {
        fprintf(stderr, "kernel_speed: out of memory\n");
        return 1;
    }
    for (int c = 0; c < copies; c++) { /* random trits, packed as the backend packs them */
        for (int64_t i = 0; i < (int64_t) TERNARY_ROWS * COLS; i++) trits[i] = (int8_t) (next() % 3) - 1;
        bitnet_cpu_pack(isa, trits, COLS, COLS, 0, TERNARY_ROWS, ternary + c * matrixBytes);
    }
    for (int64_t i = 0; i < (int64_t) HEAD_ROWS * COLS; i++) /* halves of magnitude below 1, either sign */
        head[i] = (uint16_t) ((next() & 0x8000) | (0x2000 + next() % 0x1800));
    for (int i = 0; i < COLS; i++) {
        q[i] = (int8_t) (next() % 255 - 127);
        qSum += q[i];
        hidden[i] = (float) (next() % 2001) / 1000.0f - 1.0f;
    }

    double best[KERNELS], total[KERNELS] = {0};
    for (int k = 0; k < KERNELS; k++) best[k] = 1e30;
    pass(TERNARY); /* one untimed round: page faults, caches */
    pass(HEAD);
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < KERNELS; k++) {
            double t = pass((enum kernel) k);
            total[k] += t;
            if (t < best[k]) best[k] = t;
        }
    double bytes[KERNELS] = {(double) matrixBytes * copies, (double) matrixBytes * copies,
                             (double) HEAD_ROWS * COLS * 2, (double) HEAD_ROWS * COLS * 2};
    printf("kernel set %s, %d threads, %d rounds, %s reads; ternary: %d copies of %d x %d (%.0f MB); head: %d x %d "
           "f16 (%.0f MB)\n", bitnet_cpu_isa_name(isa), threads, rounds, readWidth, copies, TERNARY_ROWS, COLS,
           bytes[TERNARY] / 1e6, HEAD_ROWS, COLS, bytes[HEAD] / 1e6);
    printf("%-24s %10s %8s %10s %8s %14s\n", "", "best ms", "GB/s", "mean ms", "GB/s", "of read b / m");
    for (int k = 0; k < KERNELS; k++) {
        double mean = total[k] / rounds;
        printf("%-24s %10.2f %8.1f %10.2f %8.1f", NAMES[k], best[k] * 1e3, bytes[k] / best[k] / 1e9, mean * 1e3,
               bytes[k] / mean / 1e9);
        if (k == TERNARY || k == HEAD) /* the read of the same bytes comes just before each kernel */
            printf(" %6.0f%% / %3.0f%%", 100 * best[k - 1] / best[k], 100 * total[k - 1] / total[k]);
        printf("\n");
    }
    return 0;
}
