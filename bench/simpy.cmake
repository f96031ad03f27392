# patrolsim against SimPy 3 on the same M/M/c (bench/simpy_mmc.py), and the model's own speed
# without the results file (bench/bench_model.c). Run alone: cmake --build build --target bench_simpy
add_executable(bench_model ${CMAKE_CURRENT_LIST_DIR}/bench_model.c)
target_link_libraries(bench_model PRIVATE psim_models)
find_program(PSIM_BENCH_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
add_custom_target(bench_simpy
  COMMAND ${PSIM_BENCH_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/simpy_mmc.py $<TARGET_FILE:patrolsim>
          ${PROJECT_SOURCE_DIR}/scenarios/validation/mmc.cfg ${CMAKE_CURRENT_BINARY_DIR}/work 10
          $<TARGET_FILE:bench_model>
  USES_TERMINAL COMMENT "bench: patrolsim against SimPy 3 (M/M/4)")
add_dependencies(bench_simpy patrolsim bench_model)
add_dependencies(bench bench_simpy)
