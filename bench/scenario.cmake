# Whole scenario: replications per second of the default scenario on 1 and 2 threads, and peak
# memory (bench/scenario_run.py). Run alone: cmake --build build --target bench_scenario
find_program(PSIM_BENCH_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
add_custom_target(bench_scenario
  COMMAND ${PSIM_BENCH_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/scenario_run.py $<TARGET_FILE:patrolsim>
          ${PROJECT_SOURCE_DIR}/scenarios/ziliujing.cfg ${CMAKE_CURRENT_BINARY_DIR}/work 1 2
  USES_TERMINAL COMMENT "bench: the default scenario, 1 and 2 threads")
add_dependencies(bench_scenario patrolsim)
add_dependencies(bench bench_scenario)
