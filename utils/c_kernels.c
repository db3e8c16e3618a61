/* The max pooling loops of utils.fast_max_pool2d, which torch's elementwise operations cannot express:
 * utils/c_kernels.py compiles this file with the system's C compiler on first use and calls it on
 * float32 (N*C, H, W) planes.
 *
 * Geometry, as in torch: output (i, j) of a plane reads the cells (i*sh - ph + a*dh, j*sw - pw + b*dw)
 * for a < kh, b < kw; cells outside the plane are padding and never win. A NaN wins its window.
 *
 * The algorithm is separable, one output row at a time: the maximum over the window's rows of whole
 * input rows goes into a buffer of one row (contiguous loops, which the compiler vectorises; each
 * input row comes from memory once), then each output takes the maximum over its window's columns
 * of that buffer, which stays in the cache. */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The geometry g[] that every function takes, in the order utils/c_kernels.py writes it. */
enum { H, W, OUT_H, OUT_W, KH, KW, SH, SW, PH, PW, DH, DW };

/* The larger of two floats, as one max instruction. It may drop a NaN, so every loop that uses it
 * also notes whether it met one, and a row that holds a NaN is redone by the exact loops. */
static inline float plain_max(float best, float value) {
    return value > best ? value : best;
}

/* Taps [*lo, *hi) of a window starting at cell `start` (k taps, `d` apart) that lie in [0, n). */
static void real_taps(int64_t start, int64_t k, int64_t d, int64_t n, int64_t *lo, int64_t *hi) {
    *lo = start < 0 ? (-start + d - 1) / d : 0;
    *hi = start >= n ? 0 : (n - 1 - start) / d + 1;
    if (*hi > k) *hi = k;
}

/* The outputs j in [*lo, *hi) all of whose column taps are real: their loop needs no checks. */
static void inner_outputs(const int64_t *g, int64_t *lo, int64_t *hi) {
    int64_t last = g[W] - 1 + g[PW] - (g[KW] - 1) * g[DW];  /* the last output's first cell, shifted by pw */
    *lo = (g[PW] + g[SW] - 1) / g[SW];
    *hi = last < 0 ? 0 : last / g[SW] + 1;
    if (*hi > g[OUT_W]) *hi = g[OUT_W];
    if (*hi < *lo) *hi = *lo;
}

/* Values only, the rows pass for output row i: the maximum of each column over the window's rows.
 * Returns the number of real rows in the window; sets *nan if a cell it read is NaN. */
static int64_t rows_max(const float *plane, float *row, int64_t i, const int64_t *g, int *nan) {
    int64_t start = i * g[SH] - g[PH], a_lo, a_hi;
    int seen = 0;
    real_taps(start, g[KH], g[DH], g[H], &a_lo, &a_hi);
    for (int64_t a = a_lo; a < a_hi; a++) {
        const float *cells = plane + (start + a * g[DH]) * g[W];
        if (a == a_lo)
            for (int64_t c = 0; c < g[W]; c++) {
                row[c] = cells[c];
                seen |= cells[c] != cells[c];
            }
        else
            for (int64_t c = 0; c < g[W]; c++) {
                row[c] = plain_max(row[c], cells[c]);
                seen |= cells[c] != cells[c];
            }
    }
    *nan = seen;
    return a_hi > a_lo ? a_hi - a_lo : 0;
}

/* The outputs in [j_lo, j_hi), whose taps are all real. Inlined with a constant stride, the loads of
 * every `stride`-th cell become a few vector loads and shuffles instead of one load per cell. */
static inline __attribute__((always_inline)) void columns_inside(const float *row, float *out, int64_t stride,
                                                                const int64_t *g, int64_t j_lo, int64_t j_hi) {
    const float *cells = row - g[PW];
    for (int64_t j = j_lo; j < j_hi; j++) out[j] = cells[j * stride];
    for (int64_t b = 1; b < g[KW]; b++) {
        cells = row + b * g[DW] - g[PW];
        for (int64_t j = j_lo; j < j_hi; j++) out[j] = plain_max(out[j], cells[j * stride]);
    }
}

/* Values only, the columns pass of a row without NaN: each output's maximum over its window's columns. */
static void columns_max(const float *row, float *out, const int64_t *g, int64_t j_lo, int64_t j_hi) {
    if (g[SW] == 2)  /* the common case of downsampling */
        columns_inside(row, out, 2, g, j_lo, j_hi);
    else
        columns_inside(row, out, g[SW], g, j_lo, j_hi);
    for (int64_t j = 0; j < g[OUT_W]; j++) {  /* the outputs near the borders */
        if (j == j_lo) j = j_hi;
        if (j >= g[OUT_W]) break;
        int64_t first = j * g[SW] - g[PW], b_lo, b_hi;
        real_taps(first, g[KW], g[DW], g[W], &b_lo, &b_hi);
        float best = -INFINITY;
        for (int64_t b = b_lo; b < b_hi; b++) best = plain_max(best, row[first + b * g[DW]]);
        out[j] = best;
    }
}

/* With indices (or NaNs), the rows pass by torch's rule in row order: a cell replaces the running
 * maximum of its column if it is larger or NaN; `row_at` keeps the row it came from. */
