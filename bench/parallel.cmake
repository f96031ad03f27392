# Parallel efficiency: replications per second of the default scenario on 1 thread, 2 threads
# and 2 MPI ranks, best of 3 rounds, with the speed-up and efficiency (bench/parallel.py; see
# bench/README.md). Run alone: cmake --build build --target bench_parallel
find_program(PSIM_BENCH_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
set(psim_bench_mpiexec "")
if(PATROLSIM_HAVE_MPI AND MPIEXEC_EXECUTABLE)
  set(psim_bench_mpiexec ${MPIEXEC_EXECUTABLE})
endif()
add_custom_target(bench_parallel
  COMMAND ${PSIM_BENCH_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/parallel.py $<TARGET_FILE:patrolsim>
          ${PROJECT_SOURCE_DIR}/scenarios/ziliujing.cfg ${CMAKE_CURRENT_BINARY_DIR}/work
          "${psim_bench_mpiexec}" 100 3
  USES_TERMINAL COMMENT "bench: replications per second on 1, 2 threads and 2 MPI ranks")
add_dependencies(bench_parallel patrolsim)
add_dependencies(bench bench_parallel)
