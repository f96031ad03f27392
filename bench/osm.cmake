# Map import and history fit: wall times of 'patrolsim map import' on the real extracts beside
# the repository (skipped when absent) and of 'patrolsim fit' on the sample history.
# Run alone: cmake --build build --target bench_osm
find_program(PSIM_BENCH_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
add_custom_target(bench_osm
                  COMMAND ${PSIM_BENCH_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/osm_import.py
                          $<TARGET_FILE:patrolsim> ${PROJECT_SOURCE_DIR}
                          ${CMAKE_CURRENT_BINARY_DIR}/osm
                  DEPENDS patrolsim USES_TERMINAL COMMENT "bench: map import and history fit")
add_dependencies(bench bench_osm)
