/*
 * SUNDIALS CVODE on the stiff test problems of `examples/testset.rs`, for the
 * comparison in `benches/external/compare.py` (see README.md there).
 *
 *   cvode_stiff PROBLEM RTOL ATOL REPEAT
 *
 * PROBLEM is robertson (t_end 1e5), hires (321.8122) or pollution (60): the
 * same equations, initial values and end times as sasp's `testset`. CVODE runs
 * its BDF method (orders 1-5) with Newton iterations, a dense direct linear
 * solver and the analytic Jacobian, scalar tolerances, and a stop time at
 * t_end (no overshoot). Each repeat creates, solves and frees everything.
 * Prints one JSON object: the state at t_end, CVODE's counters, and the median
 * wall time of the CVode call alone (`wall_s`, as sasp's `testset` times its
 * solve) and of the whole repeat with creation and set-up (`wall_s_with_setup`).
 */
#define _POSIX_C_SOURCE 199309L
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <time.h>

#define NONE (-1)

/* Pollution (Verwer 1994): rate constants, reactants, changes (0-based). */
static const double POLLUTION_K[25] = {
    0.35,   26.6,    1.23e4, 8.6e-4,  8.2e-4, 1.5e4, 1.3e-4, 2.4e4,   1.65e4,
    9.0e3,  2.2e-2,  1.2e4,  1.88,    1.63e4, 4.8e6, 3.5e-4, 1.75e-2, 1.0e8,
    4.44e11, 1.24e3, 2.1,    5.78,    4.74e-2, 1.78e3, 3.12};
static const int POLLUTION_REACTANTS[25][2] = {
    {0, NONE},  {1, 3},    {4, 1},     {6, NONE},  {6, NONE}, {6, 5},     {8, NONE},
    {8, 5},     {10, 1},   {10, 0},    {12, NONE}, {9, 1},    {13, NONE}, {0, 5},
    {2, NONE},  {3, NONE}, {3, NONE},  {15, NONE}, {15, NONE}, {16, 5},   {18, NONE},
    {18, NONE}, {0, 3},    {18, 0},    {19, NONE}};
/* Up to 5 (species, change) pairs per reaction; species -1 ends the list. */
static const int POLLUTION_SPECIES[25][5] = {
    {0, 1, 2, NONE},     {1, 3, 0, NONE},     {4, 1, 0, 5, NONE}, {6, 4, 7, NONE},
    {6, 7, NONE},        {6, 5, 4, 7, NONE},  {8, 4, 7, 9, NONE}, {8, 5, 10, NONE},
    {10, 1, 0, 9, 11},   {10, 0, 12, NONE},   {12, 0, 10, NONE},  {9, 1, 0, 13, NONE},
    {13, 4, 6, NONE},    {0, 5, 14, NONE},    {2, 3, NONE},       {3, 15, NONE},
    {3, 2, NONE},        {15, 5, NONE},       {15, 2, NONE},      {16, 5, 4, 17, NONE},
    {18, 1, NONE},       {18, 0, 2, NONE},    {0, 3, 18, NONE},   {18, 0, 19, NONE},
    {19, 0, 18, NONE}};
static const double POLLUTION_NU[25][5] = {
    {-1, 1, 1},     {-1, -1, 1},    {-1, -1, 1, 1}, {-1, 2, 1},     {-1, 1},
    {-1, -1, 1, 1}, {-1, 1, 1, 1},  {-1, -1, 1},    {-1, -1, 1, 1, 1}, {-1, -1, 1},
    {-1, 1, 1},     {-1, -1, 1, 1}, {-1, 1, 1},     {-1, -1, 1},    {-1, 1},
    {-1, 1},        {-1, 1},        {-1, 2},        {-1, 1},        {-1, -1, 1, 1},
    {-1, 1},        {-1, 1, 1},     {-1, -1, 1},    {-1, -1, 1},    {-1, 1, 1}};

enum problem { ROBERTSON, HIRES, POLLUTION };