static void rows_argmax(const float *plane, float *row, int32_t *row_at, int64_t i, const int64_t *g) {
    int64_t start = i * g[SH] - g[PH], a_lo, a_hi;
    real_taps(start, g[KH], g[DH], g[H], &a_lo, &a_hi);
    for (int64_t a = a_lo; a < a_hi; a++) {
        int32_t r = (int32_t) (start + a * g[DH]);
        const float *cells = plane + r * g[W];
        if (a == a_lo)
            for (int64_t c = 0; c < g[W]; c++) {
                row[c] = cells[c];
                row_at[c] = r;
            }
        else
            for (int64_t c = 0; c < g[W]; c++) {
                int take = (cells[c] > row[c]) | (cells[c] != cells[c]);
                row[c] = take ? cells[c] : row[c];
                row_at[c] = take ? r : row_at[c];
            }
    }
}

/* With indices (or NaNs), the columns pass. Torch's kernel scans a window row by row and keeps the
 * first cell larger than all before it, or the last NaN: the first cell, in row-major order, that
 * equals the window's maximum, or the last NaN. Of the columns, the one whose candidate comes first
 * (or, for NaN, last) in row-major order holds it: the offset r*W + c orders cells row-major. The
 * value is read back from that cell, so that a tie of -0 and +0 reports the sign torch reports. A
 * window with no real cell reports -inf and its first cell at or after row and column 0, which may
 * lie outside the plane, as torch does. Selects, not branches: which column wins is random, and a
 * branch the CPU guesses wrong costs more than the work. */
static void columns_argmax(const float *plane, const float *row, const int32_t *row_at, float *out, int64_t *at,
                           int64_t i, const int64_t *g, int64_t j_lo, int64_t j_hi) {
    int64_t start = i * g[SH] - g[PH], a_lo, a_hi;
    real_taps(start, g[KH], g[DH], g[H], &a_lo, &a_hi);
    for (int64_t j = 0; j < g[OUT_W]; j++) {
        int64_t first = j * g[SW] - g[PW], b_lo = 0, b_hi = g[KW];
        if (j < j_lo || j >= j_hi)  /* near a border: a division, which inner outputs can skip */
            real_taps(first, g[KW], g[DW], g[W], &b_lo, &b_hi);
        if (a_lo >= a_hi || b_lo >= b_hi) {
            out[j] = -INFINITY;
            at[j] = (start + a_lo * g[DH]) * g[W] + first + b_lo * g[DW];
            continue;
        }
        float best = -INFINITY;
        int nan = 0;
        for (int64_t b = b_lo; b < b_hi; b++) {
            float value = row[first + b * g[DW]];
            best = plain_max(best, value);
            nan |= value != value;
        }
        int64_t pick = nan ? -1 : INT64_MAX;
        for (int64_t b = b_lo; b < b_hi; b++) {
            int64_t c = first + b * g[DW], cell = row_at[c] * g[W] + c;
            if (nan)
                pick = (row[c] != row[c]) & (cell > pick) ? cell : pick;
            else
                pick = (row[c] == best) & (cell < pick) ? cell : pick;
        }
        at[j] = pick;
        out[j] = plane[pick];
    }
}

/* Max pooling of `planes` planes of x (H, W) into y (OUT_H, OUT_W), and, when `indices` is not NULL,
 * the flat offsets r*W + c of the maxima in their planes. The planes are cut into `parts` ranges, run
 * on OpenMP threads when the library was built with OpenMP (torch's own threads: see c_kernels.py),
 * each with buffers of its own. Returns 0, or -1 if the memory for those ran out. */
int max_pool2d(const float *x, float *y, int64_t *indices, int64_t planes, const int64_t *geometry, int64_t parts) {
    int64_t g[12], j_lo, j_hi;
    int failed = 0;
    memcpy(g, geometry, sizeof g);  /* a local copy: the stores to `indices` cannot change it */
    inner_outputs(g, &j_lo, &j_hi);
    #pragma omp parallel for num_threads(parts) schedule(static, 1) reduction(|:failed)
    for (int64_t part = 0; part < parts; part++) {
        float *row = malloc(g[W] * sizeof(float));
        int32_t *row_at = malloc(g[W] * sizeof(int32_t));
        int64_t *at = malloc(g[OUT_W] * sizeof(int64_t));  /* the offsets of a row that holds a NaN */
        if (row == NULL || row_at == NULL || at == NULL) {
            failed = 1;
        } else {
            for (int64_t p = planes * part / parts; p < planes * (part + 1) / parts; p++) {
                const float *plane = x + p * g[H] * g[W];
                for (int64_t i = 0; i < g[OUT_H]; i++) {
                    int64_t o = (p * g[OUT_H] + i) * g[OUT_W];
                    int nan = 0;
                    int64_t real_rows = indices == NULL ? rows_max(plane, row, i, g, &nan) : 0;
                    if (indices != NULL || nan) {
                        rows_argmax(plane, row, row_at, i, g);
                        columns_argmax(plane, row, row_at, y + o, indices != NULL ? indices + o : at, i, g, j_lo, j_hi);
                    } else if (real_rows == 0) {
                        for (int64_t j = 0; j < g[OUT_W]; j++) y[o + j] = -INFINITY;
                    } else {
                        columns_max(row, y + o, g, j_lo, j_hi);
                    }
                }
            }
        }
        free(row);
        free(row_at);
        free(at);
    }
    return failed ? -1 : 0;
}
