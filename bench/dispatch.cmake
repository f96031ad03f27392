# Dispatch cost: one decision (travel times from the candidates to the call, then ranking) on
# synthetic cities of 1,000, 20,000 and 100,000 nodes, with each travel method, and the memory
# of the travel structure (bench/bench_travel.c). Run alone:
# cmake --build build --target bench_dispatch
add_executable(bench_travel ${CMAKE_CURRENT_LIST_DIR}/bench_travel.c)
target_link_libraries(bench_travel PRIVATE psim_models)
add_custom_target(bench_dispatch COMMAND bench_travel USES_TERMINAL
                  COMMENT "bench: dispatch decision cost")
add_dependencies(bench bench_dispatch)