static int rhs(sunrealtype t, N_Vector yv, N_Vector dyv, void *data) {
  (void)t;
  const double *y = N_VGetArrayPointer(yv);
  double *dy = N_VGetArrayPointer(dyv);
  switch (*(enum problem *)data) {
  case ROBERTSON: {
    double a = 0.04 * y[0], b = 1e4 * y[1] * y[2], c = 3e7 * y[1] * y[1];
    dy[0] = -a + b;
    dy[1] = a - b - c;
    dy[2] = c;
    break;
  }
  case HIRES:
    dy[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
    dy[1] = 1.71 * y[0] - 8.75 * y[1];
    dy[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
    dy[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
    dy[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
    dy[5] = -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
    dy[6] = 280.0 * y[5] * y[7] - 1.81 * y[6];
    dy[7] = -dy[6];
    break;
  case POLLUTION:
    memset(dy, 0, 20 * sizeof(double));
    for (int r = 0; r < 25; r++) {
      int a = POLLUTION_REACTANTS[r][0], b = POLLUTION_REACTANTS[r][1];
      double rate = POLLUTION_K[r] * y[a] * (b == NONE ? 1.0 : y[b]);
      for (int m = 0; m < 5 && POLLUTION_SPECIES[r][m] != NONE; m++)
        dy[POLLUTION_SPECIES[r][m]] += POLLUTION_NU[r][m] * rate;
    }
    break;
  }
  return 0;
}

static int jac(sunrealtype t, N_Vector yv, N_Vector fy, SUNMatrix J, void *data, N_Vector t1,
               N_Vector t2, N_Vector t3) {
  (void)t, (void)fy, (void)t1, (void)t2, (void)t3;
  const double *y = N_VGetArrayPointer(yv);
  SUNMatZero(J);
#define SET(i, j, v) (SM_ELEMENT_D(J, i, j) += (v))
  switch (*(enum problem *)data) {
  case ROBERTSON:
    SET(0, 0, -0.04);
    SET(0, 1, 1e4 * y[2]);
    SET(0, 2, 1e4 * y[1]);
    SET(1, 0, 0.04);
    SET(1, 1, -1e4 * y[2] - 6e7 * y[1]);
    SET(1, 2, -1e4 * y[1]);
    SET(2, 1, 6e7 * y[1]);
    break;
  case HIRES: {
    static const struct { int i, j; double v; } lin[] = {
        {0, 0, -1.71}, {0, 1, 0.43},  {0, 2, 8.32},   {1, 0, 1.71},  {1, 1, -8.75},
        {2, 2, -10.03}, {2, 3, 0.43}, {2, 4, 0.035},  {3, 1, 8.32},  {3, 2, 1.71},
        {3, 3, -1.12}, {4, 4, -1.745}, {4, 5, 0.43},  {4, 6, 0.43},  {5, 3, 0.69},
        {5, 4, 1.71},  {5, 5, -0.43}, {5, 6, 0.69},   {6, 6, -1.81}, {7, 6, 1.81}};
    for (size_t k = 0; k < sizeof lin / sizeof lin[0]; k++) SET(lin[k].i, lin[k].j, lin[k].v);
    double a = 280.0 * y[7], b = 280.0 * y[5];
    SET(5, 5, -a);
    SET(5, 7, -b);
    SET(6, 5, a);
    SET(6, 7, b);
    SET(7, 5, -a);
    SET(7, 7, -b);
    break;
  }
  case POLLUTION:
    for (int r = 0; r < 25; r++) {
      int a = POLLUTION_REACTANTS[r][0], b = POLLUTION_REACTANTS[r][1];
      double k = POLLUTION_K[r];
      for (int m = 0; m < 5 && POLLUTION_SPECIES[r][m] != NONE; m++) {
        int i = POLLUTION_SPECIES[r][m];
        double nu = POLLUTION_NU[r][m];
        if (b == NONE) {
          SET(i, a, nu * k);
        } else {
          SET(i, a, nu * k * y[b]);
          SET(i, b, nu * k * y[a]);
        }
      }
    }
    break;
  }
#undef SET
  return 0;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s robertson|hires|pollution RTOL ATOL REPEAT\n", argv[0]);
    return 2;
  }
  enum problem p;
  int n;
  double t_end, y0[20] = {0};
  if (!strcmp(argv[1], "robertson")) {
    p = ROBERTSON, n = 3, t_end = 1e5, y0[0] = 1.0;
  } else if (!strcmp(argv[1], "hires")) {
    p = HIRES, n = 8, t_end = 321.8122, y0[0] = 1.0, y0[7] = 0.0057;
  } else if (!strcmp(argv[1], "pollution")) {
    p = POLLUTION, n = 20, t_end = 60.0;
    y0[1] = 0.2, y0[3] = 0.04, y0[6] = 0.1, y0[7] = 0.3, y0[8] = 0.01, y0[16] = 0.007;
  } else {
    fprintf(stderr, "unknown problem '%s'\n", argv[1]);
    return 2;
  }
  double rtol = atof(argv[2]), atol = atof(argv[3]);
  int repeat = atoi(argv[4]);
  if (!(rtol > 0 && atol > 0 && repeat > 0)) {
    fprintf(stderr, "RTOL, ATOL and REPEAT must be positive\n");
    return 2;
  }
  double *times = malloc(repeat * sizeof(double)), *solve_times = malloc(repeat * sizeof(double)), y_end[20];
  long steps = 0, rhs_evals = 0, jac_evals = 0, setups = 0, fails = 0;
  for (int k = 0; k < repeat; k++) {
    double start = now();
    SUNContext ctx;
    if (SUNContext_Create(NULL, &ctx)) return 1;
    N_Vector y = N_VNew_Serial(n, ctx);
    memcpy(N_VGetArrayPointer(y), y0, n * sizeof(double));
    void *mem = CVodeCreate(CV_BDF, ctx);
    SUNMatrix A = SUNDenseMatrix(n, n, ctx);
    SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);
    int flag = CVodeInit(mem, rhs, 0.0, y);
    flag |= CVodeSStolerances(mem, rtol, atol);
    flag |= CVodeSetUserData(mem, &p);
    flag |= CVodeSetLinearSolver(mem, LS, A);
    flag |= CVodeSetJacFn(mem, jac);
    flag |= CVodeSetMaxNumSteps(mem, 1000000);
    flag |= CVodeSetStopTime(mem, t_end);
    double t, solve_start = now();
    if (flag || CVode(mem, t_end, y, &t, CV_NORMAL) < 0) {
      fprintf(stderr, "CVODE failed\n");
      return 1;
    }
    solve_times[k] = now() - solve_start;
    memcpy(y_end, N_VGetArrayPointer(y), n * sizeof(double));
    CVodeGetNumSteps(mem, &steps);
    CVodeGetNumRhsEvals(mem, &rhs_evals);
    CVodeGetNumJacEvals(mem, &jac_evals);
    CVodeGetNumLinSolvSetups(mem, &setups);
    CVodeGetNumErrTestFails(mem, &fails);
    CVodeFree(&mem);
    SUNLinSolFree(LS);
    SUNMatDestroy(A);
    N_VDestroy(y);
    SUNContext_Free(&ctx);
    times[k] = now() - start;
  }
  qsort(times, repeat, sizeof(double), compare);
  qsort(solve_times, repeat, sizeof(double), compare);
  printf("{\"problem\": \"%s\", \"method\": \"cvode-bdf\", \"rtol\": %g, \"atol\": %g, \"y\": [", argv[1],
         rtol, atol);
  for (int i = 0; i < n; i++) printf("%s%.17g", i ? ", " : "", y_end[i]);
  printf("], \"steps\": %ld, \"rejected\": %ld, \"rhs_evals\": %ld, \"jac_evals\": %ld, "
         "\"factorizations\": %ld, \"wall_s\": %.6e, \"wall_s_with_setup\": %.6e}\n",
         steps, fails, rhs_evals, jac_evals, setups, solve_times[repeat / 2], times[repeat / 2]);
  free(times);
  free(solve_times);
  return 0;
}
